"""Byte-level builders for the inspector tests: streams, pickles, GGUF files.

Nothing here loads a model.  Hostile pickles are assembled opcode by
opcode and only ever passed to the inspectors.
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile

import pytest

from dl_lint.errors import FormatError


class ForwardOnly(io.RawIOBase):
    """A stream that can only be read forward, like a member of a tar stream."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def seek(self, offset, whence=0):
        raise io.UnsupportedOperation("forward-only stream")

    def tell(self):
        raise io.UnsupportedOperation("forward-only stream")

    def read(self, size: int = -1) -> bytes:
        return self._data.read(size)

    def readinto(self, buffer) -> int:
        data = self._data.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def streams(data: bytes):
    """Return a seekable and a forward-only stream of DATA, for parametrized tests."""
    return [io.BytesIO(data), ForwardOnly(data)]


def run(module, data: bytes, *, forward: bool = False, size: int | None = None):
    """Inspect DATA with MODULE.inspect and return the ModelDetails."""
    stream = ForwardOnly(data) if forward else io.BytesIO(data)
    return module.inspect(stream, len(data) if size is None else size)


def expect_error(module, data: bytes, **options) -> FormatError:
    """Inspect DATA, which must raise FormatError, and return the error."""
    with pytest.raises(FormatError) as info:
        run(module, data, **options)
    return info.value


def measure(function) -> tuple[object, int]:
    """Call FUNCTION; return its result and the peak of Python allocations in bytes."""
    tracemalloc.start()
    try:
        result = function()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak


# Pickle opcodes, assembled by hand.


def unicode(text: str) -> bytes:
    """BINUNICODE: a 4-byte length and UTF-8 bytes."""
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def global_(module: str, name: str) -> bytes:
    """GLOBAL: module and name on two lines."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def int1(value: int) -> bytes:
    return b"K" + bytes([value])


def int4(value: int) -> bytes:
    return b"J" + struct.pack("<i", value)


def tuple_of(*items: bytes) -> bytes:
    return b"(" + b"".join(items) + b"t"


MARK, STOP, REDUCE, BINPERSID, NEWFALSE = b"(", b".", b"R", b"Q", b"\x89"
EMPTY_DICT, EMPTY_TUPLE, SETITEM, SETITEMS = b"}", b")", b"s", b"u"
PROTO2 = b"\x80\x02"


def torch_tensor(key: str, storage: str, shape: tuple[int, ...], numel: int) -> bytes:
    """A torch._utils._rebuild_tensor_v2 call on a persistent storage id, as torch.save writes it."""
    pid = tuple_of(unicode("storage"), global_("torch", storage), unicode(key), unicode("cpu"), int4(numel))
    stride = []
    step = 1
    for dim in reversed(shape):
        stride.insert(0, step)
        step *= dim
    return (
        global_("torch._utils", "_rebuild_tensor_v2")
        + tuple_of(
            pid + BINPERSID,
            int1(0),
            tuple_of(*(int4(dim) for dim in shape)),
            tuple_of(*(int4(step) for step in stride)),
            NEWFALSE,
            global_("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE,
        )
        + REDUCE
    )


def torch_state_dict(tensors: dict[str, tuple[str, str, tuple[int, ...], int]]) -> bytes:
    """A pickled OrderedDict of name -> (storage key, storage type, shape, element count)."""
    items = b"".join(unicode(name) + torch_tensor(*spec) for name, spec in tensors.items())
    return PROTO2 + global_("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + MARK + items + SETITEMS + STOP


def pytorch_zip(
    data_pkl: bytes, storages: dict[str, bytes], *, top: str = "archive", extra: dict[str, bytes] | None = None
) -> bytes:
    """A PyTorch zip archive as torch.save writes it, built by hand."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(f"{top}/data.pkl", data_pkl)
        archive.writestr(f"{top}/byteorder", "little")
        for key, data in storages.items():
            archive.writestr(f"{top}/data/{key}", data)
        archive.writestr(f"{top}/version", "3\n")
        for name, data in (extra or {}).items():
            archive.writestr(f"{top}/{name}", data)
    return buffer.getvalue()


# GGUF.

GGUF_UINT32, GGUF_STRING, GGUF_ARRAY, GGUF_FLOAT32, GGUF_UINT8 = 4, 8, 9, 6, 0


class GGUFWriter:
    """Assembles a GGUF file field by field in the given version and byte order."""

    def __init__(self, version: int = 3, byte_order: str = "<") -> None:
        self.version = version
        self.byte_order = byte_order
        self.count_code = "I" if version == 1 else "Q"

    def pack(self, code: str, *values) -> bytes:
        return struct.pack(self.byte_order + code, *values)

    def count(self, value: int) -> bytes:
        return self.pack(self.count_code, value)

    def string(self, text: str) -> bytes:
        data = text.encode("utf-8")
        return self.count(len(data)) + data

    def kv_string(self, key: str, value: str) -> bytes:
        return self.string(key) + self.pack("I", GGUF_STRING) + self.string(value)

    def kv_uint32(self, key: str, value: int) -> bytes:
        return self.string(key) + self.pack("I", GGUF_UINT32) + self.pack("I", value)

    def kv_string_array(self, key: str, values: list[str]) -> bytes:
        items = b"".join(self.string(value) for value in values)
        header = self.pack("I", GGUF_ARRAY) + self.pack("I", GGUF_STRING) + self.count(len(values))
        return self.string(key) + header + items

    def tensor_info(self, name: str, shape: tuple[int, ...], type_id: int, offset: int) -> bytes:
        dims = b"".join(self.count(dim) for dim in shape)
        return self.string(name) + self.pack("I", len(shape)) + dims + self.pack("I", type_id) + self.pack("Q", offset)

    def header(self, tensor_count: int, kv_count: int) -> bytes:
        return b"GGUF" + self.pack("I", self.version) + self.count(tensor_count) + self.count(kv_count)

    def file(self, kvs: list[bytes], tensors: list[bytes], data_size: int, alignment: int = 32) -> bytes:
        head = self.header(len(tensors), len(kvs)) + b"".join(kvs) + b"".join(tensors)
        padding = -len(head) % alignment
        return head + b"\0" * padding + b"\0" * data_size
