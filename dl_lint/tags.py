"""Tag descriptions: lintian-format .tag files under data/tags/.

Each file contains one deb822 paragraph with lintian's fields Tag, Severity,
Check, Explanation and See-Also.  The Check field is how a check declares
the tags it may emit; emitting any other tag is an internal error.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .datafiles import read_paragraphs
from .errors import DataError
from .paths import data_dir, include_dirs

SEVERITIES = ("error", "warning", "info", "pedantic", "classification")

# Lintian's one-letter codes for the severities.
CODES = {"error": "E", "warning": "W", "info": "I", "pedantic": "P", "classification": "C"}

# Tag names: lower-case words joined by hyphens, starting with a letter.
TAG_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")

REQUIRED_FIELDS = ("Tag", "Severity", "Check", "Explanation")
KNOWN_FIELDS = set(REQUIRED_FIELDS) | {"See-Also", "Renamed-From", "Experimental"}


@dataclass(frozen=True, kw_only=True)
class TagInfo:
    """One tag description."""

    name: str
    severity: str
    check: str
    explanation: str
    see_also: tuple[str, ...] = ()
    path: Path | None = None

    @property
    def code(self) -> str:
        return CODES[self.severity]


def parse_tag_file(path: Path) -> TagInfo:
    """Read and validate one .tag file."""
    paragraphs = read_paragraphs(path)
    if len(paragraphs) != 1:
        raise DataError(f"{path}: expected one paragraph, found {len(paragraphs)}")
    fields = paragraphs[0]
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise DataError(f"{path}: missing field {', '.join(missing)}")
    unknown = sorted(set(fields) - KNOWN_FIELDS)
    if unknown:
        raise DataError(f"{path}: unknown field {', '.join(unknown)}")
    name = fields["Tag"].strip()
    if not TAG_NAME.match(name) or path.stem != name:
        raise DataError(f"{path}: tag name {name!r} is invalid or differs from the file name")
    severity = fields["Severity"].strip()
    if severity not in SEVERITIES:
        raise DataError(f"{path}: unknown severity {severity!r}")
    see_also = tuple(
        item.strip() for item in fields.get("See-Also", "").replace("\n", " ").split(",")
        if item.strip()
    )
    return TagInfo(
        name=name,
        severity=severity,
        check=fields["Check"].strip(),
        explanation=fields["Explanation"],
        see_also=see_also,
        path=path,
    )


def tag_directories(extra: tuple[str, ...] = ()) -> list[Path]:
    """Return the built-in tags directory followed by include directories."""
    dirs = [data_dir() / "tags"]
    dirs += [d / "data" / "tags" for d in include_dirs(extra)]
    return [d for d in dirs if d.is_dir()]


@functools.cache
def load_tags(extra: tuple[str, ...] = ()) -> dict[str, TagInfo]:
    """Load every tag description, built-in first; duplicates are an error."""
    tags: dict[str, TagInfo] = {}
    for directory in tag_directories(extra):
        for path in sorted(directory.rglob("*.tag")):
            info = parse_tag_file(path)
            if info.name in tags:
                raise DataError(f"{path}: tag {info.name} is already described")
            tags[info.name] = info
    return tags


def explanation_text(info: TagInfo) -> str:
    """Render an explanation as plain text paragraphs, as lintian --info does."""
    lines = []
    for line in info.explanation.splitlines():
        stripped = line.strip()
        lines.append("" if stripped == "." else stripped)
    return "\n".join(lines).strip()
