"""Local sweeps: same findings as linting alone, damaged input, timeouts, crashes, resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from dl_lint.lint import lint_source
from dl_lint.output import result_json
from dl_lint.sweep import cli
from dl_lint.sweep.records import key_of, read_records
from tests.sweep.conftest import run_sweep, sweep_command, sweep_environment, without_timings


def models_without_classification(models: list[dict]) -> list[dict]:
    return [{k: v for k, v in model.items() if k != "classification"} for model in models]


def test_sweep_records_every_package(mirror, local_sweep):
    recorded = sorted(local_sweep.records)

    assert local_sweep.exit_status == 0
    assert recorded == sorted(str(path) for path in mirror.all_dscs)


def test_sweep_matches_lint_alone(mirror, local_sweep, registry):
    for dsc in mirror.all_dscs:
        if dsc == mirror.missing_tarball:
            continue
        record = local_sweep.records[str(dsc)]

        alone = result_json(lint_source(str(dsc), registry))

        assert record["status"] == "ok", dsc
        assert (record["source"], record["version"]) == (alone["source"], alone["version"])
        assert record["hints"] == alone["hints"], dsc
        assert models_without_classification(record["models"]) == alone["models"], dsc


@pytest.mark.parametrize("index", [3, 5, 143])
def test_sweep_generated_models(mirror, local_sweep, index):
    package = mirror.generated[index]

    record = local_sweep.records[str(package.dsc)]

    assert sorted(model["path"] for model in record["models"]) == sorted(package.models)
    assert record["area"] == package.area


def test_sweep_models_carry_classification(mirror, local_sweep):
    package = mirror.generated[3]
    record = local_sweep.records[str(package.dsc)]
    (network,) = record["models"]

    expected = [
        {"tag": hint["tag"], "context": hint["context"]}
        for hint in record["hints"]
        if hint["severity"] == "classification" and hint["pointer"]["path"] == network["path"]
    ]

    assert network["path"] == package.models[0]
    assert expected
    assert network["classification"] == expected


def test_sweep_corpus_findings(mirror, local_sweep):
    if not mirror.corpus:
        pytest.skip("the dl-lint corpus is not present")
    by_source = {record["source"]: record for record in local_sweep.records.values()}

    opus = {(m["path"], m["format"]) for m in by_source["opus"]["models"]}
    gnubg = [(m["path"], m["format"]) for m in by_source["gnubg"]["models"]]

    assert ("dnn/plc_data.c", "c-array") in opus
    assert gnubg == [("gnubg.weights", "gnubg-weights")]
    assert by_source["opus"]["format"] == "3.0 (quilt)"
    assert by_source["opus"]["area"] == "main"


def test_sweep_missing_tarball_failed(mirror, local_sweep):
    record = local_sweep.records[str(mirror.missing_tarball)]

    assert record["status"] == "failed"
    assert record["error"].endswith("file damaged-missing_1.0.orig.tar.gz named in the .dsc was not found beside it")
    assert (record["source"], record["version"]) == ("damaged-missing", "1.0-1")
    assert record["hints"] == []


def test_sweep_checksum_mismatch_hint(mirror, local_sweep):
    record = local_sweep.records[str(mirror.checksum_mismatch)]

    tags = [(hint["tag"], hint["context"]) for hint in record["hints"]]

    assert record["status"] == "ok"
    assert tags == [("source-checksum-mismatch", "damaged-checksum_1.0.orig.tar.gz sha256")]


def test_sweep_truncated_tarball_hint(mirror, local_sweep):
    record = local_sweep.records[str(mirror.truncated_tarball)]

    hints = [(hint["tag"], hint["context"]) for hint in record["hints"]]

    assert record["status"] == "ok"
    assert hints == [
        ("source-file-unreadable", "data/blob.bin (unexpected end of data)"),
        ("source-tarball-unreadable", "damaged-truncated_1.0.orig.tar.gz (truncated or damaged member data)"),
    ]


def test_sweep_record_fields(mirror, local_sweep):
    record = local_sweep.records[str(mirror.generated[3].dsc)]

    assert list(record)[:10] == ["record-version", "dl-lint-version", "dsc", "dsc-checksum", "source",
                                 "version", "area", "status", "format", "error"]
    assert record["dsc-checksum"].startswith("sha256:")
    assert set(record["timings"]) == {"read", "checks", "total"}
    assert "model-file" in [hint["tag"] for hint in record["hints"]]


def test_existing_output_needs_resume(mirror, tmp_path, capsys):
    output = tmp_path / "records.jsonl"
    output.write_text("{}\n")

    status = cli.main([str(mirror.generated[0].dsc), "-o", str(output), "-q"])

    assert status == 1
    assert f"{output} already exists; pass --resume" in capsys.readouterr().err


def test_no_input_exit_one(capsys):
    status = cli.main([])

    assert status == 1
    assert "no input given" in capsys.readouterr().err


@pytest.mark.parametrize(("options", "message"), [
    (["--retry-failed"], "--retry-failed needs --resume"),
    (["--resume", "--overwrite"], "--resume and --overwrite exclude each other"),
    (["--timeout", "0"], "argument --timeout: must be a positive number, not 0"),
])
def test_option_conflicts_exit_one(mirror, tmp_path, capsys, options, message):
    status = cli.main([str(mirror.generated[0].dsc), "-o", str(tmp_path / "records.jsonl"), *options])

    assert status == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "records.jsonl").exists()


def test_unwritable_output_exit_one(mirror, tmp_path, capsys):
    output = tmp_path / "absent" / "records.jsonl"

    status = cli.main([str(mirror.generated[0].dsc), "-o", str(output), "-q"])

    assert status == 1
    assert f"cannot open the records file {output}: No such file or directory" in capsys.readouterr().err


def test_sigterm_stops_and_keeps_records(mirror, slow_dsc, tmp_path):
    listing = tmp_path / "list"
    listing.write_text(f"{mirror.generated[0].dsc}\n{slow_dsc}\n")
    output = tmp_path / "records.jsonl"
    process = subprocess.Popen(sweep_command(str(listing), "-o", str(output), "-j", "1", "-q"),
                               env=sweep_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_lines(output, 1, process)
    (worker,) = _children(process.pid)

    process.send_signal(signal.SIGTERM)
    stderr = process.communicate(timeout=60)[1].decode()

    assert process.returncode == 130
    assert f"interrupted; the records so far are in {output}; run again with --resume" in stderr
    assert [record["source"] for record in read_records(output)] == ["gen0000"]
    assert not Path(f"/proc/{worker}").exists()


def test_resume_skips_recorded(mirror, tmp_path):
    first = [str(p.dsc) for p in mirror.generated[:3]]
    listing = tmp_path / "list"
    listing.write_text("\n".join(first) + "\n")
    output = tmp_path / "records.jsonl"
    run_sweep([str(listing), "-j", "1"], output)
    listing.write_text("\n".join(first + [str(mirror.generated[3].dsc)]) + "\n")
    before = output.read_text().splitlines()

    resumed = run_sweep([str(listing), "-j", "1", "--resume"], output)

    lines = output.read_text().splitlines()
    assert lines[:3] == before
    assert len(lines) == 4
    assert sorted(resumed.records) == sorted(first + [str(mirror.generated[3].dsc)])


def test_retry_failed_relints(mirror, tmp_path):
    package = Path(shutil.copytree(mirror.missing_tarball.parent, tmp_path / "damaged-missing"))
    dsc = package / mirror.missing_tarball.name
    listing = tmp_path / "list"
    listing.write_text(f"{dsc}\n{mirror.generated[0].dsc}\n")
    output = tmp_path / "records.jsonl"
    first = run_sweep([str(listing), "-j", "1"], output)
    shutil.copy(mirror.generated[0].dsc.parent / "gen0000_1.0.orig.tar.gz", package / "damaged-missing_1.0.orig.tar.gz")

    resumed = run_sweep([str(listing), "-j", "1", "--resume", "--retry-failed"], output)

    record = resumed.records[str(dsc)]
    assert first.records[str(dsc)]["status"] == "failed"
    assert record["status"] == "ok"
    assert [hint["tag"] for hint in record["hints"]] == ["source-checksum-mismatch"]
    assert len(output.read_text().splitlines()) == 2


def test_timeout_fails_and_continues(mirror, slow_dsc, tmp_path):
    listing = tmp_path / "list"
    small = [mirror.generated[0].dsc, mirror.generated[1].dsc]
    listing.write_text(f"{small[0]}\n{slow_dsc}\n{small[1]}\n")

    run = run_sweep([str(listing), "-j", "1", "--timeout", "1"], tmp_path / "records.jsonl")

    assert run.records[str(slow_dsc)]["status"] == "failed"
    assert run.records[str(slow_dsc)]["error"] == "timed out after 1 s; worker killed"
    assert [run.records[str(path)]["status"] for path in small] == ["ok", "ok"]


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children += [int(child) for child in text]
    return children


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert process.poll() is None, "the sweep ended before it could be interrupted"
        time.sleep(0.01)
    raise AssertionError(f"{path} did not reach {count} lines within {limit} s")


def test_worker_killed_fails_package(mirror, slow_dsc, tmp_path):
    listing = tmp_path / "list"
    small = [mirror.generated[0].dsc, mirror.generated[1].dsc]
    listing.write_text(f"{small[0]}\n{slow_dsc}\n{small[1]}\n")
    output = tmp_path / "records.jsonl"
    process = subprocess.Popen(sweep_command(str(listing), "-o", str(output), "-j", "1", "-q"),
                               env=sweep_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_lines(output, 1, process)
    # The one worker now lints the slow package; kill it as the kernel's OOM killer would.
    (worker,) = _children(process.pid)
    os.kill(worker, signal.SIGKILL)

    stderr = process.communicate(timeout=60)[1].decode()

    records = {record["dsc"]: record for record in read_records(output)}
    assert process.returncode == 0
    assert records[str(slow_dsc)]["error"] == "worker process killed by SIGKILL"
    assert [records[str(path)]["status"] for path in small] == ["ok", "ok"]
    assert f"{slow_dsc}: worker process killed by SIGKILL" in stderr


def test_kill_and_resume_once_each(mirror, local_sweep, slow_dsc, tmp_path):
    generated = [str(p.dsc) for p in mirror.generated[:200]]
    listing = tmp_path / "list"
    # The slow package keeps the sweep busy, so the kill always lands mid-way.
    listing.write_text("\n".join(generated[:100] + [str(slow_dsc)] + generated[100:]) + "\n")
    output = tmp_path / "records.jsonl"
    process = subprocess.Popen(sweep_command(str(listing), "-o", str(output), "-j", "2", "-q"),
                               env=sweep_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    _wait_for_lines(output, 120, process)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    data = output.read_bytes()
    last_start = data.rstrip(b"\n").rfind(b"\n") + 1
    output.write_bytes(data[: last_start + (len(data) - last_start) // 2])
    recorded_before = data.count(b"\n")

    resumed = run_sweep([str(listing), "-j", "2", "--resume", "--timeout", "2"], output)

    keys = Counter(key_of(json.loads(line)) for line in output.read_text().splitlines())
    assert 120 <= recorded_before < 201
    assert set(keys.values()) == {1}
    assert len(keys) == 201
    assert resumed.records[str(slow_dsc)]["error"] == "timed out after 2 s; worker killed"
    for dsc in generated:
        assert without_timings(resumed.records[dsc]) == without_timings(local_sweep.records[dsc])


def test_unknown_profile_fails_before_sweeping(tmp_path, capsys):
    from dl_lint.sweep import cli as sweep_cli

    status = sweep_cli.main(["--profile", "nope", "--output", str(tmp_path / "records.jsonl"), str(tmp_path)])

    assert status == 1
    assert capsys.readouterr().err.startswith("dl-lint-sweep: error: unknown policy profile 'nope'")
    assert not (tmp_path / "records.jsonl").exists()
