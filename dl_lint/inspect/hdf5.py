"""Inspection of HDF5 files, Keras HDF5 models and Keras v3 .keras archives.

Datasets are listed from their metadata (name, dtype, shape); no dataset
is read.  Links to other files and datasets stored in other files are
reported, never followed.  Keras models are recognised from their
attributes (keras_version, backend, model_config, layer_names).  Their
model config is searched for Lambda layers, whose marshalled Python
bytecode runs when Keras loads the model.

h5py needs random access, so a forward-only stream is read into memory up
to a cap (see _stream.random_access).  h5py runs in a forked child process,
because libhdf5 can crash on a crafted file (see _isolation).
"""

from __future__ import annotations

import io
import json
from typing import BinaryIO

from dl_lint.errors import FormatError, MissingDependencyError
from dl_lint.model import ModelDetails, TensorInfo

from ._isolation import run_isolated
from ._stream import CORRUPT, TRUNCATED, StreamReader, too_large
from ._zip import open_zip, read_member

LAMBDA_LAYER = "keras-lambda-layer"
EXTERNAL_DATA = "hdf5-external-data"

KERAS_ATTRIBUTES = ("keras_version", "backend", "model_config", "layer_names")
KEEP_VALUE = 200
MAX_OBJECTS = 1_000_000
MAX_EXTERNAL_PROBLEMS = 1000
MAX_CONFIG_SIZE = 16 << 20
MAX_METADATA_JSON = 1 << 20
# The weights of a .keras archive are read into memory up to this size.
MAX_KERAS_WEIGHTS = 512 << 20

# Exceptions that h5py raises for files it cannot read: OSError for invalid
# HDF5 structure, the others for object types, names and attributes it
# cannot convert.  h5py 3.16 turns an invalid UTF-8 link name met while
# visiting links into SystemError.
H5PY_ERRORS = (OSError, ValueError, KeyError, RuntimeError, TypeError, OverflowError, SystemError)


def _import_h5py():
    try:
        import h5py
    except ImportError as error:
        raise MissingDependencyError("h5py", "python3-h5py") from error
    return h5py


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# Keras model configs.


def _class_names(config: object) -> list[tuple[str, dict]]:
    """Return (class_name, entry) for every object in a Keras config with a class_name."""
    found = []
    pending = [config]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if isinstance(item.get("class_name"), str):
                found.append((item["class_name"], item))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _layer_classes(config: object) -> set[str]:
    """Return the class names of layers: entries of "layers" lists and "layer" wrappers."""
    classes = set()
    for _, entry in _class_names(config):
        inner = entry.get("config")
        if not isinstance(inner, dict):
            continue
        layers = inner.get("layers") if isinstance(inner.get("layers"), list) else []
        if isinstance(inner.get("layer"), dict):
            layers = [*layers, inner["layer"]]
        for layer in layers:
            if isinstance(layer, dict) and isinstance(layer.get("class_name"), str):
                classes.add(layer["class_name"])
    return classes


def check_model_config(text: str, details: ModelDetails) -> None:
    """Record the model class and layer classes of a Keras config and its Lambda layers."""
    try:
        config = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise FormatError(f"invalid Keras model config JSON: {error}", tag=CORRUPT) from error
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        details.metadata["model_class"] = config["class_name"][:KEEP_VALUE]
    classes = _layer_classes(config)
    if classes:
        details.metadata["layer_classes"] = ",".join(sorted(classes))[:KEEP_VALUE]
    for class_name, entry in _class_names(config):
        if class_name != "Lambda":
            continue
        inner = entry.get("config") if isinstance(entry.get("config"), dict) else {}
        name = inner.get("name") if isinstance(inner.get("name"), str) else "(unnamed)"
        details.problems.append((LAMBDA_LAYER, name))


# HDF5.


def _record_dataset(name: str, dataset, details: ModelDetails) -> None:
    try:
        dtype = dataset.dtype.name
    except H5PY_ERRORS:
        # h5py raises for HDF5 types that have no NumPy dtype.
        dtype = "unknown"
    shape = dataset.shape if dataset.shape is not None else ()
    details.add_tensor(TensorInfo(name=name, dtype=dtype, shape=tuple(shape)))
    if dataset.is_virtual:
        for source in dataset.virtual_sources():
            _external(details, name, source.file_name)
    for external_file, _offset, _size in dataset.external or ():
        _external(details, name, _text(external_file))


def _external(details: ModelDetails, name: str, target: str) -> None:
    problem = (EXTERNAL_DATA, f"{name} -> {target}")
    if len(details.problems) < MAX_EXTERNAL_PROBLEMS and problem not in details.problems:
        details.problems.append(problem)


