"""Inspection of NumPy .npy files and .npz archives from their array headers.

A .npy file starts with the magic b"\\x93NUMPY", a version (1.0, 2.0 or
3.0), a header length and a header that is the repr of a dict with the
keys descr, fortran_order and shape.  The header is parsed with
ast.literal_eval, which evaluates literals only, after checking that it is
a plain dict literal.  Array data is skipped.  An object array stores a
pickle instead of data, which is walked with the pickle inspector.
"""

from __future__ import annotations

import ast
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from dl_lint.errors import FormatError, MissingDependencyError
from dl_lint.model import ModelDetails, TensorInfo

from . import pickle as pickle_inspector
from ._stream import CORRUPT, TRUNCATED, StreamReader, corrupt, too_large
from ._zip import ZIP_ERRORS, check_expansion, open_zip

MAGIC = b"\x93NUMPY"
ZIP_MAGIC = b"PK"
OBJECT_ARRAY = "numpy-object-array"

# numpy.lib.format rejects headers over 10,000 bytes unless the caller
# raises max_header_size.  This cap leaves room for structured dtypes with
# a few thousand fields.  It also bounds the parse time: ast.parse took
# about 5 s on an 800 KB tuple literal (measured on a 2-core machine).
MAX_HEADER_SIZE = 64 << 10

# Header length field: version 1 has two bytes, later versions four.  Version
# 3 headers are UTF-8, older ones Latin-1.
_LENGTH_LAYOUT = {1: struct.Struct("<H"), 2: struct.Struct("<I"), 3: struct.Struct("<I")}
_HEADER_KEYS = {"descr", "fortran_order", "shape"}


@dataclass(frozen=True)
class ArrayHeader:
    """The parsed header of one .npy array."""

    dtype: str
    shape: tuple[int, ...]
    data_size: int | None
    has_object: bool
    fortran_order: bool


def _numpy():
    try:
        import numpy
        import numpy.lib.format
    except ImportError as error:
        raise MissingDependencyError("numpy", "python3-numpy") from error
    return numpy


def _literal_dict(text: str, offset: int) -> dict:
    """Evaluate TEXT, which must be a dict display of literals."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        # The parser raises MemoryError with no message on deep nesting.
        raise corrupt(f"invalid .npy header ({type(error).__name__}: {error})", offset) from error
    if not isinstance(tree.body, ast.Dict):
        raise corrupt(".npy header is not a dict literal", offset)
    try:
        value = ast.literal_eval(tree.body)
    except (ValueError, TypeError, SyntaxError, RecursionError) as error:
        # The message of literal_eval names an AST node with its memory
        # address, which would make the hint's context differ on each run.
        raise corrupt(f".npy header contains more than literals ({type(error).__name__})", offset) from error
    return value


def _parse_dtype(descr: object, offset: int):
    numpy = _numpy()
    if not isinstance(descr, (str, list)):
        raise corrupt(f".npy descr {descr!r:.60} is neither a string nor a list", offset)
    try:
        return numpy.lib.format.descr_to_dtype(descr)
    except (TypeError, ValueError, KeyError, OverflowError) as error:
        raise corrupt(f"invalid .npy descr {descr!r:.60}: {error}", offset) from error


def read_header(reader: StreamReader) -> ArrayHeader:
    """Read the magic, version and header dict of the .npy at the reader's position."""
    start = reader.offset
    magic, major, minor = struct.unpack("<6sBB", reader.read(8, "the .npy magic and version"))
    if magic != MAGIC:
        raise corrupt(f"not a .npy file (magic {magic!r})", start)
    layout = _LENGTH_LAYOUT.get(major)
    if layout is None or minor != 0:
        raise corrupt(f"unsupported .npy version {major}.{minor}", start + 6)
    (length,) = reader.unpack(layout, "the .npy header length")
    if length > MAX_HEADER_SIZE:
        raise too_large(f".npy header of {length} bytes exceeds {MAX_HEADER_SIZE}", start + 8)
    header_offset = reader.offset
    raw = reader.read(length, "the .npy header")
    try:
        text = raw.decode("utf-8" if major >= 3 else "latin-1")
    except UnicodeDecodeError as error:
        raise corrupt(f"invalid .npy header encoding: {error}", header_offset) from error
    fields = _literal_dict(text, header_offset)
    return _header_from_fields(fields, header_offset)


