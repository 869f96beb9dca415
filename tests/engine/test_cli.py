"""The command line: output formats, exit status, overrides, explanations."""

from __future__ import annotations

import json

import pytest

from dl_lint import cli, explain
from tests.conftest import EMITTED_TAGS

NNUE = bytes.fromhex("202ff37a") + bytes(range(256)) * 4


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    for line in captured.out.splitlines():
        if line[:3] in ("E: ", "W: ", "I: ", "P: ", "C: ", "O: ") and " source: " in line:
            EMITTED_TAGS.add(line.split(" source: ", 1)[1].split()[0])
    return status, captured.out, captured.err


@pytest.fixture
def nnue_tree(make_tree):
    return make_tree({"src/nn-0123456789ab.nnue": NNUE})


def test_ewi_line_format(capsys, nnue_tree):
    status, out, _ = run_cli(capsys, str(nnue_tree), "--check", "models/inventory")

    assert status == 0
    assert out.splitlines() == ["I: demo source: model-file nnue, 1.0 KiB [src/nn-0123456789ab.nnue]"]


def test_json_first_key_version(capsys, nnue_tree):
    status, out, _ = run_cli(capsys, "--format", "json", "--check", "models/inventory", str(nnue_tree))

    document = json.loads(out)
    assert status == 0
    assert list(document)[0] == "format-version"
    assert document["format-version"] == 1
    package = document["packages"][0]
    assert package["source"] == "demo"
    assert package["models"][0]["format"] == "nnue"
    assert package["models"][0]["size"] == 1028
    assert package["hints"][0] == {
        "tag": "model-file",
        "severity": "info",
        "check": "models/inventory",
        "context": "nnue, 1.0 KiB",
        "pointer": {"path": "src/nn-0123456789ab.nnue", "line": None},
        "overridden": False,
    }


def test_fail_on_levels(capsys, make_tree):
    tree = make_tree({"debian/ml-models": "Files: nothing-here\n"})

    warning_status, out, _ = run_cli(capsys, str(tree), "--check", "debian/ml-models")
    strict_status, _, _ = run_cli(capsys, str(tree), "--check", "debian/ml-models", "--fail-on", "warning")

    assert "W: demo source: ml-models-files-match-nothing nothing-here [debian/ml-models:1]" in out
    assert warning_status == 0
    assert strict_status == 2


def test_error_exit_two(capsys, make_tree):
    tree = make_tree({"debian/ml-models": "Files: *\nReproducibility: sometimes\n"})

    status, out, _ = run_cli(capsys, str(tree), "--check", "debian/ml-models")

    assert status == 2
    assert (
        "E: demo source: ml-models-invalid-value Reproducibility: sometimes "
        "(expected one of bit-by-bit, numerical, none, unknown) [debian/ml-models:2]"
    ) in out


def test_missing_input_exit_one(capsys, tmp_path):
    status, out, err = run_cli(capsys, str(tmp_path / "nope"))

    assert status == 1
    assert out == ""
    assert err == f"dl-lint: error: {tmp_path / 'nope'}: no such file or directory\n"


def test_no_input_exit_one(capsys):
    status, _, err = run_cli(capsys)

    assert status == 1
    assert err.endswith("dl-lint: error: no source package given\n")


def test_unknown_check_exit_one(capsys, nnue_tree):
    status, _, err = run_cli(capsys, str(nnue_tree), "--check", "no/such-check")

    assert status == 1
    assert err == "dl-lint: error: unknown check no/such-check; see dl-lint --list-checks\n"


def test_bad_option_exit_one(capsys):
    status, _, err = run_cli(capsys, "--format", "xml", "x")

    assert status == 1
    assert "invalid choice: 'xml'" in err


def test_help_lists_checks(capsys):
    status, out, _ = run_cli(capsys, "--help")

    assert status == 0
    assert "models/inventory" in out
    assert "debian/ml-models" in out


