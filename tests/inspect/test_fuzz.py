"""Mutated model files must give ModelDetails or FormatError, never another exception.

Each format starts from valid files, built deterministically, and applies
seeded mutations: byte flips, cuts, insertions, deletions and huge length
values.  The seed is fixed, so a failure reproduces.
"""

from __future__ import annotations

import io
import json
import pickle
import random
import struct
import zipfile

import numpy as np
import pytest

from dl_lint.errors import FormatError
from dl_lint.inspect import gguf, hdf5, numpy, pytorch, safetensors
from dl_lint.inspect import onnx as onnx_inspector
from dl_lint.inspect import pickle as pickle_inspector
from dl_lint.model import ModelDetails

from .builders import ForwardOnly, GGUFWriter, pytorch_zip, torch_state_dict
from .test_gguf import small_model

MUTATIONS_PER_FORMAT = 300
HUGE_VALUES = [2**63, 2**32 - 1, 2**64 - 1, 10**11, 7]


def npy(array: np.ndarray, **options) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, **options)
    return buffer.getvalue()


def fixed_zip(members: dict[str, bytes]) -> bytes:
    """A zip archive with fixed timestamps, so that it is the same on every run."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def pickle_seeds() -> list[bytes]:
    value = {"w": np.ones((3, 4)), "s": {1, 2}, "t": (1, "x", 2.5), "l": [None, True, b"by"]}
    seeds = [pickle.dumps(value, protocol=protocol) for protocol in range(6)]
    return seeds + [torch_state_dict({"w": ("0", "FloatStorage", (2, 3), 6)})]


def numpy_seeds() -> list[bytes]:
    objects = npy(np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return [npy(np.ones((3, 4))), objects, fixed_zip({"a.npy": npy(np.ones(3)), "o.npy": objects})]


def onnx_seeds() -> list[bytes]:
    onnx = pytest.importorskip("onnx")
    from onnx import helper, numpy_helper

    weight = numpy_helper.from_array(np.ones((4, 3), dtype=np.float32), "W")
    constant = helper.make_node("Constant", [], ["c"], value=numpy_helper.from_array(np.arange(5)))
    output = helper.make_tensor_value_info("o", 1, [4, 3])
    branch = helper.make_graph([helper.make_node("Identity", ["W"], ["o"])], "b", [], [output])
    node = helper.make_node("If", ["cond"], ["y"], then_branch=branch, else_branch=branch)
    model = helper.make_model(helper.make_graph([constant, node], "g", [], [], [weight]))
    helper.set_model_props(model, {"license": "MIT"})
    assert onnx
    return [model.SerializeToString()]


def hdf5_seeds() -> list[bytes]:
    h5py = pytest.importorskip("h5py")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5["a/b"] = np.ones((2, 3))
        h5.attrs["keras_version"] = "2.15.0"
        layers = [{"class_name": "Lambda", "config": {"name": "l"}}]
        h5.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": layers}})
    config = json.dumps({"class_name": "Lambda", "config": {"name": "x"}}).encode()
    return [buffer.getvalue(), fixed_zip({"config.json": config, "model.weights.h5": buffer.getvalue()})]


def safetensors_seeds() -> list[bytes]:
    header = json.dumps(
        {
            "__metadata__": {"format": "pt"},
            "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
            "b": {"dtype": "I8", "shape": [3], "data_offsets": [24, 27]},
        }
    ).encode()
    return [struct.pack("<Q", len(header)) + header + b"\0" * 27]


def pytorch_seeds() -> list[bytes]:
    return [pytorch_zip(torch_state_dict({"w": ("0", "FloatStorage", (2, 3), 6)}), {"0": b"\0" * 24})]


SEEDS = {
    "pickle": (pickle_inspector, pickle_seeds),
    "numpy": (numpy, numpy_seeds),
    "gguf": (gguf, lambda: [small_model(GGUFWriter(version)) for version in (1, 2, 3)]),
    "safetensors": (safetensors, safetensors_seeds),
    "onnx": (onnx_inspector, onnx_seeds),
    "hdf5": (hdf5, hdf5_seeds),
    "pytorch": (pytorch, pytorch_seeds),
}


def mutate(rng: random.Random, data: bytes) -> bytes:
    result = bytearray(data)
    kind = rng.randrange(5)
    position = rng.randrange(len(result) + 1)
    if kind == 0 and result:
        for _ in range(rng.randint(1, 8)):
            result[rng.randrange(len(result))] = rng.randrange(256)
    elif kind == 1:
        del result[position:]
    elif kind == 2:
        result[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif kind == 3:
        end = min(len(result), position + 8)
        result[position:end] = struct.pack("<Q", rng.choice(HUGE_VALUES))[: end - position]
    else:
        del result[position : position + rng.randint(1, 32)]
    return bytes(result)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_mutations_raise_format_error_only(name):
    module, build = SEEDS[name]
    seeds = build()
    rng = random.Random(name)
    unexpected = []

    for case in range(MUTATIONS_PER_FORMAT):
        data = mutate(rng, rng.choice(seeds))
        stream = ForwardOnly(data) if case % 2 else io.BytesIO(data)
        try:
            result = module.inspect(stream, len(data))
        except FormatError:
            continue
        except Exception as error:  # noqa: BLE001 - the test collects what escaped
            unexpected.append((case, f"{type(error).__name__}: {error}"))
            continue
        assert isinstance(result, ModelDetails)

    assert unexpected == []
