"""Each retrain outcome and the tag it gets, on small packages built in tmp_path."""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest

from dl_lint.errors import UsageError
from dl_lint.retrain.runner import RetrainOptions, retrain_source

from ..conftest import build_dsc
from .conftest import EXAMPLES, NO_SANDBOX

# Writes weights (plus noise of the given scale from the system's entropy)
# and a metrics file; the noise makes runs differ on purpose.  The zip
# comment records the time, so the files differ even where the tensors do not.
MAKE_MODEL = """\
import os, sys, time, zipfile
import numpy as np
noise = float(sys.argv[2])
rng = np.random.default_rng(int.from_bytes(os.urandom(8), "little"))
weights = np.linspace(-1, 1, 12).reshape(3, 4) + noise * rng.standard_normal((3, 4))
with open(sys.argv[1], "wb") as handle:
    np.savez(handle, weight=weights, bias=np.zeros(4))
with zipfile.ZipFile(sys.argv[1], "a") as archive:
    archive.comment = f"written at {time.time_ns()}".encode()
with open("metrics.csv", "w") as handle:
    handle.write("step,loss,seconds\\n")
    for step in range(5):
        handle.write(f"{step},{1.0 / (step + 1) + noise * rng.standard_normal()},{rng.random()}\\n")
"""


def model_package(make_tree, *, noise: float = 0.0, extra: str = "", command: str | None = None, ship: bool = True):
    files = {
        "make.py": MAKE_MODEL,
        "debian/ml-models": (
            "Files: model.npz\n"
            f"Retrain-Command: {command or f'python3 make.py {{output}} {noise}'}\n"
            "Retrain-Output: model.npz\n"
            + extra
        ),
    }
    tree = make_tree(files)
    if ship:
        with open(tree / "model.npz", "wb") as handle:
            np.savez(handle, weight=np.linspace(-1, 1, 12).reshape(3, 4), bias=np.zeros(4))
    return tree


def test_tensors_equal_bytes_differ(make_tree, retrain, box):
    tree = model_package(make_tree)

    outcome = retrain(tree, box)

    comparison = outcome.model["comparisons"][0]
    assert outcome.tags() == [
        ("retrain-reproduces-shipped-model", "model.npz numerically", "model.npz"),
        ("retrain-reproducible-numerically", "model.npz", "debian/ml-models:2"),
    ]
    assert comparison["tensors-identical"] is True
    assert comparison["max-abs-diff"] == 0.0
    assert "every tensor bit-identical but the file bytes differ" in outcome.text


def test_claim_not_met(make_tree, retrain, box):
    tree = model_package(make_tree, extra="Reproducibility: bit-by-bit\n")

    outcome = retrain(tree, box)

    assert ("retrain-reproducibility-claim-not-met", "model.npz claimed bit-by-bit, observed numerical",
            "debian/ml-models:4") in outcome.tags()


def test_numerical_example_claiming_bits(tmp_path, retrain, box):
    tree = shutil.copytree(EXAMPLES / "retrain-numerical", tmp_path / "retrain-numerical")
    path = tree / "debian/ml-models"
    path.write_text(path.read_text().replace("Reproducibility: numerical", "Reproducibility: bit-by-bit"))

    outcome = retrain(tree, box)

    assert ("retrain-reproducibility-claim-not-met", "model/classifier.npz claimed bit-by-bit, observed numerical",
            "debian/ml-models:12") in outcome.tags()


def test_noise_not_reproducible(make_tree, retrain, box):
    tree = model_package(make_tree, noise=0.1, extra="Retrain-Metrics: metrics.csv\nReproducibility: numerical\n")

    outcome = retrain(tree, box)

    loss = next(c for c in outcome.model["curves"][0]["columns"] if c["name"] == "loss")
    assert outcome.tags() == [
        ("retrain-curves-diverge", "metrics.csv loss", "debian/ml-models:4"),
        ("retrain-differs-from-shipped", "model.npz", "model.npz"),
        ("retrain-not-reproducible", "model.npz (tensors beyond tolerance, curves beyond tolerance)", "debian/ml-models:2"),
        ("retrain-reproducibility-claim-not-met", "model.npz claimed numerical, observed not-reproducible", "debian/ml-models:5"),
    ]
    assert loss["points"] == 5
    assert [c["name"] for c in outcome.model["curves"][0]["columns"]] == ["step", "loss"]


