"""Forward-only reading of the protobuf wire format, for the ONNX inspector.

iter_fields walks the fields of one message without decoding them, so a
caller can read the small fields it needs, re-encode them for the protobuf
library and skip bulk payloads such as raw tensor data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from dl_lint.errors import FormatError

from ._stream import TRUNCATED, StreamReader, corrupt

VARINT = 0
FIXED64 = 1
LENGTH_DELIMITED = 2
FIXED32 = 5

_MAX_VARINT_BYTES = 10


@dataclass(frozen=True)
class Field:
    """One field: its number, wire type and value or payload length."""

    number: int
    wire_type: int
    # The value of a varint, or the payload length of a length-delimited field.
    value: int
    # The bytes of a fixed32 or fixed64 value, else b"".
    fixed: bytes
    # Offset of the payload of a length-delimited field.
    payload_offset: int

    @property
    def end(self) -> int:
        """Offset just after the payload of a length-delimited field."""
        return self.payload_offset + self.value


def read_varint(reader: StreamReader, description: str) -> int:
    offset = reader.offset
    result = 0
    for index in range(_MAX_VARINT_BYTES):
        byte = reader.read_byte(description)
        result |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return result
    raise corrupt(f"protobuf varint in {description} is longer than {_MAX_VARINT_BYTES} bytes", offset)


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_field(field: Field, payload: bytes = b"") -> bytes:
    """Re-encode FIELD, with PAYLOAD as the payload of a length-delimited field."""
    key = encode_varint(field.number << 3 | field.wire_type)
    if field.wire_type == VARINT:
        return key + encode_varint(field.value)
    if field.wire_type == LENGTH_DELIMITED:
        return key + encode_varint(len(payload)) + payload
    return key + field.fixed


def _next_field(reader: StreamReader, end: int) -> Field | None:
    if reader.offset >= end or reader.at_end():
        return None
    offset = reader.offset
    key = read_varint(reader, "a protobuf field key")
    number, wire_type = key >> 3, key & 7
    if number == 0:
        raise corrupt("protobuf field number 0", offset)
    value, fixed = 0, b""
    if wire_type == VARINT:
        value = read_varint(reader, "a protobuf varint")
    elif wire_type == FIXED64:
        fixed = reader.read(8, "a protobuf fixed64")
    elif wire_type == FIXED32:
        fixed = reader.read(4, "a protobuf fixed32")
    elif wire_type == LENGTH_DELIMITED:
        value = read_varint(reader, "a protobuf length")
    else:
        raise corrupt(f"unsupported protobuf wire type {wire_type} in field {number}", offset)
    field = Field(number, wire_type, value, fixed, reader.offset)
    limit = field.end if wire_type == LENGTH_DELIMITED else reader.offset
    if limit > end:
        if end >= reader.size:
            raise FormatError(
                f"protobuf field {number} at offset {offset} runs to offset {limit}, "
                f"but the file ends at offset {reader.size}",
                tag=TRUNCATED,
            )
        raise corrupt(f"protobuf field {number} runs past the end of its message at {end}", offset)
    return field


def iter_fields(reader: StreamReader, end: int) -> Iterator[Field]:
    """Yield the fields of the message that ends at END (the file size for the top level).

    A length-delimited payload that the caller leaves unread is skipped
    after the caller is done with the field.
    """
    while (field := _next_field(reader, end)) is not None:
        yield field
        if field.wire_type != LENGTH_DELIMITED:
            continue
        if reader.offset > field.end:
            raise corrupt(f"protobuf field {field.number} was read past its end", field.end)
        reader.skip(field.end - reader.offset, f"protobuf field {field.number}")
