"""Tests of the NumPy inspector on real .npy and .npz files and on hostile headers."""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pytest

from dl_lint.inspect import _stream, _zip
from dl_lint.inspect import numpy as inspector

from .builders import expect_error, measure, run


def npy_bytes(array: np.ndarray, version: tuple[int, int] | None = None, **options) -> bytes:
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array, **options)
    else:
        np.lib.format.write_array(buffer, array, version=version, **options)
    return buffer.getvalue()


def npz_bytes(compressed: bool = False, **arrays) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def raw_npy(header: str, version: int = 1, data: bytes = b"") -> bytes:
    encoded = header.encode("latin-1")
    length = struct.pack("<H", len(encoded)) if version == 1 else struct.pack("<I", len(encoded))
    return b"\x93NUMPY" + bytes([version, 0]) + length + encoded + data


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_npy_versions(version):
    data = npy_bytes(np.zeros((3, 4), dtype="<f4"), version)

    details = run(inspector, data)

    assert details.format == "numpy-npy"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("array", "float32", (3, 4))]
    assert details.parameters == 12
    assert details.problems == []


def test_npy_fortran_order_forward_only():
    data = npy_bytes(np.asfortranarray(np.ones((2, 5), dtype=np.int16)))

    details = run(inspector, data, forward=True)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("array", "int16", (2, 5))]
    assert details.metadata["fortran_order"] == "yes"


def test_npy_structured_dtype():
    array = np.zeros(4, dtype=[("x", "<f8"), ("label", "S3")])

    details = run(inspector, npy_bytes(array))

    assert details.tensors[0].dtype == "void88"
    assert details.tensors[0].shape == (4,)


def test_npy_object_array():
    data = npy_bytes(np.array([{"a": 1}, None], dtype=object), allow_pickle=True)

    details = run(inspector, data)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("array", "object", (2,))]
    assert details.problems == [("numpy-object-array", "array")]
    assert "numpy.ndarray" in details.imports


def test_npy_object_array_hostile_pickle():
    hostile = b"\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R."
    data = raw_npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }") + hostile

    details = run(inspector, data)

    assert details.problems == [
        ("numpy-object-array", "array"),
        ("pickle-imports-code-execution", "os.system"),
    ]


def test_npy_header_with_call():
    data = raw_npy("{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': ()}")

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"
    assert "more than literals" in str(error)


def test_npy_header_not_a_dict():
    error = expect_error(inspector, raw_npy("[1, 2, 3]"))

    assert error.tag == "model-file-corrupt"
    assert "not a dict literal" in str(error)


def test_npy_header_wrong_keys():
    error = expect_error(inspector, raw_npy("{'descr': '<f4', 'shape': (2,)}"))

    assert error.tag == "model-file-corrupt"


def test_npy_header_negative_shape():
    error = expect_error(inspector, raw_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"))

    assert error.tag == "model-file-corrupt"


def test_npy_header_nested_too_deep():
    error = expect_error(inspector, raw_npy("{'descr': " + "(" * 5000 + ")" * 5000 + "}"))

    assert error.tag == "model-file-corrupt"


def test_npy_invalid_descr():
    error = expect_error(inspector, raw_npy("{'descr': '<q9', 'fortran_order': False, 'shape': (2,)}"))

    assert error.tag == "model-file-corrupt"


def test_npy_unsupported_version():
    data = npy_bytes(np.zeros(2))
    data = data[:6] + b"\x07\x00" + data[8:]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_npy_huge_header_length():
    data = b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{"

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-header-too-large"
    assert peak < 1 << 20


@pytest.mark.parametrize("cut", [3, 9, 40, -1])
def test_npy_truncated(cut):
    data = npy_bytes(np.zeros((10, 10), dtype=np.float64))[:cut]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


def test_npy_truncated_data_forward_only():
    data = npy_bytes(np.zeros(100, dtype=np.float64))

    error = expect_error(inspector, data[:-10], forward=True, size=len(data))

    assert error.tag == "model-file-truncated"


def test_npz_members():
    data = npz_bytes(weights=np.ones((3, 4), dtype=np.float32), bias=np.zeros(4, dtype=np.float64))

    details = run(inspector, data)

    assert details.format == "numpy-npz"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("weights", "float32", (3, 4)), ("bias", "float64", (4,))]
    assert details.parameters == 16
    assert details.metadata["members"] == "2"


def test_npz_compressed_forward_only():
    data = npz_bytes(compressed=True, w=np.arange(12, dtype=np.int32).reshape(3, 4))

    details = run(inspector, data, forward=True)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("w", "int32", (3, 4))]


def test_npz_object_member():
    data = npz_bytes(labels=np.array(["a", None], dtype=object), w=np.ones(2))

    details = run(inspector, data)

    assert ("numpy-object-array", "labels") in details.problems
    assert [t.name for t in details.tensors] == ["labels", "w"]


def test_npz_other_members():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("w.npy", npy_bytes(np.ones(3)))
        archive.writestr("README", "notes")

    details = run(inspector, buffer.getvalue())

    assert details.metadata["other_members"] == "1"
    assert [t.name for t in details.tensors] == ["w"]


def test_npz_member_corrupt_names_member():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bad.npy", b"\x93NUMPY\x01\x00\x04\x00[1]\n")

    error = expect_error(inspector, buffer.getvalue())

    assert error.tag == "model-file-corrupt"
    assert "bad.npy" in str(error)


def test_npz_needs_random_access(monkeypatch):
    monkeypatch.setattr(_stream, "RANDOM_ACCESS_CAP", 100)
    data = npz_bytes(w=np.ones(100))

    error = expect_error(inspector, data, forward=True)

    assert error.tag == "model-needs-random-access"


def test_npz_too_many_members(monkeypatch):
    monkeypatch.setattr(_zip, "MAX_MEMBERS", 3)
    data = npz_bytes(**{f"a{index}": np.zeros(1) for index in range(5)})

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"


def test_npz_compression_bomb(monkeypatch):
    monkeypatch.setattr(_zip, "MIN_BOMB_SIZE", 1000)
    data = npz_bytes(compressed=True, zeros=np.zeros(100_000))

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"
    assert "zeros.npy expands from" in str(error)


def test_npz_corrupt_archive():
    data = npz_bytes(w=np.ones(3))
    data = data[:30] + b"\xff" * 20 + data[50:]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"
