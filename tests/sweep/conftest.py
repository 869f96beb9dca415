"""Fixtures of the sweep tests: one mirror-like tree, swept once per session.

The tree contains the real corpus .dsc files where present (symbolic links
to ~/.cache/dl-lint-corpus, or DL_LINT_CORPUS), 300 generated packages,
two built by dpkg-source, and three damaged ones.  dlib is left out of
the tree: its 200 MB of bzip2 alone would take longer than the rest.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import random
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from dl_lint.sweep import cli
from dl_lint.sweep.records import read_records
from tests.conftest import CORPUS, debian_files, write_tree
from tests.sweep.packages import GeneratedPackage, generate_pool, link_corpus, nnue_network, write_package, write_slow_package

CORPUS_DSCS = (
    "opus_1.5.2-2.dsc",
    "gnubg_1.07.001-1.dsc",
    "sentencepiece_0.1.97-3.dsc",
    "pocketsphinx_0.8+5prealpha+1-15.dsc",
)
GENERATED = 300
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(kw_only=True)
class Mirror:
    """The session's mirror-like tree and what was put in it."""

    root: Path
    corpus: list[Path]
    generated: list[GeneratedPackage]
    dpkg_built: list[Path]
    missing_tarball: Path
    checksum_mismatch: Path
    truncated_tarball: Path

    @property
    def all_dscs(self) -> list[Path]:
        return sorted(self.corpus + [p.dsc for p in self.generated] + self.dpkg_built
                      + [self.missing_tarball, self.checksum_mismatch, self.truncated_tarball])


def _dpkg_built(pool: Path, workdir: Path, name: str, files: dict[str, bytes]) -> Path:
    """Build a package with dpkg-source and move its files into POOL/main."""
    tree = write_tree(workdir / f"{name}-1.0", {**files, **debian_files(name=name, version="1.0-1")})
    with tarfile.open(workdir / f"{name}_1.0.orig.tar.gz", "w:gz") as archive:
        archive.add(tree / "src", arcname=f"{name}-1.0/src")
    subprocess.run(["dpkg-source", "--no-check", "-b", tree.name], cwd=workdir, check=True, capture_output=True)
    target = pool / "main" / name[0] / name
    target.mkdir(parents=True)
    for path in workdir.glob(f"{name}_*"):
        shutil.move(path, target / path.name)
    return target / f"{name}_1.0-1.dsc"


def _damaged(pool: Path) -> tuple[Path, Path, Path]:
    files = {"src/main.c": b"int main(void) { return 0; }\n"}
    missing = write_package(pool, name="damaged-missing", version="1.0-1", area="main", files=files)
    (missing.parent / "damaged-missing_1.0.orig.tar.gz").unlink()

    mismatch = write_package(pool, name="damaged-checksum", version="1.0-1", area="main", files=files)
    orig = mismatch.parent / "damaged-checksum_1.0.orig.tar.gz"
    real = hashlib.sha256(orig.read_bytes()).hexdigest()
    mismatch.write_text(mismatch.read_text().replace(real, "0" * 64))

    truncated = write_package(pool, name="damaged-truncated", version="1.0-1", area="main",
                              files={**files, "data/blob.bin": os.urandom(200_000)})
    orig = truncated.parent / "damaged-truncated_1.0.orig.tar.gz"
    orig.write_bytes(orig.read_bytes()[:60_000])
    return missing, mismatch, truncated


@pytest.fixture(scope="session")
def mirror(tmp_path_factory) -> Mirror:
    root = tmp_path_factory.mktemp("mirror")
    pool = root / "pool"
    corpus = link_corpus(CORPUS, root, CORPUS_DSCS) if CORPUS.is_dir() else []
    generated = generate_pool(root, GENERATED)
    dpkg_built = []
    if shutil.which("dpkg-source"):
        workdir = tmp_path_factory.mktemp("dpkg")
        network = nnue_network(random.Random(5))
        name = f"src/nn-{hashlib.sha256(network).hexdigest()[:12]}.nnue"
        dpkg_built.append(_dpkg_built(pool, workdir, "dpkgnet", {name: network}))
        dpkg_built.append(_dpkg_built(pool, workdir, "dpkgplain", {"src/main.c": b"int main(void) { return 0; }\n"}))
    missing, mismatch, truncated = _damaged(pool)
    return Mirror(root=root, corpus=corpus, generated=generated, dpkg_built=dpkg_built,
                  missing_tarball=missing, checksum_mismatch=mismatch, truncated_tarball=truncated)


@dataclass(kw_only=True)
class SweepRun:
    """The records of one sweep, by .dsc path."""

    output: Path
    exit_status: int
    records: dict[str, dict]


def run_sweep(arguments: list[str], output: Path) -> SweepRun:
    """Run dl-lint-sweep in this process and return its records by .dsc path."""
    status = cli.main([*arguments, "-o", str(output), "-q"])
    records = {record["dsc"] or record.get("index-entry", ""): record for record in read_records(output)} if output.exists() else {}
    return SweepRun(output=output, exit_status=status, records=records)


@pytest.fixture(scope="session")
def local_sweep(mirror, tmp_path_factory) -> SweepRun:
    """The local sweep of the whole mirror with two workers."""
    output = tmp_path_factory.mktemp("local") / "records.jsonl"
    return run_sweep([str(mirror.root), "-j", "2"], output)


@pytest.fixture(scope="session")
def slow_dsc(tmp_path_factory) -> Path:
    """A package whose 1 GiB of zeros keeps a worker busy for seconds."""
    return write_slow_package(tmp_path_factory.mktemp("slow") / "pool", size=1 << 30)


def sweep_command(*arguments: str) -> list[str]:
    """Return the command running dl-lint-sweep from this checkout in a new process."""
    return [sys.executable, "-m", "dl_lint.sweep", *arguments]


def sweep_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(REPOSITORY), environment.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return environment


def without_timings(record: dict) -> dict:
    """Return a record without its timings, the only field that differs between runs."""
    return {key: value for key, value in record.items() if key != "timings"}


def write_sources_index(path: Path, paragraphs: list[str]) -> Path:
    """Write a Sources.xz index of PARAGRAPHS (deb822 text) at PATH."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lzma.compress("\n".join(paragraphs).encode("utf-8")))
    return path


def sources_paragraph(dsc: Path, root: Path, *, source: str, version: str, sha256: str | None = None) -> str:
    """Return the Sources paragraph describing DSC inside the mirror ROOT."""
    digest = sha256 or hashlib.sha256(dsc.read_bytes()).hexdigest()
    md5 = hashlib.md5(dsc.read_bytes()).hexdigest()
    size = dsc.stat().st_size
    directory = dsc.parent.relative_to(root).as_posix()
    return (
        f"Package: {source}\nVersion: {version}\nDirectory: {directory}\n"
        f"Files:\n {md5} {size} {dsc.name}\n"
        f"Checksums-Sha256:\n {digest} {size} {dsc.name}\n"
    )
