"""Locate dl-lint's data/ and checks/ directories.

Three layouts are supported: a source checkout (data/ and checks/ beside
the dl_lint package), an installed wheel or Debian package (setup.cfg maps
them to dl_lint/data and dl_lint/checks), and extra include directories
given by the user, which hold checks/ and data/tags/ of third parties.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent

# Include directories for third-party checks, separated by ":" as in PATH.
INCLUDE_ENV = "DL_LINT_INCLUDE_DIRS"


def _builtin(name: str) -> Path:
    installed = _PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def data_dir() -> Path:
    """Return the built-in data/ directory."""
    return _builtin("data")


def checks_dir() -> Path:
    """Return the built-in checks/ directory."""
    return _builtin("checks")


def include_dirs(extra: list[str] | tuple[str, ...] = ()) -> list[Path]:
    """Return include directories from the command line, then the environment."""
    dirs = [Path(d) for d in extra]
    dirs += [Path(d) for d in os.environ.get(INCLUDE_ENV, "").split(":") if d]
    return dirs
