"""Read a source package as a stream of members, whatever way it comes in.

An unpacked tree, a .dsc with its tarballs, and a .changes naming a .dsc
all give the same sequence of ``Member`` objects with paths relative to the
top of the unpacked source.  Tarballs are read once, in stream order, and
never unpacked to disk.  So a member's content can be read only while the
iteration is on that member.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import logging
import lzma
import os
import posixpath
import re
import stat
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import SourceError, UsageError

log = logging.getLogger(__name__)

# Errors a damaged compressed tarball raises while it is being read.
STREAM_ERRORS = (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError, ValueError)


@dataclass(kw_only=True)
class Member:
    """One entry of a source package.

    ``kind`` is "file", "dir", "symlink", "hardlink" or "special".
    ``problem`` names a tag when the entry itself is hostile or damaged
    (an absolute or parent-relative path, a link leaving the package).
    """

    path: str
    kind: str
    size: int = 0
    link_target: str | None = None
    origin: str = ""
    problem: tuple[str, str] | None = None
    opener: Callable[[], BinaryIO] | None = None

    def open(self) -> BinaryIO:
        if self.opener is None:
            raise SourceError(f"{self.path} has no content to read")
        return self.opener()


@dataclass(kw_only=True)
class SourceProblem:
    """A defect of the input as a whole, reported as a hint on a pointer."""

    tag: str
    context: str
    path: str = ""


@dataclass(kw_only=True)
class Source:
    """Metadata of a source package and the generator of its members."""

    name: str
    version: str
    input_kind: str  # "tree", "dsc" or "changes"
    location: Path
    source_format: str = ""
    problems: list[SourceProblem] = field(default_factory=list)
    members: Callable[[], Iterator[Member]] | None = None


def normalise(name: str) -> tuple[str, tuple[str, str] | None]:
    """Normalise a member name; flag absolute and parent-relative paths."""
    problem = None
    if name.startswith("/"):
        problem = ("source-member-absolute-path", name)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        problem = ("source-member-path-outside-package", name)
        parts = [p for p in parts if p != ".."]
    return "/".join(parts), problem


def link_leaves_package(path: str, target: str) -> bool:
    """Return whether a symbolic link at PATH pointing to TARGET escapes the top."""
    if target.startswith("/"):
        return True
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    return joined == ".." or joined.startswith("../")


# Unpacked trees


def open_tree(root: Path) -> Source:
    """Return a Source reading an unpacked source tree."""
    root = root.resolve()
    name, version = _changelog_identity(root / "debian" / "changelog")
    source = Source(name=name or root.name, version=version, input_kind="tree", location=root)
    fmt = root / "debian" / "source" / "format"
    if fmt.is_file() and not fmt.is_symlink():
        source.source_format = fmt.read_text(encoding="utf-8", errors="replace").strip()
    source.members = lambda: _walk_tree(root)
    return source


def _changelog_identity(path: Path) -> tuple[str, str]:
    """Read source name and version from the first line of debian/changelog."""
    if not path.is_file() or path.is_symlink():
        return "", ""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            first = handle.readline()
    except OSError:
        return "", ""
    match = re.match(r"^(\S+) \(([^)\s]+)\)", first)
    return (match.group(1), match.group(2)) if match else ("", "")


def _walk_tree(root: Path) -> Iterator[Member]:
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            log.warning("cannot list %s: %s", directory, error.strerror)
            continue
        subdirs = []
        for entry in entries:
            relative = Path(entry.path).relative_to(root).as_posix()
            if relative == ".git" or relative == ".pc":
                continue
            yield from _tree_member(entry, relative, subdirs)
        stack.extend(reversed(subdirs))


def _tree_member(entry: os.DirEntry, relative: str, subdirs: list[Path]) -> Iterator[Member]:
    info = entry.stat(follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(entry.path)
        problem = None
        if link_leaves_package(relative, target):
            problem = ("source-link-outside-package", f"{relative} -> {target}")
        yield Member(path=relative, kind="symlink", link_target=target, problem=problem)
    elif stat.S_ISDIR(info.st_mode):
        subdirs.append(Path(entry.path))
        yield Member(path=relative, kind="dir")
    elif stat.S_ISREG(info.st_mode):
        yield Member(
            path=relative,
            kind="file",
            size=info.st_size,
            opener=lambda p=entry.path: _open_no_follow(p),
        )
    else:
        yield Member(path=relative, kind="special")


def _open_no_follow(path: str) -> BinaryIO:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NOCTTY", 0))
    return os.fdopen(fd, "rb")


# Tarballs


class HashingReader:
    """A forward-only file wrapper that hashes everything read through it."""

    def __init__(self, raw: BinaryIO, algorithm: str) -> None:
        self.raw = raw
        self.digest = hashlib.new(algorithm)
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data

    def drain(self) -> None:
        while self.read(1 << 20):
            pass


def read_tarball(
    path: Path,
    *,
    prefix: str = "",
    strip: int = 1,
    problems: list[SourceProblem],
    expected: tuple[str, str] | None = None,
) -> Iterator[Member]:
    """Yield the members of one tarball, read in stream order.

    ``strip`` leading path components are removed and ``prefix`` prepended,
    as dpkg-source does when it unpacks orig tarballs.  A damaged tarball
    ends the iteration with a problem; members already yielded stand.
    ``expected`` is (algorithm, hex digest) to verify while reading.
    """
    try:
        raw = open(path, "rb")
    except OSError as error:
        raise SourceError(f"cannot open {path}: {error.strerror}") from error
    with raw:
        reader = HashingReader(raw, expected[0] if expected else "sha256")
        try:
            with tarfile.open(fileobj=reader, mode="r|*") as archive:
                for info in archive:
                    member = _tar_member(info, archive, path.name, prefix, strip)
                    if member is not None:
                        yield member
                    if info.isreg():
                        _drain_member(archive, info, member)
            reader.drain()
        except STREAM_ERRORS as error:
            log.debug("reading %s failed: %s", path, error)
            problems.append(
                SourceProblem(tag="source-tarball-unreadable", context=f"{path.name} ({_reason(error)})")
            )
            return
        if expected and reader.digest.hexdigest() != expected[1]:
            problems.append(
                SourceProblem(tag="source-checksum-mismatch", context=f"{path.name} {expected[0]}")
            )


class _KeepOpen:
    """A tar member's file object that survives the consumer's ``with`` block.

    The reader drains the member after the consumer is done, through the
    same object, because tarfile can only move forward in a stream.
    """

    def __init__(self, handle) -> None:
        self.handle = handle

    def __enter__(self):
        return self.handle

    def __exit__(self, *exc_info) -> None:
        return None

    def __getattr__(self, name):
        return getattr(self.handle, name)


def _drain_member(archive: tarfile.TarFile, info: tarfile.TarInfo, member: Member | None) -> None:
    """Read the rest of a regular member in large blocks.

    tarfile would otherwise skip it by reading 10 KiB at a time without
    noticing the end of the data, which takes minutes for a truncated
    tarball whose member declares a huge size.  Reading it here raises
    ReadError at the first short block instead.
    """
    handle = member.opener() if member is not None and member.opener else archive.extractfile(info)
    while handle.read(1 << 20):
        pass


def _reason(error: BaseException) -> str:
    if isinstance(error, tarfile.StreamError):
        # tarfile raises "seeking backwards is not allowed" when a member's
        # data ended early and the stream cannot be resynchronised.
        return "truncated or damaged member data"
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:120]


def _tar_member(info: tarfile.TarInfo, archive: tarfile.TarFile, origin: str, prefix: str, strip: int) -> Member | None:
    name, problem = normalise(info.name)
    parts = name.split("/") if name else []
    if strip and len(parts) <= strip and not info.isfile():
        return None  # the top directory itself
    if strip and len(parts) > strip:
        parts = parts[strip:]
    path = posixpath.join(prefix, *parts) if parts else prefix
    if not path:
        return None
    member = Member(path=path, kind="special", origin=origin, problem=problem)
    if info.isreg():
        member.kind = "file"
        member.size = info.size
        handle = _KeepOpen(archive.extractfile(info))
        member.opener = lambda: handle
    elif info.isdir():
        member.kind = "dir"
    elif info.issym():
        member.kind = "symlink"
        member.link_target = info.linkname
        if problem is None and link_leaves_package(path, info.linkname):
            member.problem = ("source-link-outside-package", f"{path} -> {info.linkname}")
    elif info.islnk():
        member.kind = "hardlink"
        member.link_target = info.linkname
        target, target_problem = normalise(info.linkname)
        if problem is None and target_problem:
            member.problem = ("source-link-outside-package", f"{path} -> {info.linkname}")
    return member


# .dsc and .changes

TARBALL = re.compile(
    r"^(?P<name>[^_]+)_(?P<version>[^_]+?)"
    r"(?:\.(?P<part>orig|orig-(?P<component>[A-Za-z0-9][-A-Za-z0-9]*)|debian))?"
    r"\.tar\.(?P<comp>gz|xz|bz2|lzma)$"
)
DIFF = re.compile(r"^[^_]+_[^_]+\.diff\.gz$")
# A format 1.0 diff is read into memory whole; real ones are a few MiB.
DIFF_LIMIT = 32 << 20


def open_dsc(path: Path) -> Source:
    """Return a Source reading the tarballs a .dsc names, in place."""
    from debian import deb822

    try:
        with open(path, "rb") as handle:
            dsc = deb822.Dsc(handle)
        files = _dsc_files(dsc)
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror}") from error
    except (ValueError, KeyError, TypeError) as error:  # UnicodeDecodeError is a ValueError
        raise SourceError(f"{path} is not a valid .dsc file: {type(error).__name__} while parsing it") from error
    if "Source" not in dsc or "Files" not in dsc:
        raise SourceError(f"{path} is not a valid .dsc file: Source or Files field missing")
    outside = [name for name in files if "/" in name or name in ("", ".", "..")]
    if outside:
        raise SourceError(f"{path} names {outside[0]!r}, which is not a file beside the .dsc")
    source = Source(
        name=dsc["Source"],
        version=dsc.get("Version", ""),
        input_kind="dsc",
        location=path.resolve(),
        source_format=dsc.get("Format", "1.0").strip(),
    )
    directory = path.resolve().parent
    plan = _unpack_plan(source.source_format, list(files), path)
    missing = [name for name, _, _ in plan if not (directory / name).is_file()]
    if missing:
        raise SourceError(f"{path}: file {missing[0]} named in the .dsc was not found beside it")
    source.members = lambda: _dsc_members(directory, plan, files, source.problems, source.source_format)
    return source


def _dsc_files(dsc) -> dict[str, tuple[str, str]]:
    """Map each file named in a .dsc to its strongest (algorithm, checksum)."""
    files: dict[str, tuple[str, str]] = {}
    for field_name, algorithm, key in (
        ("Files", "md5", "md5sum"),
        ("Checksums-Sha1", "sha1", "sha1"),
        ("Checksums-Sha256", "sha256", "sha256"),
    ):
        for entry in dsc.get(field_name, []) or []:
            files[entry["name"]] = (algorithm, entry[key])
    return files


def _unpack_plan(fmt: str, names: list[str], dsc_path: Path) -> list[tuple[str, str, int]]:
    """Return (file, prefix, strip) for each tarball, in dpkg-source's order."""
    fmt = fmt.split()[0] if fmt else "1.0"
    tarballs = {}
    diffs = []
    for name in names:
        match = TARBALL.match(name)
        if match:
            tarballs[name] = match
        elif DIFF.match(name):
            diffs.append(name)
    plan: list[tuple[str, str, int]] = []
    if fmt == "3.0" or fmt == "1.0":
        for name, match in tarballs.items():
            if match["part"] in ("orig", None):
                plan.insert(0, (name, "", 1))
        for name, match in tarballs.items():
            component = match["component"]
            if component:
                plan.append((name, component, 1))
        for name, match in tarballs.items():
            if match["part"] == "debian":
                plan.append((name, "", 0))
        for name in diffs:
            plan.append((name, "", -1))
    if not plan:
        raise SourceError(f"{dsc_path}: no tarball found for source format {fmt}")
    return plan


