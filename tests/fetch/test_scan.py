"""The download scanner on single files: idioms, instructions, comments, bad input."""

from __future__ import annotations

import re

import pytest

from dl_lint import fetches, fetchrules
from dl_lint.errors import DataError

HF_MODEL = "https://huggingface.co/acme/detector/resolve/main/model.onnx"


def scan(path: str, text: str, **options) -> fetches.FileScan:
    language = fetchrules.language_for(path, text.split("\n", 1)[0])
    assert language is not None, path
    role = fetchrules.role_for(path, language)
    return fetches.scan_text(path, text, language=language, role=role, **options)


def summary(result: fetches.FileScan) -> list[tuple]:
    return [(f.line, f.url, f.description, f.method, f.documented, f.runs) for f in result.fetches]


@pytest.mark.parametrize("url, expected", [
    (HF_MODEL, ("model", "huggingface-model")),
    ("https://huggingface.co/datasets/acme/faces", ("dataset", "huggingface-dataset")),
    ("https://huggingface.co/docs/transformers/index", None),
    ("https://huggingface.co/", None),
    ("http://dlib.net/files/shape_predictor_68_face_landmarks.dat.bz2", ("model", "dlib-model")),
    ("http://dlib.net/files/dlib-19.24.tar.bz2", None),
    ("http://dlib.net/files/data/dlib_face_detection_dataset-2016-09-30.tar.gz", ("dataset", "dlib-dataset")),
    ("https://tests.stockfishchess.org/api/nn/nn-37f18f62d772.nnue", ("model", "stockfish-network-server")),
    ("https://github.com/acme/app/releases/download/v1/model.onnx", ("model", "model-file-name")),
    ("https://github.com/acme/app/releases/download/v1/app-1.0.tar.gz", None),
    ("https://example.org/weights/resnet.pth?download=1", ("model", "model-file-name")),
    ("https://download.pytorch.org/models/resnet18-f37072fd.pth", ("model", "pytorch-models")),
    ("https://www.openslr.org/resources/12/train-clean-100.tar.gz", ("dataset", "openslr")),
    ("https://www.gnu.org/licenses/gpl-3.0.html", None),
    ("not a url", None),
])
def test_classify_url_table(url, expected):
    model = fetchrules.classify_url(url)

    assert (None if model is None else (model.kind, model.rule)) == expected


def test_fetched_names_from_url_or_table():
    plain = fetchrules.classify_url("https://github.com/acme/app/releases/download/v1/model.onnx")
    variable = fetchrules.classify_url("https://tests.stockfishchess.org/api/nn/$_filename")

    assert plain.fetched_names == ("model.onnx",)
    assert variable.fetched_names == ("nn-*.nnue",)


@pytest.mark.parametrize("raw, cleaned", [
    ("https://huggingface.co/acme/x.", "https://huggingface.co/acme/x"),
    ("https://example.org/${NAME}.onnx}", "https://example.org/${NAME}.onnx"),
    ("https://example.org/a.onnx&quot;", "https://example.org/a.onnx"),
])
def test_clean_url_trims_surroundings(raw, cleaned):
    assert fetches.clean_url(raw) == cleaned


def test_shell_wget_is_download():
    text = f"#!/bin/sh\nset -e\nwget -O model.onnx {HF_MODEL}\n"

    result = scan("tools/get-model.sh", text)

    assert summary(result) == [(3, HF_MODEL, "Hugging Face Hub model", "wget", False, "build")]
    assert result.fetches[0].names == ("model.onnx",)


def test_shell_url_list_before_downloader():
    text = (
        "#!/bin/sh\nfor url in \\\n"
        '  "https://tests.stockfishchess.org/api/nn/$name" ; do\n'
        '  if [ -f "$name" ]; then continue; fi\n'
        '  curl -skL "$url" > "$name"\ndone\n'
    )

    result = scan("scripts/net.sh", text)

    assert summary(result) == [
        (3, "https://tests.stockfishchess.org/api/nn/$name", "Stockfish NNUE network", "curl", False, "build"),
    ]
    assert result.guarded is True


def test_shell_echo_is_instruction():
    text = f"#!/bin/sh\nwget -q https://example.org/data.csv\necho \"Download the model from {HF_MODEL}\"\n"

    result = scan("tools/setup.sh", text)

    assert summary(result) == [(3, HF_MODEL, "Hugging Face Hub model", "instruction", True, "build")]


def test_python_hub_download_at_run_time():
    text = (
        "from huggingface_hub import hf_hub_download\n\n"
        "def load():\n"
        '    return hf_hub_download(repo_id="acme/detector", filename="model.onnx")\n'
    )

    result = scan("acme/detect.py", text)

    assert summary(result) == [
        (4, "https://huggingface.co/acme/detector", "Hugging Face Hub model", "hf-hub-download", False, "run-time"),
    ]


