"""Find the source packages a sweep lints.

Four kinds of input give the same list of ``SweepItem``:

- a mirror-like directory tree, for every .dsc below it;
- a Sources index (plain, .gz, .xz or .bz2, read with python-debian)
  together with the mirror root it describes;
- a text file listing .dsc paths, one per line (``-`` for standard input);
- .dsc files named directly.

Nothing is linted here.  The .dsc files of trees and lists are only read
to checksum them, because the checksum identifies a package when a sweep
is resumed.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import logging
import lzma
import os
import posixpath
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import SourceError, UsageError

log = logging.getLogger(__name__)

# A .dsc is a few kilobytes; a larger file of that name is read up to here.
DSC_READ_LIMIT = 16 << 20
# Archive areas of Debian mirrors, as they appear below pool/.
AREAS = ("main", "contrib", "non-free", "non-free-firmware")


@dataclass(kw_only=True)
class SweepItem:
    """One source package to lint, as the input describes it before linting.

    ``checksum`` is "<algorithm>:<hex digest>" of the .dsc, from the index
    or from reading the file; the worker verifies it before linting.
    ``problem`` is set when the input itself shows that the package cannot
    be linted (an index entry without a .dsc, an unreadable .dsc).  Such an
    item becomes a failed record without reaching a worker.
    """

    dsc: str
    checksum: str = ""
    source: str = ""
    version: str = ""
    area: str = ""
    index_entry: str = ""
    problem: str = ""

    @property
    def key(self) -> str:
        return record_key(dsc=self.dsc, checksum=self.checksum, source=self.source,
                          version=self.version, index_entry=self.index_entry)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SweepItem:
        return cls(**data)


def record_key(*, dsc: str, checksum: str, source: str, version: str, index_entry: str = "") -> str:
    """Return the identity of a package in a records file.

    The .dsc path and its checksum identify a package whenever the .dsc
    was readable.  Otherwise its name and version do.  An index entry that
    names neither is identified by its position in the index.
    """
    if dsc and checksum:
        return f"{dsc} {checksum}"
    if source and version:
        return f"{source}_{version}"
    return dsc or index_entry


def area_of(path: str) -> str:
    """Return the archive area of a path inside a mirror (the component after pool/)."""
    parts = path.replace(os.sep, "/").split("/")
    for index, part in enumerate(parts[:-1]):
        if part == "pool" and parts[index + 1] in AREAS:
            return parts[index + 1]
    return ""


def identity_from_name(path: Path) -> tuple[str, str]:
    """Return (source, version) from a .dsc file name; the epoch is not in the name."""
    stem = path.name[: -len(".dsc")] if path.name.endswith(".dsc") else path.name
    source, _, version = stem.partition("_")
    return source, version


def dsc_item(path: Path, *, area: str | None = None) -> SweepItem:
    """Return the item for a .dsc file, checksummed now so a resume can recognise it."""
    source, version = identity_from_name(path)
    absolute = os.path.abspath(path)
    item = SweepItem(dsc=absolute, source=source, version=version,
                     area=area_of(absolute) if area is None else area)
    try:
        with open(path, "rb") as handle:
            data = handle.read(DSC_READ_LIMIT)
    except OSError as error:
        item.problem = f"cannot read {absolute}: {error.strerror}"
        return item
    item.checksum = "sha256:" + hashlib.sha256(data).hexdigest()
    return item


# Mirror-like trees


def tree_items(root: Path) -> list[SweepItem]:
    """Return an item for every .dsc below ROOT, in path order.

    Symbolic links to .dsc files are listed, but symbolically linked
    directories are not entered, so a link cycle cannot loop the walk.
    """
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        found.extend(Path(directory) / name for name in files if name.endswith(".dsc"))
    return [dsc_item(path) for path in sorted(found)]


# Sources indexes


def open_index(path: Path) -> BinaryIO:
    """Open a Sources index, decompressing it by its suffix."""
    try:
        if path.suffix == ".gz":
            return gzip.open(path, "rb")
        if path.suffix == ".xz":
            return lzma.open(path, "rb")
        if path.suffix == ".bz2":
            return bz2.open(path, "rb")
        return open(path, "rb")
    except OSError as error:
        raise SourceError(f"cannot read the Sources index {path}: {error.strerror}") from error


def mirror_root_of(index: Path) -> Path:
    """Guess the mirror root of an index: the directory holding dists/, else the index's own."""
    absolute = Path(os.path.abspath(index))
    for parent in absolute.parents:
        if parent.name == "dists":
            return parent.parent
    return absolute.parent


