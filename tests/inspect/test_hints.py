"""End-to-end tests: model files in a source package give the inspectors' hints.

Each file has one defect.  Problems that inspectors record are checked as
exact (tag, context, pointer) triples.  Failed inspections are checked by
tag and pointer, because their context is the error message.
"""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest

from tests.conftest import build_dsc, debian_files, write_tree

from .builders import PROTO2, REDUCE, STOP, global_, unicode

h5py = pytest.importorskip("h5py")
onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.external_data_helper import set_external_data  # noqa: E402

INSPECTOR_TAGS = {
    "model-file-truncated",
    "model-file-corrupt",
    "model-header-too-large",
    "model-needs-random-access",
    "onnx-external-data",
    "onnx-external-data-outside-package",
    "pickle-imports-code-execution",
    "pickle-imports-unlisted-callable",
    "keras-lambda-layer",
    "numpy-object-array",
    "hdf5-external-data",
}


def onnx_with_external(location: str) -> bytes:
    tensor = numpy_helper.from_array(np.ones(4, dtype=np.float32), "w")
    set_external_data(tensor, location=location, offset=0, length=16)
    tensor.ClearField("raw_data")
    graph = helper.make_graph([], "g", [], [helper.make_tensor_value_info("w", TensorProto.FLOAT, [4])], [tensor])
    return helper.make_model(graph).SerializeToString()


def h5_bytes(fill) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        fill(h5)
    return buffer.getvalue()


def keras_with_lambda(h5) -> None:
    h5["dense/kernel"] = np.ones((2, 2), dtype="f4")
    h5.attrs["keras_version"] = "2.15.0"
    config = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "preprocess"}}]}}
    h5.attrs["model_config"] = json.dumps(config)


def externally_linked(h5) -> None:
    h5["local"] = np.ones(2)
    h5["shared"] = h5py.ExternalLink("/srv/shared.h5", "/weights")


def object_npy() -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"label": "cat"}], dtype=object), allow_pickle=True)
    return buffer.getvalue()


def model_files() -> dict[str, bytes]:
    safetensors_header = b'{"w": {"dtype": "F32", "shape": [64], "data_offsets": [0, 256]}}'
    return {
        "models/cut.safetensors": struct.pack("<Q", len(safetensors_header)) + safetensors_header + b"\0" * 100,
        "models/bad-version.gguf": b"GGUF" + struct.pack("<I", 99) + b"\0" * 32,
        "models/huge.safetensors": struct.pack("<Q", 100 * 10**9) + b"{}",
        "models/evil.pkl": PROTO2 + global_("os", "system") + unicode("id") + b"\x85" + REDUCE + STOP,
        "models/estimator.pkl": PROTO2 + global_("sklearn.svm", "SVC") + b")\x81" + STOP,
        "models/split.onnx": onnx_with_external("split.onnx.data"),
        "models/split.onnx.data": b"\0" * 16,
        "models/escape.onnx": onnx_with_external("../../etc/passwd"),
        "models/lambda.h5": h5_bytes(keras_with_lambda),
        "models/linked.h5": h5_bytes(externally_linked),
        "models/objects.npy": object_npy(),
    }


def inspector_hints(hints):
    return sorted((tag, context, pointer) for tag, context, pointer in hints if tag in INSPECTOR_TAGS)


def test_inspector_hints(make_tree, lint):
    tree = make_tree(model_files())

    hints = inspector_hints(lint(tree))

    problems = [(tag, context, pointer) for tag, context, pointer in hints if not tag.startswith("model-")]
    assert problems == [
        ("hdf5-external-data", "shared -> /srv/shared.h5:/weights", "models/linked.h5"),
        ("keras-lambda-layer", "preprocess", "models/lambda.h5"),
        ("numpy-object-array", "array", "models/objects.npy"),
        ("onnx-external-data", "../../etc/passwd", "models/escape.onnx"),
        ("onnx-external-data", "split.onnx.data", "models/split.onnx"),
        ("onnx-external-data-outside-package", "../../etc/passwd", "models/escape.onnx"),
        ("pickle-imports-code-execution", "os.system", "models/evil.pkl"),
        ("pickle-imports-unlisted-callable", "sklearn.svm.SVC", "models/estimator.pkl"),
    ]
    failures = {(tag, pointer) for tag, _, pointer in hints if tag.startswith("model-")}
    assert failures == {
        ("model-file-truncated", "models/cut.safetensors"),
        ("model-file-corrupt", "models/bad-version.gguf"),
        ("model-header-too-large", "models/huge.safetensors"),
    }


# TODO: remove the mark once dl_lint.inventory._random_access survives
# tarfile stream members, whose seekable() raises AttributeError.
def test_random_access_hint_from_tarball(lint, tmp_path, monkeypatch):
    monkeypatch.setattr("dl_lint.inventory.RANDOM_ACCESS_LIMIT", 64)
    buffer = io.BytesIO()
    np.savez(buffer, w=np.ones(100))
    files = {"models/weights.npz": buffer.getvalue(), **debian_files(version="1.0", fmt="3.0 (native)")}
    dsc = build_dsc(write_tree(tmp_path / "demo-1.0", files), tmp_path)

    hints = inspector_hints(lint(dsc))

    assert [(tag, pointer) for tag, _, pointer in hints] == [("model-needs-random-access", "models/weights.npz")]
