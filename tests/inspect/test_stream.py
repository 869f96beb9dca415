"""Tests of the bounded reader and the zip helper shared by the inspectors."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from dl_lint.errors import FormatError
from dl_lint.inspect import _zip
from dl_lint.inspect._stream import StreamReader, random_access

from .builders import ForwardOnly, measure, streams

DATA = bytes(range(256)) * 1024


@pytest.mark.parametrize("stream", streams(DATA), ids=["seekable", "forward"])
def test_read_and_skip(stream):
    reader = StreamReader(stream, len(DATA))

    first = reader.read(4, "a field")
    reader.skip(100_000, "a payload")
    after = reader.read(2, "a field")

    assert first == bytes([0, 1, 2, 3])
    assert after == DATA[100_004:100_006]
    assert reader.offset == 100_006
    assert reader.remaining == len(DATA) - 100_006


@pytest.mark.parametrize("stream", streams(DATA[:1000]), ids=["seekable", "forward"])
def test_skip_past_real_end(stream):
    reader = StreamReader(stream, len(DATA))

    with pytest.raises(FormatError) as error:
        reader.skip(200_000, "tensor data")

    assert error.value.tag == "model-file-truncated"


def test_read_past_declared_size():
    reader = StreamReader(io.BytesIO(DATA), 10)

    with pytest.raises(FormatError) as error:
        reader.read(11, "a header")

    assert error.value.tag == "model-file-truncated"
    assert "a header at offset 0 needs 11 bytes, but the file ends at offset 10" in str(error.value)


def test_huge_read_rejected_without_allocation():
    reader = StreamReader(io.BytesIO(DATA), 2**62)

    error, peak = measure(lambda: pytest.raises(FormatError, reader.read, 2**40, "a header").value)

    assert error.tag == "model-header-too-large"
    assert peak < 1 << 20


def test_peek_does_not_consume():
    reader = StreamReader(ForwardOnly(DATA), len(DATA))

    head = reader.peek(3)
    again = reader.read(3, "magic")

    assert head == again == bytes([0, 1, 2])


def test_read_line_and_long_line():
    data = b"short\n" + b"x" * 10_000 + b"\nend\n"
    reader = StreamReader(ForwardOnly(data), len(data))

    lines = [reader.read_line(100, "a line") for _ in range(3)]

    assert lines == [b"short", None, b"end"]
    assert reader.offset == len(data)


def test_read_line_without_newline():
    reader = StreamReader(io.BytesIO(b"no newline"), 10)

    with pytest.raises(FormatError) as error:
        reader.read_line(100, "a line")

    assert error.value.tag == "model-file-truncated"


def test_random_access_spools_forward_stream():
    file = random_access(ForwardOnly(DATA), len(DATA), "an archive")

    assert file.seekable()
    assert file.read() == DATA


def test_random_access_cap(monkeypatch):
    monkeypatch.setattr("dl_lint.inspect._stream.RANDOM_ACCESS_CAP", 100)

    with pytest.raises(FormatError) as error:
        random_access(ForwardOnly(DATA), len(DATA), "an archive")

    assert error.value.tag == "model-needs-random-access"


def test_zip_directory_too_large(monkeypatch):
    monkeypatch.setattr(_zip, "MAX_DIRECTORY_SIZE", 100)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(5):
            archive.writestr(f"member{index}.npy", b"")

    with pytest.raises(FormatError) as error:
        _zip.open_zip(buffer, "an archive")

    assert error.value.tag == "model-header-too-large"


def test_zip64_member_count():
    # An end record that defers to a zip64 record declaring 2**40 members.
    zip64_record = b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, 2**40, 2**40, 46, 0)
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, 0, 1)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    data = zip64_record + locator + end

    with pytest.raises(FormatError) as error:
        _zip.open_zip(io.BytesIO(data), "an archive")

    assert error.value.tag == "model-header-too-large"


def test_read_member_cap():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", b"{}" + b" " * 10_000)
    archive = _zip.open_zip(buffer, "an archive")

    with pytest.raises(FormatError) as error:
        _zip.read_member(archive, archive.getinfo("config.json"), 1000)

    assert error.value.tag == "model-header-too-large"


def test_not_a_zip():
    with pytest.raises(FormatError) as error:
        _zip.open_zip(io.BytesIO(b"PK\x03\x04" + b"\0" * 100), "an archive")

    assert error.value.tag == "model-file-corrupt"
