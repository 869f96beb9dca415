"""Inspection of PyTorch zip archives (torch.save since PyTorch 1.6, torch.jit.save).

The archive has one top directory that contains data.pkl (the pickled
object), data/<key> (one member per tensor storage), version and
byteorder.  data.pkl is walked with the pickle inspector, never unpickled.
Its persistent ids ("storage", storage type, key, location, element count)
name the storages, which are checked against the data/ members.
TorchScript archives add code/ (TorchScript source) and constants.pkl.
NOTE: constants.pkl, the tensor constants of TorchScript code, is not walked.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from dl_lint.errors import FormatError
from dl_lint.model import ModelDetails

from . import pickle as pickle_inspector
from ._stream import CORRUPT, StreamReader
from ._zip import ZIP_ERRORS, check_expansion, open_zip, read_member

# Element sizes in bytes of the dtypes that storage types map to.
DTYPE_SIZES = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2,
    "int64": 8, "int32": 4, "int16": 2, "int8": 1, "uint8": 1, "bool": 1,
    "uint16": 2, "uint32": 4, "uint64": 8,
    "complex128": 16, "complex64": 8,
    "qint8": 1, "quint8": 1, "qint32": 4, "quint4x2": 1, "quint2x4": 1,
    "float8_e4m3fn": 1, "float8_e5m2": 1,
}  # fmt: skip

MAX_SMALL_MEMBER = 64
# TorchScript pickles name their classes in this module, and code/ defines them.
TORCHSCRIPT_MODULE = "__torch__."


def _find_data_pickle(archive: zipfile.ZipFile) -> str:
    """Return the top directory, with its slash, that contains data.pkl."""
    for info in archive.infolist():
        directory, _, base = info.filename.rpartition("/")
        if base == "data.pkl" and directory and "/" not in directory:
            return directory + "/"
    raise FormatError("PyTorch archive has no <directory>/data.pkl member", tag=CORRUPT)


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> pickle_inspector.PickleScan:
    check_expansion(info)
    try:
        with archive.open(info) as member:
            return pickle_inspector.scan(StreamReader(member, info.file_size))
    except ZIP_ERRORS as error:
        raise FormatError(f"cannot read {info.filename}: {error}", tag=CORRUPT) from error
    except FormatError as error:
        raise FormatError(f"in {info.filename}: {error}", tag=error.tag) from error


def _check_storages(scan: pickle_inspector.PickleScan, members: dict[str, zipfile.ZipInfo], prefix: str) -> int:
    """Check that every storage the pickle names exists and is large enough.

    Returns the total size of the storage members in bytes.
    """
    total = 0
    for key, (dtype, count) in scan.storages.items():
        info = members.get(f"{prefix}data/{key}")
        if info is None:
            raise FormatError(
                f"PyTorch archive has no member {prefix}data/{key} for a storage of data.pkl", tag=CORRUPT
            )
        total += info.file_size
        needed = count * DTYPE_SIZES[dtype] if count is not None and dtype in DTYPE_SIZES else 0
        if info.file_size < needed:
            raise FormatError(
                f"storage {prefix}data/{key} has {info.file_size} bytes, "
                f"but {count} elements of {dtype} need {needed}",
                tag=CORRUPT,
            )
    return total


def _small_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> str | None:
    if info is None or info.file_size > MAX_SMALL_MEMBER:
        return None
    return read_member(archive, info, MAX_SMALL_MEMBER).decode("ascii", errors="replace").strip()


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect a PyTorch zip archive (format "pytorch-zip")."""
    archive = open_zip(StreamReader(stream, size).random_access("the PyTorch archive"), "the PyTorch archive")
    members = {info.filename: info for info in archive.infolist()}
    prefix = _find_data_pickle(archive)
    scan = _scan_member(archive, members[prefix + "data.pkl"])
    torchscript = any(name.startswith(prefix + "code/") for name in members)
    details = ModelDetails(format="pytorch-zip")
    if torchscript:
        details.metadata["torchscript"] = "yes"
        # TorchScript classes come from code/, which torch.jit.load compiles.
        # They are listed as imports, but they are not Python imports.
        scan.problems = [p for p in scan.problems if not p[1].startswith(TORCHSCRIPT_MODULE)]
    scan.fill(details)
    details.metadata["storage_bytes"] = str(_check_storages(scan, members, prefix))
    for key, member in (("archive_version", "version"), ("byte_order", "byteorder")):
        text = _small_text(archive, members.get(prefix + member) or members.get(f"{prefix}.data/{member}"))
        if text:
            details.metadata[key] = text
    return details