def _walk(h5py, root, details: ModelDetails) -> None:
    """List the datasets reached through hard links, and report external links without following them."""
    visited = 0

    def visit(name: str, link) -> None:
        nonlocal visited
        visited += 1
        if visited > MAX_OBJECTS:
            raise too_large(f"HDF5 file has more than {MAX_OBJECTS} links", 0)
        if isinstance(link, h5py.ExternalLink):
            _external(details, name, f"{link.filename}:{link.path}")
        elif isinstance(link, h5py.HardLink):
            item = root.get(name)
            if isinstance(item, h5py.Dataset):
                _record_dataset(name, item, details)

    if hasattr(root, "visititems_links"):
        root.visititems_links(visit)
        return
    # h5py before 3.11 has no link visitor.  visititems follows hard links only.
    def visit_item(name: str, item) -> None:
        if isinstance(item, h5py.Dataset):
            visit(name, h5py.HardLink())

    root.visititems(visit_item)


def _keras_attributes(h5, details: ModelDetails) -> bool:
    """Copy Keras attributes of the root or model_weights group, and return whether any exist."""
    groups = [h5] + ([h5["model_weights"]] if "model_weights" in h5 else [])
    found = False
    for group in groups:
        for key in KERAS_ATTRIBUTES:
            if key not in group.attrs:
                continue
            found = True
            value = group.attrs[key]
            if key == "model_config":
                check_model_config(_text(value), details)
            elif key != "layer_names":
                details.metadata.setdefault(key, _text(value)[:KEEP_VALUE])
    return found


def _read_hdf5(file: BinaryIO) -> tuple[ModelDetails, bool]:
    """Return the datasets of a seekable HDF5 FILE and whether it is a Keras model."""
    h5py = _import_h5py()
    details = ModelDetails(format="hdf5")
    try:
        with h5py.File(file, "r") as h5:
            _walk(h5py, h5, details)
            return details, _keras_attributes(h5, details)
    except H5PY_ERRORS as error:
        # The HDF5 library compares the file size with the end address in
        # the superblock and reports "truncated file" when it is shorter.
        tag = TRUNCATED if "truncated file" in str(error) else CORRUPT
        raise FormatError(f"invalid HDF5 file: {error}", tag=tag) from error


def _merge(found: ModelDetails, details: ModelDetails) -> None:
    for tensor in found.tensors:
        details.add_tensor(tensor)
    hidden = (found.tensor_count or 0) - len(found.tensors)
    if hidden > 0:
        # Tensors beyond ModelDetails' list cap still count.
        details.tensor_count = (details.tensor_count or 0) + hidden
        listed = sum(tensor.parameters for tensor in found.tensors)
        details.parameters = (details.parameters or 0) + (found.parameters or 0) - listed
    for key, value in found.metadata.items():
        details.metadata.setdefault(key, value)
    details.problems.extend(problem for problem in found.problems if problem not in details.problems)


def inspect_hdf5(file: BinaryIO, details: ModelDetails) -> bool:
    """List the datasets of a seekable HDF5 FILE into DETAILS and return whether it is a Keras model.

    h5py runs in a forked child process, because libhdf5 can crash on a
    crafted file (see _isolation).
    """
    _import_h5py()
    found, is_keras = run_isolated(_read_hdf5, file, library="the HDF5 library")
    _merge(found, details)
    return is_keras


# Keras v3 archives.


def _inspect_keras_archive(file: BinaryIO, details: ModelDetails) -> None:
    archive = open_zip(file, "the Keras archive")
    members = {info.filename: info for info in archive.infolist()}
    details.metadata["members"] = str(len(members))
    if "metadata.json" in members:
        _read_keras_metadata(read_member(archive, members["metadata.json"], MAX_METADATA_JSON), details)
    if "config.json" in members:
        config = read_member(archive, members["config.json"], MAX_CONFIG_SIZE)
        check_model_config(config.decode("utf-8", errors="replace"), details)
    weights = members.get("model.weights.h5")
    if weights is None:
        return
    details.metadata["weights_bytes"] = str(weights.file_size)
    if weights.file_size <= MAX_KERAS_WEIGHTS:
        inspect_hdf5(io.BytesIO(read_member(archive, weights, MAX_KERAS_WEIGHTS)), details)
    # NOTE: larger weights are not listed.  Only their size is reported.


def _read_keras_metadata(data: bytes, details: ModelDetails) -> None:
    try:
        metadata = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise FormatError(f"invalid metadata.json in the Keras archive: {error}", tag=CORRUPT) from error
    if not isinstance(metadata, dict):
        return
    for key in ("keras_version", "date_saved"):
        if isinstance(metadata.get(key), str):
            details.metadata[key] = metadata[key][:KEEP_VALUE]


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect an HDF5 file (format "hdf5" or "keras") or a .keras archive ("keras")."""
    reader = StreamReader(stream, size)
    is_archive = reader.peek(2) == b"PK"
    file = reader.random_access("the Keras archive" if is_archive else "the HDF5 file")
    if is_archive:
        details = ModelDetails(format="keras")
        _inspect_keras_archive(file, details)
        return details
    details = ModelDetails(format="hdf5")
    if inspect_hdf5(file, details):
        details.format = "keras"
    return details
