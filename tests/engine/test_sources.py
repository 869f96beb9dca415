"""Reading sources: trees, .dsc in every format, .changes, hostile tarballs."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from dl_lint.errors import SourceError, UsageError
from dl_lint.package import load_package
from dl_lint.source import open_source
from tests.conftest import build_dsc, debian_files, write_tree

NNUE = bytes.fromhex("202ff37a") + bytes(range(256)) * 8


def view(path) -> dict[str, str]:
    """Return path -> kind of every file and link, as the checks see them."""
    package = load_package(open_source(str(path)))
    return {p: e.kind for p, e in package.files.items() if e.kind != "dir"}


def upstream_files() -> dict[str, bytes | str]:
    return {"src/main.c": "int main(void) { return 0; }\n", "src/nn-0123456789ab.nnue": NNUE}


def test_dsc_quilt_matches_tree(tmp_path):
    tree = write_tree(tmp_path / "demo-1.0", {**upstream_files(), **debian_files()})
    orig = tmp_path / "demo_1.0.orig.tar.xz"
    with tarfile.open(orig, "w:xz") as archive:
        archive.add(tree / "src", arcname="demo-1.0/src")

    dsc = build_dsc(tree, tmp_path)

    assert view(dsc) == view(tree)
    assert "src/nn-0123456789ab.nnue" in view(dsc)


@pytest.mark.parametrize("compression", ["gz", "bz2", "xz"])
def test_dsc_native_each_compression(tmp_path, compression):
    tree = write_tree(tmp_path / "demo-1.0", {**upstream_files(), **debian_files(version="1.0", fmt="3.0 (native)")})
    subprocess.run(
        ["dpkg-source", "--no-check", f"-Z{ {'gz': 'gzip', 'bz2': 'bzip2', 'xz': 'xz'}[compression] }", "-b", tree.name],
        cwd=tmp_path, check=True, capture_output=True,
    )
    dsc = next(tmp_path.glob("*.dsc"))

    package = load_package(open_source(str(dsc)))

    assert next(tmp_path.glob(f"*.tar.{compression}"))
    assert [m.path for m in package.models] == ["src/nn-0123456789ab.nnue"]
    assert package.source.source_format == "3.0 (native)"


def test_dsc_extra_orig_component(tmp_path):
    tree = write_tree(tmp_path / "demo-1.0", {**upstream_files(), **debian_files()})
    component = write_tree(tmp_path / "models-src", {"nn-aaaaaaaaaaaa.nnue": NNUE})
    with tarfile.open(tmp_path / "demo_1.0.orig.tar.gz", "w:gz") as archive:
        archive.add(tree / "src", arcname="demo-1.0/src")
    with tarfile.open(tmp_path / "demo_1.0.orig-models.tar.bz2", "w:bz2") as archive:
        archive.add(component, arcname="models")
    os.symlink(component, tree / "models")  # dpkg-source wants the component unpacked beside

    subprocess.run(["rm", str(tree / "models")], check=True)
    (tree / "models").mkdir()
    (tree / "models" / "nn-aaaaaaaaaaaa.nnue").write_bytes(NNUE)
    dsc = build_dsc(tree, tmp_path)

    package = load_package(open_source(str(dsc)))

    assert sorted(m.path for m in package.models) == ["models/nn-aaaaaaaaaaaa.nnue", "src/nn-0123456789ab.nnue"]
    assert package.files["models/nn-aaaaaaaaaaaa.nnue"].origin == "demo_1.0.orig-models.tar.bz2"


def test_dsc_format_one_diff(tmp_path):
    tree = write_tree(tmp_path / "demo-1.0", {**upstream_files(), **debian_files(fmt="1.0")})
    with tarfile.open(tmp_path / "demo_1.0.orig.tar.gz", "w:gz") as archive:
        archive.add(tree / "src", arcname="demo-1.0.orig/src")

    dsc = build_dsc(tree, tmp_path)
    package = load_package(open_source(str(dsc)))

    assert next(tmp_path.glob("*.diff.gz"))
    assert package.text("debian/control").startswith("Source: demo")
    assert package.name == "demo"
    assert "src/nn-0123456789ab.nnue" in package.files


def test_changes_reads_its_dsc(tmp_path):
    tree = write_tree(tmp_path / "demo-1.0", {**upstream_files(), **debian_files(version="1.0", fmt="3.0 (native)")})
    dsc = build_dsc(tree, tmp_path)
    changes = tmp_path / "demo_1.0_source.changes"
    changes.write_text(
        "Format: 1.8\nSource: demo\nVersion: 1.0\nFiles:\n"
        f" 00000000000000000000000000000000 {dsc.stat().st_size} science optional {dsc.name}\n"
    )

    source = open_source(str(changes))

    assert source.input_kind == "changes"
    assert [m.path for m in load_package(source).models] == ["src/nn-0123456789ab.nnue"]


def _hostile_tarball(path: Path) -> None:
    with tarfile.open(path, "w:gz") as archive:
        def add(name, data=b"x", kind=tarfile.REGTYPE, link=""):
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = link
            info.size = len(data) if kind == tarfile.REGTYPE else 0
            archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        add("demo-1.0/", kind=tarfile.DIRTYPE)
        add("demo-1.0/debian/changelog", b"demo (1.0) unstable; urgency=low\n")
        add("demo-1.0/../../escape.txt")
        add("/etc/absolute.txt")
        add("demo-1.0/link-up", kind=tarfile.SYMTYPE, link="../../../etc/passwd")
        add("demo-1.0/link-abs", kind=tarfile.SYMTYPE, link="/etc/shadow")
        add("demo-1.0/hard", kind=tarfile.LNKTYPE, link="../outside")


def _write_dsc(tmp_path: Path, tarball: Path, fmt: str = "3.0 (native)", checksum: str | None = None) -> Path:
    import hashlib

    digest = checksum or hashlib.sha256(tarball.read_bytes()).hexdigest()
    dsc = tmp_path / "demo_1.0.dsc"
    dsc.write_text(
        f"Format: {fmt}\nSource: demo\nVersion: 1.0\n"
        f"Checksums-Sha256:\n {digest} {tarball.stat().st_size} {tarball.name}\n"
        f"Files:\n 00000000000000000000000000000000 {tarball.stat().st_size} {tarball.name}\n"
    )
    return dsc


def test_hostile_tarball_members_tagged(tmp_path, lint):
    tarball = tmp_path / "demo_1.0.tar.gz"
    _hostile_tarball(tarball)
    dsc = _write_dsc(tmp_path, tarball)

    hints = lint(dsc)

    assert ("source-member-path-outside-package", "demo-1.0/../../escape.txt", "escape.txt") in hints
    assert ("source-member-absolute-path", "/etc/absolute.txt", "absolute.txt") in hints
    assert ("source-link-outside-package", "link-up -> ../../../etc/passwd", "link-up") in hints
    assert ("source-link-outside-package", "link-abs -> /etc/shadow", "link-abs") in hints
    assert ("source-link-outside-package", "hard -> ../outside", "hard") in hints


def test_truncated_tarball_keeps_read_members(tmp_path, lint):
    tree = write_tree(tmp_path / "demo-1.0", {**upstream_files(), **debian_files(version="1.0", fmt="3.0 (native)")})
    dsc = build_dsc(tree, tmp_path)
    tarball = next(tmp_path.glob("*.tar.*"))
    data = tarball.read_bytes()
    tarball.write_bytes(data[: len(data) * 2 // 3])

    hints = lint(dsc)

    tags = [h[0] for h in hints]
    assert "source-tarball-unreadable" in tags
    assert "source-checksum-mismatch" not in tags  # the damage is reported once, as unreadable


def test_checksum_mismatch_tagged(tmp_path, lint):
    tarball = tmp_path / "demo_1.0.tar.gz"
    _hostile_tarball(tarball)
    dsc = _write_dsc(tmp_path, tarball, checksum="0" * 64)

    hints = lint(dsc)

    assert ("source-checksum-mismatch", "demo_1.0.tar.gz sha256", "") in hints


def test_tree_link_outside_not_followed(tmp_path, make_tree, lint):
    secret = tmp_path / "secret.onnx"
    secret.write_bytes(b"\x08\x07\x12\x04test")
    tree = make_tree({})
    os.symlink(secret, tree / "model.onnx")

    hints = lint(tree)

    assert ("source-link-outside-package", f"model.onnx -> {secret}", "model.onnx") in hints
    assert not [h for h in hints if h[0] == "model-file"]


def test_missing_tarball_is_error(tmp_path):
    dsc = tmp_path / "demo_1.0.dsc"
    dsc.write_text("Format: 3.0 (native)\nSource: demo\nVersion: 1.0\nFiles:\n 0 10 demo_1.0.tar.xz\n")

    with pytest.raises(SourceError, match="demo_1.0.tar.xz named in the .dsc was not found"):
        open_source(str(dsc))


def test_invalid_dsc_is_error(tmp_path):
    dsc = tmp_path / "broken.dsc"
    dsc.write_text("this is not a dsc\n")

    with pytest.raises(SourceError, match="not a valid .dsc"):
        open_source(str(dsc))


def test_unknown_input_kind_rejected(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("hello")

    with pytest.raises(UsageError, match="expected a source tree, a .dsc or a .changes file"):
        open_source(str(other))


def test_text_cache_keeps_files_past_head(make_tree):
    long_text = "all: net\n" + "# filler line for a long Makefile\n" * 6000
    tree = make_tree({"src/Makefile": long_text, "big.txt": "x" * (2 << 20)})

    package = load_package(open_source(str(tree)))

    assert len(long_text) > 64 * 1024
    assert package.text("src/Makefile") == long_text
    assert package.text("big.txt") is None
