"""Inspection of GGUF model files (versions 1 to 3) and legacy GGML files.

A GGUF file starts with the magic "GGUF", a uint32 version, the tensor
count and the metadata count (uint32 in version 1, uint64 later).  The
metadata key/value pairs and one info record per tensor follow, then
padding to general.alignment and the tensor data, which is never read.  A big-endian file is recognised
by its byte-swapped version.  Shapes are reported in GGUF order, innermost
dimension first, as llama.cpp stores them.

Legacy files of llama.cpp and whisper.cpp before GGUF start with "ggml",
"ggmf", "ggjt" or "ggla" written as a little-endian uint32.  Their
hyperparameters depend on the model type, so only the container and its
version are reported.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from dl_lint.errors import FormatError
from dl_lint.model import ModelDetails, TensorInfo

from ._stream import TRUNCATED, StreamReader, corrupt, too_large

MAGIC = b"GGUF"
LEGACY_MAGICS = {b"lmgg": "ggml", b"fmgg": "ggmf", b"tjgg": "ggjt", b"algg": "ggla"}
VERSIONS = (1, 2, 3)
DEFAULT_ALIGNMENT = 32

# ggml checks n_dims against GGML_MAX_DIMS, which is 4.
MAX_DIMS = 4
MAX_ARRAY_DEPTH = 8
MAX_KEY_LENGTH = 65535
KEEP_NAME = 4096
KEEP_VALUE = 200
# Tokenizer vocabularies are arrays, so real files have a few dozen keys.
MAX_METADATA_ENTRIES = 1000
# Licence and identity keys are copied in full, up to this many characters.
KEEP_IDENTITY = 65536
IDENTITY_KEYS = ("general.license", "general.name", "general.architecture")

# ggml tensor types: id -> (name, elements per block, bytes per block).
# Source: GGMLQuantizationType and GGML_QUANT_SIZES in llama.cpp's
# gguf-py/gguf/constants.py.  Types removed from GGUF files keep their
# name so that old files still read.  None marks an unknown block size.
GGML_TYPES: dict[int, tuple[str, int | None, int | None]] = {
    0: ("f32", 1, 4),
    1: ("f16", 1, 2),
    2: ("q4_0", 32, 18),
    3: ("q4_1", 32, 20),
    4: ("q4_2", None, None),
    5: ("q4_3", None, None),
    6: ("q5_0", 32, 22),
    7: ("q5_1", 32, 24),
    8: ("q8_0", 32, 34),
    9: ("q8_1", 32, 40),
    10: ("q2_k", 256, 84),
    11: ("q3_k", 256, 110),
    12: ("q4_k", 256, 144),
    13: ("q5_k", 256, 176),
    14: ("q6_k", 256, 210),
    15: ("q8_k", 256, 292),
    16: ("iq2_xxs", 256, 66),
    17: ("iq2_xs", 256, 74),
    18: ("iq3_xxs", 256, 98),
    19: ("iq1_s", 256, 50),
    20: ("iq4_nl", 32, 18),
    21: ("iq3_s", 256, 110),
    22: ("iq2_s", 256, 82),
    23: ("iq4_xs", 256, 136),
    24: ("i8", 1, 1),
    25: ("i16", 1, 2),
    26: ("i32", 1, 4),
    27: ("i64", 1, 8),
    28: ("f64", 1, 8),
    29: ("iq1_m", 256, 56),
    30: ("bf16", 1, 2),
    31: ("q4_0_4_4", 32, 18),
    32: ("q4_0_4_8", 32, 18),
    33: ("q4_0_8_8", 32, 18),
    34: ("tq1_0", 256, 54),
    35: ("tq2_0", 256, 66),
    36: ("iq4_nl_4_4", 32, 18),
    37: ("iq4_nl_4_8", 32, 18),
    38: ("iq4_nl_8_8", 32, 18),
    39: ("mxfp4", 32, 17),
    40: ("nvfp4", 64, 36),
    41: ("q1_0", 128, 18),
}

# Metadata value types: id -> (name, struct code).  Strings and arrays have no code.
VALUE_TYPES: dict[int, tuple[str, str | None]] = {
    0: ("uint8", "B"),
    1: ("int8", "b"),
    2: ("uint16", "H"),
    3: ("int16", "h"),
    4: ("uint32", "I"),
    5: ("int32", "i"),
    6: ("float32", "f"),
    7: ("bool", "?"),
    8: ("string", None),
    9: ("array", None),
    10: ("uint64", "Q"),
    11: ("int64", "q"),
    12: ("float64", "d"),
}
_STRING = 8
_ARRAY = 9


class GGUFReader:
    """Typed reads of GGUF fields in the file's byte order and version."""

    def __init__(self, reader: StreamReader, byte_order: str, version: int) -> None:
        self.reader = reader
        self.byte_order = byte_order
        self.version = version
        # Counts and string lengths are uint32 in version 1, uint64 later.
        self.count_size = 4 if version == 1 else 8
        self._layouts = {code: struct.Struct(byte_order + code) for code in "BbHhIiQqfd?"}

    def scalar(self, code: str, description: str) -> int | float | bool:
        return self.reader.unpack(self._layouts[code], description)[0]

    def count(self, description: str) -> int:
        return self.scalar("I" if self.count_size == 4 else "Q", description)

    def string(self, keep: int, description: str) -> str:
        """Read a length-prefixed string, keeping at most KEEP bytes of it."""
        length = self.count(description)
        data = self.reader.read(min(length, keep), description) if keep else b""
        if length > keep:
            self.reader.skip(length - keep, description)
        return data.decode("utf-8", errors="replace")

    def _minimum_size(self, value_type: int) -> int:
        code = VALUE_TYPES[value_type][1]
        if code is not None:
            return struct.calcsize(code)
        return self.count_size if value_type == _STRING else 4 + self.count_size

    def value(self, value_type: int, keep: int, offset: int, depth: int = 0) -> str:
        """Read one metadata value and return it as a short string."""
        if value_type not in VALUE_TYPES:
            raise corrupt(f"unknown GGUF metadata value type {value_type}", offset)
        name, code = VALUE_TYPES[value_type]
        if code is not None:
            return str(self.scalar(code, f"a GGUF {name} value"))
        if value_type == _STRING:
            return self.string(keep, "a GGUF string value")
        return self._array(offset, depth)

    def _array(self, offset: int, depth: int) -> str:
        if depth >= MAX_ARRAY_DEPTH:
            raise too_large(f"GGUF arrays nested deeper than {MAX_ARRAY_DEPTH} levels", offset)
        item_type = self.scalar("I", "a GGUF array item type")
        if item_type not in VALUE_TYPES:
            raise corrupt(f"unknown GGUF array item type {item_type}", offset)
        length = self.count("a GGUF array length")
        if length * self._minimum_size(item_type) > self.reader.remaining:
            raise too_large(f"GGUF array of {length} items does not fit in the file", offset)
        item_name, code = VALUE_TYPES[item_type]
        if code is not None:
            self.reader.skip(length * struct.calcsize(code), "a GGUF array")
        else:
            for _ in range(length):
                self.value(item_type, 0, offset, depth + 1)
        return f"[array of {length} {item_name}]"


