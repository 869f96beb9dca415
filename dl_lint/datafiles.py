"""The one loader for dl-lint's knowledge tables in data/.

Tables are deb822 files (one paragraph per entry) or plain lists (one entry
per line); both allow "#" comment lines.  Parsing is strict: a malformed
table is a packaging bug of dl-lint, reported as DataError.
"""

from __future__ import annotations

import functools
from pathlib import Path

from .errors import DataError
from .paths import data_dir


def read_paragraphs(path: Path) -> list[dict[str, str]]:
    """Parse a deb822 file into a list of field dictionaries."""
    from debian import deb822

    try:
        with open(path, encoding="utf-8") as handle:
            paragraphs = [dict(p) for p in deb822.Deb822.iter_paragraphs(handle)]
    except OSError as error:
        raise DataError(f"cannot read data table {path}: {error.strerror}") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise DataError(f"invalid data table {path}: {error}") from error
    return paragraphs


@functools.cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """Return the deb822 table data/NAME, parsed once per process."""
    return tuple(read_paragraphs(data_dir() / name))


@functools.cache
def word_list(name: str) -> frozenset[str]:
    """Return the entries of the plain list data/NAME."""
    path = data_dir() / name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise DataError(f"cannot read data list {path}: {error.strerror}") from error
    return frozenset(
        line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")
    )


def field_lines(value: str | None) -> list[str]:
    """Split a multi-line deb822 field into its non-empty lines."""
    if not value:
        return []
    return [line.strip() for line in value.splitlines() if line.strip()]
