"""Discover check modules and run them against a package.

A check is a Python module under a checks/ directory (built in, or an
include directory).  Its public name is its path below checks/ without
".py", such as "models/inventory".  The module defines
``run(package, hints)`` and emits every finding with ``hints.emit``; the
tags it may emit are those whose description names it in the Check field.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .errors import DataError
from .hints import Hint, Pointer
from .package import Package
from .paths import checks_dir, include_dirs
from .tags import TagInfo, load_tags

log = logging.getLogger(__name__)

INTERNAL_ERROR_TAG = "dl-lint-internal-error"


@dataclass(frozen=True, kw_only=True)
class Check:
    """One loaded check module."""

    name: str
    module: ModuleType
    path: Path

    @property
    def summary(self) -> str:
        doc = (self.module.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


def _check_files(directory: Path) -> Iterable[tuple[str, Path]]:
    for path in sorted(directory.rglob("*.py")):
        if path.name.startswith("_"):
            continue
        name = path.relative_to(directory).with_suffix("").as_posix()
        yield name, path


def _load_module(name: str, path: Path) -> ModuleType:
    module_name = "dl_lint_checks." + name.replace("/", ".").replace("-", "_")
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise DataError(f"cannot load check {name} from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - any error in a third-party check file
        raise DataError(f"cannot load check {name} from {path}: {type(error).__name__}: {error}") from error
    if not callable(getattr(module, "run", None)):
        raise DataError(f"check {name} ({path}) defines no run(package, hints)")
    return module


def load_checks(extra: tuple[str, ...] = ()) -> dict[str, Check]:
    """Load built-in checks, then those of include directories."""
    found: dict[str, Check] = {}
    directories = [checks_dir()] + [d / "checks" for d in include_dirs(extra)]
    for directory in directories:
        if not directory.is_dir():
            continue
        for name, path in _check_files(directory):
            if name in found:
                raise DataError(f"check {name} in {path} is already defined by {found[name].path}")
            found[name] = Check(name=name, module=_load_module(name, path), path=path)
    return found


class HintSink:
    """Collects the hints of one check, checking each tag against its declaration."""

    def __init__(self, check: str, tags: dict[str, TagInfo], hints: list[Hint]) -> None:
        self.check = check
        self._tags = tags
        self._hints = hints

    def emit(self, tag: str, context: str = "", *, path: str | None = None, line: int | None = None) -> None:
        """Record one hint; PATH and LINE point at what it is about."""
        info = self._tags.get(tag)
        if info is None or info.check != self.check:
            raise DataError(f"check {self.check} emitted tag {tag}, which it does not declare")
        pointer = Pointer(path=path, line=line) if path else None
        self._hints.append(
            Hint(tag=tag, severity=info.severity, check=self.check, context=" ".join(context.split()), pointer=pointer)
        )


def run_checks(package: Package, checks: dict[str, Check], tags: dict[str, TagInfo], only: set[str] | None = None) -> list[Hint]:
    """Run every check (or those in ONLY) and return their hints.

    A check that raises is reported as an internal-error hint naming the
    check; the other checks still run.
    """
    hints: list[Hint] = []
    for name in sorted(checks):
        if only and name not in only:
            continue
        check = checks[name]
        sink = HintSink(name, tags, hints)
        try:
            check.module.run(package, sink)
        except Exception as error:  # noqa: BLE001 - a failing check must not stop the others
            log.debug("check %s failed:\n%s", name, traceback.format_exc())
            info = tags[INTERNAL_ERROR_TAG]
            hints.append(
                Hint(tag=INTERNAL_ERROR_TAG, severity=info.severity, check=info.check,
                     context=f"{name} ({type(error).__name__}: {str(error)[:100]})")
            )
    return hints


def load_tags_checked(extra: tuple[str, ...], checks: dict[str, Check]) -> dict[str, TagInfo]:
    """Load tag descriptions and verify each names a loaded check."""
    tags = load_tags(extra)
    for info in tags.values():
        if info.check not in checks and info.check != "dl-lint":
            raise DataError(f"{info.path}: Check {info.check} names no known check")
    return tags
