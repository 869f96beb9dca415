"""Sweep records: one JSON object per line, one line per source package.

A record is "ok" when dl_lint.lint.lint_source returned a result, even if
that result carries the engine's own hints about damaged input
(source-checksum-mismatch, source-tarball-unreadable).

A record is "failed" when no result exists, and ``error`` gives the reason.
That happens when lint_source raised (a tarball named by the .dsc is
missing, the .dsc is unreadable), when the input showed that the package
cannot be linted (an index entry without a .dsc, a .dsc whose checksum
differs from the index), and when the worker crashed or ran past its time
limit.

Each record is written with one write call, then flushed and fsynced, so a
crash loses at most the packages in flight and at most one partial last
line, which ``repair`` removes.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

from .. import __version__
from ..errors import UsageError
from ..lint import LintResult
from ..output import result_json
from .inputs import SweepItem, record_key

log = logging.getLogger(__name__)

RECORD_VERSION = 1
OK = "ok"
FAILED = "failed"
# Fields every record has; a line missing one is not a record.
REQUIRED = ("record-version", "dsc", "dsc-checksum", "source", "version", "status")


def _base(item: SweepItem, *, source: str, version: str, status: str) -> dict:
    record = {
        "record-version": RECORD_VERSION,
        "dl-lint-version": __version__,
        "dsc": item.dsc,
        "dsc-checksum": item.checksum,
        "source": source,
        "version": version,
        "area": item.area,
        "status": status,
    }
    if item.index_entry:
        record["index-entry"] = item.index_entry
    return record


def ok_record(item: SweepItem, result: LintResult, *, seconds: float) -> dict:
    """Return the record of a package that lint_source linted."""
    data = result_json(result)
    record = _base(item, source=data["source"], version=data["version"], status=OK)
    record["format"] = result.package.source.source_format
    record["error"] = None
    record["hints"] = data["hints"]
    record["models"] = [attach_classification(model, data["hints"]) for model in data["models"]]
    record["timings"] = {
        "read": round(result.timings.get("read", 0.0), 3),
        "checks": round(result.timings.get("checks", 0.0), 3),
        "total": round(seconds, 3),
    }
    return record


def failed_record(item: SweepItem, reason: str, *, seconds: float = 0.0) -> dict:
    """Return the record of a package that could not be linted, with the REASON."""
    record = _base(item, source=item.source, version=item.version, status=FAILED)
    record["format"] = ""
    record["error"] = reason
    record["hints"] = []
    record["models"] = []
    record["timings"] = {"total": round(seconds, 3)}
    return record


def attach_classification(model: dict, hints: list[dict]) -> dict:
    """Attach the classification hints that point at one of the model's files."""
    files = set(model.get("files") or []) | {model["path"]}
    found = [
        {"tag": hint["tag"], "context": hint["context"]}
        for hint in hints
        if hint["severity"] == "classification" and hint["pointer"] and hint["pointer"]["path"] in files
    ]
    if found:
        model = dict(model, classification=found)
    return model


def key_of(record: dict) -> str:
    """Return the identity of the package a record describes (see inputs.record_key)."""
    return record_key(
        dsc=record.get("dsc", ""), checksum=record.get("dsc-checksum", ""),
        source=record.get("source", ""), version=record.get("version", ""),
        index_entry=record.get("index-entry", ""),
    )


def encode(record: dict) -> bytes:
    """Return a record as one JSON line."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _parse(line: bytes) -> dict | None:
    try:
        record = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or any(name not in record for name in REQUIRED):
        return None
    return record


class RecordWriter:
    """Append records to a JSON-lines file, each one durable once ``write`` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise UsageError(f"cannot open the records file {path}: {error.strerror}") from error

    def write(self, record: dict) -> None:
        data = encode(record)
        # One write of the whole line: a kill leaves a line either whole or cut at the end.
        written = os.write(self._fd, data)
        while written < len(data):
            written += os.write(self._fd, data[written:])
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def repair(path: Path) -> bool:
    """Remove a partial last line left by a crash; return whether the file changed.

    A last line that is a whole record lacking only its newline gets the
    newline; anything else after the last newline is cut off.
    """
    if not path.exists():
        return False
    with open(path, "rb+") as handle:
        data = handle.read()
        if not data or data.endswith(b"\n"):
            return False
        start = data.rfind(b"\n") + 1
        if _parse(data[start:]) is not None:
            handle.write(b"\n")
            log.warning("%s: added the missing newline after the last record", path)
        else:
            handle.truncate(start)
            log.warning("%s: removed a partial last line of %d bytes", path, len(data) - start)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def read_records(path: Path) -> list[dict]:
    """Return the records of a file, the last one for each package; skip invalid lines."""
    records: dict[str, dict] = {}
    invalid = 0
    with open(path, "rb") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = _parse(line)
            if record is None:
                invalid += 1
                continue
            records[key_of(record)] = record
    if invalid:
        log.warning("%s: skipped %d lines that are not sweep records", path, invalid)
    return list(records.values())


def completed_keys(records: Iterable[dict], *, include_failed: bool = True) -> set[str]:
    """Return the keys of the packages that need no new run."""
    return {key_of(r) for r in records if include_failed or r["status"] == OK}


def drop_failed(path: Path) -> int:
    """Rewrite PATH without its failed records, atomically; return how many were dropped."""
    lines_kept: list[bytes] = []
    dropped = 0
    with open(path, "rb") as handle:
        for line in handle:
            record = _parse(line)
            if record is not None and record["status"] == FAILED:
                dropped += 1
            elif line.strip():
                lines_kept.append(line if line.endswith(b"\n") else line + b"\n")
    if dropped:
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.writelines(lines_kept)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    return dropped
