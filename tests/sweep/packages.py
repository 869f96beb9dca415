"""Build mirror-like pools of small source packages for the sweep tests.

Each package is a .dsc with its tarballs, written directly (no dpkg-source
call per package, so a few hundred take seconds) with correct sizes and
MD5, SHA-1 and SHA-256 checksums.  Some packages carry models: a Stockfish
NNUE network (magic bytes 20 2f f3 7a) or a C file of 30000 numeric
literals.  The benchmark in benchmarks/ imports this module too.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import debian_files

AREAS = ("main", "contrib", "non-free")
COMPRESSIONS = ("gz", "xz", "bz2")
NNUE_MAGIC = bytes.fromhex("202ff37a")
# Fixed tarball member times, so the same package is the same bytes each run.
MTIME = 1_700_000_000


@dataclass(kw_only=True)
class GeneratedPackage:
    """One package written into the pool, with what it was built to contain."""

    name: str
    version: str
    area: str
    dsc: Path
    models: tuple[str, ...]


def nnue_network(rng: random.Random, size: int = 4096) -> bytes:
    """Return bytes that start like a Stockfish NNUE network file."""
    return NNUE_MAGIC + bytes(rng.getrandbits(8) for _ in range(size - len(NNUE_MAGIC)))


def c_weights(rng: random.Random, count: int = 30000) -> bytes:
    """Return a C source defining one array of COUNT float literals."""
    values = ",".join(f"{rng.uniform(-1, 1):.5f}" for _ in range(count))
    return f"static const float nn_weights[{count}] = {{{values}}};\n".encode()


def tarball(members: dict[str, bytes], top: str, compression: str) -> bytes:
    """Return a compressed tar of MEMBERS below directory TOP (empty: no top)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}") as archive:
        if top:
            directory = tarfile.TarInfo(top)
            directory.type = tarfile.DIRTYPE
            directory.mode = 0o755
            directory.mtime = MTIME
            archive.addfile(directory)
        for path, content in sorted(members.items()):
            info = tarfile.TarInfo(f"{top}/{path}" if top else path)
            info.size = len(content)
            info.mode = 0o644
            info.mtime = MTIME
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def zeros_tarball_gz(member: str, size: int) -> bytes:
    """Return a gzip tarball holding one file of SIZE zero bytes, built in milliseconds.

    Deflate blocks after a full flush do not refer back, so the compressed
    form of one 16 MiB block of zeros is repeated instead of compressing
    every block.  Reading it costs the reader the full SIZE: a package that
    keeps a worker busy for seconds, like a decompression bomb.
    """
    block = 1 << 24
    if size % block:
        raise ValueError(f"size must be a multiple of {block}")
    header = tarfile.TarInfo(member)
    header.size = size
    header.mtime = MTIME
    zeros = bytes(block)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(header.tobuf(format=tarfile.GNU_FORMAT)) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    end = tail.compress(bytes(1024)) + tail.flush(zlib.Z_FINISH)
    crc = zlib.crc32(header.tobuf(format=tarfile.GNU_FORMAT))
    block_crc_count = size // block
    for _ in range(block_crc_count):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(1024), crc)
    length = (512 + size + 1024) & 0xFFFFFFFF
    gzip_header = b"\x1f\x8b\x08\x00" + struct.pack("<I", MTIME) + b"\x02\xff"
    return gzip_header + head + body * block_crc_count + end + struct.pack("<II", crc, length)


def dsc_text(name: str, version: str, fmt: str, files: dict[str, bytes]) -> str:
    """Return a .dsc naming FILES (file name -> content) with their checksums."""
    sections = []
    for field, algorithm in (("Checksums-Sha1", "sha1"), ("Checksums-Sha256", "sha256"), ("Files", "md5")):
        lines = [f"{field}:"]
        for file_name, content in files.items():
            digest = hashlib.new(algorithm, content).hexdigest()
            lines.append(f" {digest} {len(content)} {file_name}")
        sections.append("\n".join(lines))
    return (
        f"Format: {fmt}\nSource: {name}\nBinary: {name}\nArchitecture: all\n"
        f"Version: {version}\nMaintainer: Test Maintainer <test@example.org>\n"
        "Standards-Version: 4.7.0\nPackage-List:\n " + f"{name} deb misc optional arch=all\n"
        + "\n".join(sections) + "\n"
    )


