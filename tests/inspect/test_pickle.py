"""Tests of the pickle inspector: imports, tensors, joblib, legacy torch and hostile streams."""

from __future__ import annotations

import bz2
import collections
import gzip
import io
import lzma
import pickle
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from dl_lint.inspect import _pickle_models, _pickle_vm
from dl_lint.inspect import pickle as inspector

from .builders import (
    BINPERSID,
    EMPTY_DICT,
    PROTO2,
    REDUCE,
    SETITEM,
    STOP,
    EMPTY_TUPLE,
    expect_error,
    global_,
    int1,
    measure,
    run,
    torch_state_dict,
    torch_tensor,
    tuple_of,
    unicode,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# GLOBAL os system, ("id",), REDUCE: what a hostile __reduce__ produces.
OS_SYSTEM = PROTO2 + global_("os", "system") + unicode("id") + b"\x85" + REDUCE + STOP
# STACK_GLOBAL on two pushed strings, protocol 4.
POSIX_SYSTEM = b"\x80\x04" + b"\x8c\x05posix" + b"\x8c\x06system" + b"\x93" + b"\x8c\x02id\x85" + REDUCE + STOP


@pytest.mark.parametrize("protocol", range(6))
def test_plain_pickle_protocols(protocol):
    data = pickle.dumps({"weights": np.zeros((4, 5), dtype=np.float32), "labels": ["a", "b"]}, protocol=protocol)

    details = run(inspector, data)

    assert details.format == "pickle"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("weights", "float32", (4, 5))]
    assert details.parameters == 20
    assert details.problems == []
    assert "numpy.dtype" in details.imports


def test_plain_pickle_forward_only():
    data = pickle.dumps(collections.OrderedDict(bias=np.ones(3)), protocol=2)

    details = run(inspector, data, forward=True)

    assert details.imports == [
        "collections.OrderedDict",
        "numpy._core.multiarray._reconstruct",
        "numpy.ndarray",
        "_codecs.encode",
        "numpy.dtype",
    ]
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("bias", "float64", (3,))]
    assert details.metadata["pickle_protocol"] == "2"


def test_global_os_system():
    details = run(inspector, OS_SYSTEM)

    assert details.imports == ["os.system"]
    assert details.problems == [("pickle-imports-code-execution", "os.system")]


def test_stack_global_posix_system():
    details = run(inspector, POSIX_SYSTEM)

    assert details.imports == ["posix.system"]
    assert details.problems == [("pickle-imports-code-execution", "posix.system")]


def test_stack_global_through_memo():
    # The module and name strings are memoized, then fetched with BINGET.
    data = (
        b"\x80\x04\x8c\x02nt\x94\x8c\x06system\x94\x8c\x05dummy0"
        + b"h\x00h\x01\x93"
        + b"\x8c\x03dir\x85"
        + REDUCE
        + STOP
    )

    details = run(inspector, data)

    assert details.imports == ["nt.system"]
    assert details.problems == [("pickle-imports-code-execution", "nt.system")]


def test_attribute_path_reaches_os():
    data = b"\x80\x04\x8c\x09posixpath\x8c\x09os.system\x93\x8c\x02id\x85" + REDUCE + STOP

    details = run(inspector, data)

    assert details.imports == ["posixpath.os.system"]
    assert details.problems == [("pickle-imports-code-execution", "posixpath.os.system")]


def test_unresolved_stack_global():
    # The name operand is a call result, so the target cannot be named.
    data = b"\x80\x04\x8c\x02os" + global_("builtins", "str") + b")" + REDUCE + b"\x93)" + REDUCE + STOP

    details = run(inspector, data)

    assert details.imports == ["builtins.str", "<unresolved STACK_GLOBAL>"]
    assert details.problems == [("pickle-imports-unlisted-callable", "<unresolved STACK_GLOBAL>")]


def test_extension_code_import():
    data = PROTO2 + b"\x82\x07)" + REDUCE + STOP

    details = run(inspector, data)

    assert details.problems == [("pickle-imports-unlisted-callable", "<extension code 7>")]


def test_unlisted_class():
    data = pickle.dumps(Path("model.bin"), protocol=4)

    details = run(inspector, data)

    # Python 3.13 moved the class to pathlib._local; the pickle names its real module.
    name = f"{type(Path('x')).__module__}.PosixPath"
    assert details.imports == [name]
    assert details.problems == [("pickle-imports-unlisted-callable", name)]


def test_inst_opcode_import():
    data = b"(S'ls'\nisubprocess\ncheck_output\n."

    details = run(inspector, data)

    assert details.problems == [("pickle-imports-code-execution", "subprocess.check_output")]


