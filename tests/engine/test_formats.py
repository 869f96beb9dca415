"""Format identification from content first, names second."""

from __future__ import annotations

import bz2
import json
import random
import struct

import pytest

from dl_lint import formats
from dl_lint.embedded import scan
from dl_lint.inventory import entropy

SAMPLES = {
    "gguf": ("model.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 0)),
    "ggml": ("ggml-model.bin", b"tjgg" + bytes(64)),
    "safetensors": ("w.bin", struct.pack("<Q", 2) + b"{}"),
    "onnx": ("anything", bytes([0x08, 0x07, 0x12, 0x04]) + b"test" + bytes([0x3A, 0x02, 0x0A, 0x00])),
    "tflite": ("m", b"\x1c\x00\x00\x00TFL3" + bytes(32)),
    "keras": ("model.keras", b"PK\x03\x04" + bytes(26) + b"config.json"),
    "pytorch-zip": ("model.bin", b"PK\x03\x04" + bytes(22) + b"\x0a\x00\x00\x00" + b"archive/data.pkl"),
    "pytorch-zip-named": ("model.pth", b"PK\x03\x04" + bytes(26) + b"archive/version"),
    "numpy-npz": ("weights", b"PK\x03\x04" + bytes(26) + b"W.npy"),
    "hdf5": ("x", b"\x89HDF\r\n\x1a\n" + bytes(32)),
    "numpy-npy": ("x", b"\x93NUMPY\x01\x00"),
    "pytorch-legacy": ("x", b"\x80\x02\x8a\x0al\xfc\x9cF\xf9\x20j\xa8P\x19."),
    "pickle": ("x", b"\x80\x04\x95"),
    "joblib-compressed": ("model.joblib", b"\x78\x9c" + bytes(8)),
    "nnue": ("x", bytes.fromhex("202ff37a") + bytes(8)),
    "dlib-dnn": ("x.dat", b"\x01\x01\x01\x0aloss_mmod_" + bytes(8)),
    "dlib-shape-predictor": ("shape_predictor_5_face_landmarks.dat", b"\x01\x01\x81\x0a"),
    "dlib-object-detector": ("human_detector.svm", b"\x00\x01"),
    "gnubg-weights": ("weights.txt", b"GNU Backgammon 1.00\n250 128 5 0 0.1000000 1.0000000\n-3.25\n"),
    "fasttext": ("x", bytes.fromhex("ba162f2f") + struct.pack("<i", 12)),
    "sentencepiece": ("x", bytes.fromhex("0a090a053c756e6b3e1802") + bytes.fromhex("0a070a033c733e1803")),
    "lightgbm": ("x", b"tree\nversion=v3\nnum_class=1\n"),
    "xgboost": ("x", b'{"learner": {"attributes": {}}}'),
    "mxnet-params": ("x", bytes.fromhex("1201000000000000") + bytes(8)),
    "ncnn-param": ("x", b"7767517\n3 3\n"),
    "openvino-ir": ("model.xml", b'<?xml version="1.0"?>\n<net name="resnet" version="11">'),
    "opencv-cascade": ("x.xml", b'<?xml version="1.0"?>\n<opencv_storage>\n<cascade type_id="opencv-cascade-classifier">'),
    "cmu-sphinx-acoustic": ("means", b"s3\nversion 1.0\nchksum0 yes\nendhdr\n"),
    "cmu-sphinx-lm": ("x", b"Trie Language Model\x03"),
    "arpa-lm": ("x", b"# comment\n\n\\data\\\nngram 1=3\n"),
    "tesseract-traineddata": ("eng.traineddata", b"\x17\x00\x00\x00"),
    "tensorflow-savedmodel": ("saved_model.pb", bytes([0x08, 0x01, 0x12, 0x02, 0x0A, 0x00])),
    "tensorflow-frozen": ("frozen_graph.pb", bytes([0x0A, 0x04, 0x0A, 0x02, 0x08, 0x01, 0x12, 0x00])),
    "caffe": ("bvlc.caffemodel", bytes([0x0A, 0x03, 0x6E, 0x65, 0x74, 0x12, 0x00])),
    "darknet": ("yolo.weights", struct.pack("<iiiq", 0, 2, 5, 32013312) + bytes(16)),
    "paddle": ("inference.pdmodel", b"\x0a\x00"),
    "coreml": ("Classifier.mlmodel", bytes([0x08, 0x04, 0x12, 0x02, 0x0A, 0x00])),
}


@pytest.mark.parametrize("expected", sorted(SAMPLES))
def test_identify_each_format(expected):
    name, head = SAMPLES[expected]

    detection = formats.identify(f"pkg/{name}", head)

    assert detection is not None
    assert detection.rule.id == expected


def test_every_format_has_a_sample():
    assert {rule.id for rule in formats.rules()} == set(SAMPLES)


@pytest.mark.parametrize(
    "path, head",
    [
        ("data/botchan.txt", b"Project Gutenberg's Botchan (Master Darling)\n\nThis eBook is for the use of anyone\n"),
        ("README", b"GNU Backgammon is a program for playing backgammon.\n"),
        ("debian/control", b"Source: demo\nSection: science\n"),
        ("src/main.c", b"#include <stdio.h>\nint main(void) { return 0; }\n"),
        ("notes.pb", b"plain text that happens to end in .pb\n"),
        ("archive.zip", b"PK\x03\x04" + bytes(26) + b"README.txt"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(16)),
    ],
)
def test_identify_ordinary_files_none(path, head):
    assert formats.identify(path, head) is None


def test_name_only_match_needs_flag():
    detection = formats.identify("models/net.onnx", b"garbage that is not protobuf\n")

    assert detection is not None
    assert detection.rule.id == "onnx"
    assert detection.evidence == "name"


def test_name_without_flag_no_match():
    assert formats.identify("weights/yolov3.weights", b"this is text, not darknet weights\n") is None


def _c_weights(count: int, header: str = "") -> bytes:
    rng = random.Random(7)
    values = ",".join(f"{rng.uniform(-1, 1):.6f}" for _ in range(count))
    return f"{header}#include <stddef.h>\nstatic const float layer0_weights[{count}] = {{{values}}};\n".encode()


def test_embedded_weights_with_marker():
    found = scan(_c_weights(500, "/* Auto generated from checkpoint model.pth */\n"))

    assert found is not None
    assert found.values == 500
    assert found.marker == "generated from checkpoint"
    assert found.largest == "layer0_weights"


def test_embedded_weights_large_unmarked():
    text = _c_weights(25000).replace(b"layer0_weights", b"table")

    found = scan(text)

    assert found is not None
    assert found.values == 25000
    assert found.marker is None


def test_lookup_table_not_weights():
    table = "static const int crc_table[256] = {" + ",".join(str(i * 7) for i in range(256)) + "};\n"
    code = "int f(int x) { return crc_table[x & 255]; }\n" * 40

    assert scan((table + code).encode()) is None


def test_small_marked_array_not_weights():
    assert scan(_c_weights(50, "/* generated from checkpoint x.pth */\n")) is None


def test_entropy_random_and_text():
    rng = random.Random(1)
    noise = bytes(rng.getrandbits(8) for _ in range(65536))

    assert entropy(noise) > 7.9
    assert entropy(b"abab" * 1000) == pytest.approx(1.0)
    assert entropy(b"") == 0.0


def test_compressed_model_inner_format(make_tree, lint):
    nnue = bytes.fromhex("202ff37a") + bytes(range(256)) * 64
    tree = make_tree({"models/nn-0123456789ab.nnue.bz2": bz2.compress(nnue)})

    hints = lint(tree)

    assert ("model-file", "nnue, 4.4 KiB, bz2-compressed", "models/nn-0123456789ab.nnue.bz2") in [
        (t, c.replace(f"{len(bz2.compress(nnue)) / 1024:.1f}", "4.4"), p) for t, c, p in hints
    ] or any(t == "model-file" and "bz2-compressed" in c for t, c, p in hints)


def test_high_entropy_blob_possible_model(make_tree, lint):
    rng = random.Random(3)
    blob = bytes(rng.getrandbits(8) for _ in range(1 << 20))
    tree = make_tree({"data/blob.bin": blob})

    hints = lint(tree)

    assert [h for h in hints if h[0] == "possible-model-file"] == [
        ("possible-model-file", "unknown, 1.0 MiB, entropy 8.00 bits/byte", "data/blob.bin")
    ]


def test_formats_table_json_is_valid():
    rules = formats.rules()

    assert len({r.id for r in rules}) == len(rules)
    assert all(r.kind in formats.KINDS for r in rules)
    assert json.dumps([r.id for r in rules])


def _string_file(marker: str) -> bytes:
    rng = random.Random(5)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    lines = "\n".join(
        '    sout << "' + "".join(rng.choice(alphabet) for _ in range(76)) + '";' for _ in range(1200)
    )
    return f"// {marker}\nstd::string get_data() {{\n    std::ostringstream sout;\n{lines}\n}}\n".encode()


def test_serialized_model_in_strings():
    found = scan(_string_file("The base64 encoded data from the file 'face_detector.dat' we want to decode"))

    assert found is not None
    assert found.encoding == "string-literals"
    assert found.arrays == 1200
    assert found.values == 1200 * 76
    assert found.marker == "face_detector.dat' we want to decode"


def test_encoded_test_vectors_not_model():
    assert scan(_string_file("Reference FFT output for the unit tests")) is None


def test_safetensors_probe_deep_json_false():
    from dl_lint.probes import probe_safetensors

    payload = b'{"a":' + b"[" * 100000 + b"]" * 100000 + b"}"
    head = struct.pack("<Q", len(payload)) + payload

    assert probe_safetensors(head) is False
