"""models/fetched and models/checksums on generated source packages."""

from __future__ import annotations

import hashlib

import pytest

from dl_lint import mlmodels

CHECKS = {"models/fetched", "models/checksums"}
RULES_DH = "#!/usr/bin/make -f\n%:\n\tdh $@\n"
RELEASE_ONNX = "https://github.com/acme/models/releases/download/v1/face.onnx"
NETWORK = b"NNUE network bytes for a test\n" * 40


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def lint_fetches(lint):
    def run(tree):
        return lint(tree, only=CHECKS)

    return run


def net_package(network_name: str) -> dict[str, object]:
    """Return a Stockfish-like tree: make build runs a script that downloads unless the network is present."""
    return {
        "debian/rules": (
            "#!/usr/bin/make -f\n%:\n\tdh $@ --sourcedirectory=src\n"
            "override_dh_auto_build:\n\tdh_auto_build --sourcedirectory=src -- build\n"
        ),
        "src/Makefile": "build: net\n\t$(CXX) -o engine main.cpp\n\nnet:\n\t@$(SHELL) ../scripts/net.sh\n",
        "src/main.cpp": "int main() { return 0; }\n",
        "scripts/net.sh": (
            "#!/bin/sh\n"
            "name=$(grep -o 'nn-[a-f0-9]*.nnue' evaluate.h)\n"
            'if [ -f "$name" ]; then exit 0; fi\n'
            'curl -skL "https://tests.stockfishchess.org/api/nn/$name" > "$name"\n'
        ),
        f"src/{network_name}": NETWORK,
    }


def test_clean_package_no_hints(make_tree, lint_fetches):
    tree = make_tree({
        "src/main.c": "/* https://www.gnu.org/licenses/ */\nint main(void) { return 0; }\n",
        "README.md": "Build with make. Get the source from https://example.org/demo.tar.gz\n",
    })

    assert lint_fetches(tree) == []


def test_rules_download_during_build(make_tree, lint_fetches):
    tree = make_tree({
        "debian/rules": RULES_DH + f"override_dh_auto_build:\n\twget -O face.onnx {RELEASE_ONNX}\n\tdh_auto_build\n",
    })

    assert lint_fetches(tree) == [
        ("model-download-in-debian-build", f"{RELEASE_ONNX} (model file)", "debian/rules:5"),
    ]


def test_rules_get_orig_source_outside_build(make_tree, lint_fetches):
    tree = make_tree({
        "debian/rules": RULES_DH + f"get-orig-source:\n\twget -O face.onnx {RELEASE_ONNX}\n",
    })

    assert lint_fetches(tree) == [
        ("model-download-outside-debian-build", f"{RELEASE_ONNX} (model file)", "debian/rules:5"),
    ]


def test_makefile_script_download_in_build(make_tree, lint_fetches):
    tree = make_tree({
        "Makefile": "all: model\n\nmodel:\n\tsh tools/get-model.sh\n",
        "tools/get-model.sh": f"#!/bin/sh\nwget {RELEASE_ONNX}\n",
    })

    assert lint_fetches(tree) == [
        ("model-download-in-debian-build", "model runs tools/get-model.sh", "Makefile:4"),
        ("model-download-in-debian-build", f"{RELEASE_ONNX} (model file)", "tools/get-model.sh:2"),
    ]


def test_network_shipped_download_skipped(make_tree, lint_fetches):
    name = f"nn-{sha256(NETWORK)[:12]}.nnue"
    tree = make_tree(net_package(name))

    assert lint_fetches(tree) == [
        ("model-checksum-matches", f"sha256 {sha256(NETWORK)[:12]} in file name", f"src/{name}"),
        (
            "model-download-in-debian-build-uses-shipped-file",
            "https://tests.stockfishchess.org/api/nn/$name (Stockfish NNUE network)",
            "scripts/net.sh:4",
        ),
        ("model-download-in-debian-build-uses-shipped-file", "net runs scripts/net.sh", "src/Makefile:5"),
    ]


def test_network_name_mismatch(make_tree, lint_fetches):
    tree = make_tree(net_package("nn-0123456789ab.nnue"))

    assert lint_fetches(tree) == [
        ("model-checksum-mismatch", f"sha256 0123456789ab in file name, content {sha256(NETWORK)[:12]}", "src/nn-0123456789ab.nnue"),
        (
            "model-download-in-debian-build",
            "https://tests.stockfishchess.org/api/nn/$name (Stockfish NNUE network)",
            "scripts/net.sh:4",
        ),
        ("model-download-in-debian-build", "net runs scripts/net.sh", "src/Makefile:5"),
    ]


