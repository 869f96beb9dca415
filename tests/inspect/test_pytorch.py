"""Tests of the PyTorch zip inspector on archives assembled with zipfile."""

from __future__ import annotations

import io
import zipfile

import pytest

from dl_lint.inspect import _stream
from dl_lint.inspect import pytorch as inspector

from .builders import PROTO2, REDUCE, STOP, expect_error, global_, pytorch_zip, run, torch_state_dict, unicode

STATE_DICT = torch_state_dict(
    {
        "conv.weight": ("0", "FloatStorage", (8, 3, 3, 3), 216),
        "conv.bias": ("1", "HalfStorage", (8,), 8),
    }
)
STORAGES = {"0": b"\0" * 216 * 4, "1": b"\0" * 8 * 2}


def test_state_dict():
    data = pytorch_zip(STATE_DICT, STORAGES)

    details = run(inspector, data)

    assert details.format == "pytorch-zip"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [
        ("conv.weight", "float32", (8, 3, 3, 3)),
        ("conv.bias", "float16", (8,)),
    ]
    assert details.parameters == 224
    assert details.imports == ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "torch.HalfStorage"]
    assert details.problems == []
    assert details.metadata["storages"] == "2"
    assert details.metadata["storage_bytes"] == "880"
    assert details.metadata["archive_version"] == "3"
    assert details.metadata["byte_order"] == "little"


def test_forward_only_read_into_memory():
    data = pytorch_zip(STATE_DICT, STORAGES, top="resnet18")

    details = run(inspector, data, forward=True)

    assert details.tensor_count == 2


def test_needs_random_access(monkeypatch):
    monkeypatch.setattr(_stream, "RANDOM_ACCESS_CAP", 100)

    error = expect_error(inspector, pytorch_zip(STATE_DICT, STORAGES), forward=True)

    assert error.tag == "model-needs-random-access"


def test_hostile_data_pickle():
    hostile = PROTO2 + global_("builtins", "exec") + unicode("import os") + b"\x85" + REDUCE + STOP

    details = run(inspector, pytorch_zip(hostile, {}))

    assert details.problems == [("pickle-imports-code-execution", "builtins.exec")]


def test_missing_storage():
    error = expect_error(inspector, pytorch_zip(STATE_DICT, {"0": STORAGES["0"]}))

    assert error.tag == "model-file-corrupt"
    assert "archive/data/1" in str(error)


def test_storage_too_small():
    error = expect_error(inspector, pytorch_zip(STATE_DICT, {"0": b"\0" * 16, "1": STORAGES["1"]}))

    assert error.tag == "model-file-corrupt"
    assert "216 elements of float32 need 864" in str(error)


def test_no_data_pickle():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/version", "3\n")

    error = expect_error(inspector, buffer.getvalue())

    assert error.tag == "model-file-corrupt"


def test_truncated_data_pickle():
    error = expect_error(inspector, pytorch_zip(STATE_DICT[:-30], STORAGES))

    assert error.tag == "model-file-truncated"
    assert "archive/data.pkl" in str(error)


@pytest.mark.parametrize("cut", [10, 200, -30])
def test_truncated_archive(cut):
    data = pytorch_zip(STATE_DICT, STORAGES)[:cut]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_torchscript_classes_not_reported():
    data_pkl = PROTO2 + global_("__torch__", "Net") + b")" + REDUCE + STOP
    extra = {"code/__torch__.py": b"class Net(Module):\n  pass\n", "constants.pkl": PROTO2 + b")."}

    details = run(inspector, pytorch_zip(data_pkl, {}, extra=extra))

    assert details.metadata["torchscript"] == "yes"
    assert details.imports == ["__torch__.Net"]
    assert details.problems == []