def test_torch_legacy_sequence():
    magic = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    version = pickle.dumps(1001, protocol=2)
    sys_info = pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2)
    model = torch_state_dict({"fc.weight": ("140", "FloatStorage", (2, 3), 6), "fc.bias": ("141", "HalfStorage", (2,), 2)})
    keys = pickle.dumps(["140", "141"], protocol=2)
    storage_bytes = struct.pack("<q", 6) + b"\0" * 24 + struct.pack("<q", 2) + b"\0" * 4
    data = magic + version + sys_info + model + keys + storage_bytes

    details = run(inspector, data)

    assert details.metadata["torch_serialization"] == "legacy"
    assert details.metadata["pickles"] == "5"
    assert details.metadata["storages"] == "2"
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [
        ("fc.weight", "float32", (2, 3)),
        ("fc.bias", "float16", (2,)),
    ]
    assert details.parameters == 8
    assert details.problems == []


def test_parameter_wrapper_keeps_name():
    parameter = (
        global_("torch._utils", "_rebuild_parameter")
        + tuple_of(torch_tensor("0", "FloatStorage", (4,), 4), b"\x88", global_("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE)
        + REDUCE
    )
    data = PROTO2 + EMPTY_DICT + unicode("layer.weight") + parameter + SETITEM + STOP

    details = run(inspector, data)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("layer.weight", "float32", (4,))]
    assert details.tensor_count == 1


def test_storage_dtype_from_torch_dtype():
    pid = tuple_of(unicode("storage"), global_("torch", "bfloat16"), unicode("0"), unicode("cpu"), int1(8))
    data = (
        PROTO2
        + global_("torch._utils", "_rebuild_tensor_v2")
        + tuple_of(pid + BINPERSID, int1(0), tuple_of(int1(8)), tuple_of(int1(1)), b"\x89", b"N")
        + REDUCE
        + STOP
    )

    details = run(inspector, data)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("tensor0", "bfloat16", (8,))]


def test_joblib_arrays():
    joblib = pytest.importorskip("joblib")
    buffer = io.BytesIO()
    model = {"coef_": np.arange(6, dtype=np.float32).reshape(2, 3), "classes_": np.array(["a", None], dtype=object), "n": 3}
    joblib.dump(model, buffer)
    data = buffer.getvalue()

    details = run(inspector, data)

    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("coef_", "float32", (2, 3)), ("classes_", "object", (2,))]
    assert "joblib.numpy_pickle.NumpyArrayWrapper" in details.imports
    assert details.problems == []


@pytest.mark.parametrize("method", ["zlib", "gzip", "bz2", "lzma", "xz"])
def test_joblib_compressed(method):
    joblib = pytest.importorskip("joblib")
    buffer = io.BytesIO()
    joblib.dump({"w": np.ones((3, 2))}, buffer, compress=(method, 3))
    data = buffer.getvalue()

    details = run(inspector, data, forward=True)

    assert details.metadata["compression"] == method
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [("w", "float64", (3, 2))]


@pytest.mark.parametrize(
    ("compress", "method"),
    [
        (zlib.compress, "zlib"),
        (gzip.compress, "gzip"),
        (bz2.compress, "bz2"),
        (lzma.compress, "xz"),
        (lambda data: lzma.compress(data, format=lzma.FORMAT_ALONE), "lzma"),
    ],
)
def test_compressed_hostile_pickle(compress, method):
    data = compress(OS_SYSTEM)

    details = run(inspector, data)

    assert details.metadata["compression"] == method
    assert details.problems == [("pickle-imports-code-execution", "os.system")]


def test_compressed_truncated():
    data = zlib.compress(pickle.dumps(list(range(1000)), protocol=4))[:-20]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


def test_compressed_corrupt():
    data = b"\x78\x9c" + b"\xff" * 40

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_decompression_limit(monkeypatch):
    monkeypatch.setattr(inspector, "MIN_DECOMPRESSED_LIMIT", 1 << 16)
    monkeypatch.setattr(inspector, "DECOMPRESSION_RATIO", 1)
    data = zlib.compress(PROTO2 + b"B" + struct.pack("<I", 1 << 20) + b"\0" * (1 << 20) + STOP)

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"


@pytest.mark.parametrize("cut", [1, 2, 10, 20, len(OS_SYSTEM) - 1])
def test_truncated_at_offsets(cut):
    data = OS_SYSTEM[:cut]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


def test_empty_file():
    error = expect_error(inspector, b"")

    assert error.tag == "model-file-truncated"