def test_metrics_missing(make_tree, retrain, box):
    tree = model_package(make_tree, extra="Retrain-Metrics: curves.jsonl\n")

    outcome = retrain(tree, box)

    assert ("retrain-metrics-unreadable", "curves.jsonl missing after run 1", "debian/ml-models:4") in outcome.tags()
    assert outcome.model["level"] == "not-reproducible"


def test_metrics_invalid_json(make_tree, retrain, box):
    command = "python3 make.py {output} 0 && echo '{\"step\": 1}' > m.jsonl && echo 'oops' >> m.jsonl"
    tree = model_package(make_tree, command=command, extra="Retrain-Metrics: m.jsonl\n")

    outcome = retrain(tree, box)

    assert ("retrain-metrics-unreadable", "m.jsonl of run 1: line 2 is not JSON: Expecting value",
            "debian/ml-models:4") in outcome.tags()


def test_command_failed(make_tree, retrain, box):
    tree = model_package(make_tree, command="echo broken >&2; exit 3")

    outcome = retrain(tree, box)

    stderr = outcome.report.directory / outcome.model["runs"][0]["stderr"]
    assert outcome.tags() == [("retrain-command-failed", "model.npz exit status 3", "debian/ml-models:2")]
    assert stderr.read_text() == "broken\n"
    assert len(outcome.model["runs"]) == 1
    assert outcome.model["level"] == "not-reproducible"


def test_output_missing(make_tree, retrain, box):
    """The shipped model.npz is removed from the copy, so "true" cannot pass."""
    tree = model_package(make_tree, command="true")

    outcome = retrain(tree, box)

    assert outcome.tags() == [("retrain-output-missing", "model.npz", "debian/ml-models:2")]


def test_output_undeclared(make_tree, retrain, box):
    tree = make_tree({"debian/ml-models": "Files: models/*.npz\nRetrain-Command: true\n"})

    outcome = retrain(tree, box)

    assert outcome.tags() == [("retrain-output-undeclared", "no Retrain-Output", "debian/ml-models:1")]


def test_output_outside_package(make_tree, retrain, box):
    tree = make_tree({"debian/ml-models": "Files: a.npz\nRetrain-Command: true\nRetrain-Output: ../a.npz\n"})

    outcome = retrain(tree, box)

    assert outcome.tags() == [("retrain-output-undeclared", "Retrain-Output ../a.npz leaves the package", "debian/ml-models:1")]


def test_output_from_files(make_tree, retrain, box):
    """Without Retrain-Output, a Files field naming one file names the output."""
    tree = model_package(make_tree)
    path = tree / "debian/ml-models"
    path.write_text(path.read_text().replace("Retrain-Output: model.npz\n", ""))

    outcome = retrain(tree, box)

    assert outcome.model["output"] == "model.npz"
    assert outcome.model["level"] == "numerical"


def test_command_missing(make_tree, retrain, box):
    tree = model_package(make_tree)
    (tree / "debian/ml-models").write_text("Files: model.npz\nLicense: CC0-1.0\n")

    outcome = retrain(tree, box)

    assert outcome.tags() == [("retrain-command-missing", "model.npz", "model.npz")]
    assert outcome.json["models"] == []
    assert "no paragraph of debian/ml-models has a Retrain-Command" in outcome.text


def test_bytes_differ(make_tree, retrain, box):
    tree = make_tree({"debian/ml-models": "Files: out.bin\nRetrain-Command: head -c 64 /dev/urandom > {output}\nRetrain-Output: out.bin\n"})

    outcome = retrain(tree, box)

    comparison = outcome.model["comparisons"][0]
    assert outcome.tags() == [
        ("retrain-compared-as-bytes", "out.bin unknown", "debian/ml-models:3"),
        ("retrain-not-reproducible", "out.bin (bytes differ)", "debian/ml-models:2"),
    ]
    assert comparison["method"] == "bytes"
    assert comparison["reason"] == "dl-lint reads no tensors from unknown files"