@pytest.mark.parametrize("line, url, description", [
    ('model = AutoModel.from_pretrained("bert-base-uncased")', "https://huggingface.co/bert-base-uncased", "Hugging Face Hub model"),
    ('data = load_dataset("acme/faces")', "https://huggingface.co/datasets/acme/faces", "Hugging Face Hub dataset"),
    ('net = torch.hub.load("pytorch/vision", "resnet18")', "https://github.com/pytorch/vision", "PyTorch Hub model"),
    ('net = ResNet50(weights="imagenet")', "https://storage.googleapis.com/tensorflow/keras-applications/", "Keras ResNet50 ImageNet weights"),
    ("net = models.resnet18(pretrained=True)", "https://download.pytorch.org/models/", "torchvision resnet18 weights"),
    ('model = whisper.load_model("base")', "https://openaipublic.azureedge.net/main/whisper/models/", "Whisper base model"),
    ('nltk.download("punkt")', "https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/packages/", "NLTK data package punkt"),
])
def test_python_named_fetch_idioms(line, url, description):
    result = scan("acme/core.py", f"import x\n{line}\n")

    assert [(f.line, f.url, f.description, f.documented) for f in result.fetches] == [(2, url, description, False)]


@pytest.mark.parametrize("line", [
    'load_dataset("csv", data_files="train.csv")',
    'AutoModel.from_pretrained("./local-model")',
    'AutoModel.from_pretrained(path)',
    'torch.hub.load("pytorch/vision", "resnet18", source="local")',
    'ResNet50(weights=None)',
])
def test_python_local_loads_ignored(line):
    result = scan("acme/core.py", f"import x\nx = {line}\n")

    assert result.fetches == []


def test_keras_get_file_with_origin():
    text = (
        "import tensorflow as tf\n"
        "path = tf.keras.utils.get_file(\n"
        '    "model.h5",\n'
        '    origin="https://example.org/models/model.h5")\n'
    )

    result = scan("acme/weights.py", text)

    assert summary(result) == [(4, "https://example.org/models/model.h5", "model file", "python-http", False, "run-time")]


def test_cmake_download_of_onnx():
    text = (
        "cmake_minimum_required(VERSION 3.16)\n"
        "file(DOWNLOAD\n"
        "  https://github.com/acme/models/releases/download/v2/face.onnx\n"
        "  ${CMAKE_BINARY_DIR}/face.onnx)\n"
    )

    result = scan("CMakeLists.txt", text)

    assert summary(result) == [
        (3, "https://github.com/acme/models/releases/download/v2/face.onnx", "model file", "cmake-download", False, "build"),
    ]


def test_makefile_recipe_download():
    text = "all: model.onnx\n\nmodel.onnx:\n\tcurl -L -o $@ https://example.org/model.onnx\n"

    result = scan("Makefile", text)

    assert summary(result) == [(4, "https://example.org/model.onnx", "model file", "curl", False, "build")]


def test_readme_instruction_documented():
    text = f"# Demo\n\nDownload the model first:\n\n    wget {HF_MODEL}\n\nSee https://huggingface.co/acme for more.\n"

    result = scan("README.md", text)

    assert summary(result) == [(5, HF_MODEL, "Hugging Face Hub model", "instruction", True, "documentation")]


def test_readme_named_fetch_documented():
    text = "Usage:\n\n    model = AutoModel.from_pretrained(\"acme/detector\")\n"

    result = scan("docs/usage.md", text)

    assert summary(result) == [
        (3, "https://huggingface.co/acme/detector", "Hugging Face Hub model", "from-pretrained", True, "documentation"),
    ]


def test_python_comment_instruction_in_example():
    text = (
        "#!/usr/bin/python\n"
        "#   You can get the trained model file from:\n"
        "#   http://dlib.net/files/shape_predictor_68_face_landmarks.dat.bz2.\n"
        "import dlib\n"
        "print(\n"
        '    "You can download a trained facial shape predictor from:\\n"\n'
        '    "    http://dlib.net/files/shape_predictor_68_face_landmarks.dat.bz2")\n'
    )

    result = scan("python_examples/face_landmark_detection.py", text)

    assert summary(result) == [
        (3, "http://dlib.net/files/shape_predictor_68_face_landmarks.dat.bz2", "dlib model", "instruction", True, "build"),
    ]


