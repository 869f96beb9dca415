"""Static inspection of pickle streams: plain pickles, joblib and legacy torch.save.

Nothing is unpickled.  The walker decodes opcodes with the opcode table and
argument decoders of the standard library's pickletools and follows them
with a symbolic machine (see _pickle_vm).  Every imported callable is
checked against data/pickle-safe-imports and data/pickle-dangerous-imports.

pickletools.genops is not used directly because it reads every argument
whole, so a BINBYTES8 of 2 GiB would be read into memory.  The machine
skips any argument longer than 4 KiB and keeps only its length.
"""

from __future__ import annotations

import bz2
import functools
import lzma
import sys
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from dl_lint.datafiles import word_list
from dl_lint.errors import FormatError
from dl_lint.model import ModelDetails, TensorInfo

from ._pickle_values import TensorRecord, product
from ._pickle_vm import PickleMachine
from ._stream import CHUNK_SIZE, CORRUPT, TRUNCATED, StreamReader, too_large

CODE_EXECUTION = "pickle-imports-code-execution"
UNLISTED = "pickle-imports-unlisted-callable"

MAX_IMPORTS = 10_000
MAX_PICKLES = 1000
KEEP_TENSORS = 10_000

# torch.save before PyTorch 1.6 writes this integer as a first pickle, then
# the protocol version, system information, the object and the storage keys.
# Raw storage bytes follow the fifth pickle.
TORCH_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
TORCH_LEGACY_PICKLES = 5

_PROTO = 0x80

# Decompressed output allowed per compressed input byte, with a floor.
# NOTE: an estimate that bounds the work on compression bombs.  Deflate
# packs all-zero arrays about 1000:1, so a joblib file of such arrays that
# decompresses to more than 1 GiB exceeds the limit.
DECOMPRESSION_RATIO = 100
MIN_DECOMPRESSED_LIMIT = 1 << 30


@dataclass
class PickleScan:
    """Findings of a walk over one or more consecutive pickles."""

    imports: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    tensors: list[TensorRecord] = field(default_factory=list)
    extra_tensors: int = 0
    extra_parameters: int = 0
    # Storage key -> (dtype, element count), from torch persistent ids.
    storages: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    protocol: int | None = None
    pickles: int = 0
    opcodes: int = 0
    # Bytes of string and bytes arguments kept in memory so far.
    retained: int = 0
    torch_legacy: bool = False
    _seen_imports: set[str] = field(default_factory=set)

    def add_import(self, module: str, name: str) -> None:
        """Record one import and the problem it raises, once per name."""
        self._record(f"{module}.{name}", classify_import(module, name))

    def add_unresolved(self, label: str) -> None:
        """Record an import whose target the walk cannot name, such as EXT1."""
        self._record(label, UNLISTED)

    def _record(self, dotted: str, tag: str | None) -> None:
        if dotted in self._seen_imports:
            return
        if len(self._seen_imports) >= MAX_IMPORTS and tag != CODE_EXECUTION:
            return
        self._seen_imports.add(dotted)
        self.imports.append(dotted)
        if tag is not None:
            self.problems.append((tag, dotted))

    def add_tensor(self, record: TensorRecord) -> None:
        """Keep RECORD until the walk ends, because its name comes later."""
        if len(self.tensors) < KEEP_TENSORS:
            self.tensors.append(record)
            return
        self.extra_tensors += 1
        self.extra_parameters += product(record.shape)

    def discard_tensor(self, record: TensorRecord) -> None:
        """Forget a tensor recorded twice, such as an array and its nested pickle."""
        if any(kept is record for kept in self.tensors):
            self.tensors = [kept for kept in self.tensors if kept is not record]
        else:
            self.extra_tensors -= 1
            self.extra_parameters -= product(record.shape)

    def fill(self, details: ModelDetails) -> None:
        """Copy imports, problems, tensors and counts into DETAILS."""
        details.imports.extend(self.imports)
        details.problems.extend(self.problems)
        for number, record in enumerate(self.tensors):
            name = record.name if record.name is not None else f"tensor{number}"
            details.add_tensor(TensorInfo(name=name, dtype=record.dtype, shape=record.shape))
        if self.extra_tensors:
            details.tensor_count = (details.tensor_count or 0) + self.extra_tensors
            details.parameters = (details.parameters or 0) + self.extra_parameters
        if self.protocol is not None:
            details.metadata["pickle_protocol"] = str(self.protocol)
        details.metadata["pickles"] = str(self.pickles)
        if self.storages:
            details.metadata["storages"] = str(len(self.storages))
        if self.torch_legacy:
            details.metadata["torch_serialization"] = "legacy"