def index_items(index: Path, root: Path | None = None) -> list[SweepItem]:
    """Return an item for every paragraph of a Sources index whose files lie below ROOT."""
    from debian import deb822

    # Absolute but not resolved, as for trees, so both name a .dsc by the same path.
    root = Path(os.path.abspath(root or mirror_root_of(index)))
    items = []
    with open_index(index) as handle:
        try:
            paragraphs = list(deb822.Sources.iter_paragraphs(handle, use_apt_pkg=False))
        except (OSError, EOFError, lzma.LZMAError, ValueError) as error:
            raise SourceError(f"cannot read the Sources index {index}: {error}") from error
    for number, paragraph in enumerate(paragraphs, start=1):
        items.append(_index_item(paragraph, root, f"{index}:{number}"))
    log.info("read %d entries from %s (mirror root %s)", len(items), index, root)
    return items


def _index_item(paragraph, root: Path, entry: str) -> SweepItem:
    source = paragraph.get("Package", "")
    version = paragraph.get("Version", "")
    directory = paragraph.get("Directory", "")
    item = SweepItem(dsc="", source=source, version=version, area=area_of(directory), index_entry=entry)
    missing = [name for name, value in (("Package", source), ("Version", version), ("Directory", directory)) if not value]
    if missing:
        item.problem = f"Sources entry {entry}: field {', '.join(missing)} missing"
        return item
    dsc_name, checksum = _dsc_in_paragraph(paragraph)
    if not dsc_name:
        item.problem = f"Sources entry {entry}: no .dsc file listed in Files or Checksums-Sha256"
        return item
    relative = posixpath.normpath(posixpath.join(directory, dsc_name))
    # An index is input too: never let it point the sweep outside the mirror.
    if relative.startswith(("/", "../")) or relative == ".." or "/" in dsc_name:
        item.problem = f"Sources entry {entry}: path {directory}/{dsc_name} leaves the mirror root"
        return item
    item.dsc = str(root / relative)
    item.checksum = checksum
    return item


def _dsc_in_paragraph(paragraph) -> tuple[str, str]:
    """Return the .dsc file name of an index paragraph and its strongest checksum."""
    found = ("", "")
    for field, algorithm, key in (("Files", "md5", "md5sum"), ("Checksums-Sha256", "sha256", "sha256")):
        entries = paragraph.get(field)
        # python-debian gives a dict instead of a list for a one-line malformed field.
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, Mapping):
                continue
            name = entry.get("name", "")
            digest = entry.get(key, "")
            if name.endswith(".dsc") and digest:
                found = (name, f"{algorithm}:{digest.lower()}")
    return found


# Lists of .dsc paths


def list_items(lines: Iterable[str], base: Path) -> list[SweepItem]:
    """Return the items of a list of .dsc paths; relative paths are taken from BASE."""
    items = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        items.append(dsc_item(base / line))
    return items


# Any input


def is_index(path: Path) -> bool:
    """Return whether PATH names a Sources index (Sources, Sources.gz, .xz, .bz2)."""
    return path.name.split(".")[0] == "Sources"


def collect(inputs: list[str], *, mirror: str | None = None) -> list[SweepItem]:
    """Return the items of every input, without duplicates, in input order."""
    items: dict[str, SweepItem] = {}
    for argument in inputs:
        for item in _items_of(argument, mirror):
            items.setdefault(item.key, item)
    return list(items.values())


def _items_of(argument: str, mirror: str | None) -> Iterator[SweepItem]:
    if argument == "-":
        yield from list_items(sys.stdin, Path.cwd())
        return
    path = Path(argument)
    if path.is_dir():
        yield from tree_items(path)
    elif not path.exists():
        raise UsageError(f"{argument}: no such file or directory")
    elif path.name.endswith(".dsc"):
        yield dsc_item(path)
    elif is_index(path):
        yield from index_items(path, Path(mirror) if mirror else None)
    else:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise SourceError(f"cannot read the list {argument}: {error.strerror}") from error
        yield from list_items(text.splitlines(), path.parent)
