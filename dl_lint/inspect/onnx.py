"""Inspection of ONNX models without loading their tensor data.

onnx.load reads the whole file, raw tensor data included, into memory.
Here a wire-format walker (_protobuf) reads ModelProto forward-only.  It
copies the small top-level fields for onnx.ModelProto, walks the graph,
and strips the bulk data fields from every tensor before onnx.TensorProto
parses the rest (name, dims, data type, external data).  Subgraphs of
control-flow nodes and Constant node tensors are walked too.  External data
files are never opened; they are reported.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from dl_lint.errors import MissingDependencyError
from dl_lint.model import ModelDetails, TensorInfo

from ._protobuf import LENGTH_DELIMITED, Field, encode_field, iter_fields
from ._stream import StreamReader, corrupt, too_large

EXTERNAL_DATA = "onnx-external-data"
EXTERNAL_OUTSIDE = "onnx-external-data-outside-package"

# Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto,
# AttributeProto, TensorProto, SparseTensorProto, TrainingInfoProto).
MODEL_GRAPH = 7
MODEL_TRAINING_INFO = 20
GRAPH_NODE, GRAPH_NAME, GRAPH_INITIALIZER, GRAPH_SPARSE_INITIALIZER = 1, 2, 5, 15
NODE_OUTPUT, NODE_NAME, NODE_OP_TYPE, NODE_ATTRIBUTE, NODE_DOMAIN = 2, 3, 4, 5, 7
ATTRIBUTE_NAME = 1
ATTRIBUTE_TENSORS = {5, 10}
ATTRIBUTE_GRAPHS = {6, 11}
ATTRIBUTE_SPARSE_TENSORS = {22, 23}
SPARSE_VALUES, SPARSE_INDICES = 1, 2
TRAINING_GRAPHS = {1, 2}
# float_data, int32_data, string_data, int64_data, raw_data, double_data,
# uint64_data and doc_string: skipped, so tensor data is never in memory.
TENSOR_BULK_FIELDS = {4, 5, 6, 7, 9, 10, 11, 12}

# Top-level fields other than the graph (producer, opsets, metadata_props,
# functions) are copied up to this size.  A larger field is skipped.
MAX_MODEL_HEADER = 16 << 20
MAX_TENSOR_HEADER = 1 << 20
MAX_GRAPH_DEPTH = 32
KEEP_TEXT = 4096
KEEP_VALUE = 200
KEEP_OP_TYPES = 1000
MAX_OP_TYPES = 1000
MAX_METADATA_ENTRIES = 1000

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")

# TensorProto.DataType names that differ from the usual dtype names.
_DTYPE_NAMES = {"FLOAT": "float32", "DOUBLE": "float64"}


def _import_onnx():
    try:
        import onnx
        from google.protobuf.message import DecodeError
    except ImportError as error:
        raise MissingDependencyError("onnx", "python3-onnx") from error
    return onnx, DecodeError


def _text_of(value: str | bytes) -> str:
    """Return a protobuf string field as str.

    onnx.proto is proto2, whose strings are not checked for UTF-8, and the
    upb-based protobuf runtime returns bytes for an invalid one.
    """
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def leaves_package(location: str) -> bool:
    """Return whether an external-data location is absolute or climbs with "..".

    ONNX resolves the location relative to the model's directory, so such a
    path can point anywhere on the system that loads the model.
    """
    path = location.replace("\\", "/")
    if path.startswith("/") or _WINDOWS_DRIVE.match(path):
        return True
    return ".." in path.split("/")


class OnnxWalker:
    """Walks one ModelProto from a StreamReader and fills ModelDetails."""

    def __init__(self, reader: StreamReader, details: ModelDetails) -> None:
        self.reader = reader
        self.details = details
        self.onnx, self.decode_error = _import_onnx()
        self.nodes = 0
        self.op_types: set[str] = set()
        self.external_locations: set[str] = set()

    def _text(self, field: Field) -> str:
        if field.wire_type != LENGTH_DELIMITED:
            raise corrupt(f"protobuf field {field.number} should be a string", field.payload_offset)
        data = self.reader.read(min(field.value, KEEP_TEXT), "a protobuf string")
        return data.decode("utf-8", errors="replace")

    def _parse(self, message_type: type, data: bytes, offset: int):
        try:
            return message_type.FromString(data)
        except self.decode_error as error:
            raise corrupt(f"invalid ONNX {message_type.__name__}: {error}", offset) from error

    # ModelProto.

    def walk_model(self) -> None:
        encoded: list[bytes] = []
        encoded_size = 0
        for field in iter_fields(self.reader, self.reader.size):
            nested = field.wire_type == LENGTH_DELIMITED
            if field.number == MODEL_GRAPH and nested:
                self.walk_graph(field.end, 0)
            elif field.number == MODEL_TRAINING_INFO and nested:
                self._walk_training_info(field.end)
            elif not nested or encoded_size + field.value <= MAX_MODEL_HEADER:
                payload = self.reader.read(field.value, "a ModelProto field") if nested else b""
                encoded.append(encode_field(field, payload))
                encoded_size += len(encoded[-1])
        model = self._parse(self.onnx.ModelProto, b"".join(encoded), 0)
        self._record_model(model)

    def _record_model(self, model) -> None:
        metadata = self.details.metadata
        metadata["ir_version"] = str(model.ir_version)
        for name in ("producer_name", "producer_version", "domain", "doc_string"):
            if getattr(model, name):
                metadata[name] = _text_of(getattr(model, name))[:KEEP_VALUE]
        if model.model_version:
            metadata["model_version"] = str(model.model_version)
        opsets = [f"{_text_of(opset.domain) or 'ai.onnx'}:{opset.version}" for opset in model.opset_import]
        metadata["opset_import"] = ",".join(opsets)[:KEEP_VALUE]
        metadata["nodes"] = str(self.nodes)
        metadata["op_types"] = ",".join(sorted(self.op_types))[:KEEP_OP_TYPES]
        for entry in model.metadata_props[:MAX_METADATA_ENTRIES]:
            # A property never hides what the walker found.
            key = _text_of(entry.key)
            key = key if key not in metadata else f"metadata_props.{key}"
            metadata[key] = _text_of(entry.value)[:KEEP_VALUE]

    def _walk_training_info(self, end: int) -> None:
        for field in iter_fields(self.reader, end):
            if field.number in TRAINING_GRAPHS and field.wire_type == LENGTH_DELIMITED:
                self.walk_graph(field.end, 1)

    # GraphProto and NodeProto.

    def walk_graph(self, end: int, depth: int) -> None:
        if depth > MAX_GRAPH_DEPTH:
            raise too_large(f"ONNX subgraphs nested deeper than {MAX_GRAPH_DEPTH} levels", self.reader.offset)
        for field in iter_fields(self.reader, end):
            if field.wire_type != LENGTH_DELIMITED:
                continue
            if field.number == GRAPH_NODE:
                self._walk_node(field.end, depth)
            elif field.number == GRAPH_NAME and depth == 0:
                self.details.metadata["graph_name"] = self._text(field)[:KEEP_VALUE]
            elif field.number == GRAPH_INITIALIZER:
                self._record_tensor(self._read_tensor(field.end), "initializer")
            elif field.number == GRAPH_SPARSE_INITIALIZER:
                self._record_sparse(field.end, "sparse_initializer")

    def _walk_node(self, end: int, depth: int) -> None:
        name = op_type = domain = ""
        first_output: str | None = None
        for field in iter_fields(self.reader, end):
            if field.number == NODE_OUTPUT and first_output is None:
                first_output = self._text(field)
            elif field.number == NODE_NAME:
                name = self._text(field)
            elif field.number == NODE_OP_TYPE:
                op_type = self._text(field)
            elif field.number == NODE_DOMAIN:
                domain = self._text(field)
            elif field.number == NODE_ATTRIBUTE and field.wire_type == LENGTH_DELIMITED:
                self._walk_attribute(field.end, depth, name or first_output or op_type)
        self.nodes += 1
        if len(self.op_types) < MAX_OP_TYPES:
            self.op_types.add(op_type if domain in ("", "ai.onnx") else f"{domain}:{op_type}")

    def _walk_attribute(self, end: int, depth: int, owner: str) -> None:
        """Walk one node attribute: Constant tensors and control-flow subgraphs."""
        attribute = ""
        for field in iter_fields(self.reader, end):
            if field.wire_type != LENGTH_DELIMITED:
                continue
            if field.number == ATTRIBUTE_NAME:
                attribute = self._text(field)
            elif field.number in ATTRIBUTE_TENSORS:
                self._record_tensor(self._read_tensor(field.end), f"{owner}.{attribute}")
            elif field.number in ATTRIBUTE_GRAPHS:
                self.walk_graph(field.end, depth + 1)
            elif field.number in ATTRIBUTE_SPARSE_TENSORS:
                self._record_sparse(field.end, f"{owner}.{attribute}")

    # TensorProto and SparseTensorProto.

    def _strip_tensor(self, end: int) -> bytes:
        """Return the TensorProto that ends at END re-encoded without its data."""
        encoded: list[bytes] = []
        encoded_size = 0
        for field in iter_fields(self.reader, end):
            if field.number in TENSOR_BULK_FIELDS:
                continue
            nested = field.wire_type == LENGTH_DELIMITED
            if nested and encoded_size + field.value > MAX_TENSOR_HEADER:
                raise too_large(
                    f"ONNX tensor fields other than data exceed {MAX_TENSOR_HEADER} bytes",
                    field.payload_offset,
                )
            payload = self.reader.read(field.value, "a TensorProto field") if nested else b""
            encoded.append(encode_field(field, payload))
            encoded_size += len(encoded[-1])
        return b"".join(encoded)

    def _read_tensor(self, end: int):
        offset = self.reader.offset
        return self._parse(self.onnx.TensorProto, self._strip_tensor(end), offset)

    def _record_tensor(self, tensor, fallback_name: str) -> None:
        name = _text_of(tensor.name) or fallback_name
        self.details.add_tensor(
            TensorInfo(name=name, dtype=self._dtype(tensor.data_type), shape=tuple(tensor.dims))
        )
        self._check_external(tensor)

    def _record_sparse(self, end: int, fallback_name: str) -> None:
        """Record a sparse tensor as its dense shape, with the dtype of its values."""
        offset = self.reader.offset
        encoded: list[bytes] = []
        for field in iter_fields(self.reader, end):
            nested = field.wire_type == LENGTH_DELIMITED
            if field.number in (SPARSE_VALUES, SPARSE_INDICES) and nested:
                encoded.append(encode_field(field, self._strip_tensor(field.end)))
            elif not nested or field.value <= MAX_TENSOR_HEADER:
                payload = self.reader.read(field.value, "a SparseTensorProto field") if nested else b""
                encoded.append(encode_field(field, payload))
        sparse = self._parse(self.onnx.SparseTensorProto, b"".join(encoded), offset)
        name = _text_of(sparse.values.name) or fallback_name
        self.details.add_tensor(
            TensorInfo(name=name, dtype=self._dtype(sparse.values.data_type), shape=tuple(sparse.dims))
        )
        self._check_external(sparse.values)
        self._check_external(sparse.indices)

    def _dtype(self, data_type: int) -> str:
        try:
            name = self.onnx.TensorProto.DataType.Name(data_type)
        except ValueError:
            return f"onnx-type-{data_type}"
        return _DTYPE_NAMES.get(name, name.lower())

    def _check_external(self, tensor) -> None:
        external = tensor.data_location == self.onnx.TensorProto.EXTERNAL
        if not external and not tensor.external_data:
            return
        entries = {_text_of(entry.key): _text_of(entry.value) for entry in tensor.external_data}
        location = entries.get("location", "")
        if location in self.external_locations:
            return
        self.external_locations.add(location)
        self.details.problems.append((EXTERNAL_DATA, location or "(no location)"))
        if location and leaves_package(location):
            self.details.problems.append((EXTERNAL_OUTSIDE, location))


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Inspect an ONNX model (format "onnx") by walking its protobuf fields."""
    reader = StreamReader(stream, size)
    details = ModelDetails(format="onnx")
    # ONNX Runtime's .ort files are FlatBuffers with the identifier "ORTM"
    # at offset 4, not protobuf.
    if reader.peek(8)[4:8] == b"ORTM":
        # NOTE: ORT files are recognised but their tensors are not listed.
        details.metadata["container"] = "ort"
        return details
    OnnxWalker(reader, details).walk_model()
    return details
