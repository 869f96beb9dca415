"""Bounded access to zip archives: NumPy .npz, PyTorch and Keras v3 files.

zipfile reads the whole central directory into memory when it opens an
archive, so open_zip first checks the directory size and member count in
the end-of-central-directory record.  Members are read with a cap and
never extracted.
"""

from __future__ import annotations

import lzma
import os
import struct
import zipfile
import zlib
from typing import BinaryIO

from dl_lint.errors import FormatError

from ._stream import CORRUPT, TOO_LARGE

MAX_MEMBERS = 100_000
MAX_DIRECTORY_SIZE = 8 << 20

# A member that expands more than MAX_RATIO times and to more than
# MIN_BOMB_SIZE bytes is treated as a compression bomb.
# NOTE: an estimate.  Deflate packs all-zero arrays about 1000:1, so an
# .npz of such arrays above 1 GiB is rejected too.
MAX_RATIO = 100
MIN_BOMB_SIZE = 1 << 30

# Exceptions that zipfile raises on invalid archives: BadZipFile for structure and CRC,
# NotImplementedError for unsupported compression methods, RuntimeError for
# encrypted members, EOFError and the codec errors for cut or invalid data.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
)

_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"


def _directory_totals(file: BinaryIO) -> tuple[int, int] | None:
    """Return (member count, central directory size) from the end records."""
    end = file.seek(0, os.SEEK_END)
    tail_size = min(end, _END_RECORD_SIZE + 0xFFFF)
    file.seek(end - tail_size)
    tail = file.read(tail_size)
    index = tail.rfind(_END_RECORD)
    if index < 0 or len(tail) - index < _END_RECORD_SIZE:
        return None
    members, directory_size = struct.unpack_from("<HI", tail, index + 10)
    if members != 0xFFFF and directory_size != 0xFFFFFFFF:
        return members, directory_size
    locator = tail[index - 20 : index] if index >= 20 else b""
    if not locator.startswith(_ZIP64_LOCATOR):
        return members, directory_size
    (record_offset,) = struct.unpack_from("<Q", locator, 8)
    file.seek(min(record_offset, end))
    record = file.read(56)
    if len(record) < 56 or not record.startswith(_ZIP64_END_RECORD):
        return members, directory_size
    return struct.unpack_from("<QQ", record, 32)


def open_zip(file: BinaryIO, description: str) -> zipfile.ZipFile:
    """Open the seekable FILE as a zip archive after checking its directory size."""
    try:
        totals = _directory_totals(file)
        file.seek(0)
    except (OSError, ValueError) as error:
        raise FormatError(f"cannot read {description}: {error}", tag=CORRUPT) from error
    if totals is not None:
        members, directory_size = totals
        if members > MAX_MEMBERS or directory_size > MAX_DIRECTORY_SIZE:
            raise FormatError(
                f"{description} declares {members} members in a central directory of "
                f"{directory_size} bytes; dl-lint inspects at most {MAX_MEMBERS} "
                f"members and {MAX_DIRECTORY_SIZE} bytes",
                tag=TOO_LARGE,
            )
    try:
        return zipfile.ZipFile(file)
    except ZIP_ERRORS as error:
        raise FormatError(f"invalid zip archive in {description}: {error}", tag=CORRUPT) from error


def check_expansion(info: zipfile.ZipInfo) -> None:
    """Raise FormatError for a member whose declared size makes it a compression bomb.

    zipfile stops reading a member at its declared size, so checking the
    declared size bounds the work of reading the member to the end.
    """
    if info.file_size > MIN_BOMB_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise FormatError(
            f"zip member {info.filename} expands from {info.compress_size} to {info.file_size} bytes",
            tag=TOO_LARGE,
        )


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Read a whole member into memory, raising FormatError above CAP bytes."""
    if info.file_size > cap:
        raise FormatError(
            f"zip member {info.filename} of {info.file_size} bytes is larger than "
            f"the {cap} bytes dl-lint reads into memory",
            tag=TOO_LARGE,
        )
    try:
        with archive.open(info) as member:
            data = member.read(cap + 1)
    except ZIP_ERRORS as error:
        raise FormatError(f"cannot read zip member {info.filename}: {error}", tag=CORRUPT) from error
    if len(data) > cap:
        raise FormatError(f"zip member {info.filename} is larger than {cap} bytes", tag=TOO_LARGE)
    return data
