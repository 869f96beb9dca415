"""Measure dl-lint-sweep's throughput against the time to merely decompress.

The floor is ``tar -xOf TARBALL > /dev/null`` for every tarball that the
swept .dsc files name: a sweep must read every byte of every tarball, so
it can approach that floor but never beat it.  For each set of packages
the script reports wall time and CPU time (user + system of all child
processes, which stays meaningful on a machine shared with other work) of

- the floor, one tar at a time and two at a time;
- dl-lint-sweep with 1 and with 2 worker processes;

and the ratios sweep / floor and 1 worker / 2 workers.

Two sets are measured.  "corpus" is every .dsc in the corpus directory
(~/.cache/dl-lint-corpus, or DL_LINT_CORPUS), plus a .dsc written here for
stockfish, because its corpus copy has tarballs but no .dsc.  "generated"
is N small packages written by tests/sweep/packages.py: every 7th has an
NNUE network and every 23rd has 30000 C literals.

Run from the repository root:  python3 benchmarks/sweep_throughput.py
(5 to 10 minutes on a 2-core machine, most of it dlib's 200 MB of bzip2;
--skip dlib leaves it out).  Run it on an otherwise idle machine: the wall
times and the speed-up assume both cores are free.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from dl_lint.source import DIFF, TARBALL  # noqa: E402
from tests.sweep.packages import dsc_text, generate_pool  # noqa: E402

DEFAULT_CORPUS = Path(os.environ.get("DL_LINT_CORPUS", Path.home() / ".cache" / "dl-lint-corpus"))


@dataclass(kw_only=True)
class Timing:
    """One measured run."""

    label: str
    wall: float
    cpu: float


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tarballs_of(dsc: Path) -> list[Path]:
    """Return the tarballs (and format 1.0 diffs) that DSC names."""
    from debian import deb822

    with open(dsc, "rb") as handle:
        files = deb822.Dsc(handle).get("Files", [])
    return [dsc.parent / entry["name"] for entry in files if TARBALL.match(entry["name"]) or DIFF.match(entry["name"])]


def write_stockfish_dsc(corpus: Path, directory: Path) -> Path | None:
    """Write a .dsc naming the corpus's stockfish tarballs, with their real checksums."""
    orig = corpus / "stockfish_17.orig.tar.gz"
    debian = corpus / "stockfish_17-1.debian.tar.xz"
    if not (orig.is_file() and debian.is_file()):
        return None
    directory.mkdir(parents=True, exist_ok=True)
    for path in (orig, debian):
        os.symlink(path, directory / path.name)
    files = {orig.name: orig.read_bytes(), debian.name: debian.read_bytes()}
    dsc = directory / "stockfish_17-1.dsc"
    dsc.write_text(dsc_text("stockfish", "17-1", "3.0 (quilt)", files), encoding="utf-8")
    return dsc


def corpus_set(corpus: Path, work: Path, skip: set[str]) -> list[Path]:
    """Link every corpus .dsc and its files into WORK; add stockfish's .dsc."""
    directory = work / "corpus"
    directory.mkdir(parents=True)
    dscs = []
    for dsc in sorted(corpus.glob("*.dsc")):
        source = dsc.name.split("_")[0]
        if source in skip:
            continue
        for path in corpus.glob(f"{source}_*"):
            os.symlink(path, directory / path.name)
        dscs.append(directory / dsc.name)
    if "stockfish" not in skip:
        stockfish = write_stockfish_dsc(corpus, work / "stockfish")
        if stockfish:
            dscs.append(stockfish)
    return dscs


def run_floor(tarballs: list[Path], parallel: int) -> Timing:
    """Decompress every tarball with tar, PARALLEL at a time."""
    started, cpu = time.perf_counter(), children_cpu()
    queue = list(tarballs)
    running: list[subprocess.Popen] = []
    with open(os.devnull, "wb") as sink:
        while queue or running:
            while queue and len(running) < parallel:
                tarball = queue.pop(0)
                command = ["gzip", "-dc", str(tarball)] if DIFF.match(tarball.name) else ["tar", "-xOf", str(tarball)]
                running.append(subprocess.Popen(command, stdout=sink))
            running.pop(0).wait()
    return Timing(label=f"tar -xOf, {parallel} at a time", wall=time.perf_counter() - started, cpu=children_cpu() - cpu)