def _header_from_fields(fields: dict, offset: int) -> ArrayHeader:
    if set(fields) != _HEADER_KEYS:
        raise corrupt(f".npy header keys {sorted(map(str, fields))} are not {sorted(_HEADER_KEYS)}", offset)
    shape = fields["shape"]
    if not (isinstance(shape, tuple) and all(type(dim) is int and dim >= 0 for dim in shape)):
        raise corrupt(f".npy shape {shape!r:.60} is not a tuple of sizes", offset)
    if not isinstance(fields["fortran_order"], bool):
        raise corrupt(".npy fortran_order is not a bool", offset)
    dtype = _parse_dtype(fields["descr"], offset)
    count = 1
    for dim in shape:
        count *= dim
    has_object = bool(dtype.hasobject)
    return ArrayHeader(
        dtype=dtype.name,
        shape=shape,
        data_size=None if has_object else count * dtype.itemsize,
        has_object=has_object,
        fortran_order=fields["fortran_order"],
    )


def _record_array(reader: StreamReader, details: ModelDetails, name: str) -> ArrayHeader:
    """Read one array's header, check its data size and walk an object pickle."""
    header = read_header(reader)
    details.add_tensor(TensorInfo(name=name, dtype=header.dtype, shape=header.shape))
    if header.data_size is not None:
        if header.data_size > reader.remaining:
            raise FormatError(
                f"array {name} needs {header.data_size} bytes of data after offset "
                f"{reader.offset}, but the file ends at offset {reader.size}",
                tag=TRUNCATED,
            )
        reader.skip(header.data_size, f"the data of array {name}")
        return header
    # Loading this array needs allow_pickle=True, which unpickles what follows.
    details.problems.append((OBJECT_ARRAY, name))
    result = pickle_inspector.scan(reader)
    details.imports.extend(item for item in result.imports if item not in details.imports)
    details.problems.extend(problem for problem in result.problems if problem not in details.problems)
    return header


def _inspect_npz(reader: StreamReader, details: ModelDetails) -> None:
    archive = open_zip(reader.random_access("the .npz archive"), "the .npz archive")
    other = 0
    for info in archive.infolist():
        # The suffix test also skips directories; ZipInfo.is_dir() would fail
        # on an empty member name.
        if not info.filename.endswith(".npy"):
            other += 1
            continue
        _inspect_member(archive, info, details)
    details.metadata["members"] = str(len(archive.infolist()))
    if other:
        details.metadata["other_members"] = str(other)


def _inspect_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, details: ModelDetails) -> None:
    name = info.filename[: -len(".npy")]
    check_expansion(info)
    try:
        with archive.open(info) as member:
            _record_array(StreamReader(member, info.file_size), details, name)
    except ZIP_ERRORS as error:
        raise FormatError(f"cannot read .npz member {info.filename}: {error}", tag=CORRUPT) from error
    except FormatError as error:
        raise FormatError(f"in .npz member {info.filename}: {error}", tag=error.tag) from error


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect a .npy file or an .npz archive (format "numpy-npy" or "numpy-npz")."""
    reader = StreamReader(stream, size)
    # An empty archive starts with the end-of-directory record, PK\x05\x06.
    if reader.peek(len(MAGIC)).startswith(ZIP_MAGIC):
        details = ModelDetails(format="numpy-npz")
        _inspect_npz(reader, details)
        return details
    details = ModelDetails(format="numpy-npy")
    header = _record_array(reader, details, "array")
    details.metadata["fortran_order"] = "yes" if header.fortran_order else "no"
    return details
