"""The package view shared by every check.

``load_package`` reads the source once (see dl_lint.inventory) and returns
a ``Package``: the file list, small text files, the model inventory and the
defects found while reading.  Parsed debian/ files are computed on first
use and shared.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import time

from . import mlmodels
from .inventory import FileEntry, ModelRecord, Scanner
from .mlmodels import Declaration, Defect
from .source import Source, SourceProblem

log = logging.getLogger(__name__)


class Package:
    """A source package as the checks see it; build it with ``load_package``."""

    def __init__(self, source: Source, scanner: Scanner, seconds: float) -> None:
        self.source = source
        self.name = source.name
        self.version = source.version
        self.files: dict[str, FileEntry] = scanner.files
        self.models: list[ModelRecord] = scanner.models
        self.problems: list[SourceProblem] = list(source.problems)
        self.problems += [
            SourceProblem(tag=tag, context=context, path=path)
            for tag, context, path in scanner.member_problems
        ]
        self.read_seconds = seconds
        # The policy profile the checks judge by, a file name under data/profiles/.
        self.profile = "ml-policy"
        self._text = scanner.text

    def exists(self, path: str) -> bool:
        return path in self.files

    def is_file(self, path: str) -> bool:
        entry = self.files.get(path)
        return entry is not None and entry.kind == "file"

    def text(self, path: str) -> str | None:
        """Return the content of a small text file or a debian/ file, else None.

        Files larger than the cache limits of dl_lint.inventory, and files
        behind a symbolic link, are not available here.
        """
        data = self._text.get(path)
        if data is None:
            return None
        return data.decode("utf-8", errors="replace")

    def text_files(self) -> list[str]:
        """Return the paths of every cached text file, sorted."""
        return sorted(self._text)

    def listdir(self, directory: str) -> list[str]:
        """Return the paths of the direct children of DIRECTORY."""
        prefix = directory.rstrip("/") + "/" if directory not in ("", ".") else ""
        return sorted(
            path for path in self.files
            if path.startswith(prefix) and "/" not in path[len(prefix):]
        )

    def siblings(self, path: str) -> list[str]:
        """Return the other files in the directory of PATH."""
        return [p for p in self.listdir(posixpath.dirname(path)) if p != path]

    @functools.cached_property
    def ml_models(self) -> tuple[list[Declaration], list[Defect]]:
        """The parsed debian/ml-models: declarations and defects (both empty without the file)."""
        text = self.text(mlmodels.PATH)
        if text is None:
            return [], []
        return mlmodels.parse(text)

    def declaration(self, path: str) -> Declaration | None:
        """Return the debian/ml-models paragraph describing PATH, if any."""
        return mlmodels.declaration_for(self.ml_models[0], path)

    @functools.cached_property
    def model_paths(self) -> set[str]:
        """Every file that belongs to some model in the inventory."""
        return {path for model in self.models for path in model.files}


def load_package(source: Source) -> Package:
    """Read every member of SOURCE once and return the package view."""
    started = time.perf_counter()
    scanner = Scanner()
    assert source.members is not None
    for member in source.members():
        scanner.add(member)
    scanner.finish()
    seconds = time.perf_counter() - started
    log.info("read %s %s: %d files, %d models in %.2f s", source.name, source.version, len(scanner.files), len(scanner.models), seconds)
    return Package(source, scanner, seconds)