def test_info_explains_once(capsys, make_tree):
    tree = make_tree({"a/nn-0123456789ab.nnue": NNUE, "b/nn-0123456789ab.nnue": NNUE})

    status, out, _ = run_cli(capsys, "--info", "--check", "models/inventory", str(tree))

    assert status == 0
    assert out.count("N:   Check: models/inventory") == 1
    assert "N:   The package contains a trained machine-learning model" in out


def test_override_silences_hint(capsys, make_tree):
    tree = make_tree({
        "src/nn-0123456789ab.nnue": NNUE,
        "debian/source/lintian-overrides": "# Shipped on purpose.\ndemo source: model-file nnue, * [src/nn-*.nnue]\nsome-lintian-tag foo\n",
    })

    _, out, _ = run_cli(capsys, str(tree), "--check", "models/inventory")
    _, shown, _ = run_cli(capsys, str(tree), "--check", "models/inventory", "--show-overrides")

    assert out == ""
    assert shown.splitlines() == [
        "N: Shipped on purpose.",
        "O: demo source: model-file nnue, 1.0 KiB [src/nn-0123456789ab.nnue]",
    ]


def test_override_problems_reported(capsys, make_tree):
    tree = make_tree({
        "debian/source/dl-lint-overrides": "model-file nothing matches this\nno-such-dl-lint-tag\n!!! not an override\n",
    })

    _, out, _ = run_cli(capsys, str(tree), "--check", "models/inventory")

    assert out.splitlines() == [
        "W: demo source: dl-lint-override-malformed !!! not an override [debian/source/dl-lint-overrides:3]",
        "W: demo source: dl-lint-override-unknown-tag no-such-dl-lint-tag [debian/source/dl-lint-overrides:2]",
        "I: demo source: dl-lint-override-unused model-file nothing matches this [debian/source/dl-lint-overrides:1]",
    ]


def test_no_override_flag(capsys, make_tree):
    tree = make_tree({
        "src/nn-0123456789ab.nnue": NNUE,
        "debian/source/dl-lint-overrides": "model-file\n",
    })

    _, out, _ = run_cli(capsys, str(tree), "--check", "models/inventory", "--no-override")

    assert out.splitlines() == ["I: demo source: model-file nnue, 1.0 KiB [src/nn-0123456789ab.nnue]"]


def test_internal_error_keeps_other_checks(capsys, nnue_tree, monkeypatch, registry):
    module = registry.checks["debian/ml-models"].module
    monkeypatch.setattr(module, "run", lambda package, hints: 1 / 0)
    monkeypatch.setattr(cli.Registry, "load", classmethod(lambda cls, include=(): registry))

    status, out, _ = run_cli(capsys, str(nnue_tree))

    assert status == 2
    assert "E: demo source: dl-lint-internal-error debian/ml-models (ZeroDivisionError: division by zero)" in out
    assert "I: demo source: model-file nnue, 1.0 KiB [src/nn-0123456789ab.nnue]" in out


def test_explain_tags_known_and_unknown(capsys):
    known = explain.main(["model-file"])
    known_out = capsys.readouterr().out
    unknown = explain.main(["no-such-tag"])
    unknown_err = capsys.readouterr().err

    assert known == 0
    assert known_out.startswith("N: I: model-file\nN:\n")
    assert unknown == 1
    assert unknown_err == "dl-lint-explain-tags: error: unknown tag no-such-tag\n"


def test_explain_tags_list(capsys):
    status = explain.main(["--list-tags"])

    assert status == 0
    assert "model-file" in capsys.readouterr().out.split()


def test_include_dir_adds_check(capsys, tmp_path, nnue_tree):
    include = tmp_path / "vendor"
    (include / "checks" / "vendor").mkdir(parents=True)
    (include / "data" / "tags").mkdir(parents=True)
    (include / "checks" / "vendor" / "models.py").write_text(
        '"""Count models."""\n\ndef run(package, hints):\n    hints.emit("vendor-model-count", str(len(package.models)))\n'
    )
    (include / "data" / "tags" / "vendor-model-count.tag").write_text(
        "Tag: vendor-model-count\nSeverity: info\nCheck: vendor/models\nExplanation: Number of models.\n"
    )

    status, out, _ = run_cli(capsys, "--include-dir", str(include), "--check", "vendor/models", str(nnue_tree))

    assert status == 0
    assert out.splitlines() == ["I: demo source: vendor-model-count 1"]
    EMITTED_TAGS.discard("vendor-model-count")


