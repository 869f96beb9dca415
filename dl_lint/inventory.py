"""The model inventory: every model file of a package, found in one pass.

``Scanner.add`` is called once per member, in the order the source yields
them, and reads each file forward once: the first bytes decide the format,
the inspector reads on from there, and the rest is hashed.  Formats that
need random access get an in-memory copy of the member instead.  Small text
files are kept for the checks; nothing else stays in memory.
"""

from __future__ import annotations

import bz2
import functools
import hashlib
import importlib
import io
import logging
import lzma
import math
import posixpath
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from . import embedded, formats
from .datafiles import field_lines, table, word_list
from .errors import DataError, FormatError, MissingDependencyError
from .formats import HEAD_SIZE, FormatRule, parse_magic
from .inspect._stream import is_seekable
from .model import ModelDetails
from .probes import looks_like_text
from .source import STREAM_ERRORS, Member, open_member_decompressed

log = logging.getLogger(__name__)

# Text files up to this size are kept in memory for the checks.
TEXT_CACHE_LIMIT = 1 << 20
# Files under debian/ are kept up to this size, text or not.
DEBIAN_CACHE_LIMIT = 4 << 20
# All cached text of one package together stays below this; files past
# it are not given to the checks (debian/ files always are).
TEXT_CACHE_BUDGET = 256 << 20
# Members of a tarball whose inspector needs a seekable file are buffered
# in memory up to this size; larger ones are reported as not inspected.
RANDOM_ACCESS_LIMIT = 512 << 20
# Unknown binary files from this size on are checked for high entropy.
POSSIBLE_MODEL_MIN_SIZE = 1 << 20
# Bits per byte over the first bytes of a file at or above which an
# unknown binary file is reported as a possible model.
POSSIBLE_MODEL_ENTROPY = 7.0
# Entropy is measured on this much of the start of the file: 256 byte
# counts over the sample run on every large unknown binary file.
ENTROPY_SAMPLE = 1 << 20
CHUNK = 1 << 20


@dataclass(kw_only=True)
class FileEntry:
    """One member of the package, as the checks see it."""

    path: str
    kind: str
    size: int = 0
    link_target: str | None = None
    origin: str = ""
    is_text: bool = False
    sha256: str | None = None


@dataclass(kw_only=True)
class ModelRecord:
    """One model found in the package.

    ``kind`` comes from the format table ("model", "model-like",
    "container"), or is "embedded" for weights in C sources and "possible"
    for high-entropy blobs of no known format.  ``files`` lists every file
    of a grouped model (such as a Sphinx acoustic model directory).
    """

    path: str
    format: str
    format_name: str
    kind: str
    size: int
    evidence: str
    files: list[str] = field(default_factory=list)
    details: ModelDetails | None = None
    problem: tuple[str, str] | None = None
    sha256: str | None = None
    compressed: str | None = None
    embedded: embedded.EmbeddedWeights | None = None
    entropy: float | None = None
    training: str | None = None

    @property
    def is_model(self) -> bool:
        """Return whether this is a model rather than a container that may hold one.

        A container counts as a model when it stores several tensors (one
        array alone is more often data than weights) or when its pickle
        imports classes of a machine-learning library (data/ml-library-modules).
        """
        if self.kind in ("model", "model-like", "embedded"):
            return True
        if self.kind != "container" or self.details is None:
            return False
        if (self.details.tensor_count or 0) >= 2:
            return True
        libraries = word_list("ml-library-modules")
        return any(name.split(".", 1)[0] in libraries for name in self.details.imports)


