"""Each row of the ML-Policy decision table on generated source packages.

Every package has debian/control, debian/changelog and a DEP-5
debian/copyright.  The model is a Stockfish NNUE network or weights
embedded in a C file, and debian/ml-models declares what the row needs.
"""

from __future__ import annotations

import pytest

from dl_lint import policy
from dl_lint.errors import UsageError

from .builders import ARPA, NNUE, c_weights, copyright_file, ml_models

POLICY_CHECKS = ("policy/", "debian/copyright", "debian/control")
MODEL = "src/nn-test.nnue"


def policy_hints(hints):
    """Keep the hints of the policy and debian/ checks this directory tests."""
    from dl_lint.lint import Registry

    tags = Registry.load().tags
    return sorted(h for h in hints if tags[h[0]].check.startswith(POLICY_CHECKS))


@pytest.fixture
def package(make_tree):
    """Return a builder of a package with one NNUE model and the given extra files."""

    def build(*, license_name="CC0-1.0", declaration=None, section="games", extra=None, copyright_text=None, **debian):
        files = {MODEL: NNUE}
        files["debian/copyright"] = copyright_text if copyright_text is not None else copyright_file(
            ("*", "GPL-3+"), ("src/*.nnue", license_name), ("data/*", "CC-BY-4.0"),
        )
        if declaration is not None:
            files["debian/ml-models"] = declaration
        files.update(extra or {})
        return make_tree(files, section=section, **debian)

    return build


FREE_DECLARATION = ml_models(
    Files="src/*.nnue", Training_Data="data/games.pgn", Training_Program="tools/train.py",
)
TRAINER = "import torch\nopt = torch.optim.SGD([], lr=0.1)\nfor epoch in range(3):\n    opt.step()\n"
FREE_EXTRA = {"data/games.pgn": "1. e4 e5\n", "tools/train.py": TRAINER}


def test_non_free_licence_in_main(package, lint):
    tree = package(license_name="CC-BY-NC-4.0")

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-non-free", "Non-free: non-free licence (CC-BY-NC-4.0)", MODEL),
        ("model-category-not-allowed-in-area", "Non-free in main (allowed: non-free)", MODEL),
        ("model-without-training-data", "not named", MODEL),
        ("model-without-training-program", "nnue-pytorch not in the package", MODEL),
    ]


def test_non_free_licence_in_non_free(package, lint):
    tree = package(license_name="CC-BY-NC-4.0", section="non-free/games")

    hints = [h for h in policy_hints(lint(tree)) if h[0].startswith("model-category")]

    assert hints == [("model-category-non-free", "Non-free: non-free licence (CC-BY-NC-4.0)", MODEL)]


def test_unknown_licence_goes_nowhere(package, lint):
    tree = package(copyright_text=copyright_file(("debian/*", "GPL-3+")), section="non-free/games")

    hints = policy_hints(lint(tree))

    assert ("model-category-non-free", "Non-free: licence unknown", MODEL) in hints
    assert ("model-without-license", "no licence found", MODEL) in hints
    assert ("model-category-not-allowed-in-area", "Non-free in non-free (allowed: none)", MODEL) in hints


def test_unrecognised_declared_licence(package, lint):
    tree = package(declaration=ml_models(Files="src/*.nnue", License="Frobnicate-1.0"))

    hints = policy_hints(lint(tree))

    assert ("model-license-unrecognized", "Frobnicate-1.0 (debian/ml-models:2)", MODEL) in hints
    assert ("model-category-non-free", "Non-free: licence unknown (Frobnicate-1.0)", MODEL) in hints


def test_free_licence_without_data_is_toxiccandy(package, lint):
    tree = package()

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-not-allowed-in-area", "ToxicCandy in main (allowed: non-free)", MODEL),
        ("model-category-toxiccandy", "ToxicCandy: training data not named", MODEL),
        ("model-without-training-data", "not named", MODEL),
        ("model-without-training-program", "nnue-pytorch not in the package", MODEL),
    ]


def test_non_free_data_is_toxiccandy(package, lint):
    tree = package(declaration=ml_models(Files="src/*.nnue", Training_Data="ImageNet", Training_Program="tools/train.py"),
                   extra={"tools/train.py": TRAINER}, section="non-free/games")

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-toxiccandy", "ToxicCandy: training data non-free (ImageNet)", MODEL),
        ("model-training-data-non-free", "ImageNet (research-only)", MODEL),
    ]


def test_data_of_unknown_licence(package, lint):
    tree = package(declaration=ml_models(Files="src/*.nnue", Training_Data="https://example.org/positions.tar"),
                   section="non-free/games")

    hints = policy_hints(lint(tree))

    assert ("model-training-data-license-unknown", "https://example.org/positions.tar (no licence stated)", MODEL) in hints
    assert ("model-category-toxiccandy", "ToxicCandy: training data licence unknown (https://example.org/positions.tar)", MODEL) in hints