def test_unknown_opcode():
    error = expect_error(inspector, PROTO2 + b"\x06" + STOP)

    assert error.tag == "model-file-corrupt"
    assert "unknown pickle opcode 0x06 at offset 2" in str(error)


def test_unsupported_protocol():
    error = expect_error(inspector, b"\x80\x09N.")

    assert error.tag == "model-file-corrupt"


def test_stack_underflow():
    error = expect_error(inspector, PROTO2 + REDUCE + STOP)

    assert error.tag == "model-file-corrupt"


@pytest.mark.parametrize("key", [b"-1", b"1" * 5000, b"x"])
def test_invalid_memo_key(key):
    data = b"N" + b"p" + key + b"\n."

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_missing_memo_entry():
    error = expect_error(inspector, PROTO2 + b"h\x05" + STOP)

    assert error.tag == "model-file-corrupt"


def test_huge_binbytes8_length():
    data = b"\x80\x04\x8e" + struct.pack("<Q", 2**63) + STOP

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-file-truncated"
    assert peak < 2 << 20


def test_large_argument_skipped():
    payload = b"\0" * (20 << 20)
    data = pickle.dumps({"blob": payload, "name": "x"}, protocol=4)

    details, peak = measure(lambda: run(inspector, data, forward=True))

    assert details.problems == []
    assert peak < 4 << 20


def test_opcode_limit(monkeypatch):
    monkeypatch.setattr(_pickle_vm, "MAX_OPCODES", 100)
    data = pickle.dumps(list(range(1000)), protocol=0)

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"


def test_stack_limit(monkeypatch):
    monkeypatch.setattr(_pickle_vm, "MAX_STACK", 50)
    data = PROTO2 + b"(" + b"N" * 100 + b"t" + STOP

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"


def test_memo_limit_gives_unknown(monkeypatch):
    monkeypatch.setattr(_pickle_vm, "MAX_MEMO", 2)
    data = (
        b"\x80\x04\x8c\x01a\x94\x8c\x01b\x94\x8c\x02os\x94\x8c\x06system\x94"
        + b"h\x02h\x03\x93"
        + STOP
    )

    details = run(inspector, data)

    assert details.problems == [("pickle-imports-unlisted-callable", "<unresolved STACK_GLOBAL>")]


def test_nested_array_pickles(monkeypatch):
    monkeypatch.setattr(_pickle_models, "MAX_NESTED_PICKLES", 0)
    joblib = pytest.importorskip("joblib")
    buffer = io.BytesIO()
    joblib.dump({"o": np.array([1, None], dtype=object)}, buffer)

    error = expect_error(inspector, buffer.getvalue())

    assert error.tag == "model-header-too-large"


def test_consecutive_pickles():
    data = pickle.dumps(1, protocol=2) + OS_SYSTEM

    details = run(inspector, data)

    assert details.metadata["pickles"] == "2"
    assert details.problems == [("pickle-imports-code-execution", "os.system")]


@pytest.mark.parametrize(
    ("module", "name", "expected"),
    [
        ("collections", "OrderedDict", None),
        ("torch._utils", "_rebuild_tensor_v2", None),
        ("torch", "FloatStorage", None),
        ("builtins", "eval", "pickle-imports-code-execution"),
        ("__builtin__", "getattr", "pickle-imports-code-execution"),
        ("subprocess", "Popen", "pickle-imports-code-execution"),
        ("runpy", "run_path", "pickle-imports-code-execution"),
        ("importlib.util", "find_spec", "pickle-imports-code-execution"),
        ("sklearn.linear_model", "LogisticRegression", "pickle-imports-unlisted-callable"),
        ("mylib.socket", "Model", "pickle-imports-unlisted-callable"),
        ("builtins", "object.__subclasses__", "pickle-imports-unlisted-callable"),
        ("numpy", "os.system", "pickle-imports-code-execution"),
    ],
)
def test_classify_import(module, name, expected):
    assert inspector.classify_import(module, name) == expected


@pytest.mark.parametrize("name", ["pickle-safe-imports", "pickle-dangerous-imports"])
def test_import_lists_format(name):
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()

    entries = [line for line in lines if line.strip() and not line.startswith("#")]

    assert lines[0].startswith("# ")
    assert entries
    for entry in entries:
        assert entry == entry.strip()
        assert "." in entry, entry
        assert " " not in entry, entry


def test_import_lists_disjoint():
    safe = {e for e in (DATA_DIR / "pickle-safe-imports").read_text().splitlines() if e and e[0] != "#"}

    flagged = [entry for entry in safe if inspector.classify_import(*entry.rsplit(".", 1)) is not None]

    assert flagged == []
