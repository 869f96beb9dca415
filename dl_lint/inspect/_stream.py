"""Bounded reading of model files, shared by the inspectors.

StreamReader reads exact byte counts from a stream that may be forward-only,
tracks the offset for error messages and turns every short read into
FormatError(tag="model-file-truncated").  Every read is checked against the
declared file size before anything is allocated, so a length field that
claims gigabytes fails fast instead of reaching ``stream.read``.
"""

from __future__ import annotations

import io
import struct
from typing import BinaryIO

from dl_lint.errors import FormatError

TRUNCATED = "model-file-truncated"
CORRUPT = "model-file-corrupt"
TOO_LARGE = "model-header-too-large"
NEEDS_RANDOM_ACCESS = "model-needs-random-access"

CHUNK_SIZE = 1 << 16

# No inspector needs a larger single read. Callers check their own, smaller
# caps first, so this is only a safety net against a missed check.
MAX_READ = 128 << 20

# Forward-only streams of formats that need random access (zip, HDF5) are
# read into memory up to this size.
RANDOM_ACCESS_CAP = 512 << 20


def corrupt(message: str, offset: int) -> FormatError:
    """Return the FormatError for invalid structure at OFFSET."""
    return FormatError(f"{message} at offset {offset}", tag=CORRUPT)


def too_large(message: str, offset: int) -> FormatError:
    """Return the FormatError for a size or count beyond the inspection limits."""
    return FormatError(f"{message} at offset {offset}", tag=TOO_LARGE)


def is_seekable(stream: BinaryIO) -> bool:
    """Return whether STREAM supports seek, treating a failing check as no."""
    try:
        return bool(stream.seekable())
    except (AttributeError, OSError, ValueError):
        return False