def run_sweep(dscs: list[Path], jobs: int, work: Path) -> tuple[Timing, list[dict]]:
    """Sweep DSCS with JOBS workers in a fresh process; return the timing and the records."""
    listing = work / "list.txt"
    listing.write_text("".join(f"{dsc}\n" for dsc in dscs))
    output = work / f"records-{jobs}.jsonl"
    output.unlink(missing_ok=True)
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY))
    command = [sys.executable, "-m", "dl_lint.sweep", str(listing), "-o", str(output), "-j", str(jobs), "-q"]
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run(command, check=True, env=environment, stdout=subprocess.DEVNULL)
    timing = Timing(label=f"dl-lint-sweep -j {jobs}", wall=time.perf_counter() - started, cpu=children_cpu() - cpu)
    records = [json.loads(line) for line in output.read_text().splitlines()]
    failed = sum(record["status"] == "failed" for record in records)
    if failed:
        print(f"  note: {failed} packages failed in the -j {jobs} sweep", file=sys.stderr)
    return timing, records


def measure_set(name: str, dscs: list[Path], work: Path) -> dict:
    """Run the floor and both sweeps on one set; print and return the figures."""
    tarballs = [tarball for dsc in dscs for tarball in tarballs_of(dsc)]
    size = sum(tarball.stat().st_size for tarball in tarballs)

    floor1, floor2 = run_floor(tarballs, 1), run_floor(tarballs, 2)
    sweep1, records = run_sweep(dscs, 1, work)
    sweep2, _ = run_sweep(dscs, 2, work)
    timings = [floor1, floor2, sweep1, sweep2]
    # Two workers cannot finish before the longest package, whatever the rest costs.
    longest = max(records, key=lambda record: record["timings"]["total"])
    lint_total = sum(record["timings"]["total"] for record in records)
    ideal_two = max(longest["timings"]["total"], lint_total / 2)

    result = {
        "set": name,
        "packages": len(dscs),
        "tarballs": len(tarballs),
        "compressed-bytes": size,
        "timings": [asdict(t) for t in timings],
        "sweep-1-over-floor-1-wall": sweep1.wall / floor1.wall,
        "sweep-1-over-floor-1-cpu": sweep1.cpu / floor1.cpu,
        "sweep-2-over-floor-2-wall": sweep2.wall / floor2.wall,
        "speedup-1-to-2-workers-wall": sweep1.wall / sweep2.wall,
        "longest-package": longest["source"],
        "longest-package-seconds": longest["timings"]["total"],
        "ideal-speedup-1-to-2-workers": lint_total / ideal_two,
        "packages-per-second-2-workers": len(dscs) / sweep2.wall,
        "compressed-mb-per-second-2-workers": size / 1e6 / sweep2.wall,
    }

    print(f"\n{name}: {len(dscs)} packages, {len(tarballs)} tarballs, {size / 1e6:.1f} MB compressed")
    for timing in timings:
        print(f"  {timing.label:<26} wall {timing.wall:8.2f} s   cpu {timing.cpu:8.2f} s")
    print(f"  sweep / floor, 1 worker:   wall {result['sweep-1-over-floor-1-wall']:.2f}   cpu {result['sweep-1-over-floor-1-cpu']:.2f}")
    print(f"  sweep / floor, 2 workers:  wall {result['sweep-2-over-floor-2-wall']:.2f}")
    print(f"  speed-up from 1 to 2 workers: {result['speedup-1-to-2-workers-wall']:.2f} "
          f"(at most {result['ideal-speedup-1-to-2-workers']:.2f}: the longest package, "
          f"{longest['source']}, takes {longest['timings']['total']:.1f} s of {lint_total:.1f} s)")
    print(f"  throughput with 2 workers: {result['packages-per-second-2-workers']:.1f} packages/s, "
          f"{result['compressed-mb-per-second-2-workers']:.1f} MB/s compressed")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory of corpus .dsc files and tarballs")
    parser.add_argument("--generated", type=int, default=300, help="number of generated packages (default: 300)")
    parser.add_argument("--skip", action="append", default=[], metavar="SOURCE", help="leave this corpus source out (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if shutil.which("tar") is None:
        print("sweep_throughput: tar is not installed", file=sys.stderr)
        return 1
    results = []
    with tempfile.TemporaryDirectory(prefix="dl-lint-sweep-bench-") as temporary:
        work = Path(temporary)
        print(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}")
        if args.corpus.is_dir():
            results.append(measure_set("corpus", corpus_set(args.corpus, work, set(args.skip)), work))
        else:
            print(f"no corpus at {args.corpus}; measuring generated packages only")
        if args.generated:
            generated = [package.dsc for package in generate_pool(work / "generated", args.generated)]
            results.append(measure_set("generated", generated, work))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
