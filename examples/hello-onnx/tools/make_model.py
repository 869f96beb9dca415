#!/usr/bin/env python3
"""Write model/digits.onnx: a 64-to-10 linear classifier with fixed weights.

The weights come from a seeded NumPy generator, so running this script
again writes the same file.  The model exists to show dl-lint's output; it
was never trained on data.
"""

import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(20261204)
weights = rng.normal(0, 0.1, size=(64, 10)).astype(np.float32)
bias = np.zeros(10, dtype=np.float32)

graph = helper.make_graph(
    [helper.make_node("Gemm", ["pixels", "W", "b"], ["scores"])],
    "digits",
    [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, [1, 64])],
    [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 10])],
    initializer=[numpy_helper.from_array(weights, "W"), numpy_helper.from_array(bias, "b")],
)
model = helper.make_model(graph, producer_name="hello-onnx", opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
helper.set_model_props(model, {"license": "CC-BY-4.0", "dataset": "UCI optical recognition of handwritten digits"})
onnx.checker.check_model(model)
out = pathlib.Path(__file__).resolve().parent.parent / "model" / "digits.onnx"
out.write_bytes(model.SerializeToString())
