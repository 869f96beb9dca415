#!/usr/bin/env python3
"""Time dl-lint against lintian and against plain decompression, in one run.

For each .dsc in the corpus directory this runs, one after the other on the
same machine: lintian on the .dsc, dl-lint on the .dsc, and
`tar -xOf TARBALL > /dev/null` for each of its tarballs (the floor: every
byte must be decompressed anyway).  It prints seconds, peak memory (max
RSS of each child, from wait4) and the ratios dl-lint/lintian and
dl-lint/decompression.  Start-up is timed as `dl-lint --version`.

Usage: benchmarks/lintian_compare.py [CORPUS_DIR] [--skip-lintian]
CORPUS_DIR defaults to $DL_LINT_CORPUS or ~/.cache/dl-lint-corpus.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str]) -> tuple[float, int, int]:
    """Run COMMAND; return (seconds, peak RSS of that child in MiB, exit status)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss // 1024, process.returncode


def tarballs(dsc: Path) -> list[Path]:
    names = []
    in_files = False
    for line in dsc.read_text(errors="replace").splitlines():
        if line.startswith("Files:"):
            in_files = True
            continue
        if in_files:
            if not line.startswith(" "):
                break
            names.append(line.split()[-1])
    return [dsc.parent / n for n in names if ".tar." in n and not n.endswith(".asc")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=os.environ.get("DL_LINT_CORPUS", str(Path.home() / ".cache" / "dl-lint-corpus")))
    parser.add_argument("--skip-lintian", action="store_true", help="time only dl-lint and decompression")
    args = parser.parse_args()
    dscs = sorted(Path(args.corpus).glob("*.dsc"))
    if not dscs:
        print(f"no .dsc files in {args.corpus}", file=sys.stderr)
        return 1
    dl_lint = [sys.executable, "-m", "dl_lint"]
    have_lintian = shutil.which("lintian") is not None and not args.skip_lintian

    startup, _, _ = timed(dl_lint + ["--version"])
    print(f"start-up (dl-lint --version): {startup:.2f} s")
    print(f"{'package':<34} {'lintian s':>9} {'MiB':>5} {'dl-lint s':>9} {'MiB':>5} {'untar s':>8} {'dl/lintian':>10} {'dl/untar':>8}")
    for dsc in dscs:
        decompress = 0.0
        for tarball in tarballs(dsc):
            seconds, _, _ = timed(["tar", "-xOf", str(tarball)])
            decompress += seconds
        ours, our_peak, status = timed(dl_lint + ["--no-info", str(dsc)])
        if status not in (0, 2):
            print(f"{dsc.name}: dl-lint exited with {status}", file=sys.stderr)
        theirs, their_peak = float("nan"), 0
        if have_lintian:
            theirs, their_peak, _ = timed(["lintian", str(dsc)])
        print(
            f"{dsc.name:<34} {theirs:>9.1f} {their_peak:>5} {ours:>9.1f} {our_peak:>5} {decompress:>8.1f} "
            f"{ours / theirs:>10.2f} {ours / decompress if decompress else float('nan'):>8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
