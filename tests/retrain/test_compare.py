"""Tensor and curve comparison: levels, numbers and the readers of each format."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from dl_lint.errors import FormatError
from dl_lint.retrain import compare
from dl_lint.retrain.curves import compare_curves, read_metrics
from dl_lint.retrain.compare import Tolerance

DEFAULT = Tolerance()


def test_diff_tensor_numbers():
    reference = np.array([1.0, 2.0, 0.0, -4.0], dtype=np.float32)
    candidate = np.array([1.0, 2.00001, 0.0, -4.1], dtype=np.float32)

    diff = compare.diff_tensor("w", reference, candidate, DEFAULT)

    assert diff.shape == (4,)
    assert diff.dtype == "float32"
    assert diff.max_abs == pytest.approx(0.1, rel=1e-5)
    assert diff.max_rel == pytest.approx(0.1 / 4.1, rel=1e-5)
    assert diff.ratio == pytest.approx(0.1 / (1e-8 + 4e-5), rel=1e-4)
    assert diff.beyond == 1
    assert diff.identical is False
    assert diff.problem == ""


def test_diff_tensor_within_tolerance():
    reference = np.array([1.0, 1000.0])
    candidate = np.array([1.0 + 5e-6, 1000.0 + 5e-3])

    diff = compare.diff_tensor("w", reference, candidate, DEFAULT)

    assert diff.beyond == 0
    assert diff.ratio == pytest.approx(5e-3 / (1e-8 + 1e-2), rel=1e-6)


def test_diff_tensor_declared_tolerance():
    reference = np.array([1.0])
    candidate = np.array([1.001])

    loose = compare.diff_tensor("w", reference, candidate, Tolerance(rtol=1e-2, atol=0.0, declared=True))
    strict = compare.diff_tensor("w", reference, candidate, DEFAULT)

    assert loose.beyond == 0
    assert strict.beyond == 1


def test_diff_tensor_nan():
    reference = np.array([np.nan, 1.0, np.nan])
    candidate = np.array([np.nan, 1.0, 2.0])

    diff = compare.diff_tensor("w", reference, candidate, DEFAULT)

    assert diff.beyond == 1
    assert diff.max_abs == math.inf


def test_diff_tensor_shape_mismatch():
    diff = compare.diff_tensor("w", np.zeros((2, 3)), np.zeros((3, 2)), DEFAULT)

    assert diff.problem == "float64[3, 2] instead of float64[2, 3]"
    assert diff.beyond == 6


def test_diff_tensor_dtype_mismatch():
    diff = compare.diff_tensor("w", np.zeros(2, np.float32), np.zeros(2, np.float64), DEFAULT)

    assert diff.problem == "float64[2] instead of float32[2]"


def test_diff_tensor_strings():
    diff = compare.diff_tensor("vocab", np.array(["a", "b"]), np.array(["a", "c"]), DEFAULT)

    assert diff.beyond == 1
    assert diff.identical is False


def test_tensor_sets_names():
    reference = {"a": np.zeros(2), "b": np.zeros(3)}
    candidate = {"a": np.zeros(2), "c": np.zeros(4)}

    diffs = compare.diff_tensor_sets(reference, candidate, DEFAULT)

    assert [(d.name, d.problem, d.beyond) for d in diffs] == [
        ("a", "", 0), ("b", "only in the reference", 3), ("c", "only in the candidate", 4),
    ]


def test_worst_level():
    assert compare.worst(["bit-by-bit", "numerical"]) == "numerical"
    assert compare.worst(["numerical", "not-reproducible", "bit-by-bit"]) == "not-reproducible"
    assert compare.worst([]) == "bit-by-bit"


def test_compare_npz_levels(tmp_path):
    np.savez(tmp_path / "a.npz", w=np.ones(3))
    np.savez(tmp_path / "b.npz", w=np.ones(3))
    np.savez(tmp_path / "c.npz", w=np.ones(3) + 1e-9)
    np.savez(tmp_path / "d.npz", w=np.ones(3) + 1e-3)
    labels = ("run 1", "run 2")

    same = compare.compare_models(tmp_path / "a.npz", tmp_path / "b.npz", DEFAULT, labels=labels)
    close = compare.compare_models(tmp_path / "a.npz", tmp_path / "c.npz", DEFAULT, labels=labels)
    far = compare.compare_models(tmp_path / "a.npz", tmp_path / "d.npz", DEFAULT, labels=labels)

    assert (same.level, same.bytes_identical, same.method) == ("bit-by-bit", True, "tensors")
    assert (close.level, close.bytes_identical) == ("numerical", False)
    assert (far.level, far.tensors[0].beyond) == ("not-reproducible", 3)


def test_npz_with_objects_as_bytes(tmp_path):
    """allow_pickle=False rejects object arrays, so the file is compared as bytes."""
    np.savez(tmp_path / "a.npz", w=np.array([{"x": 1}], dtype=object))

    found = compare.read_tensors(tmp_path / "a.npz")

    assert found.tensors is None
    assert found.format == "numpy-npz"
    assert found.reason.startswith("unreadable numpy-npz file: Object arrays cannot be loaded when allow_pickle=False")


def test_read_npy(tmp_path):
    np.save(tmp_path / "w.npy", np.arange(4, dtype=np.int16))

    found = compare.read_tensors(tmp_path / "w.npy")

    assert found.format == "numpy-npy"
    assert list(found.tensors) == ["w.npy"]
    assert found.tensors["w.npy"].tolist() == [0, 1, 2, 3]


def safetensors_bytes(tensors: dict[str, tuple[str, list[int], bytes]]) -> bytes:
    header, body, offset = {"__metadata__": {"format": "pt"}}, b"", 0
    for name, (dtype, shape, data) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        body += data
        offset += len(data)
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + body


def test_read_safetensors(tmp_path):
    bf16_one_and_two = struct.pack("<HH", 0x3F80, 0x4000)
    path = tmp_path / "model.safetensors"
    path.write_bytes(safetensors_bytes({
        "w": ("F32", [2], struct.pack("<ff", 0.5, -1.5)),
        "b": ("BF16", [2], bf16_one_and_two),
        "i": ("I64", [1], struct.pack("<q", 7)),
    }))

    found = compare.read_tensors(path)

    assert found.format == "safetensors"
    assert found.tensors["w"].tolist() == [0.5, -1.5]
    assert found.tensors["b"].tolist() == [1.0, 2.0]
    assert found.tensors["b"].dtype == np.float32
    assert found.tensors["i"].tolist() == [7]


def test_read_safetensors_bad_offsets(tmp_path):
    path = tmp_path / "model.safetensors"
    data = safetensors_bytes({"w": ("F32", [2], struct.pack("<ff", 0.5, -1.5))})
    path.write_bytes(data[:-4])

    found = compare.read_tensors(path)

    assert found.tensors is None
    assert found.reason == "unreadable safetensors file: safetensors tensor w: unknown dtype or offsets outside the file"


def test_read_hdf5(tmp_path):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "weights.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("dense/kernel", data=np.eye(2))
        handle["dense"].attrs["note"] = "attributes are not tensors"

    found = compare.read_tensors(path)

    assert found.format == "hdf5"
    assert list(found.tensors) == ["dense/kernel"]
    assert found.tensors["dense/kernel"].tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_read_onnx(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import helper, numpy_helper

    weight = numpy_helper.from_array(np.array([[1.0, 2.0]], dtype=np.float32), name="W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])], "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 1])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1, 2])],
        initializer=[weight],
    )
    path = tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph), str(path))

    found = compare.read_tensors(path)

    assert found.format == "onnx"
    assert found.tensors["W"].tolist() == [[1.0, 2.0]]


def test_read_unknown_as_bytes(tmp_path):
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\x00\x01" * 10)

    found = compare.read_tensors(path)

    assert found.tensors is None
    assert found.reason == "dl-lint reads no tensors from unknown files"


def test_read_metrics_csv(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,loss,phase,wall_time\n0,1.5,train,17.2\n1,,train,18.0\n")

    curves = read_metrics(path)

    assert curves.step == "epoch"
    assert list(curves.columns) == ["epoch", "loss"]
    assert curves.columns["loss"][0] == 1.5
    assert math.isnan(curves.columns["loss"][1])
    assert curves.text == {"phase": ["train", "train"]}
    assert curves.ignored == ["wall_time"]
    assert curves.steps().tolist() == [0.0, 1.0]


def test_read_metrics_json_lines(tmp_path):
    path = tmp_path / "metrics.jsonl"
    path.write_text('{"step": 10, "loss": 0.5, "elapsed": 3}\n\n{"step": 20, "loss": 0.25, "elapsed": 6}\n')

    curves = read_metrics(path)

    assert curves.step == "step"
    assert curves.columns["loss"].tolist() == [0.5, 0.25]
    assert curves.ignored == ["elapsed"]


def test_read_metrics_without_step(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text("loss\n3\n2\n1\n")

    curves = read_metrics(path)

    assert curves.step == ""
    assert curves.steps().tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(("content", "message"), [
    ("", "metrics.csv has no header line"),
    ("loss\n", "metrics.csv has no rows"),
    ('{"loss": 1}\n[1, 2]\n', "line 2 is not a JSON object"),
    (b"\xff\xfe", "cannot read metrics.csv: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
])
def test_read_metrics_errors(tmp_path, content, message):
    path = tmp_path / "metrics.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)

    with pytest.raises(FormatError) as raised:
        read_metrics(path)

    assert str(raised.value) == message
    assert raised.value.tag == "retrain-metrics-unreadable"


def curves_of(rows: str, tmp_path, name: str):
    path = tmp_path / name
    path.write_text("step,loss,accuracy\n" + rows)
    return read_metrics(path)


def test_compare_curves_divergence(tmp_path):
    first = curves_of("0,1.0,0.5\n1,0.5,0.6\n2,0.25,0.7\n", tmp_path, "a.csv")
    second = curves_of("0,1.0,0.5\n1,0.5000000001,0.6\n2,0.3,0.7\n", tmp_path, "b.csv")

    comparison = compare_curves(first, second, DEFAULT, labels=("run 1", "run 2"))

    loss = comparison.columns[1]
    assert comparison.level == "not-reproducible"
    assert comparison.diverging == ["loss"]
    assert (loss.beyond, loss.first_beyond_step) == (1, 2.0)
    assert (loss.final_reference, loss.final_candidate, loss.final_within) == (0.25, 0.3, False)
    assert loss.max_abs == pytest.approx(0.05)


def test_compare_curves_levels(tmp_path):
    first = curves_of("0,1.0,0.5\n1,0.5,0.6\n", tmp_path, "a.csv")
    same = curves_of("0,1.0,0.5\n1,0.5,0.6\n", tmp_path, "b.csv")
    close = curves_of("0,1.0,0.5\n1,0.5000000001,0.6\n", tmp_path, "c.csv")

    identical = compare_curves(first, same, DEFAULT, labels=("run 1", "run 2"))
    numerical = compare_curves(first, close, DEFAULT, labels=("run 1", "run 3"))

    assert identical.level == "bit-by-bit"
    assert numerical.level == "numerical"


def test_compare_curves_lengths(tmp_path):
    first = curves_of("0,1.0,0.5\n1,0.5,0.6\n", tmp_path, "a.csv")
    second = curves_of("0,1.0,0.5\n", tmp_path, "b.csv")

    comparison = compare_curves(first, second, DEFAULT, labels=("run 1", "run 2"))

    assert comparison.problems == ["run 2 has 1 points, run 1 has 2"]
    assert comparison.level == "not-reproducible"


def test_compare_curves_columns(tmp_path):
    first = curves_of("0,1.0,0.5\n", tmp_path, "a.csv")
    path = tmp_path / "b.csv"
    path.write_text("step,loss,note\n0,1.0,restarted\n")
    second = read_metrics(path)

    comparison = compare_curves(first, second, DEFAULT, labels=("run 1", "run 2"))

    assert comparison.problems == ["numeric column accuracy only in run 1", "text column note differs"]
