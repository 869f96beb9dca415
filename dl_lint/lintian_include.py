"""Write a lintian include directory that runs dl-lint inside lintian.

``lintian --include-dir DIR`` loads checks from DIR/lib/Lintian/Check,
tag descriptions from DIR/tags and profiles from DIR/profiles.  The check
module and the profile are kept as files under lintian/ in the source
tree; the tag files are generated here from data/tags, so that lintian
has a description of every tag the installed dl-lint can emit.  Lintian
accepts a hint only when the issuing check owns its tag, so every
generated tag names the one lintian check "dl-lint" in its Check field,
and the dl-lint check that emits it moves into the Explanation.

Run ``python3 -m dl_lint.lintian_include DIR`` in a source checkout or
after ``pip install``; the Debian package ships the result in
/usr/share/dl-lint/lintian.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .datafiles import read_paragraphs
from .errors import DataError, DlLintError
from .paths import _builtin
from .tags import TagInfo, load_tags

log = logging.getLogger(__name__)

# The lintian check name derived from lib/Lintian/Check/DlLint.pm.
LINTIAN_CHECK = "dl-lint"

# Generated tag files go below DIR/tags in a directory of their own, so a
# new run can remove the files of tags that no longer exist.
TAGS_SUBDIR = Path("tags") / "dl-lint"

# Files and directories copied unchanged from the lintian/ source directory.
STATIC_PARTS = ("lib", "profiles")

# The include directory of the Debian package.
DEBIAN_INCLUDE_DIR = Path("/usr/share/dl-lint/lintian")

# Optional fields of a dl-lint tag file that lintian reads with the same meaning.
PASSED_FIELDS = ("See-Also", "Renamed-From", "Experimental")


@dataclass(frozen=True, kw_only=True)
class IncludeDir:
    """The files that write_include_dir wrote."""

    path: Path
    tags: tuple[str, ...]
    static_files: tuple[Path, ...]


def source_dir() -> Path:
    """Return the directory holding the check module (lib/) and the profile (profiles/).

    That is lintian/ of a source checkout or of a pip installation, else the
    include directory the Debian package ships.
    """
    for candidate in (_builtin("lintian"), DEBIAN_INCLUDE_DIR):
        if (candidate / "lib").is_dir():
            return candidate
    raise DataError(f"the lintian check module is missing: neither {_builtin('lintian')} nor {DEBIAN_INCLUDE_DIR} exists")


def lintian_tag_names(base: Path | None = None) -> set[str]:
    """Return the names of the tags of the installed lintian, or none without lintian.

    BASE defaults to $LINTIAN_BASE or /usr/share/lintian, as lintian itself does.
    """
    base = base or Path(os.environ.get("LINTIAN_BASE", "/usr/share/lintian"))
    tags_dir = base / "tags"
    if not tags_dir.is_dir():
        return set()
    return {path.stem for path in tags_dir.rglob("*.tag")}


def tag_file_text(info: TagInfo, extra_fields: dict[str, str]) -> str:
    """Return the lintian tag file for one dl-lint tag."""
    explanation = info.explanation.rstrip("\n")
    explanation += f"\n .\n dl-lint emits this tag from its check {info.check}."
    lines = [
        f"Tag: {info.name}",
        f"Severity: {info.severity}",
        f"Check: {LINTIAN_CHECK}",
        f"Explanation: {explanation}",
    ]
    for name in PASSED_FIELDS:
        value = extra_fields.get(name, "").strip()
        if value:
            lines.append(f"{name}: {value}")
    return "\n".join(lines) + "\n"


def _passed_fields(info: TagInfo) -> dict[str, str]:
    # TagInfo keeps See-Also parsed and drops the other optional fields,
    # so read them from the tag file itself.
    if info.path is None:
        return {"See-Also": ", ".join(info.see_also)}
    paragraph = read_paragraphs(info.path)[0]
    return {name: paragraph[name] for name in PASSED_FIELDS if name in paragraph}


def _check_collisions(tags: dict[str, TagInfo], lintian_tags: set[str]) -> None:
    # Lintian reads include directories before its own tags and keeps the
    # first description of a name, so a shared name would take the tag away
    # from lintian's own check.
    shared = sorted(set(tags) & lintian_tags)
    if shared:
        raise DataError(f"dl-lint tags also defined by lintian: {', '.join(shared)}; rename them")


def _copy_static(source: Path, target: Path) -> list[Path]:
    copied = []
    for part in STATIC_PARTS:
        origin = source / part
        if not origin.is_dir():
            raise DataError(f"lintian include source {origin} is missing")
        for path in sorted(origin.rglob("*")):
            if path.is_dir() or path.suffix == ".pyc":
                continue
            destination = target / path.relative_to(source)
            # Regenerating the shipped directory in place keeps its own files.
            if destination.exists() and destination.samefile(path):
                copied.append(destination)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            copied.append(destination)
    return copied


def _write_tags(tags: dict[str, TagInfo], target: Path) -> None:
    tags_dir = target / TAGS_SUBDIR
    if tags_dir.is_dir():
        shutil.rmtree(tags_dir)
    tags_dir.mkdir(parents=True)
    for name, info in sorted(tags.items()):
        text = tag_file_text(info, _passed_fields(info))
        (tags_dir / f"{name}.tag").write_text(text, encoding="utf-8")


def write_include_dir(
    target: Path, *, include: tuple[str, ...] = (), source: Path | None = None,
    lintian_tags: set[str] | None = None,
) -> IncludeDir:
    """Write the lintian include directory TARGET.

    INCLUDE names dl-lint include directories whose tags lintian must also
    know.  LINTIAN_TAGS are tag names lintian already defines (default: those
    of the installed lintian); a dl-lint tag of the same name raises DataError.
    """
    tags = load_tags(tuple(include))
    names = lintian_tag_names() if lintian_tags is None else lintian_tags
    _check_collisions(tags, names)

    try:
        target.mkdir(parents=True, exist_ok=True)
        static_files = _copy_static(source or source_dir(), target)
        _write_tags(tags, target)
    except OSError as error:
        raise DataError(f"cannot write the lintian include directory {target}: {error}") from error
    log.info("wrote %d tag files and %d check files to %s", len(tags), len(static_files), target)
    return IncludeDir(path=target, tags=tuple(sorted(tags)), static_files=tuple(static_files))


def main(argv: list[str] | None = None) -> int:
    """Write the include directory named on the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python3 -m dl_lint.lintian_include",
        description="Write a lintian include directory that runs dl-lint as the lintian check dl-lint. "
        "Use it with: lintian --include-dir DIR PACKAGE.dsc",
    )
    parser.add_argument("directory", metavar="DIR", help="directory to write (created if missing)")
    parser.add_argument("--include-dir", action="append", default=[], metavar="DIR",
                        help="dl-lint include directory whose tags lintian must also know (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="dl-lint: %(levelname)s: %(message)s")

    try:
        written = write_include_dir(Path(args.directory), include=tuple(args.include_dir))
    except DlLintError as error:
        print(f"dl-lint: error: {error}", file=sys.stderr)
        return 1
    print(f"{written.path}: {len(written.tags)} tags for the lintian check {LINTIAN_CHECK}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