class StreamReader:
    """Exact, bounded reads from the start of a binary stream.

    ``size`` is the declared file size, trusted as an upper bound only.
    Reading past it and reading past the real end of the stream both raise
    FormatError(tag="model-file-truncated").  Each read takes a description
    of the field, such as "the safetensors header", for the error message.
    """

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self._stream = stream
        self.size = size
        self._seekable = is_seekable(stream)
        self._buffer = b""
        self._position = 0
        self.offset = 0

    @property
    def remaining(self) -> int:
        """Bytes left before the declared end of the file."""
        return max(self.size - self.offset, 0)

    def _buffered(self) -> int:
        return len(self._buffer) - self._position

    def _fill(self, count: int) -> None:
        """Buffer at least COUNT unread bytes, fewer only at the end of the stream."""
        if self._buffered() >= count:
            return
        parts = [self._buffer[self._position :]]
        have = len(parts[0])
        while have < count:
            chunk = self._stream.read(max(count - have, CHUNK_SIZE))
            if not chunk:
                break
            parts.append(chunk)
            have += len(chunk)
        self._buffer = b"".join(parts)
        self._position = 0

    def _check_within(self, count: int, description: str) -> None:
        if count > self.remaining:
            raise FormatError(
                f"{description} at offset {self.offset} needs {count} bytes, "
                f"but the file ends at offset {self.size}",
                tag=TRUNCATED,
            )

    def _short_read(self, description: str) -> FormatError:
        return FormatError(
            f"the file ends at offset {self.offset + self._buffered()} inside {description}",
            tag=TRUNCATED,
        )

    def peek(self, count: int) -> bytes:
        """Return up to COUNT bytes without consuming them."""
        self._fill(count)
        return self._buffer[self._position : self._position + count]

    def at_end(self) -> bool:
        """Return whether no byte is left, by the declared size or the stream."""
        return self.remaining == 0 or not self.peek(1)

    def read(self, count: int, description: str) -> bytes:
        """Read exactly COUNT bytes."""
        end = self._position + count
        if end <= len(self._buffer) and self.offset + count <= self.size:
            # Fast path: the bytes are buffered already.
            data = self._buffer[self._position : end]
            self._position = end
            self.offset += count
            return data
        if count > MAX_READ:
            raise too_large(f"{description} of {count} bytes is larger than {MAX_READ}", self.offset)
        self._check_within(count, description)
        self._fill(count)
        if self._buffered() < count:
            raise self._short_read(description)
        data = self._buffer[self._position : self._position + count]
        self._position += count
        self.offset += count
        return data

    def read_byte(self, description: str) -> int:
        """Read one byte, with a fast path for opcode loops."""
        if self._position < len(self._buffer) and self.offset < self.size:
            byte = self._buffer[self._position]
            self._position += 1
            self.offset += 1
            return byte
        return self.read(1, description)[0]

    def read_some(self, limit: int) -> bytes:
        """Read up to LIMIT bytes: fewer near the end of the file, and b"" at the end."""
        count = min(limit, self.remaining)
        self._fill(min(count, CHUNK_SIZE))
        data = self._buffer[self._position : self._position + count]
        self._position += len(data)
        self.offset += len(data)
        return data

    def unpack(self, layout: struct.Struct, description: str) -> tuple:
        """Read and unpack one fixed-size struct."""
        return layout.unpack(self.read(layout.size, description))

    def skip(self, count: int, description: str) -> None:
        """Move past COUNT bytes without keeping them."""
        if self._position + count <= len(self._buffer) and self.offset + count <= self.size:
            self._position += count
            self.offset += count
            return
        self._check_within(count, description)
        from_buffer = min(count, self._buffered())
        self._position += from_buffer
        self.offset += from_buffer
        left = count - from_buffer
        if left and self._seekable and left > CHUNK_SIZE and self._seek_over(left, description):
            return
        while left:
            chunk = self._stream.read(min(left, 16 * CHUNK_SIZE))
            if not chunk:
                raise self._short_read(description)
            left -= len(chunk)
            self.offset += len(chunk)

    def _seek_over(self, count: int, description: str) -> bool:
        """Seek past COUNT bytes and read the last one to prove it exists."""
        try:
            self._stream.seek(count - 1, io.SEEK_CUR)
        except (OSError, ValueError):
            self._seekable = False
            return False
        self.offset += count - 1
        if not self._stream.read(1):
            raise self._short_read(description)
        self.offset += 1
        return True

    def read_line(self, limit: int, description: str) -> bytes | None:
        """Read one line up to and without its newline.

        A line longer than LIMIT is skipped to its newline and None returned,
        so memory stays bounded.
        """
        start = self.offset
        while True:
            newline = self._buffer.find(b"\n", self._position)
            if newline >= 0:
                length = newline - self._position
                self._check_within(length + 1, description)
                line = self._buffer[self._position : newline]
                self._position = newline + 1
                self.offset += length + 1
                return line if self.offset - start - 1 <= limit else None
            if self._buffered() > limit:
                self.offset += self._buffered()
                self._buffer, self._position = b"", 0
            if self.offset + self._buffered() >= self.size:
                raise self._short_read(description)
            before = self._buffered()
            self._fill(before + CHUNK_SIZE)
            if self._buffered() == before:
                raise self._short_read(description)

    def random_access(self, description: str) -> BinaryIO:
        """Return a seekable file of the whole stream, which must be unread.

        A seekable stream is rewound and returned.  A forward-only one is read
        into memory when its declared size is at most RANDOM_ACCESS_CAP.
        """
        if self._seekable:
            try:
                self._stream.seek(0)
                return self._stream
            except (OSError, ValueError):
                self._seekable = False
        if self.size > RANDOM_ACCESS_CAP:
            raise FormatError(
                f"{description} of {self.size} bytes needs random access, and a forward-only "
                f"stream is read into memory only up to {RANDOM_ACCESS_CAP} bytes",
                tag=NEEDS_RANDOM_ACCESS,
            )
        self._fill(self.size)
        data = self._buffer[self._position : self._position + self.size]
        self._buffer, self._position = b"", 0
        return io.BytesIO(data)


def random_access(stream: BinaryIO, size: int, description: str) -> BinaryIO:
    """Return a seekable file of STREAM, as StreamReader.random_access does."""
    return StreamReader(stream, size).random_access(description)
