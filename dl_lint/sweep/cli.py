"""The dl-lint-sweep command line: lint many source packages, record, summarise."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import TextIO

from .. import __version__, policy
from ..errors import DlLintError, UsageError
from ..lint import DEFAULT_PROFILE
from .inputs import SweepItem, collect
from .records import FAILED, RecordWriter, completed_keys, drop_failed, failed_record, read_records, repair
from .report import format_html, format_text, summarise
from .runner import SweepSettings, run_dask, run_local

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130

DEFAULT_OUTPUT = "dl-lint-sweep.jsonl"
DEFAULT_TIMEOUT = 1800.0

log = logging.getLogger("dl_lint.sweep")

EPILOG = """\
inputs:
  DIR               every .dsc below DIR (a mirror, or any tree of .dsc files);
                    the archive area is the directory after pool/
  Sources[.gz|.xz|.bz2]
                    a Sources index; its Directory fields are relative to
                    --mirror, else to the directory above dists/
  FILE.dsc          one source package
  FILE              a list of .dsc paths, one per line; - reads it from stdin

records (one JSON object per line, written and fsynced one by one):
  status "ok"      the engine linted the package; damaged tarballs and
                   checksum mismatches against the .dsc show up as its
                   source-tarball-unreadable and source-checksum-mismatch hints
  status "failed"  no lint result: a tarball named by the .dsc is missing,
                   the .dsc is unreadable or differs from the index, the index
                   entry is incomplete, the worker crashed or timed out; the
                   field "error" gives the reason

