"""Structural probes for model formats without a fixed signature.

Each probe looks at the first bytes of a file (``head``) and returns
whether they have the structure of the format.  Probes never read more
than they are given and never raise.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Decode a protobuf varint at POS; return (value, new position) or (-1, -1)."""
    value = 0
    shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return -1, -1


def protobuf_fields(data: bytes, limit: int = 64) -> list[tuple[int, int, int]]:
    """Walk protobuf fields of DATA; return (field, wire type, value or length).

    The walk stops at the first invalid field or at the end of DATA; a
    length-delimited field running past the end counts when it starts validly.
    """
    fields = []
    pos = 0
    while pos < len(data) and len(fields) < limit:
        key, pos = read_varint(data, pos)
        if key <= 0:
            break
        number, wire = key >> 3, key & 7
        if number == 0 or number > 536870911:
            break
        if wire == 0:
            value, pos = read_varint(data, pos)
            if pos < 0:
                break
        elif wire == 1:
            value, pos = 0, pos + 8
        elif wire == 5:
            value, pos = 0, pos + 4
        elif wire == 2:
            value, pos = read_varint(data, pos)
            if pos < 0:
                break
            pos += value
        else:
            break
        fields.append((number, wire, value))
    return fields


# Control characters other than tab, newline, vertical tab, form feed and
# carriage return; text files have (almost) none of them.
_CONTROL_BYTES = bytes(b for b in range(32) if not 9 <= b <= 13)


def looks_like_text(head: bytes) -> bool:
    """Return whether HEAD is plain text: no NUL byte and valid UTF-8 or Latin-1 prose."""
    sample = head[:4096]
    if b"\0" in sample:
        return False
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control <= len(sample) // 100


def probe_protobuf(head: bytes) -> bool:
    """Return whether HEAD is binary and parses as protobuf fields to its end."""
    if looks_like_text(head):
        return False
    fields = protobuf_fields(head, 1 << 16)
    if len(fields) < 2:
        return False
    return _walk_end(head) >= len(head)


def _walk_end(data: bytes) -> int:
    """Return where a protobuf walk of DATA stops (past the end when it ran out)."""
    pos = 0
    while pos < len(data):
        key, after = read_varint(data, pos)
        if key <= 0 or key >> 3 == 0:
            return pos
        wire = key & 7
        if wire == 0:
            _, after = read_varint(data, after)
        elif wire == 1:
            after += 8
        elif wire == 5:
            after += 4
        elif wire == 2:
            length, after = read_varint(data, after)
            if after < 0:
                return pos
            after += length
        else:
            return pos
        if after < 0:
            return pos
        pos = after
    return pos


def probe_onnx(head: bytes) -> bool:
    """Return whether HEAD starts like an ONNX ModelProto.

    ModelProto begins with ir_version (field 1, a small varint) followed by
    other ModelProto fields; opset_import or graph must follow soon.
    """
    fields = protobuf_fields(head, 8)
    if len(fields) < 2 or fields[0][:2] != (1, 0) or not 1 <= fields[0][2] <= 64:
        return False
    model_fields = {2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2}
    return all(model_fields.get(number) == wire for number, wire, _ in fields[1:])


def probe_sentencepiece(head: bytes) -> bool:
    """Return whether HEAD starts with SentencePiece pieces (field 1 messages
    whose first field is the piece string and which carry a score or type)."""
    fields = protobuf_fields(head, 4)
    if not fields or fields[0][:2] != (1, 2):
        return False
    _, pos = read_varint(head, 1)
    inner = head[pos : pos + fields[0][2]]
    inner_fields = protobuf_fields(inner, 4)
    return (
        len(inner_fields) >= 2
        and inner_fields[0][:2] == (1, 2)
        and all(number in (1, 2, 3) for number, _, _ in inner_fields)
    )


def probe_safetensors(head: bytes) -> bool:
    """Return whether HEAD is a safetensors header: a u64 length, then a JSON object."""
    if len(head) < 10:
        return False
    (length,) = struct.unpack_from("<Q", head)
    if length < 2 or length > 100 << 20 or head[8:9] != b"{":
        return False
    if length + 8 <= len(head):
        try:
            return isinstance(json.loads(head[8 : 8 + length]), dict)
        except (ValueError, RecursionError):  # RecursionError: deeply nested JSON
            return False
    return True


def probe_darknet(head: bytes) -> bool:
    """Return whether HEAD starts with a Darknet weights header (major, minor, revision)."""
    if len(head) < 20:
        return False
    major, minor, revision = struct.unpack_from("<iii", head)
    return 0 <= major <= 2 and 0 <= minor <= 20 and 0 <= revision <= 1000


PROBES: dict[str, Callable[[bytes], bool]] = {
    "protobuf": probe_protobuf,
    "onnx": probe_onnx,
    "sentencepiece": probe_sentencepiece,
    "safetensors": probe_safetensors,
    "darknet": probe_darknet,
}
