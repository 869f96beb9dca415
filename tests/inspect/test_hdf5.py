"""Tests of the HDF5 and Keras inspector on files written with h5py and zipfile."""

from __future__ import annotations

import io
import json
import sys
import zipfile

import numpy as np
import pytest

h5py = pytest.importorskip("h5py")

from dl_lint.errors import MissingDependencyError  # noqa: E402
from dl_lint.inspect import _stream  # noqa: E402
from dl_lint.inspect import hdf5 as inspector  # noqa: E402

from .builders import expect_error, run  # noqa: E402

SEQUENTIAL_WITH_LAMBDA = {
    "class_name": "Sequential",
    "config": {
        "name": "sequential",
        "layers": [
            {
                "class_name": "Dense",
                "config": {"name": "dense", "kernel_initializer": {"class_name": "GlorotUniform", "config": {}}},
            },
            {
                "class_name": "Lambda",
                "config": {"name": "scale", "function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda"},
            },
            {
                "class_name": "TimeDistributed",
                "config": {"name": "td", "layer": {"class_name": "Lambda", "config": {"name": "inner"}}},
            },
        ],
    },
}


def hdf5_bytes(fill) -> bytes:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        fill(h5)
    return buffer.getvalue()


def plain_file(h5) -> None:
    h5["layer1/kernel"] = np.ones((4, 3), dtype="f4")
    h5["layer1/bias"] = np.zeros(3, dtype="f8")
    h5.create_dataset("empty", shape=(0, 7), dtype="i2")


def keras_file(h5) -> None:
    h5["model_weights/dense/kernel"] = np.ones((2, 2), dtype="f4")
    h5.attrs["keras_version"] = "2.15.0"
    h5.attrs["backend"] = "tensorflow"
    h5.attrs["model_config"] = json.dumps(SEQUENTIAL_WITH_LAMBDA)
    h5["model_weights"].attrs["layer_names"] = [b"dense"]


def test_datasets():
    details = run(inspector, hdf5_bytes(plain_file))

    assert details.format == "hdf5"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [
        ("empty", "int16", (0, 7)),
        ("layer1/bias", "float64", (3,)),
        ("layer1/kernel", "float32", (4, 3)),
    ]
    assert details.parameters == 15
    assert details.problems == []


def test_forward_only_read_into_memory():
    details = run(inspector, hdf5_bytes(plain_file), forward=True)

    assert details.tensor_count == 3


def test_needs_random_access(monkeypatch):
    monkeypatch.setattr(_stream, "RANDOM_ACCESS_CAP", 1000)

    error = expect_error(inspector, hdf5_bytes(plain_file), forward=True)

    assert error.tag == "model-needs-random-access"


def test_keras_lambda_layers():
    details = run(inspector, hdf5_bytes(keras_file))

    assert details.format == "keras"
    assert details.metadata["keras_version"] == "2.15.0"
    assert details.metadata["backend"] == "tensorflow"
    assert details.metadata["model_class"] == "Sequential"
    assert details.metadata["layer_classes"] == "Dense,Lambda,TimeDistributed"
    assert sorted(details.problems) == [("keras-lambda-layer", "inner"), ("keras-lambda-layer", "scale")]
    assert [(t.name, t.shape) for t in details.tensors] == [("model_weights/dense/kernel", (2, 2))]


def test_keras_weights_only_attributes():
    def fill(h5):
        h5["dense/kernel"] = np.ones(2)
        h5.attrs["layer_names"] = [b"dense"]
        h5.attrs["backend"] = b"tensorflow"

    details = run(inspector, hdf5_bytes(fill))

    assert details.format == "keras"
    assert details.metadata["backend"] == "tensorflow"


def test_external_link_not_followed(tmp_path):
    target = tmp_path / "secret.h5"
    with h5py.File(target, "w") as h5:
        h5["secret"] = np.arange(3)

    def fill(h5):
        h5["local"] = np.ones(2)
        h5["linked"] = h5py.ExternalLink(str(target), "/secret")
        h5["alias"] = h5py.SoftLink("/local")

    details = run(inspector, hdf5_bytes(fill))

    assert [t.name for t in details.tensors] == ["local"]
    assert details.problems == [("hdf5-external-data", f"linked -> {target}:/secret")]


def test_old_h5py_without_link_visitor(monkeypatch):
    monkeypatch.delattr(h5py.Group, "visititems_links")

    details = run(inspector, hdf5_bytes(plain_file))

    assert [t.name for t in details.tensors] == ["empty", "layer1/bias", "layer1/kernel"]


def test_external_storage_reported():
    def fill(h5):
        h5.create_dataset("raw", shape=(4,), dtype="f4", external=[("weights.raw", 0, 16)])

    details = run(inspector, hdf5_bytes(fill))

    assert details.problems == [("hdf5-external-data", "raw -> weights.raw")]


def test_corrupt_file():
    data = bytearray(hdf5_bytes(plain_file))
    data[8:200] = b"\xff" * 192

    error = expect_error(inspector, bytes(data))

    assert error.tag == "model-file-corrupt"


def test_truncated_file():
    data = hdf5_bytes(plain_file)

    error = expect_error(inspector, data[:600])

    assert error.tag == "model-file-truncated"
    assert "truncated file" in str(error)


def keras_archive(config: dict, weights: bytes | None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.5.0", "date_saved": "2024-09-01@12:00:00"}))
        archive.writestr("config.json", json.dumps(config))
        if weights is not None:
            archive.writestr("model.weights.h5", weights)
    return buffer.getvalue()


def test_keras_archive():
    def fill(h5):
        h5["layers/dense/vars/0"] = np.ones((3, 2), dtype="f4")
        h5["layers/dense/vars/1"] = np.zeros(2, dtype="f4")

    data = keras_archive(SEQUENTIAL_WITH_LAMBDA, hdf5_bytes(fill))

    details = run(inspector, data, forward=True)

    assert details.format == "keras"
    assert details.metadata["keras_version"] == "3.5.0"
    assert details.metadata["date_saved"] == "2024-09-01@12:00:00"
    assert details.metadata["members"] == "3"
    assert sorted(details.problems) == [("keras-lambda-layer", "inner"), ("keras-lambda-layer", "scale")]
    assert [(t.name, t.shape) for t in details.tensors] == [("layers/dense/vars/0", (3, 2)), ("layers/dense/vars/1", (2,))]


def test_keras_archive_weights_too_large(monkeypatch):
    monkeypatch.setattr(inspector, "MAX_KERAS_WEIGHTS", 100)
    weights = hdf5_bytes(plain_file)
    data = keras_archive({"class_name": "Functional", "config": {"layers": []}}, weights)

    details = run(inspector, data)

    assert details.tensors == []
    assert details.metadata["weights_bytes"] == str(len(weights))
    assert details.metadata["model_class"] == "Functional"


def test_keras_archive_invalid_config():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("config.json", "{not json")

    error = expect_error(inspector, buffer.getvalue())

    assert error.tag == "model-file-corrupt"


def test_missing_h5py(monkeypatch):
    data = hdf5_bytes(plain_file)
    monkeypatch.setitem(sys.modules, "h5py", None)

    with pytest.raises(MissingDependencyError) as error:
        run(inspector, data)

    assert error.value.debian_package == "python3-h5py"
