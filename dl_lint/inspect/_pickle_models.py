"""Readers of the pickle calls that carry model tensors, for the symbolic machine.

PyTorch tensors come from torch._utils rebuild calls on persistent storage
ids.  NumPy arrays come from _reconstruct plus a BUILD state, or from
_frombuffer.  A joblib array is a NumpyArrayWrapper whose raw bytes follow
its BUILD opcode in the file, so the walk must skip them to go on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ._pickle_values import UNKNOWN, Call, Global, Persistent, TensorRecord, int_tuple, is_global, product
from ._stream import StreamReader, corrupt, too_large

if TYPE_CHECKING:
    from .pickle import PickleScan

MAX_STORAGES = 1_000_000
MAX_NESTED_PICKLES = 8

# PyTorch storage classes named in persistent ids, and the dtype of their elements.
STORAGE_DTYPES = {
    "DoubleStorage": "float64",
    "FloatStorage": "float32",
    "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16",
    "LongStorage": "int64",
    "IntStorage": "int32",
    "ShortStorage": "int16",
    "CharStorage": "int8",
    "ByteStorage": "uint8",
    "BoolStorage": "bool",
    "ComplexDoubleStorage": "complex128",
    "ComplexFloatStorage": "complex64",
    "QInt8Storage": "qint8",
    "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32",
    "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
    "UntypedStorage": "uint8",
}

# torch dtype objects pickle as GLOBAL torch <name>, and aliases map to one name.
TORCH_DTYPE_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
    "cfloat": "complex64",
    "cdouble": "complex128",
}

# NumPy type kinds (the letter of a typestr such as "<f4") and their names.
NUMPY_KINDS = {
    "f": "float", "i": "int", "u": "uint", "c": "complex", "b": "bool",
    "O": "object", "U": "str", "S": "bytes", "V": "void",
    "M": "datetime64", "m": "timedelta64",
}  # fmt: skip

_TYPESTR = re.compile(r"[<>|=]?([A-Za-z])(\d*)(\[\w+\])?")

# Calls of torch._utils that build a tensor from (storage, offset, size, ...).
_TENSOR_REBUILDS = {"_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_qtensor"}
_PARAMETER_WRAPPERS = {
    ("torch._utils", "_rebuild_parameter"),
    ("torch._utils", "_rebuild_parameter_with_state"),
    ("torch.nn.parameter", "Parameter"),
}
_NUMPY_RECONSTRUCT = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}
# Protocol 5 pickles of arrays call _frombuffer(buffer, dtype, shape, order).
_NUMPY_FROMBUFFER = {("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")}


def numpy_dtype(value: object) -> tuple[str, int, bool] | None:
    """Return (name, item size, has objects) of a pickled numpy.dtype call.

    The call's arguments contain a typestr such as "f4" or "U10".  Its BUILD
    state contains the item size of flexible types and the flags.  Bit 0 of
    the flags (NPY_ITEM_REFCOUNT) is set when the dtype contains Python
    objects.
    """
    if not (isinstance(value, Call) and is_global(value.func, "numpy", "dtype")):
        return None
    args = value.args
    if not (isinstance(args, tuple) and args and isinstance(args[0], str)):
        return None
    match = _TYPESTR.fullmatch(args[0])
    if match is None:
        return None
    kind, digits = match.group(1), match.group(2)
    state = value.state if isinstance(value.state, tuple) else ()
    item_size = int(digits) if digits else 0
    if len(state) > 5 and type(state[5]) is int and state[5] > 0:
        item_size = state[5]
    flags = state[7] if len(state) > 7 and type(state[7]) is int else 0
    has_object = kind == "O" or bool(flags & 1)
    base = NUMPY_KINDS.get(kind, kind)
    name = f"{base}{item_size * 8}" if kind in "fiuc" else base
    return name, item_size, has_object


def _storage_dtype(storage_type: object) -> str | None:
    if not isinstance(storage_type, Global):
        return None
    if storage_type.name in STORAGE_DTYPES:
        return STORAGE_DTYPES[storage_type.name]
    if storage_type.module == "torch":
        return TORCH_DTYPE_ALIASES.get(storage_type.name, storage_type.name)
    return None


class ModelCalls:
    """Readers of the calls and BUILD states that create tensors, mixed into PickleMachine."""

    reader: StreamReader
    scan: PickleScan
    depth: int

    def _call(self, func: object, args: object) -> object:
        if not isinstance(func, Global):
            return Call(func, args)
        if func.module == "torch._utils" and func.name in _TENSOR_REBUILDS:
            return self._torch_tensor(func.name, args)
        if func.module == "torch._utils" and func.name == "_rebuild_meta_tensor_no_storage":
            return self._meta_tensor(args) or Call(func, args)
        is_tuple = isinstance(args, tuple) and args
        if (func.module, func.name) in _PARAMETER_WRAPPERS and is_tuple:
            if isinstance(args[0], TensorRecord):
                return args[0]
        if (func.module, func.name) == ("collections", "OrderedDict"):
            return {}
        if (func.module, func.name) in _NUMPY_FROMBUFFER:
            return self._numpy_buffer(args) or Call(func, args)
        return Call(func, args)

    def _storage(self, value: object) -> tuple[str | None, int | None]:
        """Return (dtype, element count) of a torch storage persistent id.

        The id is ("storage", storage type, key, location, element count),
        with a sixth view entry in files from before PyTorch 1.6.
        """
        if not isinstance(value, Persistent):
            return None, None
        pid = value.pid
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            return None, None
        dtype = _storage_dtype(pid[1])
        count = pid[4] if type(pid[4]) is int else None
        # The key names the data/<key> member.  Only a plain string or number
        # is converted, because str() of a deeply nested value raises.
        if len(self.scan.storages) < MAX_STORAGES and isinstance(pid[2], (str, int)):
            self.scan.storages[str(pid[2])] = (dtype, count)
        return dtype, count

    def _torch_tensor(self, name: str, args: object) -> object:
        if not (isinstance(args, tuple) and len(args) >= 3):
            return UNKNOWN
        dtype, count = self._storage(args[0])
        if name == "_rebuild_tensor_v3" and len(args) > 6:
            dtype = _storage_dtype(args[6]) or dtype
        shape = int_tuple(args[2])
        if shape is None:
            shape = (count,) if count is not None else ()
        record = TensorRecord(dtype=dtype or "unknown", shape=shape)
        self.scan.add_tensor(record)
        return record

    def _meta_tensor(self, args: object) -> TensorRecord | None:
        if not (isinstance(args, tuple) and len(args) >= 2):
            return None
        shape = int_tuple(args[1])
        if shape is None:
            return None
        record = TensorRecord(dtype=_storage_dtype(args[0]) or "unknown", shape=shape)
        self.scan.add_tensor(record)
        return record

    def _build(self, target: object, state: object, offset: int) -> object:
        if not (isinstance(target, Call) and isinstance(target.func, Global)):
            return target
        func = target.func
        if func.name == "NumpyArrayWrapper" and func.module.endswith("numpy_pickle"):
            return self._joblib_array(state, offset)
        if (func.module, func.name) in _NUMPY_RECONSTRUCT:
            return self._numpy_array(state) or target
        if (func.module, func.name) == ("numpy", "dtype"):
            target.state = state
        return target

    def _numpy_array(self, state: object) -> TensorRecord | None:
        """Record the array of an ndarray BUILD state (version, shape, dtype, fortran, data)."""
        if not (isinstance(state, tuple) and len(state) == 5):
            return None
        shape = int_tuple(state[1])
        dtype = numpy_dtype(state[2])
        if shape is None or dtype is None:
            return None
        record = TensorRecord(dtype=dtype[0], shape=shape)
        self.scan.add_tensor(record)
        return record

    def _numpy_buffer(self, args: object) -> TensorRecord | None:
        if not (isinstance(args, tuple) and len(args) >= 3):
            return None
        shape = int_tuple(args[2])
        dtype = numpy_dtype(args[1])
        if shape is None or dtype is None:
            return None
        record = TensorRecord(dtype=dtype[0], shape=shape)
        self.scan.add_tensor(record)
        return record

    def _joblib_array(self, state: object, offset: int) -> TensorRecord:
        """Record a joblib array and move past its bytes, which follow this BUILD.

        joblib writes an optional alignment padding (one length byte, then
        that many bytes) and the raw array, or a nested pickle when the
        array contains Python objects.
        """
        if not isinstance(state, dict):
            raise corrupt("joblib NumpyArrayWrapper without a state dict", offset)
        shape = int_tuple(state.get("shape"))
        dtype = numpy_dtype(state.get("dtype"))
        if shape is None or dtype is None:
            raise corrupt("joblib array with an unreadable shape or dtype", offset)
        name, item_size, has_object = dtype
        record = TensorRecord(dtype=name, shape=shape)
        self.scan.add_tensor(record)
        if has_object:
            self._nested_pickle(offset)
            return record
        if state.get("numpy_array_alignment_bytes") is not None:
            padding = self.reader.read(1, "joblib array padding")[0]
            self.reader.skip(padding, "joblib array padding")
        self.reader.skip(product(shape) * item_size, "joblib array data")
        return record

    def _nested_pickle(self, offset: int) -> None:
        if self.depth >= MAX_NESTED_PICKLES:
            raise too_large(f"pickles nested deeper than {MAX_NESTED_PICKLES} levels", offset)
        inner = type(self)(self.reader, self.scan, depth=self.depth + 1).run()
        # The nested pickle contains the same array that the wrapper recorded.
        if isinstance(inner, TensorRecord):
            self.scan.discard_tensor(inner)
