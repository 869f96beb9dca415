"""Downloads, download instructions and name digests in real Debian source packages.

Runs when the corpus is present (in ~/.cache/dl-lint-corpus or
$DL_LINT_CORPUS) and is skipped otherwise.
"""

from __future__ import annotations

import pytest

from tests.conftest import CORPUS

UNPACKED = CORPUS / "unpacked"
CHECKS = {"models/fetched", "models/checksums"}
DLIB = "http://dlib.net/files/"


def hints_of(lint, name: str):
    path = UNPACKED / name
    if not path.exists():
        pytest.skip(f"corpus not present: {path}")
    return lint(path, only=CHECKS)


def test_stockfish_net_script_and_networks(lint):
    hints = hints_of(lint, "stockfish-17")

    # debian/rules makes profile-build (or build), which depends on the
    # Makefile's net target, which runs scripts/net.sh; the script keeps a
    # network whose sha256 starts with the 12 digits of its name and
    # downloads only otherwise, and both shipped networks pass.
    assert hints == [
        ("model-checksum-matches", "sha256 1c0000000000 in file name", "src/nn-1c0000000000.nnue"),
        ("model-checksum-matches", "sha256 37f18f62d772 in file name", "src/nn-37f18f62d772.nnue"),
        (
            "model-download-documented",
            "https://tests.stockfishchess.org/api/nn/ (Stockfish NNUE network)",
            "src/nnue/network.cpp:257",
        ),
        (
            "model-download-in-debian-build-uses-shipped-file",
            "https://tests.stockfishchess.org/api/nn/$_filename (Stockfish NNUE network)",
            "scripts/net.sh:52",
        ),
        (
            "model-download-in-debian-build-uses-shipped-file",
            "https://github.com/official-stockfish/networks/raw/master/$_filename (Stockfish NNUE network)",
            "scripts/net.sh:53",
        ),
        ("model-download-in-debian-build-uses-shipped-file", "net runs scripts/net.sh", "src/Makefile:987"),
    ]


def test_dlib_python_examples_documented(lint):
    hints = hints_of(lint, "dlib-19.24+dfsg")

    examples = [h for h in hints if h[2].startswith("python_examples/")]
    assert examples == [
        ("model-download-documented", f"{DLIB}mmod_human_face_detector.dat.bz2 (dlib model)", "python_examples/cnn_face_detector.py:11"),
        ("model-download-documented", f"{DLIB}shape_predictor_5_face_landmarks.dat.bz2 (dlib model)", "python_examples/face_alignment.py:32"),
        ("model-download-documented", f"{DLIB}shape_predictor_5_face_landmarks.dat.bz2 (dlib model)", "python_examples/face_clustering.py:40"),
        ("model-download-documented", f"{DLIB}dlib_face_recognition_resnet_model_v1.dat.bz2 (dlib model)", "python_examples/face_clustering.py:41"),
        ("model-download-documented", f"{DLIB}shape_predictor_5_face_landmarks.dat.bz2 (dlib model)", "python_examples/face_jitter.py:46"),
        ("model-download-documented", f"{DLIB}shape_predictor_68_face_landmarks.dat.bz2 (dlib model)", "python_examples/face_landmark_detection.py:21"),
        ("model-download-documented", f"{DLIB}shape_predictor_5_face_landmarks.dat.bz2 (dlib model)", "python_examples/face_recognition.py:52"),
        ("model-download-documented", f"{DLIB}dlib_face_recognition_resnet_model_v1.dat.bz2 (dlib model)", "python_examples/face_recognition.py:53"),
    ]


def test_dlib_only_documentation(lint):
    hints = hints_of(lint, "dlib-19.24+dfsg")

    assert {h[0] for h in hints} == {"model-download-documented"}
    assert ("model-download-documented", f"{DLIB}data/CU_dogs_fully_labeled.tar.gz (dlib training dataset)", "dlib-models/README.md:23") in hints


@pytest.mark.parametrize("name", ["opus-1.5.2", "gnubg-1.07.001", "sentencepiece-0.1.97", "pocketsphinx-0.8+5prealpha+1"])
def test_packages_without_downloads(lint, name):
    assert hints_of(lint, name) == []