@functools.cache
def _import_patterns(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Split data/NAME into exact entries and the "module." prefixes of wildcards."""
    entries = word_list(name)
    exact = frozenset(entry for entry in entries if not entry.endswith(".*"))
    prefixes = tuple(entry[:-1] for entry in entries if entry.endswith(".*"))
    return exact, prefixes


def _matches(candidate: str, patterns: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    exact, prefixes = patterns
    return candidate in exact or candidate.startswith(prefixes)


def classify_import(module: str, name: str) -> str | None:
    """Return the problem tag for importing NAME from MODULE, or None if it is safe.

    A dotted NAME is an attribute path that the unpickler follows, so
    ("posixpath", "os.system") reaches os.system.  Every tail of the path is
    therefore checked against the dangerous list too.
    """
    dotted = f"{module}.{name}"
    parts = name.split(".")
    candidates = [dotted] + [".".join(parts[start:]) for start in range(len(parts) - 1)]
    dangerous = _import_patterns("pickle-dangerous-imports")
    if any(_matches(candidate, dangerous) for candidate in candidates):
        return CODE_EXECUTION
    if _matches(dotted, _import_patterns("pickle-safe-imports")):
        return None
    return UNLISTED


def scan(reader: StreamReader) -> PickleScan:
    """Walk the pickle at the reader's position and the pickles that follow it.

    A legacy torch.save file is five pickles and then raw storage bytes.
    Otherwise further pickles are walked while the next byte is PROTO, the
    first opcode of every pickle of protocol 2 and later.  The walk stops
    quietly before any other byte.
    """
    result = PickleScan()
    first = PickleMachine(reader, result).run()
    result.pickles = 1
    if type(first) is int and first == TORCH_LEGACY_MAGIC:
        result.torch_legacy = True
        # NOTE: the raw storage bytes after the fifth pickle are not checked.
        for _ in range(TORCH_LEGACY_PICKLES - 1):
            PickleMachine(reader, result).run()
            result.pickles += 1
        return result
    while result.pickles < MAX_PICKLES and reader.peek(1) == bytes([_PROTO]):
        PickleMachine(reader, result).run()
        result.pickles += 1
    return result


def detect_compression(head: bytes) -> str | None:
    """Return the compression of a joblib file from its first bytes, or None."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    # joblib's "lzma" compressor writes the legacy .lzma (LZMA_Alone) format.
    if head.startswith(b"\x5d\x00\x00"):
        return "lzma"
    if len(head) >= 2 and head[0] == 0x78 and (head[0] * 256 + head[1]) % 31 == 0:
        return "zlib"
    return None


def _decompressor(kind: str) -> zlib._Decompress | bz2.BZ2Decompressor | lzma.LZMADecompressor:
    if kind == "zlib":
        return zlib.decompressobj()
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)
    if kind == "bz2":
        return bz2.BZ2Decompressor()
    if kind == "xz":
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    return lzma.LZMADecompressor(format=lzma.FORMAT_ALONE)


class DecompressedStream:
    """A forward-only stream of the decompressed bytes of a compressed one.

    Output is produced in reads of at most the requested size, so memory
    stays bounded, and the total is capped at LIMIT bytes.
    """

    def __init__(self, source: StreamReader, kind: str, limit: int) -> None:
        self._source = source
        self._decompressor = _decompressor(kind)
        self._pending = b""
        self._limit = limit
        self._produced = 0

    def seekable(self) -> bool:
        return False

    def read(self, count: int = CHUNK_SIZE) -> bytes:
        count = CHUNK_SIZE if count < 0 else count
        while not self._decompressor.eof:
            try:
                output = self._decompressor.decompress(self._pending, count)
            except (zlib.error, lzma.LZMAError, OSError, EOFError) as error:
                raise FormatError(
                    f"invalid compressed data near offset {self._source.offset}: {error}",
                    tag=CORRUPT,
                ) from error
            # zlib hands back the input it did not use, while bz2 and lzma keep it.
            self._pending = getattr(self._decompressor, "unconsumed_tail", b"")
            if output:
                return self._count(output)
            if self._decompressor.eof:
                break
            more = self._source.read_some(CHUNK_SIZE)
            if not more:
                raise FormatError(
                    f"the compressed stream ends early at offset {self._source.offset}",
                    tag=TRUNCATED,
                )
            self._pending += more
        return b""

    def _count(self, output: bytes) -> bytes:
        self._produced += len(output)
        if self._produced > self._limit:
            raise too_large(f"decompressed data exceeds {self._limit} bytes", self._source.offset)
        return output


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect a pickle, joblib or legacy torch.save file without unpickling it."""
    reader = StreamReader(stream, size)
    details = ModelDetails(format="pickle")
    compression = detect_compression(reader.peek(6))
    if compression is not None:
        limit = max(MIN_DECOMPRESSED_LIMIT, DECOMPRESSION_RATIO * size)
        # The decompressed size is unknown, so DecompressedStream enforces the limit.
        reader = StreamReader(DecompressedStream(reader, compression, limit), sys.maxsize)
        details.metadata["compression"] = compression
    scan(reader).fill(details)
    return details