def test_private_data_is_not_public(package, lint):
    tree = package(declaration=ml_models(Files="src/*.nnue", Training_Data="private in-house games",
                                         Training_Data_License="CC0-1.0", Training_Program="tools/train.py"),
                   extra={"tools/train.py": TRAINER}, section="non-free/games")

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-toxiccandy", "ToxicCandy: training data not public (private in-house games)", MODEL),
        ("model-training-data-not-public", "private in-house games", MODEL),
    ]


def test_free_data_without_program_is_toxiccandy(package, lint):
    tree = package(declaration=ml_models(Files="src/*.nnue", Training_Data="data/games.pgn"),
                   extra={"data/games.pgn": "1. e4 e5\n"})

    hints = policy_hints(lint(tree))

    assert ("model-category-toxiccandy", "ToxicCandy: training program not in the package (nnue-pytorch)", MODEL) in hints
    assert ("model-without-training-program", "nnue-pytorch not in the package", MODEL) in hints


def test_free_model_in_main(package, lint):
    tree = package(declaration=FREE_DECLARATION, extra=FREE_EXTRA)

    hints = policy_hints(lint(tree))

    assert hints == [(
        "model-category-free",
        "Free: licence CC0-1.0, training data data/games.pgn in the package (free), training program tools/train.py",
        MODEL,
    )]


def test_non_free_training_program(package, lint):
    declaration = FREE_DECLARATION + "Training-Program-License: CC-BY-NC-4.0\n"
    tree = package(declaration=declaration, extra=FREE_EXTRA, section="non-free/games")

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-toxiccandy", "ToxicCandy: training program non-free (tools/train.py)", MODEL),
        ("model-training-program-non-free", "tools/train.py", MODEL),
    ]


def test_declared_cuda_requirement_needs_contrib(package, lint):
    tree = package(declaration=FREE_DECLARATION + "Training-Requires: cuda\n", extra=FREE_EXTRA)

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-free", "Free: training needs non-free software (cuda)", MODEL),
        ("model-category-not-allowed-in-area", "Free in main (allowed: contrib, non-free)", MODEL),
        ("model-training-requires-non-free-software", "cuda (debian/ml-models:4)", MODEL),
    ]


def test_cuda_requirement_in_contrib(package, lint):
    tree = package(declaration=FREE_DECLARATION + "Training-Requires: cuda\n", extra=FREE_EXTRA, section="contrib/games")

    hints = [h for h in policy_hints(lint(tree)) if h[0] != "model-training-requires-non-free-software"]

    assert hints == [("model-category-free", "Free: training needs non-free software (cuda)", MODEL)]


def test_cuda_only_training_code_found(package, lint):
    extra = dict(FREE_EXTRA)
    extra["tools/train.py"] = TRAINER + "net = net.cuda()\n"
    tree = package(declaration=FREE_DECLARATION, extra=extra, section="contrib/games")

    hints = policy_hints(lint(tree))

    assert hints == [
        ("model-category-free", "Free: training needs non-free software (cuda)", MODEL),
        ("model-training-requires-non-free-software", "cuda (tools/train.py)", MODEL),
    ]


def test_embedded_weights_with_trainer_named_like_them(make_tree, lint):
    tree = make_tree({
        "dnn/tiny_data.c": c_weights("tiny"),
        "dnn/training/tiny/train_tiny.py": TRAINER,
        "debian/copyright": copyright_file(("*", "BSD-2-clause")),
    })

    hints = policy_hints(lint(tree))

    assert ("model-category-toxiccandy", "ToxicCandy: training data not named", "dnn/tiny_data.c") in hints
    assert ("model-without-training-program", "none found", "dnn/tiny_data.c") not in hints


def test_ml_models_errors_do_not_stop_classification(package, lint):
    tree = package(declaration="Files: src/*.nnue\nthis line is broken\nTraining-Data: ImageNet\n", section="non-free/games")

    hints = lint(tree)

    assert ("ml-models-syntax-error", "this line is broken", "debian/ml-models:2") in hints
    assert ("model-category-toxiccandy", "ToxicCandy: training data non-free (ImageNet)", MODEL) in hints


def test_unknown_profile_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown policy profile 'lenient'; available profiles: archive-practice, ml-policy, strict"):
        policy.load_profile("lenient")


def test_profile_name_cannot_leave_the_directory():
    with pytest.raises(UsageError, match="unknown policy profile"):
        policy.load_profile("../licenses")


@pytest.mark.parametrize("name", ["ml-policy", "strict", "archive-practice"])
def test_profiles_load_with_tagged_categories(name):
    profile = policy.load_profile(name)

    assert profile.name == name
    assert {rule.category for rule in profile.rules} <= set(policy.CATEGORY_TAGS)
    assert profile.rules[-1].conditions == {"License": frozenset({"free"})}
