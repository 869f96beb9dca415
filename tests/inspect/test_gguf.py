"""Tests of the GGUF inspector on files assembled with struct, and on legacy GGML magic."""

from __future__ import annotations

import struct

import pytest

from dl_lint.inspect import gguf as inspector

from .builders import GGUF_ARRAY, GGUF_STRING, GGUF_UINT8, GGUFWriter, expect_error, measure, run

LICENSE = "Apache-2.0 " + "with a long licence note " * 20


def small_model(writer: GGUFWriter) -> bytes:
    """A GGUF file with identity metadata, a vocabulary and two tensors."""
    kvs = [
        writer.kv_string("general.architecture", "llama"),
        writer.kv_string("general.name", "tiny"),
        writer.kv_string("general.license", LICENSE),
        writer.kv_uint32("llama.block_count", 2),
        writer.kv_string_array("tokenizer.ggml.tokens", ["<s>", "</s>", "hello"]),
    ]
    # f32 [8, 2] is 64 bytes at offset 0, and q4_0 [64, 2] is 4 blocks of 18 bytes at 64.
    tensors = [
        writer.tensor_info("token_embd.weight", (8, 2), 0, 0),
        writer.tensor_info("blk.0.attn_q.weight", (64, 2), 2, 64),
    ]
    return writer.file(kvs, tensors, 64 + 72)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_versions(version):
    data = small_model(GGUFWriter(version))

    details = run(inspector, data)

    assert details.format == "gguf"
    assert details.metadata["gguf_version"] == str(version)
    assert [(t.name, t.dtype, t.shape) for t in details.tensors] == [
        ("token_embd.weight", "f32", (8, 2)),
        ("blk.0.attn_q.weight", "q4_0", (64, 2)),
    ]
    assert details.parameters == 144


def test_metadata_values():
    details = run(inspector, small_model(GGUFWriter()))

    assert details.metadata["general.architecture"] == "llama"
    assert details.metadata["general.name"] == "tiny"
    assert details.metadata["general.license"] == LICENSE
    assert details.metadata["llama.block_count"] == "2"
    assert details.metadata["tokenizer.ggml.tokens"] == "[array of 3 string]"


def test_long_value_truncated():
    writer = GGUFWriter()
    data = writer.file([writer.kv_string("tokenizer.chat_template", "x" * 5000)], [], 0)

    details = run(inspector, data)

    assert details.metadata["tokenizer.chat_template"] == "x" * 200


def test_big_endian():
    data = small_model(GGUFWriter(3, ">"))

    details = run(inspector, data)

    assert details.metadata["byte_order"] == "big-endian"
    assert details.tensors[1].shape == (64, 2)


def test_forward_only():
    details = run(inspector, small_model(GGUFWriter()), forward=True)

    assert details.tensor_count == 2


def test_custom_alignment():
    writer = GGUFWriter()
    kvs = [writer.kv_uint32("general.alignment", 64)]
    data = writer.file(kvs, [writer.tensor_info("w", (4,), 0, 0)], 16, alignment=64)

    details = run(inspector, data)

    assert details.tensors[0].shape == (4,)


def test_misaligned_offset():
    writer = GGUFWriter()
    data = writer.file([], [writer.tensor_info("w", (4,), 0, 8)], 64)

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_nested_array():
    writer = GGUFWriter()
    inner = writer.pack("I", GGUF_UINT8) + writer.count(3) + b"\1\2\3"
    outer = writer.pack("I", GGUF_ARRAY) + writer.pack("I", GGUF_ARRAY) + writer.count(2)
    nested = writer.string("x.nested") + outer + inner + inner
    data = writer.file([nested], [], 0)

    details = run(inspector, data)

    assert details.metadata["x.nested"] == "[array of 2 array]"


def test_arrays_nested_too_deep():
    writer = GGUFWriter()
    value = writer.pack("I", GGUF_UINT8) + writer.count(0)
    for _ in range(20):
        value = writer.pack("I", GGUF_ARRAY) + writer.count(1) + value
    data = writer.header(0, 1) + writer.string("deep") + writer.pack("I", GGUF_ARRAY) + value

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"


def test_tensor_count_2_63():
    writer = GGUFWriter()
    data = writer.header(2**63, 0) + b"\0" * 64

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-header-too-large"
    assert peak < 1 << 20


def test_metadata_count_2_63():
    writer = GGUFWriter()
    data = writer.header(0, 2**63) + b"\0" * 64

    error = expect_error(inspector, data)

    assert error.tag == "model-header-too-large"


def test_array_count_2_63():
    writer = GGUFWriter()
    array = writer.pack("I", GGUF_ARRAY) + writer.pack("I", GGUF_STRING) + writer.count(2**63)
    data = writer.header(0, 1) + writer.string("tokens") + array + b"\0" * 64

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-header-too-large"
    assert peak < 1 << 20


def test_string_length_2_63():
    writer = GGUFWriter()
    data = writer.header(0, 1) + writer.count(2**63) + b"key" + b"\0" * 64

    error, peak = measure(lambda: expect_error(inspector, data))

    assert error.tag == "model-file-truncated"
    assert peak < 1 << 20


def test_too_many_dimensions():
    writer = GGUFWriter()
    info = writer.string("w") + writer.pack("I", 9) + writer.count(1) * 9 + writer.pack("I", 0) + writer.pack("Q", 0)
    data = writer.header(1, 0) + info + b"\0" * 64

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_unknown_value_type():
    writer = GGUFWriter()
    data = writer.header(0, 1) + writer.string("k") + writer.pack("I", 99) + b"\0" * 16

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_unknown_version():
    data = b"GGUF" + struct.pack("<I", 7) + b"\0" * 16

    error = expect_error(inspector, data)

    assert error.tag == "model-file-corrupt"


def test_unknown_tensor_type_kept():
    writer = GGUFWriter()
    data = writer.file([], [writer.tensor_info("w", (4,), 77, 0)], 32)

    details = run(inspector, data)

    assert details.tensors[0].dtype == "ggml-type-77"


def test_tensor_data_missing():
    data = small_model(GGUFWriter())

    error = expect_error(inspector, data[:-40])

    assert error.tag == "model-file-truncated"


# From offset 24 on, a cut that leaves too little room for the declared
# counts is model-header-too-large instead (test_tensor_count_2_63).
@pytest.mark.parametrize("cut", [2, 6, 12, 150, 300, 700])
def test_truncated_at_offsets(cut):
    data = small_model(GGUFWriter())[:cut]

    error = expect_error(inspector, data)

    assert error.tag == "model-file-truncated"


def test_truncated_data_forward_only():
    data = small_model(GGUFWriter())

    error = expect_error(inspector, data[:-10], forward=True, size=len(data))

    assert error.tag == "model-file-truncated"


@pytest.mark.parametrize(("magic", "container"), [(b"tjgg", "ggjt"), (b"fmgg", "ggmf"), (b"algg", "ggla")])
def test_legacy_versioned(magic, container):
    data = magic + struct.pack("<I", 3) + b"\0" * 64

    details = run(inspector, data)

    assert details.format == "ggml"
    assert details.metadata == {"container": container, "container_version": "3"}


def test_legacy_unversioned():
    details = run(inspector, b"lmgg" + b"\0" * 64)

    assert details.format == "ggml"
    assert details.metadata == {"container": "ggml"}


def test_legacy_truncated():
    error = expect_error(inspector, b"tjgg\x01")

    assert error.tag == "model-file-truncated"


def test_not_gguf():
    error = expect_error(inspector, b"PK\x03\x04" + b"\0" * 30)

    assert error.tag == "model-file-corrupt"