def _read_metadata(gguf: GGUFReader, count: int, details: ModelDetails) -> int:
    """Read COUNT key/value pairs into DETAILS and return general.alignment."""
    alignment = DEFAULT_ALIGNMENT
    for _ in range(count):
        offset = gguf.reader.offset
        key = gguf.string(MAX_KEY_LENGTH, "a GGUF metadata key")
        value_type = gguf.scalar("I", "a GGUF metadata value type")
        keep = KEEP_IDENTITY if key.startswith(IDENTITY_KEYS) else KEEP_VALUE
        value = gguf.value(value_type, keep, offset)
        if key == "general.alignment":
            alignment = _alignment(value, value_type, offset)
        if len(details.metadata) < MAX_METADATA_ENTRIES or key.startswith(IDENTITY_KEYS):
            details.metadata[key] = value
    return alignment


def _alignment(value: str, value_type: int, offset: int) -> int:
    if VALUE_TYPES.get(value_type, ("", None))[0] != "uint32":
        raise corrupt("general.alignment is not a uint32", offset)
    alignment = int(value)
    if alignment <= 0 or alignment & (alignment - 1):
        raise corrupt(f"general.alignment {alignment} is not a power of two", offset)
    return alignment


def _read_tensor_info(gguf: GGUFReader, alignment: int, details: ModelDetails) -> int:
    """Read one tensor info record into DETAILS and return where its data ends."""
    offset = gguf.reader.offset
    name = gguf.string(KEEP_NAME, "a GGUF tensor name")
    dimensions = gguf.scalar("I", "a GGUF tensor dimension count")
    if dimensions > MAX_DIMS:
        raise corrupt(f"GGUF tensor {name} has {dimensions} dimensions, more than {MAX_DIMS}", offset)
    shape = tuple(gguf.count("a GGUF tensor dimension") for _ in range(dimensions))
    type_id = gguf.scalar("I", "a GGUF tensor type")
    data_offset = gguf.scalar("Q", "a GGUF tensor data offset")
    type_name, block_size, block_bytes = GGML_TYPES.get(type_id, (f"ggml-type-{type_id}", None, None))
    details.add_tensor(TensorInfo(name=name, dtype=type_name, shape=shape))
    if data_offset % alignment:
        raise corrupt(f"GGUF tensor {name} data offset {data_offset} is not aligned to {alignment}", offset)
    if block_size is None or block_bytes is None:
        return data_offset
    elements = 1
    for dim in shape:
        elements *= dim
    if elements % block_size:
        raise corrupt(f"GGUF tensor {name} has {elements} elements, not a multiple of {block_size}", offset)
    return data_offset + elements // block_size * block_bytes


