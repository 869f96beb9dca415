"""Tests of the ONNX inspector on models built with onnx.helper and on hostile bytes."""

from __future__ import annotations

import sys

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.external_data_helper import set_external_data  # noqa: E402

from dl_lint.errors import MissingDependencyError  # noqa: E402
from dl_lint.inspect import onnx as inspector  # noqa: E402
from dl_lint.inspect._protobuf import encode_varint  # noqa: E402

from .builders import expect_error, measure, run  # noqa: E402


def make_model(initializers, nodes=(), *, metadata=None, **graph_options) -> bytes:
    graph = helper.make_graph(
        list(nodes),
        "main",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
        list(initializers),
        **graph_options,
    )
    opsets = [helper.make_opsetid("", 17)]
    model = helper.make_model(graph, producer_name="dl-lint-tests", producer_version="1.0", opset_imports=opsets)
    if metadata:
        helper.set_model_props(model, metadata)
    return model.SerializeToString()


def external_tensor(name: str, location: str) -> TensorProto:
    """A tensor whose data lives in LOCATION, as onnx.save_model writes it."""
    tensor = numpy_helper.from_array(np.ones((4, 3), dtype=np.float32), name)
    set_external_data(tensor, location=location, offset=0, length=48)
    tensor.ClearField("raw_data")
    return tensor


def linear_model(**options) -> bytes:
    weight = numpy_helper.from_array(np.ones((4, 3), dtype=np.float32), "fc.weight")
    bias = numpy_helper.from_array(np.zeros(3, dtype=np.float16), "fc.bias")
    nodes = [helper.make_node("MatMul", ["x", "fc.weight"], ["h"]), helper.make_node("Add", ["h", "fc.bias"], ["y"])]
    return make_model([weight, bias], nodes, **options)


def test_initializers_and_metadata():
    data = linear_model(metadata={"license": "MIT", "author": "someone"})

    details = run(inspector, data)

    assert details.format == "onnx"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("fc.weight", "float32", (4, 3)), ("fc.bias", "float16", (3,))]
    assert details.parameters == 15
    assert details.metadata["producer_name"] == "dl-lint-tests"
    assert details.metadata["producer_version"] == "1.0"
    assert details.metadata["opset_import"] == "ai.onnx:17"
    assert details.metadata["graph_name"] == "main"
    assert details.metadata["nodes"] == "2"
    assert details.metadata["op_types"] == "Add,MatMul"
    assert details.metadata["license"] == "MIT"
    assert details.metadata["author"] == "someone"
    assert int(details.metadata["ir_version"]) >= 7
    assert details.problems == []


def test_forward_only():
    details = run(inspector, linear_model(), forward=True)

    assert details.tensor_count == 2


def test_metadata_prop_keeps_counts():
    details = run(inspector, linear_model(metadata={"nodes": "many"}))

    assert details.metadata["nodes"] == "2"
    assert details.metadata["metadata_props.nodes"] == "many"


def test_external_data():
    data = make_model([external_tensor("w1", "weights.bin"), external_tensor("w2", "weights.bin")])

    details = run(inspector, data)

    assert [(t.name, t.shape) for t in details.tensors] == [("w1", (4, 3)), ("w2", (4, 3))]
    assert details.problems == [("onnx-external-data", "weights.bin")]


@pytest.mark.parametrize("location", ["../../etc/passwd", "/etc/passwd", "sub/../../x.bin", "C:\\weights.bin", "..\\x.bin"])
def test_external_data_outside_package(location):
    data = make_model([external_tensor("w", location)])

    details = run(inspector, data)

    assert details.problems == [("onnx-external-data", location), ("onnx-external-data-outside-package", location)]


def test_invalid_utf8_strings():
    tensor = external_tensor("w", "weights.bin")
    data = make_model([tensor], metadata={"license": "MIT"})
    data = data.replace(b"weights.bin", b"\xffeights.bin").replace(b"MIT", b"M\xfeT").replace(b"w", b"\xff", 1)

    details = run(inspector, data)

    assert details.problems == [("onnx-external-data", "\ufffdeights.bin")]
    assert details.metadata["license"] == "M\ufffdT"
    assert all(isinstance(tensor.name, str) for tensor in details.tensors)


