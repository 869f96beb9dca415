"""Summaries of sweep records: counts, text, self-contained HTML, progress bar."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile

import pytest

from dl_lint.sweep import cli
from dl_lint.sweep.inputs import SweepItem
from dl_lint.sweep.records import RecordWriter, failed_record
from dl_lint.sweep.report import format_html, format_text, summarise


def model(path: str, fmt: str, kind: str, size: int, classification: list | None = None) -> dict:
    entry = {"path": path, "format": fmt, "kind": kind, "size": size, "files": [path]}
    if classification:
        entry["classification"] = classification
    return entry


def hint(tag: str, *, overridden: bool = False) -> dict:
    return {"tag": tag, "severity": "info", "check": "models/inventory", "context": "",
            "pointer": None, "overridden": overridden}


def ok_record(source: str, area: str, models: list[dict], hints: list[dict], fmt: str = "3.0 (quilt)") -> dict:
    record = failed_record(SweepItem(dsc=f"/m/{source}.dsc", checksum=f"sha256:{source}", source=source,
                                     version="1.0-1", area=area), "")
    record.update(status="ok", error=None, format=fmt, models=models, hints=hints, timings={"total": 0.5})
    return record


def records() -> list[dict]:
    toxic = [{"tag": "model-category-toxiccandy", "context": ""}]
    return [
        ok_record("opus", "main", [model("dnn/a.c", "c-array", "embedded", 2000), model("dnn/b.c", "c-array", "embedded", 1000)],
                  [hint("embedded-model-weights"), hint("embedded-model-weights")]),
        ok_record("stockfish", "main", [model("src/nn-1.nnue", "nnue", "model", 50 << 20, toxic)],
                  [hint("model-file"), hint("model-file", overridden=True)]),
        ok_record("plain", "contrib", [], [], fmt="1.0"),
        failed_record(SweepItem(dsc="/m/broken.dsc", source="broken", version="2", area="non-free"),
                      "file broken_2.orig.tar.gz named in the .dsc was not found beside it <missing>"),
        ok_record("noarea", "", [], []),
    ]


def test_summary_counts():
    summary = summarise(records())

    assert (summary.packages, summary.ok, summary.failed) == (5, 4, 1)
    assert (summary.with_models, summary.models, summary.model_bytes) == (2, 3, 3000 + (50 << 20))
    assert summary.packages_by_area == {"main": 2, "contrib": 1, "non-free": 1, "(unknown)": 1}
    assert summary.model_packages_by_area == {"main": 2}
    assert summary.packages_by_source_format == {"3.0 (quilt)": 3, "1.0": 1}
    assert summary.models_by_category == {"(unclassified)": 2, "model-category-toxiccandy": 1}
    assert summary.models_by_format == {"c-array": 2, "nnue": 1}
    assert summary.models_by_kind == {"embedded": 2, "model": 1}
    assert summary.hints_by_tag == {"embedded-model-weights": 2, "model-file": 1}
    assert summary.packages_by_tag == {"embedded-model-weights": 1, "model-file": 1}


def test_summary_top_lists():
    summary = summarise(records(), top=1)

    assert [(p.source, p.count) for p in summary.top_by_count] == [("opus", 2)]
    assert [(p.source, p.largest, p.largest_size) for p in summary.top_by_size] == [("stockfish", "src/nn-1.nnue", 50 << 20)]
    assert [(f.source, f.dsc) for f in summary.failures] == [("broken", "/m/broken.dsc")]


def test_text_lines():
    text = format_text(summarise(records()))

    assert text.startswith("packages: 5 (4 ok, 1 failed); 2 with models, 3 models, 50.0 MiB\n")
    assert "  model-category-toxiccandy        1\n" in text
    assert "  opus 1.0-1: 2 models, 2.9 KiB\n" in text
    assert "  stockfish 1.0-1: 50.0 MiB in 1 model, largest src/nn-1.nnue (50.0 MiB)\n" in text
    assert "  broken 2 [/m/broken.dsc]: file broken_2.orig.tar.gz named in the .dsc was not found beside it <missing>\n" in text


def test_html_self_contained():
    document = format_html(summarise(records()))

    for forbidden in ("<script", "src=", "href=", "url(", "@import", "<link", "<iframe"):
        assert forbidden not in document.lower()
    assert document.count("<svg") == 8
    assert "beside it &lt;missing&gt;" in document
    assert '<td class="n" id="total-packages">5</td>' in document


def test_html_empty_records():
    document = format_html(summarise([]))

    assert '<td class="n" id="total-packages">0</td>' in document
    assert "<svg" not in document


def test_progress_line():
    stream = io.StringIO()
    progress = cli.Progress(2, stream, enabled=True)

    progress.update({"status": "failed", "source": "opus"})
    progress.update({"status": "ok", "source": "gnubg"})
    progress.finish()

    lines = stream.getvalue().split("\r")
    assert lines[1].startswith("[" + "#" * 15 + "." * 15 + "] 1/2 1 failed ")
    assert lines[2].startswith("[" + "#" * 30 + "] 2/2 1 failed ")
    assert stream.getvalue().endswith("\n")


def test_progress_disabled_silent():
    stream = io.StringIO()
    progress = cli.Progress(2, stream, enabled=False)

    progress.update({"status": "ok", "source": "opus"})
    progress.finish()

    assert stream.getvalue() == ""


def test_sweep_quiet_without_terminal(mirror, tmp_path, capfd):
    status = cli.main([str(mirror.generated[0].dsc), "-o", str(tmp_path / "records.jsonl"), "-j", "1"])

    captured = capfd.readouterr()
    assert status == 0
    assert captured.err == ""
    assert captured.out.startswith("packages: 1 (1 ok, 0 failed); 0 with models, 0 models, 0 B\n")


def test_report_only_writes_html(tmp_path, capsys):
    output = tmp_path / "records.jsonl"
    with RecordWriter(output) as writer:
        for record in records():
            writer.write(record)
    page = tmp_path / "report.html"

    status = cli.main(["--report-only", "-o", str(output), "--html", str(page)])

    assert status == 0
    assert capsys.readouterr().out.startswith("packages: 5 (4 ok, 1 failed)")
    assert '<td class="n" id="total-failed">1</td>' in page.read_text()


def test_report_only_missing_records(tmp_path, capsys):
    status = cli.main(["--report-only", "-o", str(tmp_path / "absent.jsonl")])

    assert status == 1
    assert f"{tmp_path / 'absent.jsonl'}: no such records file" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (Debian package chromium)")
def test_html_in_headless_chromium(mirror, local_sweep, tmp_path):
    page = tmp_path / "report.html"
    cli.main(["--report-only", "-o", str(local_sweep.output), "--html", str(page), "-q"])
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout

    totals = dict(re.findall(r'id="total-([a-z-]+)">([^<]*)<', dom))
    assert totals["packages"] == str(len(mirror.all_dscs))
    assert totals["failed"] == "1"
    assert totals["ok"] == str(len(mirror.all_dscs) - 1)
    assert "<svg" in dom
    assert "damaged-missing_1.0.orig.tar.gz named in the .dsc was not found beside it" in dom
