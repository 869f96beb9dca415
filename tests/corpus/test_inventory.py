"""Model inventories of real Debian source packages.

Runs when the corpus that fetch-corpus downloads is present (in
~/.cache/dl-lint-corpus or $DL_LINT_CORPUS) and is skipped otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from dl_lint.package import load_package
from dl_lint.source import open_source
from tests.conftest import CORPUS, record_hints

UNPACKED = CORPUS / "unpacked"


def inventory(path: Path) -> list[tuple[str, str, str]]:
    package = load_package(open_source(str(path)))
    return [(m.path, m.format, m.kind) for m in package.models if m.is_model]


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"corpus not present: {path}")
    return path


def test_stockfish_networks():
    found = inventory(need(UNPACKED / "stockfish-17"))

    assert found == [
        ("src/nn-1c0000000000.nnue", "nnue", "model"),
        ("src/nn-37f18f62d772.nnue", "nnue", "model"),
    ]


def test_opus_embedded_weights_only():
    found = inventory(need(UNPACKED / "opus-1.5.2"))

    assert found == [
        ("dnn/dred_rdovae_dec_data.c", "c-array", "embedded"),
        ("dnn/dred_rdovae_enc_data.c", "c-array", "embedded"),
        ("dnn/dred_rdovae_stats_data.c", "c-array", "embedded"),
        ("dnn/fargan_data.c", "c-array", "embedded"),
        ("dnn/lace_data.c", "c-array", "embedded"),
        ("dnn/lossgen_data.c", "c-array", "embedded"),
        ("dnn/nolace_data.c", "c-array", "embedded"),
        ("dnn/pitchdnn_data.c", "c-array", "embedded"),
        ("dnn/plc_data.c", "c-array", "embedded"),
        ("src/mlp_data.c", "c-array", "embedded"),
    ]


def test_opus_every_data_c_found():
    tree = need(UNPACKED / "opus-1.5.2")
    weight_files = sorted(p.relative_to(tree).as_posix() for p in (tree / "dnn").glob("*_data.c") if p.name != "dump_data.c")

    found = {path for path, _, _ in inventory(tree)}

    assert set(weight_files) <= found
    assert "dnn/dump_data.c" not in found


def test_gnubg_weights():
    found = inventory(need(UNPACKED / "gnubg-1.07.001"))

    assert found == [("gnubg.weights", "gnubg-weights", "model")]


def test_sentencepiece_test_models():
    tree = need(UNPACKED / "sentencepiece-0.1.97")

    found = inventory(tree)

    assert found == [
        ("python/test/test_ja_model.model", "sentencepiece", "model"),
        ("python/test/test_model.model", "sentencepiece", "model"),
    ]
    assert "data/botchan.txt" not in {path for path, _, _ in found}


def test_pocketsphinx_acoustic_and_language_models():
    found = inventory(need(UNPACKED / "pocketsphinx-0.8+5prealpha+1"))

    assert found == [
        ("model/en-us/en-us", "cmu-sphinx-acoustic", "model-like"),
        ("model/en-us/en-us-phone.lm.bin", "cmu-sphinx-lm", "model-like"),
        ("model/en-us/en-us.lm.bin", "cmu-sphinx-lm", "model-like"),
        ("test/data/an4_ci_cont", "cmu-sphinx-acoustic", "model-like"),
        ("test/data/tidigits/hmm", "cmu-sphinx-acoustic", "model-like"),
        ("test/data/tidigits/lm/tidigits.lm.bin", "cmu-sphinx-lm", "model-like"),
        ("test/data/turtle.lm.bin", "cmu-sphinx-lm", "model-like"),
    ]


def test_pocketsphinx_acoustic_model_files():
    package = load_package(open_source(str(need(UNPACKED / "pocketsphinx-0.8+5prealpha+1"))))

    acoustic = next(m for m in package.models if m.path == "model/en-us/en-us")

    assert sorted(acoustic.files) == [
        "model/en-us/en-us/mdef",
        "model/en-us/en-us/means",
        "model/en-us/en-us/sendump",
        "model/en-us/en-us/transition_matrices",
        "model/en-us/en-us/variances",
    ]


DLIB_MODELS = [
    ("dlib-models/dlib_face_recognition_resnet_model_v1.dat", "dlib-dnn", "model"),
    ("dlib-models/mmod_dog_hipsterizer.dat", "dlib-dnn", "model"),
    ("dlib-models/mmod_front_and_rear_end_vehicle_detector.dat", "dlib-dnn", "model"),
    ("dlib-models/mmod_human_face_detector.dat", "dlib-dnn", "model"),
    ("dlib-models/mmod_rear_end_vehicle_detector.dat", "dlib-dnn", "model"),
    ("dlib-models/resnet34_1000_imagenet_classifier.dnn", "dlib-dnn", "model"),
    ("dlib-models/shape_predictor_5_face_landmarks.dat", "dlib-shape-predictor", "model"),
    ("dlib-models/shape_predictor_68_face_landmarks.dat", "dlib-shape-predictor", "model"),
]


def test_dlib_dsc_models_without_unpacking(tmp_path, monkeypatch, registry):
    dsc = need(CORPUS / "dlib_19.24+dfsg-1.dsc")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.chdir(scratch)
    before = sorted(p.name for p in CORPUS.iterdir())

    from dl_lint.lint import lint_source

    result = lint_source(str(dsc), registry)
    record_hints(result.hints)
    found = [(m.path, m.format, m.kind) for m in result.package.models if m.path.startswith("dlib-models/")]

    assert found == DLIB_MODELS
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in CORPUS.iterdir()) == before
    assert result.package.source.input_kind == "dsc"
    assert {result.package.files[path].origin for path, _, _ in found} == {"dlib_19.24+dfsg.orig-dlib-models.tar.bz2"}


def test_dlib_tree_matches_dsc_models():
    found = inventory(need(UNPACKED / "dlib-19.24+dfsg"))

    assert [m for m in found if m[0].startswith("dlib-models/")] == DLIB_MODELS
    assert [m for m in found if not m[0].startswith("dlib-models/")] == [
        ("dlib/image_processing/frontal_face_detector.h", "c-string", "embedded"),
    ]


def test_own_tree_has_no_model(tmp_path):
    own = Path(__file__).resolve().parents[2]
    if not (own / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=own, check=True, capture_output=True).stdout
    copy = tmp_path / "dl-lint"
    for name in tracked.decode().split("\0"):
        if name and (own / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(own / name, copy / name)

    found = [m for m in inventory(copy) if not m[0].startswith("examples/")]

    assert found == []