def test_unknown_profile_exit_one(capsys, nnue_tree):
    status, out, err = run_cli(capsys, "--profile", "nope", str(nnue_tree))

    assert status == 1
    assert out == ""
    assert err == (
        "dl-lint: error: unknown policy profile 'nope'; "
        "available profiles: archive-practice, ml-policy, strict\n"
    )


def test_fetched_declaration_needs_no_file(capsys, make_tree):
    tree = make_tree({
        "debian/ml-models": "Files: ~/.cache/acme/detector.onnx\nFetched-From: https://example.org/detector.onnx\n"
        "Fetched-Optional: detection is an optional feature\n",
    })

    status, out, _ = run_cli(capsys, str(tree), "--check", "debian/ml-models")

    assert status == 0
    assert out == ""


def test_override_escaped_star_literal(capsys, make_tree):
    tree = make_tree({
        "src/nn-0123456789ab.nnue": NNUE,
        "debian/source/lintian-overrides": "model-file nnue\\, \\* [src/nn-0123456789ab.nnue]\n",
    })

    _, out, _ = run_cli(capsys, str(tree), "--check", "models/inventory")

    assert out.splitlines() == [
        "I: demo source: dl-lint-override-unused model-file nnue\\, \\* [src/nn-0123456789ab.nnue] "
        "[debian/source/lintian-overrides:1]",
        "I: demo source: model-file nnue, 1.0 KiB [src/nn-0123456789ab.nnue]",
    ]


def test_ml_models_defects_with_lines(capsys, make_tree):
    tree = make_tree({
        "src/nn-0123456789ab.nnue": NNUE,
        "debian/ml-models": (
            "Files: src/*.nnue\nComment: first\nComment: second\n\nTraining-Data: https://example.org/games\n"
        ),
    })

    _, out, _ = run_cli(capsys, str(tree), "--check", "debian/ml-models")

    assert out.splitlines() == [
        "E: demo source: ml-models-duplicate-field Comment [debian/ml-models:3]",
        "E: demo source: ml-models-missing-field Files [debian/ml-models:5]",
    ]


@pytest.mark.parametrize(
    "error, expected",
    [
        (RuntimeError("unexpected state"), ("model-inspection-failed", "RuntimeError: unexpected state")),
        ("missing", ("model-inspector-unavailable", "onnx (python3-onnx)")),
    ],
)
def test_inspector_failures_reported(make_tree, lint, monkeypatch, error, expected):
    import dl_lint.inspect.onnx as onnx_inspector
    from dl_lint.errors import MissingDependencyError

    def broken(stream, size):
        raise MissingDependencyError("onnx", "python3-onnx") if error == "missing" else error

    monkeypatch.setattr(onnx_inspector, "inspect", broken)
    tree = make_tree({"model/net.onnx": bytes([0x08, 0x07, 0x12, 0x04]) + b"test"})

    hints = lint(tree)

    assert (expected[0], expected[1], "model/net.onnx") in hints


def test_quick_start_example_output(capsys):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "hello-onnx"

    status, out, _ = run_cli(capsys, str(example))

    assert status == 2
    assert out.splitlines() == [
        "E: hello-onnx source: model-category-not-allowed-in-area ToxicCandy in main (allowed: non-free) [model/digits.onnx]",
        "C: hello-onnx source: model-category-toxiccandy ToxicCandy: no training program found [model/digits.onnx]",
        "I: hello-onnx source: model-file onnx, 2.8 KiB, 2 tensors, 650 parameters [model/digits.onnx]",
        "W: hello-onnx source: model-without-training-program none found [model/digits.onnx]",
    ]