def _dsc_members(directory: Path, plan, files, problems, fmt: str) -> Iterator[Member]:
    has_debian_tarball = any(strip == 0 for _, _, strip in plan)
    for name, prefix, strip in plan:
        if strip < 0:
            yield from read_diff(directory / name, problems=problems)
            continue
        members = read_tarball(directory / name, prefix=prefix, strip=strip, problems=problems, expected=files.get(name))
        if strip == 1 and not prefix and has_debian_tarball and fmt.startswith("3.0"):
            # dpkg-source removes upstream's debian/ before unpacking the
            # Debian tarball, so an upstream debian/ must not reach the checks.
            members = (m for m in members if m.path != "debian" and not m.path.startswith("debian/"))
        yield from members


def read_diff(path: Path, *, problems: list[SourceProblem]) -> Iterator[Member]:
    """Yield the files a format 1.0 .diff.gz creates (new files only).

    Changes to files already in the orig tarball are not applied, so checks
    see upstream's version of those files.
    """
    import io

    try:
        with gzip.open(path, "rb") as handle:
            text = handle.read(DIFF_LIMIT + 1)
        if len(text) > DIFF_LIMIT:
            problems.append(SourceProblem(tag="source-tarball-unreadable", context=f"{path.name} (larger than {DIFF_LIMIT >> 20} MiB unpacked; not read)"))
            return
    except STREAM_ERRORS as error:
        problems.append(SourceProblem(tag="source-tarball-unreadable", context=f"{path.name} ({_reason(error)})"))
        return
    for target, content in _new_files_in_diff(text):
        name, problem = normalise(target)
        name = name.split("/", 1)[1] if "/" in name else name
        data = content
        yield Member(
            path=name, kind="file", size=len(data), origin=path.name, problem=problem,
            opener=lambda d=data: io.BytesIO(d),
        )