def test_message_in_downloader_is_instruction():
    text = (
        "import urllib.request\n"
        "urllib.request.urlretrieve(URL, 'x')\n"
        "print(\n"
        '    "Download the detector from:",\n'
        f'    "{HF_MODEL}")\n'
    )

    result = scan("acme/fetch.py", text)

    assert summary(result) == [(5, HF_MODEL, "Hugging Face Hub model", "instruction", True, "run-time")]


def test_license_header_url_ignored():
    text = (
        "# Copyright 2024 Acme\n"
        "# Licensed under the Apache License 2.0; the model card is at\n"
        "# https://huggingface.co/acme/detector/blob/main/README.md\n"
        "import requests\n"
        "requests.get('https://api.example.org/status')\n"
    )

    result = scan("acme/status.py", text)

    assert result.fetches == []


def test_url_in_unrelated_c_comment_ignored():
    text = (
        "/* Ported from the reference decoder,\n"
        " * https://huggingface.co/acme/detector/blob/main/decode.py\n"
        " */\n"
        "static int decode(void) { return 0; }\n"
        "// weights layout: https://github.com/acme/app/releases/download/v1/model.onnx\n"
    )

    result = scan("src/decode.c", text)

    assert result.fetches == []


def test_python_docstring_is_documentation():
    text = (
        "import requests\n"
        'def fetch():\n'
        '    """Return the detector.\n'
        "\n"
        "    Download it by hand from\n"
        f"    {HF_MODEL}\n"
        '    """\n'
        "    return requests.get(MIRROR)\n"
    )

    result = scan("acme/api.py", text)

    assert summary(result) == [(6, HF_MODEL, "Hugging Face Hub model", "instruction", True, "run-time")]


def test_minified_single_line_skipped():
    payload = "var a=1;" * 100 + f'fetch("{HF_MODEL}");' + "x" * (20 * 1024 * 1024)

    result = scan("web/app.min.js", payload)

    assert result.fetches == []
    assert result.long_lines == 1


def test_huge_text_finds_late_line():
    text = "#!/bin/sh\n" + "echo step\n" * 300_000 + f"wget {HF_MODEL}\n"

    result = scan("tools/big.sh", text)

    assert summary(result) == [(300_002, HF_MODEL, "Hugging Face Hub model", "wget", False, "build")]


def test_findings_per_file_capped():
    text = "#!/bin/sh\n" + "".join(f"wget https://example.org/m{i}.onnx\n" for i in range(500))

    result = scan("tools/all.sh", text)

    assert len(result.fetches) == fetches.MAX_FINDINGS_PER_FILE
    assert result.fetches[0].url == "https://example.org/m0.onnx"


def test_repeated_url_reported_once():
    text = f"#!/bin/sh\nwget {HF_MODEL}\nwget {HF_MODEL}\n"

    result = scan("tools/twice.sh", text)

    assert [f.line for f in result.fetches] == [2]


def test_sha256sum_lines_listed():
    digest = "ab" * 32
    text = f"#!/bin/sh\necho \"{digest}  models/net.onnx\" | sha256sum -c\nSHA256 (other.bin) = {'cd' * 32}\n"

    result = scan("tools/verify.sh", text)

    assert [(d.line, d.name, d.digest) for d in result.digests] == [
        (2, "models/net.onnx", digest),
        (3, "other.bin", "cd" * 32),
    ]


def test_hex_without_algorithm_not_listed():
    text = "#!/bin/sh\n" + "ab" * 32 + "  net.onnx\n"

    result = scan("tools/ids.sh", text)

    assert result.digests == []


def test_metalink_urls_and_digest():
    digest = "0f" * 32
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<metalink xmlns="urn:ietf:params:xml:ns:metalink">\n'
        '  <file name="net.bin">\n'
        f'    <hash type="sha-256">{digest}</hash>\n'
        "    <url>https://mirror.example.org/net.bin</url>\n"
        "  </file>\n"
        "</metalink>\n"
    )

    result = scan("models/net.bin.meta4", text, known_models=frozenset({"net.bin"}))

    assert summary(result) == [(5, "https://mirror.example.org/net.bin", "model file", "metalink", False, "build")]
    assert [(d.line, d.name, d.digest) for d in result.digests] == [(4, "net.bin", digest)]


def test_metalink_of_other_file_ignored():
    text = '<metalink><file name="app.tar.gz"><url>https://example.org/app.tar.gz</url></file></metalink>\n'

    result = scan("app.meta4", text, known_models=frozenset({"net.bin"}))

    assert result.fetches == []