def test_network_missing_downloads_in_build(make_tree, lint_fetches):
    files = net_package("nn-0123456789ab.nnue")
    del files["src/nn-0123456789ab.nnue"]
    tree = make_tree(files)

    assert [h[0] for h in lint_fetches(tree)] == ["model-download-in-debian-build", "model-download-in-debian-build"]


def test_unused_make_target_outside_build(make_tree, lint_fetches):
    files = net_package("nn-0123456789ab.nnue")
    files["src/Makefile"] = "build:\n\t$(CXX) -o engine main.cpp\n\nnet:\n\t@$(SHELL) ../scripts/net.sh\n"
    del files["src/nn-0123456789ab.nnue"]
    tree = make_tree(files)

    assert lint_fetches(tree) == [
        (
            "model-download-outside-debian-build",
            "https://tests.stockfishchess.org/api/nn/$name (Stockfish NNUE network)",
            "scripts/net.sh:4",
        ),
        ("model-download-outside-debian-build", "net runs scripts/net.sh", "src/Makefile:5"),
    ]


def test_cmake_onnx_download_in_build(make_tree, lint_fetches):
    tree = make_tree({
        "debian/rules": "#!/usr/bin/make -f\n%:\n\tdh $@ --buildsystem=cmake\n",
        "CMakeLists.txt": (
            "cmake_minimum_required(VERSION 3.16)\nproject(demo)\n"
            f"file(DOWNLOAD\n  {RELEASE_ONNX}\n  ${{CMAKE_BINARY_DIR}}/face.onnx)\n"
        ),
        "examples/CMakeLists.txt": f"ExternalProject_Add(models\n  URL {RELEASE_ONNX}\n)\n",
    })

    assert lint_fetches(tree) == [
        ("model-download-in-debian-build", f"{RELEASE_ONNX} (model file)", "CMakeLists.txt:4"),
        ("model-download-outside-debian-build", f"{RELEASE_ONNX} (model file)", "examples/CMakeLists.txt:2"),
    ]


RUNTIME_MODULE = (
    "from huggingface_hub import hf_hub_download\n\n"
    "def detector():\n"
    '    return hf_hub_download(repo_id="acme/detector", filename="model.onnx")\n'
)


def test_python_hub_download_at_run_time(make_tree, lint_fetches):
    tree = make_tree({"acme/detect.py": RUNTIME_MODULE})

    assert lint_fetches(tree) == [
        ("model-download-at-run-time", "https://huggingface.co/acme/detector (Hugging Face Hub model)", "acme/detect.py:4"),
    ]


def test_declared_optional_download_silent(make_tree, lint_fetches):
    tree = make_tree({
        "acme/detect.py": RUNTIME_MODULE,
        "debian/ml-models": (
            "Files: ~/.cache/huggingface/hub/models--acme--detector\n"
            "Fetched-From: acme/detector\n"
            "Fetched-License: Apache-2.0\n"
            "Fetched-Optional: face detection is an optional feature; the rest works without it\n"
        ),
    })

    assert lint_fetches(tree) == []


def test_declared_url_glob_without_optional_warns(make_tree, lint_fetches):
    tree = make_tree({
        "acme/detect.py": RUNTIME_MODULE,
        "debian/ml-models": (
            "Files: detector\n"
            "Fetched-From: https://huggingface.co/acme/*\n"
            "Fetched-License: Apache-2.0\n"
        ),
    })

    assert lint_fetches(tree) == [
        ("model-download-at-run-time", "https://huggingface.co/acme/detector (Hugging Face Hub model)", "acme/detect.py:4"),
    ]


def test_contrib_package_run_time_silent(make_tree, lint_fetches):
    tree = make_tree({"acme/detect.py": RUNTIME_MODULE}, section="contrib/science")

    assert lint_fetches(tree) == []


def test_test_download_outside_build(make_tree, lint_fetches):
    tree = make_tree({
        "tests/test_detect.py": 'import acme\nmodel = AutoModel.from_pretrained("acme/detector")\n',
    })

    assert lint_fetches(tree) == [
        ("model-download-outside-debian-build", "https://huggingface.co/acme/detector (Hugging Face Hub model)", "tests/test_detect.py:2"),
    ]


