"""Read the header of a SentencePiece model: its pieces and its trainer settings.

A SentencePiece .model file is a protobuf ModelProto: the pieces (field 1)
come first, then the TrainerSpec (field 2) that records how the model was
trained, including the names of its input files.  Those names are the
only record of the training data inside the file, so the inspector keeps
them for the provenance checks.
"""

from __future__ import annotations

from typing import BinaryIO

from dl_lint.model import ModelDetails

from ._protobuf import LENGTH_DELIMITED, VARINT, iter_fields
from ._stream import StreamReader, too_large

PIECES = 1
TRAINER_SPEC = 2

# TrainerSpec fields (sentencepiece src/sentencepiece_model.proto).
INPUT = 1
MODEL_PREFIX = 2
MODEL_TYPE = 3
VOCAB_SIZE = 4
INPUT_FORMAT = 7
MODEL_TYPES = {1: "unigram", 2: "bpe", 3: "word", 4: "char"}

# A TrainerSpec is a few hundred bytes; anything larger is not a real one.
MAX_TRAINER_SPEC = 1 << 20
MAX_INPUTS = 100


def inspect(stream: BinaryIO, size: int) -> ModelDetails:
    """Count the pieces and read the TrainerSpec of a SentencePiece model."""
    reader = StreamReader(stream, size)
    details = ModelDetails(format="sentencepiece")
    pieces = 0
    for field in iter_fields(reader, size):
        if field.number == PIECES and field.wire_type == LENGTH_DELIMITED:
            pieces += 1
        elif field.number == TRAINER_SPEC and field.wire_type == LENGTH_DELIMITED:
            if field.value > MAX_TRAINER_SPEC:
                raise too_large(f"SentencePiece trainer spec of {field.value} bytes", field.payload_offset)
            _read_trainer_spec(reader, field.end, details)
    details.metadata["pieces"] = str(pieces)
    return details


def _read_trainer_spec(reader: StreamReader, end: int, details: ModelDetails) -> None:
    inputs: list[str] = []
    for field in iter_fields(reader, end):
        if field.wire_type == LENGTH_DELIMITED and field.number in (INPUT, MODEL_PREFIX, INPUT_FORMAT):
            text = reader.read(min(field.value, 4096), "a SentencePiece trainer string")
            value = text.decode("utf-8", errors="replace")
            if field.number == INPUT and len(inputs) < MAX_INPUTS:
                inputs.append(value)
            elif field.number == MODEL_PREFIX:
                details.metadata["trainer_spec.model_prefix"] = value[:200]
            elif field.number == INPUT_FORMAT and value:
                details.metadata["trainer_spec.input_format"] = value[:200]
        elif field.wire_type == VARINT and field.number == MODEL_TYPE:
            details.metadata["trainer_spec.model_type"] = MODEL_TYPES.get(field.value, str(field.value))
        elif field.wire_type == VARINT and field.number == VOCAB_SIZE:
            details.metadata["trainer_spec.vocab_size"] = str(field.value)
    if inputs:
        details.metadata["trainer_spec.input"] = ", ".join(inputs)[:1000]
