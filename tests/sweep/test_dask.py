"""Sweeps on a Dask cluster: a LocalCluster of two worker processes."""

from __future__ import annotations

import pytest

from tests.sweep.conftest import run_sweep, without_timings

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (Debian package python3-distributed)")


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster:
        yield cluster.scheduler_address


def test_dask_same_records(mirror, local_sweep, scheduler, tmp_path):
    run = run_sweep([str(mirror.root), "--scheduler", scheduler], tmp_path / "records.jsonl")

    assert run.exit_status == 0
    assert sorted(run.records) == sorted(local_sweep.records)
    for dsc, record in run.records.items():
        assert without_timings(record) == without_timings(local_sweep.records[dsc]), dsc


def test_dask_timeout_fails(mirror, slow_dsc, scheduler, tmp_path):
    listing = tmp_path / "list"
    small = mirror.generated[0].dsc
    listing.write_text(f"{slow_dsc}\n{small}\n")

    run = run_sweep([str(listing), "--scheduler", scheduler, "--timeout", "1"], tmp_path / "records.jsonl")

    assert run.records[str(slow_dsc)]["error"] == "timed out after 1 s; worker killed"
    assert run.records[str(small)]["status"] == "ok"


def test_dask_unreachable_scheduler(mirror, tmp_path, capsys):
    run = run_sweep([str(mirror.generated[0].dsc), "--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "2"], tmp_path / "records.jsonl")

    assert run.exit_status == 1
    assert "cannot connect to the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
