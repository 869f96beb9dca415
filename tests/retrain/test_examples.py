"""The three example packages: each is retrained twice and gets its verdict.

retrain-deterministic trains in float64 with a fixed seed (bit-by-bit),
retrain-numerical sums float32 gradients in a random order (numerical),
retrain-unseeded draws its seed from the system (not reproducible).
"""

from __future__ import annotations

import importlib.util
import io
import struct
from pathlib import Path

import pytest

from dl_lint.lint import lint_source
from dl_lint.retrain import sandbox
from dl_lint.retrain.runner import RetrainOptions, retrain_source

from ..conftest import record_hints
from .conftest import EXAMPLES, NO_SANDBOX, Retrained

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None

MODEL = "model/classifier.npz"
# The shipped model was written with PyPI's NumPy 2.4 wheel on x86-64.
# Other NumPy or BLAS builds (Debian's python3-numpy, for one) round the
# training arithmetic differently in the last bits, so there the retrained
# model matches the shipped one numerically, not byte for byte.
SHIPPED_LEVELS = ("bit-by-bit", "numerically")
TENSORS = ["hidden.bias", "hidden.weight", "output.bias", "output.weight"]
# 2-8-1 perceptron: 8 + 16 + 1 + 8 weights.
PARAMETERS = 33
# Epochs 0 to 300 every 5 (deterministic, numerical), 0 to 60 every 2 (unseeded).
POINTS = {"deterministic": 61, "numerical": 61, "unseeded": 31}


def _box() -> tuple[sandbox.Sandbox, bool]:
    """Return the sandbox to use and whether running without one must be allowed."""
    found = sandbox.probe_sandbox()
    return (found, False) if found.isolated else (NO_SANDBOX, True)


def _without_sandbox_tag(hints):
    return [hint for hint in hints if hint[0] != "retrain-run-without-sandbox"]


def _problems(hints) -> list[tuple[str, str]]:
    """Return the errors and warnings other than the retrain verdicts: an example must lint cleanly."""
    return [(h.tag, h.context) for h in hints
            if h.severity in ("error", "warning") and not h.tag.startswith("retrain-")]


@pytest.fixture(scope="module")
def retrained(registry, tmp_path_factory):
    """Retrain each example once for the whole module (a few seconds each)."""
    box, allow = _box()
    outcomes = {}
    for kind in ("deterministic", "numerical", "unseeded"):
        text = io.StringIO()
        options = RetrainOptions(sandbox=box, allow_no_sandbox=allow, text=text,
                                 report_dir=tmp_path_factory.mktemp(kind))
        result = retrain_source(str(EXAMPLES / f"retrain-{kind}"), registry, options)
        record_hints(result.hints)
        outcomes[kind] = Retrained(result, text.getvalue())
    return outcomes


def test_deterministic_hints(retrained):
    outcome = retrained["deterministic"]

    hints = _without_sandbox_tag(outcome.tags())

    assert [(tag, path) for tag, _, path in hints] == [
        ("retrain-reproduces-shipped-model", MODEL),
        ("retrain-reproducible-bit-by-bit", "debian/ml-models:8"),
    ]
    assert hints[0][1] in [f"{MODEL} {level}" for level in SHIPPED_LEVELS]
    assert hints[1][1] == MODEL
    assert ("model-file", "numpy-npz, 1.3 KiB, 4 tensors, 33 parameters", MODEL) in outcome.hints
    assert _problems(outcome.result.hints) == []


def test_deterministic_report(retrained):
    model = retrained["deterministic"].model

    comparison = model["comparisons"][0]
    curves = model["curves"][0]

    assert model["level"] == "bit-by-bit"
    assert model["status"] == "compared"
    assert [run["status"] for run in model["runs"]] == ["ok", "ok"]
    assert model["runs"][0]["sha256"] == model["runs"][1]["sha256"]
    assert comparison["bytes-identical"] is True
    assert comparison["method"] == "tensors"
    assert comparison["max-abs-diff"] == 0.0
    assert comparison["beyond-tolerance"] == 0
    assert [t["name"] for t in comparison["tensors"]] == TENSORS
    assert curves["level"] == "bit-by-bit"
    assert [c["name"] for c in curves["columns"]] == ["epoch", "loss", "accuracy"]
    assert all(c["identical"] for c in curves["columns"])
    assert model["final-metrics"]["run 1"] == model["final-metrics"]["run 2"]
    assert model["final-metrics"]["run 1"]["epoch"] == 300.0
    assert model["shipped-comparison"]["beyond-tolerance"] == 0


def test_numerical_hints(retrained):
    outcome = retrained["numerical"]

    hints = _without_sandbox_tag(outcome.tags())

    assert hints == [
        ("retrain-reproduces-shipped-model", f"{MODEL} numerically", MODEL),
        ("retrain-reproducible-numerically", MODEL, "debian/ml-models:8"),
    ]
    assert ("model-file", "numpy-npz, 1.2 KiB, 4 tensors, 33 parameters", MODEL) in outcome.hints
    assert _problems(outcome.result.hints) == []


def test_numerical_report(retrained):
    model = retrained["numerical"].model

    comparison = model["comparisons"][0]
    curves = model["curves"][0]
    loss = next(c for c in curves["columns"] if c["name"] == "loss")

    assert model["level"] == "numerical"
    assert model["tolerance"] == {"rtol": 1e-5, "atol": 1e-8, "declared": True}
    assert model["runs"][0]["sha256"] != model["runs"][1]["sha256"]
    assert comparison["bytes-identical"] is False
    assert comparison["tensors-identical"] is False
    assert comparison["beyond-tolerance"] == 0
    # float32 rounding differences: well above zero, well inside rtol=1e-5.
    assert 0 < comparison["max-abs-diff"] < 1e-5
    assert 0 < comparison["max-rel-diff"] < 1e-5
    assert 0 < comparison["tolerance-ratio"] < 1
    assert sum(t["size"] for t in comparison["tensors"]) == PARAMETERS
    assert [t["dtype"] for t in comparison["tensors"]] == ["float32"] * 4
    assert curves["level"] == "numerical"
    assert loss["beyond-tolerance"] == 0
    assert loss["final-within-tolerance"] is True
    assert loss["points"] == POINTS["numerical"]
    assert model["shipped-comparison"]["level"] == "numerical"


