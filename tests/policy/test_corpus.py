"""Classification of the models of real Debian source packages.

Runs when the corpus is present (~/.cache/dl-lint-corpus, or the
directory in $DL_LINT_CORPUS) and is skipped otherwise.  The expectations
come from reading each package: dlib-models/README.md states what each dlib
model was trained on, stockfish's README names the Leela Chess Zero data,
opus's debian/README.source states that the release tarball has neither
training code nor data, sentencepiece's tests train models from botchan.txt with
the package's own trainer.
"""

from __future__ import annotations

import time

import pytest

from dl_lint import policy, provenance
from dl_lint.package import load_package
from dl_lint.source import open_source
from tests.conftest import CORPUS

UNPACKED = CORPUS / "unpacked"


def need(path):
    if not path.exists():
        pytest.skip(f"corpus not present: {path}")
    return path


@pytest.fixture(scope="module")
def classified():
    """Return a function classifying a corpus package once per module and profile."""
    cache = {}

    def classify(name: str, profile: str = "ml-policy"):
        if (name, profile) not in cache:
            package = load_package(open_source(str(need(UNPACKED / name))))
            package.profile = profile
            cache[(name, profile)] = (package, policy.classify_package(package))
        return cache[(name, profile)]

    return classify


def contexts(classifications) -> dict[str, str]:
    return {path: c.context for path, c in classifications.items()}


DLIB = {
    "dlib-models/dlib_face_recognition_resnet_model_v1.dat": "ToxicCandy: training data non-free (FaceScrub, VGGFace)",
    "dlib-models/mmod_dog_hipsterizer.dat": "ToxicCandy: training data licence unknown (Columbia Dogs)",
    "dlib-models/mmod_front_and_rear_end_vehicle_detector.dat": "ToxicCandy: training data licence unknown (dlib vehicle datasets)",
    "dlib-models/mmod_human_face_detector.dat": "ToxicCandy: training data non-free (ImageNet, AFLW, VGGFace and 1 more)",
    "dlib-models/mmod_rear_end_vehicle_detector.dat": "ToxicCandy: training data licence unknown (dlib vehicle datasets)",
    "dlib-models/resnet34_1000_imagenet_classifier.dnn": "ToxicCandy: training data non-free (ImageNet)",
    "dlib-models/shape_predictor_5_face_landmarks.dat": "ToxicCandy: training data licence unknown (dlib 5-point face landmark dataset)",
    "dlib-models/shape_predictor_68_face_landmarks.dat": "ToxicCandy: training data non-free (iBUG 300-W)",
}


def test_dlib_models(classified):
    _, classifications = classified("dlib-19.24+dfsg")

    found = contexts(classifications)

    for path, context in DLIB.items():
        assert found[path] == context


def test_dlib_landmarks_licence_and_data_evidence(classified):
    package, _ = classified("dlib-19.24+dfsg")

    record = provenance.for_package(package)["dlib-models/shape_predictor_68_face_landmarks.dat"]

    assert (record.license.expression, record.license.verdict.status, str(record.license.evidence)) == (
        "Creative-Commons-0-1.0", "free", "debian/copyright:203 (License)")
    assert [(d.name, d.status, d.evidence.pointer) for d in record.data] == [
        ("iBUG 300-W", "non-free", "dlib-models/README.md:50")]


def test_dlib_training_programs_found(classified):
    package, _ = classified("dlib-19.24+dfsg")
    records = provenance.for_package(package)

    programs = {path: [(p.name, p.evidence.pointer) for p in records[path].programs] for path in DLIB}

    assert programs["dlib-models/resnet34_1000_imagenet_classifier.dnn"] == [
        ("examples/dnn_imagenet_train_ex.cpp", "examples/dnn_imagenet_train_ex.cpp:3")]
    assert programs["dlib-models/mmod_rear_end_vehicle_detector.dat"] == [
        ("examples/dnn_mmod_train_find_cars_ex.cpp", "examples/dnn_mmod_train_find_cars_ex.cpp:366")]
    assert programs["dlib-models/shape_predictor_5_face_landmarks.dat"] == [
        ("tools/archive/train_face_5point_model.cpp", "dlib-models/README.md:44")]
    assert programs["dlib-models/shape_predictor_68_face_landmarks.dat"] == []


def test_dlib_in_main_is_an_error(registry, lint):
    hints = lint(need(UNPACKED / "dlib-19.24+dfsg"), only={"policy/archive-area"})

    assert ("model-category-not-allowed-in-area", "ToxicCandy in main (allowed: non-free)",
            "dlib-models/shape_predictor_68_face_landmarks.dat") in hints