class ForwardReader:
    """A forward-only reader over a stream whose first bytes were already read."""

    def __init__(self, head: bytes, rest: BinaryIO, digest) -> None:
        self._head = head
        self._offset = 0
        self._rest = rest
        self._digest = digest

    def read(self, size: int = -1) -> bytes:
        data = b""
        if self._offset < len(self._head):
            end = len(self._head) if size < 0 else min(len(self._head), self._offset + size)
            data = self._head[self._offset : end]
            self._offset = end
            if size >= 0:
                size -= len(data)
                if size == 0:
                    return data
        return data + self._read_rest(size)

    def _read_rest(self, size: int) -> bytes:
        data = self._rest.read(size) if size >= 0 else self._rest.read()
        self._digest.update(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def drain(self) -> None:
        while self._read_rest(CHUNK):
            pass


def _read_head(raw: BinaryIO, size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining > 0:
        data = raw.read(remaining)
        if not data:
            break
        chunks.append(data)
        remaining -= len(data)
    return b"".join(chunks)


def entropy(data: bytes) -> float:
    """Return the Shannon entropy of DATA in bits per byte."""
    if not data:
        return 0.0
    total = len(data)
    result = 0.0
    for value in range(256):
        count = data.count(value)
        if count:
            p = count / total
            result -= p * math.log2(p)
    return result


@functools.cache
def _signatures() -> tuple[tuple[int, bytes], ...]:
    signatures = []
    for paragraph in table("file-signatures"):
        for line in field_lines(paragraph.get("Magic")):
            signatures.append(parse_magic(line, paragraph.get("Type", "?")))
    return tuple(signatures)


def is_known_non_model(head: bytes) -> bool:
    """Return whether HEAD starts like a common file type that is not a model."""
    return any(head[offset : offset + len(signature)] == signature for offset, signature in _signatures())


DECOMPRESSORS = {
    ".gz": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    ".bz2": bz2.BZ2Decompressor,
    ".xz": lzma.LZMADecompressor,
}


def _inner_head(path: str, head: bytes) -> tuple[str, bytes] | None:
    """Decompress the first bytes of a .gz, .bz2 or .xz file to sniff its content."""
    for suffix, factory in DECOMPRESSORS.items():
        if path.endswith(suffix):
            try:
                inner = factory().decompress(head, HEAD_SIZE)
            except (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError):
                return None
            return path[: -len(suffix)], inner
    return None


@dataclass
class Scanner:
    """Builds the file list, the text cache and the model inventory of one package."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    text: dict[str, bytes] = field(default_factory=dict)
    models: list[ModelRecord] = field(default_factory=list)
    member_problems: list[tuple[str, str, str]] = field(default_factory=list)
    # Sources read in full by the embedded-weights scan, kept for the cache.
    _source_text: dict[str, bytes] = field(default_factory=dict)
    cached_bytes: int = 0
    cache_full: bool = False

    def add(self, member: Member) -> None:
        entry = FileEntry(
            path=member.path, kind=member.kind, size=member.size,
            link_target=member.link_target, origin=member.origin,
        )
        if member.problem:
            tag, context = member.problem
            self.member_problems.append((tag, context, member.path))
        if member.path in self.files:
            # A later member of the same name replaces the earlier one, as
            # when tar unpacks; a hidden second copy is worth a hint.
            self.member_problems.append(("source-member-duplicate", member.path, member.path))
            self.models = [m for m in self.models if m.path != member.path]
            self.text.pop(member.path, None)
        self.files[member.path] = entry
        if member.kind != "file" or member.problem:
            return
        try:
            with member.open() as raw:
                self._read(member, raw, entry)
        except STREAM_ERRORS as error:
            # strerror, not str(error): the latter names the absolute path on this machine.
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.member_problems.append(("source-file-unreadable", f"{member.path} ({reason})", member.path))

    def _read(self, member: Member, raw: BinaryIO, entry: FileEntry) -> None:
        head = _read_head(raw, HEAD_SIZE)
        digest = hashlib.sha256(head)
        reader = ForwardReader(head, raw, digest)
        detection = formats.identify(member.path, head)
        entry.is_text = looks_like_text(head)

        if detection is not None:
            record = self._model_record(member, detection.rule, detection.evidence)
            self._inspect(record, detection.rule, raw, reader, member)
        elif (inner := _inner_head(member.path, head)) and (inner_detection := formats.identify(*inner)):
            record = self._model_record(member, inner_detection.rule, inner_detection.evidence)
            record.compressed = member.path.rsplit(".", 1)[-1]
            self._inspect_compressed(record, inner_detection.rule, reader, member)
        elif embedded.is_candidate(member.path, member.size) and entry.is_text:
            record = self._scan_source(member, reader)
        else:
            record = None
            if not entry.is_text and member.size >= POSSIBLE_MODEL_MIN_SIZE and not is_known_non_model(head):
                record = self._check_entropy(member, head, reader)
            elif self._cacheable(member, entry):
                self._source_text[member.path] = reader.read(member.size)
        reader.drain()
        entry.sha256 = digest.hexdigest()
        if record is not None:
            record.sha256 = entry.sha256
            self.models.append(record)
        self._cache(member, head, entry)

    def _cacheable(self, member: Member, entry: FileEntry) -> bool:
        """Return whether the checks get this file's content: small text, or debian/."""
        in_debian = member.path.startswith("debian/")
        limit = DEBIAN_CACHE_LIMIT if in_debian else TEXT_CACHE_LIMIT
        if not in_debian and self.cached_bytes + member.size > TEXT_CACHE_BUDGET:
            if not self.cache_full:
                log.warning("text cache budget of %d MiB reached at %s; later text files are not checked",
                            TEXT_CACHE_BUDGET >> 20, member.path)
                self.cache_full = True
            return False
        return member.size <= limit and (entry.is_text or in_debian)

    def _cache(self, member: Member, head: bytes, entry: FileEntry) -> None:
        data = self._source_text.pop(member.path, None)
        if data is None and member.size <= len(head) and self._cacheable(member, entry):
            data = head
        if data is not None:
            self.text[member.path] = data
            self.cached_bytes += len(data)

    def _model_record(self, member: Member, rule: FormatRule, evidence: str) -> ModelRecord:
        return ModelRecord(
            path=member.path, format=rule.id, format_name=rule.name, kind=rule.kind,
            size=member.size, evidence=evidence, files=[member.path], training=rule.training,
        )

    def _inspect(self, record: ModelRecord, rule: FormatRule, raw: BinaryIO, reader: ForwardReader, member: Member) -> None:
        if not rule.inspector:
            return
        stream: BinaryIO = reader  # type: ignore[assignment]
        if rule.random_access:
            stream = self._random_access(raw, reader, member)
            if stream is None:
                record.problem = ("model-needs-random-access", f"{member.path} ({member.size} bytes)")
                return
        self._run_inspector(record, rule, stream, member.size, member)

    def _inspect_compressed(self, record: ModelRecord, rule: FormatRule, reader: ForwardReader, member: Member) -> None:
        """Inspect the content of a .gz, .bz2 or .xz model, decompressed in memory up to a cap."""
        if not rule.inspector:
            return
        try:
            with open_member_decompressed(reader, member.path) as stream:  # type: ignore[arg-type]
                data = stream.read(RANDOM_ACCESS_LIMIT + 1)
        except (OSError, EOFError, zlib.error, lzma.LZMAError, ValueError) as error:
            record.problem = ("model-file-corrupt", f"{member.path}: cannot decompress ({error})")
            return
        if len(data) > RANDOM_ACCESS_LIMIT:
            record.problem = ("model-needs-random-access", f"{member.path} (over {RANDOM_ACCESS_LIMIT >> 20} MiB decompressed)")
            return
        self._run_inspector(record, rule, io.BytesIO(data), len(data), member)

    def _run_inspector(self, record: ModelRecord, rule: FormatRule, stream: BinaryIO, size: int, member: Member) -> None:
        try:
            module = importlib.import_module(f"dl_lint.inspect.{rule.inspector}")
            record.details = module.inspect(stream, size)
        except FormatError as error:
            record.problem = (error.tag, str(error))
        except MissingDependencyError as error:
            record.problem = ("model-inspector-unavailable", f"{error.module} ({error.debian_package})")
        except Exception as error:  # noqa: BLE001 - a hostile file must not stop the run
            # An inspector bug is reported on the file and linting goes on.
            log.debug("inspecting %s failed", member.path, exc_info=True)
            record.problem = ("model-inspection-failed", f"{type(error).__name__}: {str(error)[:100]}")
        if record.details is not None:
            record.problem = None
            if record.details.format and record.details.format != record.format:
                record.format = record.details.format

    def _random_access(self, raw: BinaryIO, reader: ForwardReader, member: Member) -> BinaryIO | None:
        """Return a seekable view of the member: the file itself, or a buffer."""
        if isinstance(raw, io.BufferedReader) and is_seekable(raw):
            raw.seek(0)
            return raw
        if member.size > RANDOM_ACCESS_LIMIT:
            return None
        return io.BytesIO(reader.read(RANDOM_ACCESS_LIMIT))

    def _scan_source(self, member: Member, reader: ForwardReader) -> ModelRecord | None:
        text = reader.read(embedded.limits().max_size)
        if member.size <= TEXT_CACHE_LIMIT and self.cached_bytes + len(text) <= TEXT_CACHE_BUDGET:
            self._source_text[member.path] = text
        found = embedded.scan(text)
        if found is None:
            return None
        if found.encoding == "string-literals":
            fmt, name = "c-string", "serialized model embedded in string literals"
        else:
            fmt, name = "c-array", "weights embedded in source code"
        return ModelRecord(
            path=member.path, format=fmt, format_name=name,
            kind="embedded", size=member.size, evidence="content", files=[member.path], embedded=found,
        )

    def _check_entropy(self, member: Member, head: bytes, reader: ForwardReader) -> ModelRecord | None:
        sample = head + reader.read(max(0, ENTROPY_SAMPLE - len(head)))
        value = entropy(sample)
        if value < POSSIBLE_MODEL_ENTROPY:
            return None
        return ModelRecord(
            path=member.path, format="unknown", format_name="unidentified high-entropy data",
            kind="possible", size=member.size, evidence="entropy", files=[member.path],
            entropy=round(value, 2),
        )

    def finish(self) -> None:
        """Group the files of formats stored as one model per directory."""
        grouped: dict[tuple[str, str], ModelRecord] = {}
        result = []
        for record in self.models:
            rule = None
            if record.format not in ("c-array", "c-string", "unknown"):
                try:
                    rule = formats.rule(record.format)
                except DataError:
                    rule = None  # an id refined by an inspector, such as "keras"
            if rule is not None and rule.group == "directory":
                directory = posixpath.dirname(record.path) or "."
                key = (record.format, directory)
                if key in grouped:
                    group = grouped[key]
                    group.files.append(record.path)
                    group.size += record.size
                    continue
                record.path = directory
                grouped[key] = record
            result.append(record)
        self.models = sorted(result, key=lambda r: r.path)