def _inspect_gguf(reader: StreamReader, details: ModelDetails) -> None:
    raw_version = reader.read(4, "the GGUF version")
    byte_order = "<"
    (version,) = struct.unpack("<I", raw_version)
    if version not in VERSIONS:
        byte_order = ">"
        (version,) = struct.unpack(">I", raw_version)
        if version not in VERSIONS:
            raise corrupt(f"unsupported GGUF version {raw_version.hex()}", 4)
        details.metadata["byte_order"] = "big-endian"
    details.metadata["gguf_version"] = str(version)
    gguf = GGUFReader(reader, byte_order, version)
    tensor_count = gguf.count("the GGUF tensor count")
    metadata_count = gguf.count("the GGUF metadata count")
    _check_counts(gguf, tensor_count, metadata_count)
    alignment = _read_metadata(gguf, metadata_count, details)
    data_end = 0
    for _ in range(tensor_count):
        data_end = max(data_end, _read_tensor_info(gguf, alignment, details))
    data_start = -(-reader.offset // alignment) * alignment
    if data_start + data_end > reader.size:
        raise FormatError(
            f"GGUF tensor data ends at offset {data_start + data_end}, "
            f"but the file ends at offset {reader.size}",
            tag=TRUNCATED,
        )
    # Skipping proves that the tensor bytes are there.  A seekable stream seeks.
    reader.skip(data_start + data_end - reader.offset, "the GGUF tensor data")


def _check_counts(gguf: GGUFReader, tensor_count: int, metadata_count: int) -> None:
    """Reject counts that the file cannot hold, before looping over them."""
    # The smallest key/value pair is a length, an empty key, a type and a
    # one-byte value.  The smallest tensor info is a length, an empty name,
    # no dimensions, a type and a data offset.
    smallest_pair = gguf.count_size + 4 + 1
    smallest_tensor = gguf.count_size + 4 + 4 + 8
    remaining = gguf.reader.remaining
    if metadata_count * smallest_pair > remaining:
        raise too_large(f"GGUF metadata count {metadata_count} does not fit in the file", 8)
    if tensor_count * smallest_tensor > remaining:
        raise too_large(f"GGUF tensor count {tensor_count} does not fit in the file", 8)


def _inspect_legacy(reader: StreamReader, container: str, details: ModelDetails) -> None:
    details.metadata["container"] = container
    if container != "ggml":
        # "ggml" files have no version.  The others store one after the magic.
        (version,) = reader.unpack(struct.Struct("<I"), f"the {container} version")
        details.metadata["container_version"] = str(version)


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect a GGUF file (format "gguf") or a legacy GGML file (format "ggml")."""
    reader = StreamReader(stream, size)
    magic = reader.read(4, "the GGUF magic")
    if magic in LEGACY_MAGICS:
        details = ModelDetails(format="ggml")
        _inspect_legacy(reader, LEGACY_MAGICS[magic], details)
        return details
    if magic != MAGIC:
        raise corrupt(f"not a GGUF file (magic {magic!r})", 0)
    details = ModelDetails(format="gguf")
    _inspect_gguf(reader, details)
    return details