def write_package(
    pool: Path, *, name: str, version: str, area: str, files: dict[str, bytes],
    compression: str = "gz", native: bool = False,
) -> Path:
    """Write a format 3.0 source package into POOL/AREA/<letter>/NAME; return the .dsc."""
    directory = pool / area / name[0] / name
    directory.mkdir(parents=True, exist_ok=True)
    upstream = version.split("-")[0]
    # Outside main, the Section of debian/control names the area, as in the archive.
    section = "science" if area == "main" else f"{area}/science"
    debian = {path: content.encode() for path, content in debian_files(
        name=name, version=version, section=section, fmt="3.0 (native)" if native else "3.0 (quilt)").items()}
    debian["debian/copyright"] = b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
    if native:
        written = {f"{name}_{version}.tar.{compression}": tarball({**files, **debian}, f"{name}-{version}", compression)}
        fmt = "3.0 (native)"
    else:
        written = {
            f"{name}_{upstream}.orig.tar.{compression}": tarball(files, f"{name}-{upstream}", compression),
            f"{name}_{version}.debian.tar.xz": tarball(debian, "", "xz"),
        }
        fmt = "3.0 (quilt)"
    for file_name, content in written.items():
        (directory / file_name).write_bytes(content)
    dsc = directory / f"{name}_{version}.dsc"
    dsc.write_text(dsc_text(name, version, fmt, written), encoding="utf-8")
    return dsc


def write_slow_package(pool: Path, *, name: str = "slow", size: int = 2 << 30) -> Path:
    """Write a native package whose one member is SIZE zero bytes; return the .dsc."""
    directory = pool / "main" / name[0] / name
    directory.mkdir(parents=True, exist_ok=True)
    version = "1.0"
    tar_name = f"{name}_{version}.tar.gz"
    content = zeros_tarball_gz(f"{name}-{version}/data/zeros.bin", size)
    (directory / tar_name).write_bytes(content)
    dsc = directory / f"{name}_{version}.dsc"
    dsc.write_text(dsc_text(name, version, "3.0 (native)", {tar_name: content}), encoding="utf-8")
    return dsc


def generate_pool(root: Path, count: int, *, seed: int = 1) -> list[GeneratedPackage]:
    """Write COUNT small packages under ROOT/pool; every 7th has a network, every 23rd C weights."""
    rng = random.Random(seed)
    packages = []
    for index in range(count):
        name = f"gen{index:04d}"
        version = f"1.{index}-1"
        files = {
            "README": f"Package {name}, generated for the sweep tests.\n".encode(),
            "src/main.c": f"int main(void) {{ return {index % 7}; }}\n".encode(),
        }
        models = []
        if index % 7 == 3:
            content = nnue_network(rng)
            # Stockfish names a network after the first 12 hex digits of its SHA-256.
            network = f"src/nn-{hashlib.sha256(content).hexdigest()[:12]}.nnue"
            files[network] = content
            models.append(network)
        if index % 23 == 5:
            files["src/weights.c"] = c_weights(rng)
            models.append("src/weights.c")
        area = AREAS[index % len(AREAS)]
        dsc = write_package(
            root / "pool", name=name, version=version, area=area, files=files,
            compression=COMPRESSIONS[index % len(COMPRESSIONS)], native=index % 10 == 9,
        )
        packages.append(GeneratedPackage(name=name, version=version, area=area, dsc=dsc, models=tuple(models)))
    return packages


def link_corpus(corpus: Path, root: Path, names: tuple[str, ...]) -> list[Path]:
    """Symlink the corpus .dsc files NAMES and their tarballs into ROOT/pool/main."""
    linked = []
    for dsc_name in names:
        dsc = corpus / dsc_name
        if not dsc.is_file():
            continue
        source = dsc_name.split("_")[0]
        directory = root / "pool" / "main" / source[0] / source
        directory.mkdir(parents=True, exist_ok=True)
        for path in corpus.glob(f"{source}_*"):
            target = directory / path.name
            if not target.exists():
                os.symlink(path, target)
        linked.append(directory / dsc_name)
    return linked