@pytest.mark.parametrize("path, line, state, expected", [
    ("a.py", "x = 1  # note", None, ("x = 1  ", "# note", None)),
    ("a.py", "s = 'a # b'", None, ("s = 'a # b'", "", None)),
    ("a.py", 'x = """start', None, ("x = ", "start", '"""')),
    ("a.py", 'end""" + y', '"""', (" + y", "end", None)),
    ("a.sh", 'n=$# ; echo ${#list} # count', None, ("n=$# ; echo ${#list} ", "# count", None)),
    ("a.sh", "wget https://example.org/a#frag", None, ("wget https://example.org/a#frag", "", None)),
    ("a.c", 'f("http://x"); // see', None, ('f("http://x"); ', " see", None)),
    ("a.c", "a /* b */ c /* d", None, ("a  c ", " b  d", "*/")),
    ("a.c", "e */ f", "*/", (" f", "e ", None)),
    ("a.meta4", "<a><!-- c --></a>", None, ("<a></a>", " c ", None)),
])
def test_split_comment_cases(path, line, state, expected):
    language = fetchrules.language_for(path, "")

    assert fetches.split_comment(line, state, language) == expected


@pytest.mark.parametrize("path, first_line, language", [
    ("debian/rules", "#!/usr/bin/make -f", "make"),
    ("src/Makefile", "", "make"),
    ("CMakeLists.txt", "", "cmake"),
    ("scripts/net.sh", "", "shell"),
    ("bin/fetch-models", "#!/bin/bash", "shell"),
    ("bin/tool", "#!/usr/bin/env python3", "python"),
    ("README.md", "", "documentation"),
    ("model.meta4", "", "metalink"),
    ("data/blob", "", None),
])
def test_language_by_name_or_shebang(path, first_line, language):
    found = fetchrules.language_for(path, first_line)

    assert (found.id if found else None) == language


@pytest.mark.parametrize("path, runs", [
    ("acme/core.py", "run-time"),
    ("tests/test_core.py", "build"),
    ("examples/demo.py", "build"),
    ("scripts/get.sh", "build"),
    ("README.md", "documentation"),
    ("debian/copyright", "skip"),
    (".pc/01-fix.patch/acme/core.py", "skip"),
    (".github/workflows/ci.yml", "build"),
])
def test_role_by_path(path, runs):
    language = fetchrules.language_for(path, "")

    assert fetchrules.role_for(path, language).runs == runs


def test_installed_script_runs_at_run_time():
    language = fetchrules.language_for("scripts/acme-get-model", "#!/bin/sh")

    role = fetchrules.role_for("scripts/acme-get-model", language, installed=True)

    assert role.runs == "run-time"


@pytest.mark.parametrize("path, digest", [
    ("src/nn-37f18f62d772.nnue", "37f18f62d772"),
    ("dnn/opus_data-" + "a1" * 32 + ".tar.gz", "a1" * 32),
    ("dnn/opus_data-735117b.tar.gz", None),
    ("src/nn-37F18F62D772.nnue", None),
    ("src/model.nnue", None),
])
def test_name_digest_rules(path, digest):
    carried = fetchrules.name_digest(path)

    assert (carried.digest if carried else None) == digest


def test_digest_prefix_comparison():
    assert fetchrules.digest_matches("37f18f62d772", "37f18f62d772f310") is True
    assert fetchrules.digest_matches("37f18f62d772", "1c0000000000a67d") is False
    assert fetchrules.digest_matches("37f18f62d772", None) is None


@pytest.mark.parametrize("compile_row, row, message", [
    (fetchrules._language, {"Language": "x", "Comments": "semicolon"}, "unknown Comments 'semicolon'"),
    (fetchrules._role, {"Role": "x", "Runs": "sometimes"}, "invalid Runs 'sometimes'"),
    (fetchrules._idiom, {"Idiom": "x", "Pattern": "wget"}, "idiom x is missing Pattern or Keyword"),
    (fetchrules._idiom, {"Idiom": "x", "Pattern": "(", "Keyword": "x"}, "invalid regular expression '('"),
    (fetchrules._idiom, {"Idiom": "x", "Pattern": "x", "Keyword": "x", "URL": "https://x"}, "has a URL but Kind None"),
    (fetchrules._host_rule, {"Rule": "x", "Kind": "model"}, "rule x is missing Host"),
    (fetchrules._naming_rule, {"Rule": "x", "Name": "nn-.*", "Digits": "12"}, "needs a group 'digest'"),
    (fetchrules._naming_rule, {"Rule": "x", "Name": "(?P<digest>.*)", "Digits": "many"}, "needs a numeric Digits"),
])
def test_malformed_table_rows_rejected(compile_row, row, message):
    with pytest.raises(DataError, match=re.escape(message)):
        compile_row(row)