def test_constant_and_subgraph_tensors():
    inner_weight = numpy_helper.from_array(np.ones(5, dtype=np.int64), "then.weight")
    then_graph = helper.make_graph(
        [helper.make_node("Identity", ["then.weight"], ["out"])],
        "then",
        [],
        [helper.make_tensor_value_info("out", TensorProto.INT64, [5])],
        [inner_weight],
    )
    else_graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["out"])], "else", [], [helper.make_tensor_value_info("out", TensorProto.INT64, [5])]
    )
    constant = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(np.arange(6, dtype=np.int32).reshape(2, 3)))
    branch = helper.make_node("If", ["cond"], ["y"], then_branch=then_graph, else_branch=else_graph)
    data = make_model([], [constant, branch])

    details = run(inspector, data)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("c.value", "int32", (2, 3)), ("then.weight", "int64", (5,))]
    assert details.metadata["nodes"] == "4"
    assert details.metadata["op_types"] == "Constant,Identity,If"


def test_subgraphs_nested_too_deep(monkeypatch):
    monkeypatch.setattr(inspector, "MAX_GRAPH_DEPTH", 0)
    body = helper.make_graph([], "body", [], [])
    branch = helper.make_node("If", ["cond"], ["y"], then_branch=body, else_branch=body)

    error = expect_error(inspector, make_model([], [branch]))

    assert error.tag == "model-header-too-large"


def test_sparse_initializer():
    values = numpy_helper.from_array(np.array([1.5, 2.5], dtype=np.float32), "sparse.w")
    indices = numpy_helper.from_array(np.array([1, 7], dtype=np.int64), "sparse.w.indices")
    sparse = helper.make_sparse_tensor(values, indices, [3, 4])
    data = make_model([], sparse_initializer=[sparse])

    details = run(inspector, data)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("sparse.w", "float32", (3, 4))]


def test_domain_op_types():
    node = helper.make_node("FusedMatMul", ["x", "x"], ["y"], domain="com.microsoft")
    data = make_model([], [node])

    details = run(inspector, data)

    assert details.metadata["op_types"] == "com.microsoft:FusedMatMul"


def test_large_raw_data_not_in_memory():
    weight = numpy_helper.from_array(np.zeros((5, 1 << 20), dtype=np.float32), "big")
    data = make_model([weight])

    details, peak = measure(lambda: run(inspector, data, forward=True))

    assert details.tensors[0].shape == (5, 1 << 20)
    assert peak < 4 << 20


@pytest.mark.parametrize("cut", [1, 5, 30, 60, -10, -1])
def test_truncated(cut):
    data = linear_model()[:cut]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


def test_graph_length_100_gb():
    data = b"\x08\x07" + b"\x3a" + encode_varint(100 * 10**9) + b"\x0a\x00"

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-file-truncated"
    assert peak < 1 << 20


def test_nested_length_past_parent():
    # Graph of 4 bytes whose node field claims 100 bytes.
    data = b"\x3a\x04" + b"\x0a\x64\x00\x00" + b"\x08\x07" + b"\0" * 200

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_invalid_wire_type():
    error = expect_error(inspector, b"\x0f\x01\x02\x03")

    assert error.tag == "model-file-corrupt"
    assert "wire type 7" in str(error)


def test_overlong_varint():
    error = expect_error(inspector, b"\x08" + b"\xff" * 12)

    assert error.tag == "model-file-corrupt"


def test_ort_file():
    data = b"\x10\x00\x00\x00ORTM" + b"\0" * 64

    details = run(inspector, data)

    assert details.metadata == {"container": "ort"}


def test_missing_onnx(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)

    with pytest.raises(MissingDependencyError) as error:
        run(inspector, linear_model())

    assert error.value.debian_package == "python3-onnx"
