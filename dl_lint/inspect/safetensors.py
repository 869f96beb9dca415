"""Inspection of safetensors files from their JSON header.

The file is an 8-byte little-endian header length, a JSON object mapping
tensor names to {"dtype", "shape", "data_offsets"} plus an optional
"__metadata__" object of strings, and the tensor bytes.  The checks follow
the safetensors library: offsets are relative to the end of the header,
the tensors cover the data area without gaps or overlaps, and each size
matches its shape and dtype.  Tensor bytes are skipped, not read.
"""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

from dl_lint.model import ModelDetails, TensorInfo

from ._stream import StreamReader, corrupt, too_large

# The safetensors library rejects headers above 100,000,000 bytes
# (MAX_HEADER_SIZE in safetensors/src/tensor.rs).
MAX_HEADER_SIZE = 100_000_000
KEEP_VALUE = 200
MAX_METADATA_ENTRIES = 1000

# safetensors dtype codes: code -> (dtype name, bits per element).
DTYPES = {
    "BOOL": ("bool", 8),
    "U8": ("uint8", 8),
    "I8": ("int8", 8),
    "U16": ("uint16", 16),
    "I16": ("int16", 16),
    "U32": ("uint32", 32),
    "I32": ("int32", 32),
    "U64": ("uint64", 64),
    "I64": ("int64", 64),
    "F16": ("float16", 16),
    "BF16": ("bfloat16", 16),
    "F32": ("float32", 32),
    "F64": ("float64", 64),
    "C64": ("complex64", 64),
    "F8_E4M3": ("float8_e4m3fn", 8),
    "F8_E5M2": ("float8_e5m2", 8),
    "F8_E4M3FNUZ": ("float8_e4m3fnuz", 8),
    "F8_E5M2FNUZ": ("float8_e5m2fnuz", 8),
    "F8_E8M0": ("float8_e8m0fnu", 8),
    "F6_E2M3": ("float6_e2m3fn", 6),
    "F6_E3M2": ("float6_e3m2fn", 6),
    "F4": ("float4_e2m1fn", 4),
}


def _read_header(reader: StreamReader) -> dict:
    (length,) = reader.unpack(struct.Struct("<Q"), "the safetensors header length")
    if length > MAX_HEADER_SIZE:
        raise too_large(f"safetensors header of {length} bytes exceeds {MAX_HEADER_SIZE}", 0)
    raw = reader.read(length, "the safetensors header")
    if not raw.startswith(b"{"):
        raise corrupt("safetensors header does not start with '{'", 8)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise corrupt(f"invalid safetensors header JSON: {error}", 8) from error
    if not isinstance(header, dict):
        raise corrupt("safetensors header is not a JSON object", 8)
    return header


def _read_metadata(value: object, details: ModelDetails) -> None:
    if not isinstance(value, dict):
        raise corrupt("safetensors __metadata__ is not a JSON object", 8)
    for key, text in value.items():
        if not isinstance(text, str):
            raise corrupt(f"safetensors __metadata__ value of {key!r:.60} is not a string", 8)
        if len(details.metadata) < MAX_METADATA_ENTRIES:
            details.metadata[key] = text[:KEEP_VALUE]


def _is_size(value: object) -> bool:
    return type(value) is int and value >= 0


def _tensor_extent(name: str, entry: object) -> tuple[TensorInfo, int, int]:
    """Validate one header entry and return its tensor and data offsets."""
    if not isinstance(entry, dict):
        raise corrupt(f"safetensors entry {name!r:.60} is not a JSON object", 8)
    code, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if not isinstance(code, str):
        raise corrupt(f"safetensors tensor {name!r:.60} has no dtype string", 8)
    if not (isinstance(shape, list) and all(_is_size(dim) for dim in shape)):
        raise corrupt(f"safetensors tensor {name!r:.60} has an invalid shape", 8)
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_size, offsets))):
        raise corrupt(f"safetensors tensor {name!r:.60} has invalid data_offsets", 8)
    begin, end = offsets
    if begin > end:
        raise corrupt(f"safetensors tensor {name!r:.60} ends before it begins", 8)
    dtype, bits = DTYPES.get(code, (code.lower(), None))
    if bits is not None:
        elements = 1
        for dim in shape:
            elements *= dim
        if elements * bits != (end - begin) * 8:
            raise corrupt(
                f"safetensors tensor {name!r:.60} has {end - begin} bytes, but its shape "
                f"{shape} of {code} needs {elements * bits / 8:g}",
                8,
            )
    return TensorInfo(name=name, dtype=dtype, shape=tuple(shape)), begin, end


def _check_coverage(extents: list[tuple[int, int, str]], data_offset: int, data_size: int) -> None:
    """Require the tensors to tile [0, data_size) like the safetensors library does."""
    position = 0
    for begin, end, name in sorted(extents):
        if begin != position:
            kind = "a gap" if begin > position else "an overlap"
            raise corrupt(f"safetensors data has {kind} before tensor {name!r:.60}", data_offset + begin)
        position = end
    if position != data_size:
        raise corrupt(
            f"safetensors tensors cover {position} bytes of a {data_size}-byte data area",
            data_offset,
        )


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect a safetensors file (format "safetensors")."""
    reader = StreamReader(stream, size)
    header = _read_header(reader)
    details = ModelDetails(format="safetensors")
    data_offset = reader.offset
    extents: list[tuple[int, int, str]] = []
    for name, entry in header.items():
        if name == "__metadata__":
            _read_metadata(entry, details)
            continue
        tensor, begin, end = _tensor_extent(name, entry)
        details.add_tensor(tensor)
        extents.append((begin, end, name))
    data_end = max((end for _, end, _ in extents), default=0)
    # Skipping proves that the tensor bytes are there.  A seekable stream seeks.
    reader.skip(data_end, "the safetensors tensor data")
    _check_coverage(extents, data_offset, size - data_offset)
    return details