def test_readme_instruction_documented(make_tree, lint_fetches):
    tree = make_tree({
        "README.md": "# Demo\n\nDownload the detector:\n\n    https://huggingface.co/acme/detector/resolve/main/model.onnx\n",
        "examples/run.py": (
            "import sys\n"
            "if len(sys.argv) < 2:\n"
            '    print("You can download a trained model from:\\n"\n'
            '          "    http://dlib.net/files/shape_predictor_5_face_landmarks.dat.bz2")\n'
        ),
    })

    assert lint_fetches(tree) == [
        ("model-download-documented", "https://huggingface.co/acme/detector/resolve/main/model.onnx (Hugging Face Hub model)", "README.md:5"),
        ("model-download-documented", "http://dlib.net/files/shape_predictor_5_face_landmarks.dat.bz2 (dlib model)", "examples/run.py:4"),
    ]


def test_binary_file_with_url_bytes_ignored(make_tree, lint_fetches):
    blob = b"\x00\x01\x02wget " + RELEASE_ONNX.encode() + b"\x00" * 64
    tree = make_tree({
        "data/blob.bin": blob,
        "acme/cache.py": b"import requests\x00\n" + RELEASE_ONNX.encode() + b"\n",
        "debian/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00" + RELEASE_ONNX.encode(),
    })

    assert lint_fetches(tree) == []


def test_unrelated_comment_urls_ignored(make_tree, lint_fetches):
    tree = make_tree({
        "src/decode.c": (
            "/* Copyright 2024 Acme. Licensed under the Apache License 2.0.\n"
            " * Model card: https://huggingface.co/acme/detector/blob/main/README.md\n"
            " */\n"
            "#include <curl/curl.h>\n"
            "static void f(CURL *c) { curl_easy_setopt(c, CURLOPT_URL, status_url); }\n"
        ),
        "acme/util.py": "# Layout follows https://github.com/acme/app/releases/download/v1/face.onnx\nimport os\n",
    })

    assert lint_fetches(tree) == []


def test_minified_script_ignored(make_tree, lint_fetches):
    tree = make_tree({"web/app.min.js": "var a=1;" * 600 + f'fetch("{RELEASE_ONNX}");\n'})

    assert lint_fetches(tree) == []


def test_metalink_beside_model(make_tree, lint_fetches):
    model = b"model bytes\n" * 100
    manifest = (
        '<?xml version="1.0"?>\n<metalink xmlns="urn:ietf:params:xml:ns:metalink">\n'
        '  <file name="face.onnx">\n'
        f'    <hash type="sha-256">{sha256(model)}</hash>\n'
        "    <url>https://mirror.example.org/models/face.onnx</url>\n"
        "  </file>\n</metalink>\n"
    )
    tree = make_tree({"models/face.onnx": model, "models/face.onnx.meta4": manifest})

    assert lint_fetches(tree) == [
        ("model-checksum-matches", "sha256 listed in models/face.onnx.meta4:4", "models/face.onnx"),
        ("model-download-outside-debian-build", "https://mirror.example.org/models/face.onnx (model file)", "models/face.onnx.meta4:5"),
    ]


def test_sha256sum_manifest_mismatch(make_tree, lint_fetches):
    model = b"model bytes\n" * 100
    listed = "0" * 64
    tree = make_tree({
        "models/face.onnx": model,
        "tools/fetch.sh": f"#!/bin/sh\nwget {RELEASE_ONNX}\necho \"{listed}  face.onnx\" | sha256sum -c\n",
    })

    assert lint_fetches(tree) == [
        ("model-checksum-mismatch", f"sha256 listed in tools/fetch.sh:3 is 000000000000, content {sha256(model)[:12]}", "models/face.onnx"),
        ("model-download-outside-debian-build", f"{RELEASE_ONNX} (model file)", "tools/fetch.sh:2"),
    ]


def test_manifest_for_non_model_not_checked(make_tree, lint_fetches):
    tree = make_tree({
        "SHA256SUMS": f"{'0' * 64}  src/main.c\n",
        "src/main.c": "int main(void) { return 0; }\n",
    })

    assert lint_fetches(tree) == []


def test_fetched_fields_parse_cleanly():
    declarations, defects = mlmodels.parse(
        "Files: ~/.cache/acme/detector.onnx\n"
        "Fetched-From: acme/detector, https://huggingface.co/acme/*\n"
        "Fetched-License: Apache-2.0\n"
        "Fetched-Optional: detection is optional\n"
    )

    assert defects == []
    assert declarations[0].items("Fetched-From") == ["acme/detector", "https://huggingface.co/acme/*"]
