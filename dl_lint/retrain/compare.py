"""Compare retrained models tensor by tensor; the levels and tolerance of every comparison.

Two runs are compared at three levels:

- bit-by-bit: the model files have identical bytes (and, see .curves, the
  metric files identical values);
- numerical: every tensor and every metric point of the later run agrees
  with the reference run within the tolerance, as numpy.isclose judges
  it: |candidate - reference| <= atol + rtol * |reference|, with NaN
  agreeing with NaN.  The default tolerance is numpy's own default,
  rtol=1e-5 atol=1e-8; debian/ml-models may declare another;
- not reproducible: anything else, including tensors that exist in one
  run only or change shape or dtype.

Tensors are read without running code: .npy and .npz with numpy and
allow_pickle=False, safetensors by its JSON header, ONNX initializers with
the onnx module, HDF5 datasets with h5py.  Any other format is compared as
bytes, so two runs that differ in any byte are not reproducible.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import formats
from ..errors import FormatError, MissingDependencyError

BIT_BY_BIT = "bit-by-bit"
NUMERICAL = "numerical"
NOT_REPRODUCIBLE = "not-reproducible"

# Worst first: the level of several comparisons is the worst of them.
LEVELS = (NOT_REPRODUCIBLE, NUMERICAL, BIT_BY_BIT)

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8

# Formats whose tensors are stored in pickles: reading them means running
# the code the pickle names.
PICKLED_FORMATS = frozenset({"pickle", "pytorch-zip", "pytorch-legacy", "joblib-compressed"})


def worst(levels) -> str:
    """Return the worst of LEVELS; bit-by-bit when there is none."""
    found = list(levels)
    return min(found, key=LEVELS.index) if found else BIT_BY_BIT


@dataclass(frozen=True, kw_only=True)
class Tolerance:
    """Relative and absolute tolerance; ``declared`` when debian/ml-models set it."""

    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    declared: bool = False


@dataclass(frozen=True, kw_only=True)
class TensorDiff:
    """The difference of one tensor of a candidate from the reference.

    ``ratio`` is the largest |candidate - reference| / (atol + rtol *
    |reference|), so above 1 means outside the tolerance.  ``beyond``
    counts the elements outside the tolerance.  ``problem`` is set when the
    tensors cannot be compared element by element (only in one file,
    another shape or dtype), and then every element counts as beyond.
    """

    name: str
    shape: tuple[int, ...]
    dtype: str
    size: int
    max_abs: float
    max_rel: float
    ratio: float
    beyond: int
    identical: bool
    problem: str = ""


@dataclass(frozen=True, kw_only=True)
class TensorSet:
    """The tensors read from one model file, or why none could be read."""

    format: str
    tensors: dict[str, np.ndarray] | None
    reason: str = ""


@dataclass(kw_only=True)
class ModelComparison:
    """A candidate model file compared with a reference, by tensors or by bytes."""

    reference: str
    candidate: str
    bytes_identical: bool
    method: str
    format: str
    reason: str = ""
    tensors: list[TensorDiff] = field(default_factory=list)

    @property
    def tensors_identical(self) -> bool:
        return self.bytes_identical or (self.method == "tensors" and all(t.identical for t in self.tensors))

    @property
    def level(self) -> str:
        if self.bytes_identical:
            return BIT_BY_BIT
        if self.method == "tensors" and all(t.beyond == 0 and not t.problem for t in self.tensors):
            return NUMERICAL
        return NOT_REPRODUCIBLE


# Reading tensors


def _read_npy(path: Path) -> dict[str, np.ndarray]:
    return {path.name: np.load(path, allow_pickle=False)}


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


# safetensors dtypes as numpy reads them; BF16 is widened to float32 and
# the 8-bit float formats are compared as their raw bytes.
SAFETENSORS_DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1", "BOOL": "?",
    "F8_E4M3": "u1", "F8_E5M2": "u1",
}


def _read_safetensors(path: Path) -> dict[str, np.ndarray]:
    data = path.read_bytes()
    if len(data) < 8:
        raise FormatError("safetensors file shorter than its header length")
    (length,) = struct.unpack("<Q", data[:8])
    if 8 + length > len(data):
        raise FormatError(f"safetensors header of {length} bytes runs past the end of the file")
    header = json.loads(data[8 : 8 + length])
    body = memoryview(data)[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        dtype = SAFETENSORS_DTYPES.get(entry["dtype"])
        if dtype is None or not 0 <= start <= end <= len(body):
            raise FormatError(f"safetensors tensor {name}: unknown dtype or offsets outside the file")
        array = np.frombuffer(body[start:end], dtype=dtype).reshape(entry["shape"])
        if entry["dtype"] == "BF16":
            array = (array.astype("<u4") << 16).view("<f4")
        tensors[name] = array
    return tensors


def _read_onnx(path: Path) -> dict[str, np.ndarray]:
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as error:
        raise MissingDependencyError("onnx", "python3-onnx") from error
    model = onnx.load(str(path), load_external_data=False)
    return {
        tensor.name: numpy_helper.to_array(tensor, base_dir=str(path.parent))
        for tensor in model.graph.initializer
    }


def _read_hdf5(path: Path) -> dict[str, np.ndarray]:
    try:
        import h5py
    except ImportError as error:
        raise MissingDependencyError("h5py", "python3-h5py") from error
    tensors: dict[str, np.ndarray] = {}

    def visit(name, item):
        if isinstance(item, h5py.Dataset):
            tensors[name] = np.asarray(item[()])

    with h5py.File(path, "r") as handle:
        handle.visititems(visit)
    return tensors


READERS: dict[str, Callable[[Path], dict[str, np.ndarray]]] = {
    "numpy-npy": _read_npy,
    "numpy-npz": _read_npz,
    "safetensors": _read_safetensors,
    "onnx": _read_onnx,
    "hdf5": _read_hdf5,
}


def identify(path: Path) -> str:
    """Return the data/formats id of PATH, or "unknown"."""
    with open(path, "rb") as handle:
        head = handle.read(formats.HEAD_SIZE)
    detection = formats.identify(path.name, head)
    return detection.rule.id if detection else "unknown"


def read_tensors(path: Path) -> TensorSet:
    """Read every tensor of the model file PATH without running code."""
    fmt = identify(path)
    reader = READERS.get(fmt)
    if reader is None:
        if fmt in PICKLED_FORMATS:
            reason = f"{fmt} tensors are pickled and cannot be read without running code"
        else:
            reason = f"dl-lint reads no tensors from {fmt} files"
        return TensorSet(format=fmt, tensors=None, reason=reason)
    try:
        return TensorSet(format=fmt, tensors=reader(path))
    except MissingDependencyError as error:
        return TensorSet(format=fmt, tensors=None, reason=str(error))
    except (ValueError, KeyError, TypeError, OSError, FormatError) as error:
        return TensorSet(format=fmt, tensors=None, reason=f"unreadable {fmt} file: {error}")
    except Exception as error:  # noqa: BLE001 - onnx and h5py raise their own classes on bad files
        return TensorSet(format=fmt, tensors=None, reason=f"unreadable {fmt} file: {type(error).__name__}: {error}")


# Comparing tensors


def _as_numbers(array: np.ndarray) -> np.ndarray:
    if array.dtype.kind == "c":
        return array.astype(np.complex128)
    return array.astype(np.float64)


def diff_tensor(name: str, reference: np.ndarray, candidate: np.ndarray, tolerance: Tolerance) -> TensorDiff:
    """Compare one tensor of a candidate with the reference, element by element."""
    shape = tuple(reference.shape)
    common = {"name": name, "shape": shape, "dtype": str(reference.dtype), "size": int(reference.size)}
    if reference.shape != candidate.shape or reference.dtype != candidate.dtype:
        problem = f"{candidate.dtype}{list(candidate.shape)} instead of {reference.dtype}{list(shape)}"
        return TensorDiff(**common, max_abs=math.inf, max_rel=math.inf, ratio=math.inf,
                          beyond=max(reference.size, candidate.size), identical=False, problem=problem)
    identical = reference.tobytes() == candidate.tobytes()
    if reference.dtype.kind not in "biufc":
        unequal = int(np.count_nonzero(reference != candidate)) if not identical else 0
        worst = 0.0 if identical else math.inf
        return TensorDiff(**common, max_abs=worst, max_rel=worst, ratio=worst, beyond=unequal, identical=identical)
    measured = differences(_as_numbers(reference), _as_numbers(candidate), tolerance)
    return TensorDiff(**common, identical=identical, **measured)


def differences(a: np.ndarray, b: np.ndarray, tolerance: Tolerance) -> dict:
    """Return the largest absolute, relative and tolerance-relative difference of B from A, and the count beyond."""
    if not a.size:
        return {"max_abs": 0.0, "max_rel": 0.0, "ratio": 0.0, "beyond": 0}
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        both_nan = np.isnan(a) & np.isnan(b)
        difference = np.where(both_nan | (a == b), 0.0, np.abs(b - a))
        difference = np.where(np.isnan(difference), np.inf, difference)
        scale = np.maximum(np.abs(a), np.abs(b))
        relative = np.where(difference == 0, 0.0, difference / np.where(scale == 0, 1.0, scale))
        allowed = tolerance.atol + tolerance.rtol * np.abs(a)
        ratio = np.where(difference == 0, 0.0, difference / np.where(allowed == 0, 0.0, allowed))
    close = np.isclose(b, a, rtol=tolerance.rtol, atol=tolerance.atol, equal_nan=True)
    return {
        "max_abs": float(difference.max()),
        "max_rel": float(relative.max()),
        "ratio": float(np.nan_to_num(ratio, nan=np.inf).max()),
        "beyond": int(np.count_nonzero(~close)),
    }


def diff_tensor_sets(reference: dict[str, np.ndarray], candidate: dict[str, np.ndarray], tolerance: Tolerance) -> list[TensorDiff]:
    """Compare every tensor by name; a name found in one set only is a difference."""
    diffs = []
    for name in sorted(set(reference) | set(candidate)):
        if name not in candidate or name not in reference:
            array = reference.get(name, candidate.get(name))
            where = "reference" if name in reference else "candidate"
            diffs.append(TensorDiff(
                name=name, shape=tuple(array.shape), dtype=str(array.dtype), size=int(array.size),
                max_abs=math.inf, max_rel=math.inf, ratio=math.inf, beyond=int(array.size), identical=False,
                problem=f"only in the {where}",
            ))
            continue
        diffs.append(diff_tensor(name, reference[name], candidate[name], tolerance))
    return diffs


def compare_models(reference: Path, candidate: Path, tolerance: Tolerance, *, labels: tuple[str, str]) -> ModelComparison:
    """Compare two model files: bytes first, then tensors when the format can be read."""
    identical = _same_bytes(reference, candidate)
    first = read_tensors(reference)
    second = read_tensors(candidate) if first.tensors is not None else first
    comparison = ModelComparison(
        reference=labels[0], candidate=labels[1], bytes_identical=identical, method="bytes", format=first.format,
    )
    if first.tensors is None or second.tensors is None:
        comparison.reason = first.reason or second.reason
        return comparison
    comparison.method = "tensors"
    comparison.tensors = diff_tensor_sets(first.tensors, second.tensors, tolerance)
    return comparison


def _same_bytes(first: Path, second: Path) -> bool:
    if first.stat().st_size != second.stat().st_size:
        return False
    with open(first, "rb") as one, open(second, "rb") as two:
        while True:
            block = one.read(1024 * 1024)
            if block != two.read(1024 * 1024):
                return False
            if not block:
                return True