def test_stockfish_networks(classified):
    package, classifications = classified("stockfish-17")
    records = provenance.for_package(package)

    assert contexts(classifications) == {
        "src/nn-1c0000000000.nnue": "ToxicCandy: training program not in the package (nnue-pytorch)",
        "src/nn-37f18f62d772.nnue": "ToxicCandy: training program not in the package (nnue-pytorch)",
    }
    record = records["src/nn-1c0000000000.nnue"]
    assert (record.license.expression, str(record.license.evidence)) == ("CC0-1.0", "debian/copyright:46 (text)")
    assert [(d.name, d.license, d.evidence.pointer) for d in record.data] == [
        ("Leela Chess Zero training data", "ODbL-1.0", "README.md:125")]


OPUS_DNN = ("dred_rdovae_dec_data", "dred_rdovae_enc_data", "dred_rdovae_stats_data", "fargan_data", "lace_data",
            "lossgen_data", "nolace_data", "pitchdnn_data", "plc_data")


def test_opus_weights(classified):
    package, classifications = classified("opus-1.5.2")
    records = provenance.for_package(package)

    expected = {f"dnn/{name}.c": "ToxicCandy: training program not in the package (training_tf2/train_lpcnet.py)" for name in OPUS_DNN}
    expected["src/mlp_data.c"] = "ToxicCandy: no training program found"
    assert contexts(classifications) == expected
    assert records["dnn/dred_rdovae_enc_data.c"].license.expression == "BSD-2-clause"
    assert records["dnn/fargan_data.c"].license.expression == "BSD-3-clause"
    assert [(d.name, d.license, d.evidence.pointer) for d in records["dnn/plc_data.c"].data] == [
        ("OpenSLR", "", "dnn/README.md:120"), ("OpenSLR", "CC-BY-SA-4.0", "debian/README.source:21")]


def test_opus_dsc_agrees_with_tree(registry, lint):
    dsc = need(CORPUS / "opus_1.5.2-2.dsc")

    hints = lint(dsc, only={"policy/classification"})

    assert ("model-category-toxiccandy", "ToxicCandy: no training program found", "src/mlp_data.c") in hints
    assert len([h for h in hints if h[0] == "model-category-toxiccandy"]) == 10


def test_sentencepiece_test_models(classified):
    _, classifications = classified("sentencepiece-0.1.97")

    # test_ja_model.model records the KFTT corpus (kyoto-train.ja) as its
    # input in its TrainerSpec; the tests train on botchan.txt.
    assert contexts(classifications) == {
        "python/test/test_ja_model.model": (
            "Free: licence Apache-2.0, training data KFTT, data/botchan.txt (free), "
            "training program python/test/sentencepiece_test.py"
        ),
        "python/test/test_model.model": (
            "Free: licence Apache-2.0, training data data/botchan.txt in the package (free), "
            "training program python/test/sentencepiece_test.py"
        ),
    }


def test_pocketsphinx_model_like_data(classified):
    _, classifications = classified("pocketsphinx-0.8+5prealpha+1")

    assert contexts(classifications) == {
        "model/en-us/en-us": "model-like data: licence BSD-2, training data not named, training program SphinxTrain not in the package",
        "model/en-us/en-us-phone.lm.bin": "model-like data: licence BSD-2, training data not named, no training program found",
        "model/en-us/en-us.lm.bin": "model-like data: licence BSD-2, training data not named, no training program found",
        "test/data/an4_ci_cont": "model-like data: licence BSD-2, training data AN4 (unknown), training program SphinxTrain not in the package",
        "test/data/tidigits/hmm": "model-like data: licence BSD-2, training data TIDIGITS (non-free), training program SphinxTrain not in the package",
        "test/data/tidigits/lm/tidigits.lm.bin": "model-like data: licence BSD-2, training data TIDIGITS (non-free), no training program found",
        "test/data/turtle.lm.bin": "model-like data: licence BSD-2, training data not named, no training program found",
    }


def test_pocketsphinx_strict(classified):
    _, classifications = classified("pocketsphinx-0.8+5prealpha+1", "strict")

    assert contexts(classifications)["test/data/tidigits/hmm"] == "ToxicCandy: training data non-free (TIDIGITS)"
    assert contexts(classifications)["model/en-us/en-us"] == "ToxicCandy: training data not named"


def test_gnubg_weights(classified):
    _, classifications = classified("gnubg-1.07.001")

    assert contexts(classifications) == {"gnubg.weights": "ToxicCandy: training data not named"}


@pytest.mark.parametrize("name", ["dlib-19.24+dfsg", "opus-1.5.2", "sentencepiece-0.1.97", "pocketsphinx-0.8+5prealpha+1", "gnubg-1.07.001", "stockfish-17"])
def test_classification_time_small_next_to_reading(name):
    package = load_package(open_source(str(need(UNPACKED / name))))
    started = time.perf_counter()

    policy.classify_package(package)
    seconds = time.perf_counter() - started

    # Measured on 2 cores: 0.03-0.7 s per package against 0.2-2 s of reading.
    assert seconds < max(1.0, 2 * package.read_seconds)