def _new_files_in_diff(text: bytes) -> Iterator[tuple[str, bytes]]:
    lines = text.split(b"\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith(b"--- ") and index + 2 < len(lines) and lines[index + 1].startswith(b"+++ "):
            target = lines[index + 1][4:].split(b"\t")[0].decode("utf-8", "replace")
            hunk = re.match(rb"^@@ -0,0 \+1(?:,(\d+))? @@", lines[index + 2])
            index += 2
            if not hunk:
                continue
            count = int(hunk.group(1) or 1)
            body = []
            index += 1
            while index < len(lines) and len(body) < count and lines[index].startswith(b"+"):
                body.append(lines[index][1:])
                index += 1
            yield target, b"\n".join(body) + (b"\n" if body else b"")
            continue
        index += 1


def open_changes(path: Path) -> Source:
    """Return a Source reading the .dsc that a .changes file lists."""
    from debian import deb822

    try:
        with open(path, "rb") as handle:
            changes = deb822.Changes(handle)
        dscs = [entry["name"] for entry in changes.get("Files", []) or [] if entry["name"].endswith(".dsc")]
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror}") from error
    except (ValueError, KeyError, TypeError) as error:
        raise SourceError(f"{path} is not a valid .changes file: {type(error).__name__} while parsing it") from error
    if any("/" in name for name in dscs):
        raise SourceError(f"{path} names {dscs[0]!r}, which is not a file beside the .changes")
    if not dscs:
        raise SourceError(f"{path} lists no .dsc file; dl-lint checks source uploads only")
    source = open_dsc(path.resolve().parent / dscs[0])
    source.input_kind = "changes"
    return source


def open_source(argument: str) -> Source:
    """Return a Source for a tree, .dsc or .changes path given on the command line."""
    path = Path(argument)
    if path.is_dir():
        return open_tree(path)
    if not path.exists():
        raise UsageError(f"{argument}: no such file or directory")
    if not path.is_file():
        raise UsageError(f"{argument}: not a regular file, a source tree, a .dsc or a .changes file")
    if path.suffix == ".dsc":
        return open_dsc(path)
    if path.suffix == ".changes":
        return open_changes(path)
    raise UsageError(f"{argument}: expected a source tree, a .dsc or a .changes file")


def open_member_decompressed(raw: BinaryIO, name: str) -> BinaryIO | None:
    """Return a decompressing reader for a .gz, .bz2 or .xz member, else None."""
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if name.endswith(".bz2"):
        return bz2.BZ2File(raw)
    if name.endswith(".xz"):
        return lzma.LZMAFile(raw)
    return None