exit status: 0 the sweep ran to the end (failed packages included),
1 run-time error, 130 interrupted (continue with --resume)
"""


def default_jobs() -> int:
    """Return the number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of dl-lint-sweep."""
    parser = argparse.ArgumentParser(
        prog="dl-lint-sweep",
        description="Lint many Debian source packages straight from their tarballs, "
        "record one JSON line per package, and summarise the results.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="directory, Sources index, .dsc file or list of .dsc paths")
    parser.add_argument("-o", "--output", default=DEFAULT_OUTPUT, metavar="FILE",
                        help=f"JSON-lines records file (default: {DEFAULT_OUTPUT})")

    parser.add_argument("--resume", action="store_true", help="keep the records in --output and lint only the packages missing there")
    parser.add_argument("--retry-failed", action="store_true", help="with --resume, lint the failed packages again")
    parser.add_argument("--overwrite", action="store_true", help="start a new records file even if --output exists")

    parser.add_argument("-j", "--jobs", type=int, default=default_jobs(), metavar="N",
                        help="worker processes on this machine (default: the number of usable cores)")
    parser.add_argument("--timeout", type=_positive, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit per package; its worker is killed and replaced (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster of this scheduler (e.g. tcp://host:8786)")
    parser.add_argument("--scheduler-timeout", type=_positive, default=30.0, metavar="SECONDS",
                        help="how long to try to connect to the Dask scheduler (default: 30)")
    parser.add_argument("--mirror", metavar="DIR", help="mirror root that the Directory fields of a Sources index are relative to")
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help=f"policy profile (default: {DEFAULT_PROFILE})")
    parser.add_argument("--include-dir", action="append", default=[], metavar="DIR",
                        help="extra directory holding checks/ and data/tags/ of third parties")

    parser.add_argument("--html", metavar="FILE", help="write a self-contained HTML report to FILE")
    parser.add_argument("--report-only", action="store_true", help="summarise --output without linting anything")
    parser.add_argument("--top", type=int, default=20, metavar="N", help="length of the lists of packages with most and largest models")
    parser.add_argument("-q", "--quiet", action="store_true", help="print neither progress nor the text summary")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log on stderr (twice for debug)")
    parser.add_argument("--version", action="version", version=f"dl-lint-sweep {__version__}")
    return parser


class Progress:
    """A one-line progress bar on a terminal; does nothing when disabled."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO, *, enabled: bool) -> None:
        self.total = total
        self.stream = stream
        self.enabled = enabled and total > 0
        self.done = 0
        self.failed = 0
        self.started = time.monotonic()
        self._drawn = 0.0

    def update(self, record: dict) -> None:
        self.done += 1
        self.failed += record["status"] == FAILED
        now = time.monotonic()
        # Redraw at most ten times a second; a fast sweep would spend its time on the terminal.
        if self.enabled and (now - self._drawn >= 0.1 or self.done == self.total):
            self._drawn = now
            self.stream.write("\r" + self.line(now, record.get("source", "")))
            self.stream.flush()

    def line(self, now: float, name: str) -> str:
        filled = self.WIDTH * self.done // max(self.total, 1)
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        remaining = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} "
                f"{self.failed} failed {rate:.1f}/s eta {_duration(remaining)} {name[:24]:<24}")

    def finish(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


def _prepare_output(args: argparse.Namespace, items: list[SweepItem]) -> list[SweepItem]:
    """Check the records file against --resume and --overwrite; return the items still to lint."""
    output = Path(args.output)
    exists = output.exists() and output.stat().st_size > 0
    if exists and not (args.resume or args.overwrite):
        raise UsageError(f"{output} already exists; pass --resume to continue that sweep or --overwrite to start again")
    if args.overwrite:
        output.unlink(missing_ok=True)
        return items
    if not (args.resume and exists):
        return items
    repair(output)
    if args.retry_failed:
        dropped = drop_failed(output)
        log.info("%s: dropped %d failed records to lint them again", output, dropped)
    done = completed_keys(read_records(output))
    todo = [item for item in items if item.key not in done]
    log.info("resuming: %d of %d packages already recorded", len(items) - len(todo), len(items))
    return todo


def sweep(args: argparse.Namespace) -> int:
    """Lint every input package not yet recorded; return how many records were written."""
    items = collect(args.inputs, mirror=args.mirror)
    todo = _prepare_output(args, items)
    settings = SweepSettings(timeout=args.timeout, profile=args.profile, include_dirs=tuple(args.include_dir),
                             log_level=logging.getLevelName(log.getEffectiveLevel()))
    progress = Progress(len(todo), sys.stderr, enabled=sys.stderr.isatty() and not args.quiet)
    with RecordWriter(Path(args.output)) as writer:

        def sink(record: dict) -> None:
            writer.write(record)
            progress.update(record)

        try:
            for item in todo:
                if item.problem:
                    sink(failed_record(item, item.problem))
            runnable = [item for item in todo if not item.problem]
            if args.scheduler:
                run_dask(runnable, settings, sink, address=args.scheduler, connect_timeout=args.scheduler_timeout)
            else:
                run_local(runnable, settings, sink, jobs=args.jobs)
        finally:
            progress.finish()
    return progress.done


def report(args: argparse.Namespace) -> None:
    """Print the text summary of --output and write the HTML report if asked."""
    output = Path(args.output)
    if not output.exists():
        raise UsageError(f"{output}: no such records file")
    summary = summarise(read_records(output), top=args.top)
    if not args.quiet:
        sys.stdout.write(format_text(summary))
    if args.html:
        try:
            Path(args.html).write_text(format_html(summary, title=f"dl-lint sweep: {output.name}"), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {args.html}: {error.strerror}") from error


def main(argv: list[str] | None = None) -> int:
    """Run dl-lint-sweep; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exit_request:
        return EXIT_OK if exit_request.code == 0 else EXIT_ERROR
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="dl-lint-sweep: %(levelname)s: %(message)s")
    if not args.inputs and not args.report_only:
        parser.print_usage(sys.stderr)
        print("dl-lint-sweep: error: no input given", file=sys.stderr)
        return EXIT_ERROR
    if args.retry_failed and not args.resume:
        print("dl-lint-sweep: error: --retry-failed needs --resume", file=sys.stderr)
        return EXIT_ERROR
    if args.resume and args.overwrite:
        print("dl-lint-sweep: error: --resume and --overwrite exclude each other", file=sys.stderr)
        return EXIT_ERROR
    try:
        if not args.report_only:
            policy.load_profile(args.profile)  # an unknown profile fails once, before any worker starts
            sweep(args)
        report(args)
    except DlLintError as error:
        print(f"dl-lint-sweep: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"dl-lint-sweep: interrupted; the records so far are in {args.output}; "
              "run again with --resume to continue", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run() -> None:
    """Entry point of the dl-lint-sweep program."""
    # SIGTERM stops the sweep as Ctrl-C does: workers killed, records kept.
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(main())
