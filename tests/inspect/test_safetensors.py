"""Tests of the safetensors inspector on real files and on hostile headers."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from safetensors.numpy import save, save_file

from dl_lint.inspect import safetensors as inspector

from .builders import expect_error, measure, run


def raw_file(header: dict, data: bytes) -> bytes:
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + data


def test_real_file(tmp_path):
    path = tmp_path / "model.safetensors"
    tensors = {"encoder.weight": np.ones((4, 3), dtype=np.float32), "encoder.bias": np.zeros(3, dtype=np.int64)}
    save_file(tensors, str(path), metadata={"format": "np", "license": "Apache-2.0"})
    data = path.read_bytes()

    details = run(inspector, data)

    assert details.format == "safetensors"
    assert sorted((t.name, t.dtype, t.shape) for t in details.tensors) == [
        ("encoder.bias", "int64", (3,)),
        ("encoder.weight", "float32", (4, 3)),
    ]
    assert details.parameters == 15
    assert details.metadata == {"format": "np", "license": "Apache-2.0"}
    assert details.problems == []


def test_forward_only():
    data = save({"w": np.ones((2, 2), dtype=np.float16)})

    details = run(inspector, data, forward=True)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("w", "float16", (2, 2))]


def test_bfloat16_and_float8_codes():
    header = {
        "a": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 8]},
        "b": {"dtype": "F8_E4M3", "shape": [4], "data_offsets": [8, 12]},
        "c": {"dtype": "F4", "shape": [8], "data_offsets": [12, 16]},
    }

    details = run(inspector, raw_file(header, b"\0" * 16))

    assert [(t.name, t.dtype) for t in details.tensors] == [("a", "bfloat16"), ("b", "float8_e4m3fn"), ("c", "float4_e2m1fn")]


def test_long_metadata_value_truncated():
    data = save({"w": np.ones(1, dtype=np.float32)}, metadata={"description": "x" * 1000})

    details = run(inspector, data)

    assert details.metadata["description"] == "x" * 200


def test_header_100_gb():
    data = struct.pack("<Q", 100 * 10**9) + b"{}"

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-header-too-large"
    assert peak < 1 << 20


def test_header_longer_than_file():
    data = struct.pack("<Q", 5000) + b'{"a": 1}'

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


@pytest.mark.parametrize("cut", [4, 8, 20, -3])
def test_truncated(cut):
    data = save({"w": np.ones((8, 8), dtype=np.float32)})[:cut]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


def test_truncated_data_forward_only():
    data = save({"w": np.ones((64,), dtype=np.float32)})

    error = expect_error(inspector, data[:-16], forward=True, size=len(data))

    assert error.tag == "model-file-truncated"


def test_invalid_json():
    data = struct.pack("<Q", 6) + b"{nope}"

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_header_not_object():
    data = struct.pack("<Q", 6) + b"[1, 2]"

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_deeply_nested_json():
    nested = b"{" + b'"a":[' * 100_000 + b"]" * 100_000 + b"}"
    data = struct.pack("<Q", len(nested)) + nested

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_size_mismatch():
    header = {"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 12]}}

    error = expect_error(inspector, raw_file(header, b"\0" * 12))

    assert error.tag == "model-file-corrupt"
    assert "needs 16" in str(error)


def test_overlap():
    header = {
        "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
        "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]},
    }

    error = expect_error(inspector, raw_file(header, b"\0" * 12))

    assert error.tag == "model-file-corrupt"
    assert "overlap" in str(error)


def test_gap():
    header = {"a": {"dtype": "U8", "shape": [2], "data_offsets": [4, 6]}}

    error = expect_error(inspector, raw_file(header, b"\0" * 6))

    assert error.tag == "model-file-corrupt"
    assert "gap" in str(error)


def test_trailing_bytes():
    header = {"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}

    error = expect_error(inspector, raw_file(header, b"\0" * 10))

    assert error.tag == "model-file-corrupt"


def test_offsets_beyond_file():
    header = {"a": {"dtype": "U8", "shape": [2**40], "data_offsets": [0, 2**40]}}

    error = expect_error(inspector, raw_file(header, b"\0" * 10))

    assert error.tag == "model-file-truncated"


def test_invalid_shape():
    header = {"a": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 0]}}

    error = expect_error(inspector, raw_file(header, b""))

    assert error.tag == "model-file-corrupt"


def test_metadata_not_strings():
    header = {"__metadata__": {"epochs": 3}}

    error = expect_error(inspector, raw_file(header, b""))

    assert error.tag == "model-file-corrupt"
