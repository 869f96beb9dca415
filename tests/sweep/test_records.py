"""Records files: durable appends, repair after a crash, last record wins."""

from __future__ import annotations

import json
import logging

from dl_lint.sweep.inputs import SweepItem
from dl_lint.sweep.records import (
    RecordWriter, attach_classification, completed_keys, drop_failed, failed_record, key_of, read_records, repair,
)

ITEM = SweepItem(dsc="/m/pool/main/a/a/a_1.0.dsc", checksum="sha256:aa", source="a", version="1.0", area="main")
OTHER = SweepItem(dsc="/m/pool/main/b/b/b_2.0.dsc", checksum="sha256:bb", source="b", version="2.0", area="main")


def ok(item: SweepItem) -> dict:
    record = failed_record(item, "")
    record.update(status="ok", error=None)
    return record


def test_writer_one_line_each(tmp_path):
    path = tmp_path / "records.jsonl"

    with RecordWriter(path) as writer:
        writer.write(ok(ITEM))
        writer.write(failed_record(OTHER, "timed out after 5 s; worker killed"))

    lines = path.read_text().splitlines()
    assert [json.loads(line)["source"] for line in lines] == ["a", "b"]
    assert json.loads(lines[1])["error"] == "timed out after 5 s; worker killed"


def test_writer_appends(tmp_path):
    path = tmp_path / "records.jsonl"
    with RecordWriter(path) as writer:
        writer.write(ok(ITEM))

    with RecordWriter(path) as writer:
        writer.write(ok(OTHER))

    assert [record["source"] for record in read_records(path)] == ["a", "b"]


def test_failed_record_fields():
    record = failed_record(ITEM, "cannot read /m/a.dsc: Permission denied", seconds=0.25)

    assert record["status"] == "failed"
    assert record["error"] == "cannot read /m/a.dsc: Permission denied"
    assert (record["source"], record["version"], record["area"]) == ("a", "1.0", "main")
    assert (record["hints"], record["models"], record["timings"]) == ([], [], {"total": 0.25})
    assert "index-entry" not in record


def test_repair_cuts_partial_line(tmp_path, caplog):
    path = tmp_path / "records.jsonl"
    whole = json.dumps(ok(ITEM)) + "\n"
    path.write_text(whole + json.dumps(ok(OTHER))[:40])

    with caplog.at_level(logging.WARNING):
        changed = repair(path)

    assert changed
    assert path.read_text() == whole
    assert "removed a partial last line of 40 bytes" in caplog.text


def test_repair_adds_newline(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(ok(ITEM)))

    changed = repair(path)

    assert changed
    assert path.read_text() == json.dumps(ok(ITEM)) + "\n"


def test_repair_clean_file_unchanged(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(ok(ITEM)) + "\n")

    assert not repair(path)
    assert not repair(tmp_path / "absent.jsonl")


def test_read_last_wins_and_skips(tmp_path, caplog):
    path = tmp_path / "records.jsonl"
    newer = failed_record(ITEM, "second run")
    path.write_text("\n".join([
        json.dumps(failed_record(ITEM, "first run")), "not json", json.dumps({"status": "ok"}), json.dumps(newer),
    ]) + "\n")

    with caplog.at_level(logging.WARNING):
        records = read_records(path)

    assert [record["error"] for record in records] == ["second run"]
    assert "skipped 2 lines that are not sweep records" in caplog.text


def test_completed_keys_failed_optional():
    records = [ok(ITEM), failed_record(OTHER, "timed out")]

    assert completed_keys(records) == {"/m/pool/main/a/a/a_1.0.dsc sha256:aa", "/m/pool/main/b/b/b_2.0.dsc sha256:bb"}
    assert completed_keys(records, include_failed=False) == {"/m/pool/main/a/a/a_1.0.dsc sha256:aa"}


def test_key_without_checksum_uses_name():
    item = SweepItem(dsc="/m/x_1.dsc", source="x", version="1")

    assert key_of(failed_record(item, "cannot read")) == "x_1"


def test_drop_failed_rewrites(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(ok(ITEM)) + "\n" + json.dumps(failed_record(OTHER, "timed out")) + "\n")

    dropped = drop_failed(path)

    assert dropped == 1
    assert [record["source"] for record in read_records(path)] == ["a"]
    assert not (tmp_path / "records.jsonl.tmp").exists()


def test_classification_attached_by_pointer():
    model = {"path": "models/a.onnx", "files": ["models/a.onnx"], "format": "onnx"}
    hints = [
        {"tag": "model-category-toxiccandy", "severity": "classification", "context": "data missing",
         "pointer": {"path": "models/a.onnx", "line": None}},
        {"tag": "model-file", "severity": "info", "context": "onnx", "pointer": {"path": "models/a.onnx", "line": None}},
        {"tag": "model-category-free", "severity": "classification", "context": "", "pointer": {"path": "b.onnx", "line": None}},
    ]

    attached = attach_classification(model, hints)

    assert attached["classification"] == [{"tag": "model-category-toxiccandy", "context": "data missing"}]
    assert "classification" not in model


def test_classification_absent_unchanged():
    model = {"path": "a.nnue", "files": ["a.nnue"], "format": "nnue"}

    assert attach_classification(model, []) == model
    assert "classification" not in attach_classification(model, [])
