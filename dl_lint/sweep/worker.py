"""The long-lived worker process of a sweep: lint packages sent on standard input.

Run as ``python3 -m dl_lint.sweep.worker [--profile P] [--include-dir D]``.
It loads the checks and tags once, writes ``{"ready": PID}``, then reads
one JSON object per line, ``{"item": {...}}`` (a SweepItem), and writes
one JSON line per item: the record.  It exits at the end of its input.
If it cannot start it writes ``{"fatal": "reason"}`` and exits with 1.

Standard output carries only this protocol: file descriptor 1 is pointed
at standard error before anything is linted, so stray prints of a check
cannot corrupt a record.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import signal
import sys
import time
from typing import TextIO

from ..errors import DlLintError
from ..lint import DEFAULT_PROFILE, Registry, lint_source
from .inputs import DSC_READ_LIMIT, SweepItem
from .records import encode, failed_record, ok_record

log = logging.getLogger(__name__)


def verify_checksum(item: SweepItem) -> str:
    """Return why the .dsc does not match the item's checksum, or "" when it does."""
    if not item.checksum:
        return ""
    algorithm, _, expected = item.checksum.partition(":")
    try:
        with open(item.dsc, "rb") as handle:
            data = handle.read(DSC_READ_LIMIT)
    except OSError as error:
        return f"cannot read {item.dsc}: {error.strerror}"
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != expected:
        return f"{item.dsc}: {algorithm} is {actual}, but the input lists {expected}"
    return ""


def lint_item(item: SweepItem, registry: Registry, *, profile: str = DEFAULT_PROFILE) -> dict:
    """Lint one item and return its record, a failed record for any error the package causes."""
    started = time.perf_counter()
    mismatch = verify_checksum(item)
    if mismatch:
        return failed_record(item, mismatch, seconds=time.perf_counter() - started)
    try:
        result = lint_source(item.dsc, registry, profile=profile)
    except DlLintError as error:
        return failed_record(item, str(error), seconds=time.perf_counter() - started)
    except MemoryError:
        return failed_record(item, "out of memory while linting", seconds=time.perf_counter() - started)
    except Exception as error:  # noqa: BLE001 - one broken package must not stop the sweep
        log.debug("linting %s raised", item.dsc, exc_info=True)
        reason = f"internal error: {type(error).__name__}: {error}"
        return failed_record(item, reason, seconds=time.perf_counter() - started)
    return ok_record(item, result, seconds=time.perf_counter() - started)


def serve(registry: Registry, tasks: TextIO, out, *, profile: str) -> None:
    """Write one record line on OUT for each task line of TASKS, until end of input."""
    for line in tasks:
        if not line.strip():
            continue
        item = SweepItem.from_dict(json.loads(line)["item"])
        out.write(encode(lint_item(item, registry, profile=profile)))
        out.flush()


def _protocol_output():
    """Keep the real standard output for records and send fd 1 to standard error."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dl_lint.sweep.worker")
    parser.add_argument("--profile", default=DEFAULT_PROFILE)
    parser.add_argument("--include-dir", action="append", default=[])
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    # Ctrl-C reaches the whole process group; the parent decides what to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=args.log_level, format=f"dl-lint-sweep worker {os.getpid()}: %(levelname)s: %(message)s")
    out = _protocol_output()
    try:
        registry = Registry.load(tuple(args.include_dir))
    except DlLintError as error:
        out.write(encode({"fatal": str(error)}))
        return 1
    out.write(encode({"ready": os.getpid()}))
    serve(registry, sys.stdin, out, profile=args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
