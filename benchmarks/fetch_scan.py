#!/usr/bin/env python3
"""Time the download scan on hostile texts and on the corpus packages.

Part one times dl_lint.fetches.scan_text on generated texts that a naive
scanner would choke on: a 20 MiB single line (minified code), 300,000 short
shell lines with one download at the end, 1 MiB of Python where every line
has a URL, 8 MiB of hex digits in a file that names sha256, and 1 MiB of
unclosed C comments.  Part two reads each unpacked package of the corpus
(~/.cache/dl-lint-corpus/unpacked, or $DL_LINT_CORPUS/unpacked) and times
the package read, the scan of every cached text file, the walk from
debian/rules, and the two checks, with the number of hints each emits.

Usage: benchmarks/fetch_scan.py [--repeat N] [--no-corpus]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dl_lint import buildgraph, fetches, fetchrules  # noqa: E402
from dl_lint.lint import Registry  # noqa: E402
from dl_lint.checks import run_checks  # noqa: E402
from dl_lint.package import load_package  # noqa: E402
from dl_lint.source import open_source  # noqa: E402

HF = "https://huggingface.co/acme/detector/resolve/main/model.onnx"
CHECKS = {"models/fetched", "models/checksums"}


def hostile_texts() -> list[tuple[str, str, str]]:
    """Return (label, path, text) for each generated input."""
    return [
        ("20 MiB single line", "web/app.min.js", f'fetch("{HF}");' + "x" * (20 << 20)),
        ("300k shell lines", "tools/big.sh", "#!/bin/sh\n" + "echo step\n" * 300_000 + f"wget {HF}\n"),
        ("1 MiB Python, URL per line", "acme/urls.py",
         "import requests\n" + "".join(f'U{i} = "https://example.org/{i}.html"\n' for i in range(25_000))),
        ("8 MiB hex, names sha256", "tools/sha256.txt", "sha256\n" + "0123456789abcdef" * (1 << 19)),
        ("1 MiB unclosed C comments", "src/gen.c", "/* " * (1 << 18) + f"\n// {HF}\n"),
    ]


def time_call(function, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def bench_texts(repeat: int) -> None:
    print(f"{'input':32} {'chars':>10} {'seconds':>8} {'findings':>8} {'long lines':>10}")
    for label, path, text in hostile_texts():
        language = fetchrules.language_for(path, text[:200].split("\n", 1)[0])
        role = fetchrules.role_for(path, language)
        seconds, result = time_call(lambda: fetches.scan_text(path, text, language=language, role=role), repeat)
        print(f"{label:32} {len(text):>10} {seconds:>8.3f} {len(result.fetches):>8} {result.long_lines:>10}")


def bench_corpus(directory: Path) -> None:
    registry = Registry.load()
    print(f"\n{'package':32} {'read s':>7} {'scan s':>7} {'walk s':>7} {'checks s':>8} {'files':>6} hints")
    for tree in sorted(p for p in directory.iterdir() if p.is_dir()):
        started = time.perf_counter()
        package = load_package(open_source(str(tree)))
        read = time.perf_counter() - started
        started = time.perf_counter()
        scan = fetches.scan_package(package)
        scanned = time.perf_counter() - started
        started = time.perf_counter()
        buildgraph.build_reach(package)
        walked = time.perf_counter() - started
        started = time.perf_counter()
        hints = run_checks(package, registry.checks, registry.tags, CHECKS)
        checked = time.perf_counter() - started
        counts: dict[str, int] = {}
        for hint in hints:
            counts[hint.tag] = counts.get(hint.tag, 0) + 1
        summary = ", ".join(f"{tag} {count}" for tag, count in sorted(counts.items())) or "none"
        print(f"{tree.name:32} {read:>7.2f} {scanned:>7.3f} {walked:>7.3f} {checked:>8.3f} {scan.files:>6} {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per generated input; the best time is shown")
    parser.add_argument("--no-corpus", action="store_true", help="time the generated inputs only")
    options = parser.parse_args()
    fetchrules.rules()
    bench_texts(options.repeat)
    corpus = Path(os.environ.get("DL_LINT_CORPUS", Path.home() / ".cache" / "dl-lint-corpus")) / "unpacked"
    if not options.no_corpus and corpus.is_dir():
        bench_corpus(corpus)


if __name__ == "__main__":
    main()
