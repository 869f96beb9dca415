"""SentencePiece models: pieces and the TrainerSpec that names the training input."""

from __future__ import annotations

import io

import pytest

from dl_lint.errors import FormatError
from dl_lint.inspect import sentencepiece
from dl_lint.inspect._protobuf import encode_varint


def message(number: int, payload: bytes) -> bytes:
    return encode_varint(number << 3 | 2) + encode_varint(len(payload)) + payload


def varint_field(number: int, value: int) -> bytes:
    return encode_varint(number << 3) + encode_varint(value)


def model_bytes(inputs: list[str], count: int = 3) -> bytes:
    names = ["<unk>"] + [f"piece{index}" for index in range(count - 1)]
    pieces = b"".join(message(1, message(1, piece.encode()) + b"\x15\x00\x00\x80\xbf") for piece in names)
    spec = b"".join(message(1, name.encode()) for name in inputs)
    spec += message(2, b"m") + varint_field(3, 1) + varint_field(4, 3)
    return pieces + message(2, spec)


def test_trainer_spec_read():
    data = model_bytes(["../data/botchan.txt", "extra.txt"])

    details = sentencepiece.inspect(io.BytesIO(data), len(data))

    assert details.format == "sentencepiece"
    assert details.metadata == {
        "pieces": "3",
        "trainer_spec.input": "../data/botchan.txt, extra.txt",
        "trainer_spec.model_prefix": "m",
        "trainer_spec.model_type": "unigram",
        "trainer_spec.vocab_size": "3",
    }


def test_truncated_model():
    data = model_bytes(["botchan.txt"])

    with pytest.raises(FormatError) as raised:
        sentencepiece.inspect(io.BytesIO(data[:-5]), len(data))

    assert raised.value.tag == "model-file-truncated"


def test_huge_trainer_spec_rejected():
    data = encode_varint(2 << 3 | 2) + encode_varint(100 << 30)

    with pytest.raises(FormatError) as raised:
        sentencepiece.inspect(io.BytesIO(data), 200 << 30)

    assert raised.value.tag == "model-header-too-large"


def test_trainer_input_in_package_is_training_data(make_tree, lint):
    tree = make_tree({
        "data/botchan.txt": "Botchan, a novel in the public domain.\n" * 20,
        "python/test/test_model.model": model_bytes(["../../data/botchan.txt"], count=4000),
        "debian/copyright": (
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
            "Files: *\nCopyright: 2026 Test\nLicense: Apache-2.0\n\n"
            "Files: data/botchan.txt\nCopyright: none\nLicense: public-domain\n"
            " Botchan is in the public domain.\n\n"
            "License: Apache-2.0\n See /usr/share/common-licenses/Apache-2.0.\n"
        ),
    })

    hints = lint(tree)

    data_gaps = [h for h in hints if h[0].startswith(("model-without-training-data", "model-training-data-"))]
    assert data_gaps == []
    assert ("model-category-toxiccandy", "ToxicCandy: no training program found", "python/test/test_model.model") in hints
