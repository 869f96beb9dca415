"""dl-lint --retrain on the command line: options, exit status, output streams."""

from __future__ import annotations

import json

from dl_lint.cli import EXIT_ERROR, EXIT_HINTS, EXIT_OK, main
from dl_lint.retrain import sandbox

from .conftest import EXAMPLES


def test_retrain_deterministic(capsys, tmp_path, isolation):
    status = main(["--retrain", "--report-dir", str(tmp_path), str(EXAMPLES / "retrain-deterministic")])

    out = capsys.readouterr().out
    assert status == EXIT_OK
    assert "  model/classifier.npz: bit-by-bit identical (claimed bit-by-bit)\n" in out
    assert "I: retrain-deterministic source: retrain-reproducible-bit-by-bit model/classifier.npz [debian/ml-models:8]\n" in out
    assert f"  report: {tmp_path}/retrain-deterministic_1.0/report.json\n" in out


def test_retrain_fail_on_warning(capsys, tmp_path, isolation):
    status = main(["--retrain", "--fail-on", "warning", "--report-dir", str(tmp_path),
                   str(EXAMPLES / "retrain-unseeded")])

    out = capsys.readouterr().out
    assert status == EXIT_HINTS
    assert "W: retrain-unseeded source: retrain-differs-from-shipped model/classifier.npz [model/classifier.npz]\n" in out


def test_retrain_json(capsys, tmp_path, isolation):
    status = main(["--retrain", "--format", "json", "--report-dir", str(tmp_path), "--runs", "3",
                   str(EXAMPLES / "retrain-deterministic")])

    captured = capsys.readouterr()
    document = json.loads(captured.out)
    tags = [hint["tag"] for hint in document["packages"][0]["hints"]]
    report = json.loads((tmp_path / "retrain-deterministic_1.0" / "report.json").read_text())
    assert status == EXIT_OK
    assert "retrain-reproducible-bit-by-bit" in tags
    assert captured.err.startswith("retrain retrain-deterministic 1.0: 3 runs per model in bwrap sandbox")
    assert report["runs"] == 3
    assert len(report["models"][0]["comparisons"]) == 2


def test_retrain_rejected(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "probe_sandbox", lambda: sandbox.Sandbox(kind="none", reason="bwrap not found (Debian package bubblewrap)"))

    status = main(["--retrain", "--report-dir", str(tmp_path), str(EXAMPLES / "retrain-deterministic")])

    out = capsys.readouterr().out
    assert status == EXIT_HINTS
    assert ("E: retrain-deterministic source: retrain-sandbox-unavailable "
            "bwrap not found (Debian package bubblewrap) [debian/ml-models]\n") in out
    assert not (tmp_path / "retrain-deterministic_1.0" / "model_classifier.npz").exists()


def test_runs_too_few(capsys):
    status = main(["--retrain", "--runs", "1", str(EXAMPLES / "retrain-deterministic")])

    err = capsys.readouterr().err
    assert status == EXIT_ERROR
    assert err == "dl-lint: error: --runs must be at least 2 to compare runs, not 1\n"


def test_timeout_invalid(capsys):
    status = main(["--retrain", "--retrain-timeout", "0", str(EXAMPLES / "retrain-deterministic")])

    err = capsys.readouterr().err
    assert status == EXIT_ERROR
    assert err == "dl-lint: error: --retrain-timeout must be a positive number of seconds, not 0\n"


def test_help_lists_options(capsys):
    status = main(["--help"])

    out = capsys.readouterr().out
    assert status == EXIT_OK
    for option in ("--retrain", "--runs N", "--report-dir DIR", "--allow-no-sandbox", "--retrain-timeout SECONDS"):
        assert option in out