def test_unseeded_hints(retrained):
    outcome = retrained["unseeded"]

    hints = _without_sandbox_tag(outcome.tags())

    assert hints == [
        ("retrain-curves-diverge", "metrics.csv accuracy, loss", "debian/ml-models:10"),
        ("retrain-differs-from-shipped", MODEL, MODEL),
        ("retrain-not-reproducible", f"{MODEL} (tensors beyond tolerance, curves beyond tolerance)", "debian/ml-models:8"),
    ]


def test_unseeded_report(retrained):
    model = retrained["unseeded"].model

    comparison = model["comparisons"][0]
    loss = next(c for c in model["curves"][0]["columns"] if c["name"] == "loss")

    assert model["level"] == "not-reproducible"
    assert model["claimed"] == "none"
    assert comparison["level"] == "not-reproducible"
    assert comparison["beyond-tolerance"] == PARAMETERS
    assert comparison["max-abs-diff"] > 1e-3
    assert loss["beyond-tolerance"] > 0
    assert loss["first-beyond-step"] == 0.0
    assert loss["points"] == POINTS["unseeded"]
    assert model["shipped-comparison"]["level"] == "not-reproducible"


@pytest.mark.parametrize("kind", ["deterministic", "numerical", "unseeded"])
def test_report_json_layout(retrained, kind):
    outcome = retrained[kind]

    directory = outcome.report.directory
    text = (directory / "report.json").read_text(encoding="utf-8")
    model = outcome.model

    assert text.startswith('{\n  "format-version": 1,')
    assert directory.name == f"retrain-{kind}_1.0"
    assert outcome.json["source-date-epoch"] == 1796385600
    if HAVE_MATPLOTLIB:
        assert model["plots"] == ["model_classifier.npz/curves.png", "model_classifier.npz/tensors.png"]
    assert [run["artefact"] for run in model["runs"]] == [
        "model_classifier.npz/run-1/classifier.npz", "model_classifier.npz/run-2/classifier.npz",
    ]
    assert [run["metrics"] for run in model["runs"]] == [
        "model_classifier.npz/run-1/metrics.csv", "model_classifier.npz/run-2/metrics.csv",
    ]
    assert (directory / model["runs"][1]["stderr"]).read_bytes() == b""


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("kind", ["deterministic", "numerical", "unseeded"])
def test_plots_written(retrained, kind):
    pytest.importorskip("matplotlib")
    directory = retrained[kind].report.directory / "model_classifier.npz"

    curves = _png_size(directory / "curves.png")
    tensors = _png_size(directory / "tensors.png")

    assert curves[0] > 800
    assert curves[1] > 500
    assert tensors[0] > 800
    assert tensors[1] > 300


def test_plot_draws_both_runs(retrained, monkeypatch):
    pytest.importorskip("matplotlib")
    from dl_lint.retrain import plots

    model = retrained["numerical"].report.models[0]
    drawn = []
    monkeypatch.setattr("matplotlib.figure.Figure.savefig",
                        lambda figure, *args, **kwargs: drawn.extend(
                            [line.get_label() for line in axis.get_lines()] for axis in figure.axes))

    plots.plot_curves(plots._pyplot(), model, Path("unused.png"))

    loss, accuracy, loss_difference, _ = drawn
    assert loss == ["run 1", "run 2"]
    assert accuracy == ["run 1", "run 2"]
    assert loss_difference == ["run 2", "tolerance (rtol=1e-05, atol=1e-08)"]


def test_text_report(retrained):
    text = retrained["numerical"].text

    assert "model/classifier.npz: numerically reproducible (within tolerance) (claimed numerical)" in text
    assert "run 2 vs run 1: numerically reproducible (within tolerance); 4 tensors, 33 values, 0 beyond rtol=1e-05 atol=1e-08" in text
    assert "final metrics of run 1: epoch 300, loss " in text
    assert "run 1 vs shipped model/classifier.npz: numerically reproducible" in text


def test_plain_lint_clean(registry):
    result = lint_source(str(EXAMPLES / "retrain-deterministic"), registry)
    record_hints(result.hints)

    hints = [(h.tag, h.context, str(h.pointer)) for h in result.hints]

    assert ("model-file", "numpy-npz, 1.3 KiB, 4 tensors, 33 parameters", MODEL) in hints
    assert _problems(result.hints) == []
    assert not [h for h in hints if h[0].startswith("retrain-")]
    assert [model.path for model in result.package.models] == [MODEL]


@pytest.mark.parametrize("kind", ["numerical", "unseeded"])
def test_plain_lint_other_examples(registry, kind):
    result = lint_source(str(EXAMPLES / f"retrain-{kind}"), registry)

    models = [(model.path, model.format) for model in result.package.models]

    assert models == [(MODEL, "numpy-npz")]
    assert _problems(result.hints) == []


def test_examples_small():
    sizes = {path.name: sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
             for path in EXAMPLES.glob("retrain-*")}

    assert sorted(sizes) == ["retrain-deterministic", "retrain-numerical", "retrain-unseeded"]
    assert all(size < 20_000 for size in sizes.values()), sizes