def test_pickle_not_unpickled(make_tree, retrain, box, tmp_path):
    """A pickle that would create a file when loaded is compared as bytes only."""
    marker = tmp_path / "unpickled"
    payload = (b"\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93"
               + b"\x8c" + bytes([len(f"touch {marker}")]) + f"touch {marker}".encode() + b"\x85R.")
    tree = make_tree({"evil.pkl": payload, "debian/ml-models":
                      "Files: model.pkl\nRetrain-Command: cp evil.pkl {output}\nRetrain-Output: model.pkl\n"})

    outcome = retrain(tree, box)

    assert ("retrain-compared-as-bytes", "model.pkl pickle", "debian/ml-models:3") in outcome.tags()
    assert outcome.model["comparisons"][0]["reason"] == "pickle tensors are pickled and cannot be read without running code"
    assert not marker.exists()


def test_more_runs(make_tree, retrain, box):
    tree = model_package(make_tree)

    outcome = retrain(tree, box, runs=3)

    assert [c["candidate"] for c in outcome.model["comparisons"]] == ["run 2", "run 3"]
    assert [r["number"] for r in outcome.model["runs"]] == [1, 2, 3]


def test_runs_below_two(make_tree, registry):
    tree = model_package(make_tree)

    with pytest.raises(UsageError, match="--runs must be at least 2 to compare runs, not 1"):
        retrain_source(str(tree), registry, RetrainOptions(runs=1, text=io.StringIO()))


def test_report_dir_foreign(make_tree, registry, tmp_path):
    tree = model_package(make_tree)
    foreign = tmp_path / "report" / "demo_1.0-1"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("mine")
    options = RetrainOptions(sandbox=NO_SANDBOX, report_dir=tmp_path / "report", text=io.StringIO())

    with pytest.raises(UsageError, match="exists but contains no dl-lint retrain report"):
        retrain_source(str(tree), registry, options)
    assert (foreign / "notes.txt").read_text() == "mine"


def test_report_dir_replaced(make_tree, retrain, box):
    tree = model_package(make_tree)
    first = retrain(tree, box, runs=3)

    second = retrain(tree, box)

    assert second.report.directory == first.report.directory
    assert len(second.model["runs"]) == 2
    assert not (second.report.directory / "model.npz" / "run-3").exists()


def test_override_retrain_hint(make_tree, retrain, box):
    tree = model_package(make_tree, noise=0.1)
    (tree / "debian/source/dl-lint-overrides").write_text(
        "# Training is seeded from the system on purpose.\nretrain-not-reproducible\n")

    outcome = retrain(tree, box)

    overridden = [h for h in outcome.result.hints if h.overridden]
    assert [(h.tag, h.override_comment) for h in overridden] == [
        ("retrain-not-reproducible", "Training is seeded from the system on purpose."),
    ]
    assert not [h for h in outcome.hints if h[0] == "dl-lint-override-unused"]


def test_dsc_input(tmp_path, retrain, box):
    tree = shutil.copytree(EXAMPLES / "retrain-deterministic", tmp_path / "retrain-deterministic")
    dsc = build_dsc(tree, tmp_path)

    outcome = retrain(dsc, box)
    tags = outcome.tags()

    # Against the shipped file the level depends on the NumPy build (see test_examples).
    assert [(tag, path) for tag, _, path in tags] == [
        ("retrain-reproduces-shipped-model", "model/classifier.npz"),
        ("retrain-reproducible-bit-by-bit", "debian/ml-models:8"),
    ]
    assert tags[0][1] in ("model/classifier.npz bit-by-bit", "model/classifier.npz numerically")


@pytest.mark.parametrize(("command", "output"), [
    ("ln -s /etc/hostname {output}", "model.npz"),
    ("ln -s /etc escape", "escape/hostname"),
])
def test_output_link_not_followed(make_tree, retrain, box, command, output):
    tree = make_tree({"debian/ml-models": f"Files: {output}\nRetrain-Command: {command}\nRetrain-Output: {output}\n"})

    outcome = retrain(tree, box)

    assert outcome.tags() == [("retrain-output-missing", output, "debian/ml-models:2")]
    assert outcome.model["status"] == "output-missing"
    assert not list(outcome.report.directory.rglob("hostname"))
