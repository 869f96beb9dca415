"""Hostile and damaged input: tags, never tracebacks, bounded memory."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import tracemalloc

import pytest

from dl_lint.package import load_package
from dl_lint.source import open_source


def _dsc_for(tmp_path, tarball):
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    dsc = tmp_path / "demo_1.0.dsc"
    dsc.write_text(
        "Format: 3.0 (native)\nSource: demo\nVersion: 1.0\n"
        f"Checksums-Sha256:\n {digest} {tarball.stat().st_size} {tarball.name}\n"
        f"Files:\n 0 {tarball.stat().st_size} {tarball.name}\n"
    )
    return dsc


def test_member_declaring_huge_size(tmp_path, lint):
    header = tarfile.TarInfo("demo-1.0/model.onnx")
    header.size = 100 * 1024**3
    raw = header.tobuf(format=tarfile.GNU_FORMAT) + b"\x08\x07" + bytes(4094)
    tarball = tmp_path / "demo_1.0.tar.gz"
    import gzip
    tarball.write_bytes(gzip.compress(raw))
    dsc = _dsc_for(tmp_path, tarball)

    tracemalloc.start()
    hints = lint(dsc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert [h[0] for h in hints if h[0].startswith("source-")] == ["source-file-unreadable", "source-tarball-unreadable"]
    assert peak < 64 * 1024**2


def test_fifo_in_tree_not_opened(make_tree, lint):
    tree = make_tree({})
    os.mkfifo(tree / "pipe.onnx")

    hints = lint(tree)

    assert not [h for h in hints if h[2] == "pipe.onnx"]


def test_symlinked_debian_file_not_read(tmp_path, make_tree):
    outside = tmp_path / "outside-control"
    outside.write_text("Source: stolen\n")
    tree = make_tree({})
    (tree / "debian" / "control").unlink()
    os.symlink(outside, tree / "debian" / "control")

    package = load_package(open_source(str(tree)))

    assert package.text("debian/control") is None
    assert package.files["debian/control"].kind == "symlink"


def test_unreadable_file_tagged(make_tree, lint):
    tree = make_tree({"model.onnx": b"\x08\x07"})
    target = tree / "model.onnx"
    target.chmod(0)
    if os.access(target, os.R_OK):  # root reads anything: use a directory entry that vanishes instead
        target.unlink()
        os.symlink("model-missing.onnx", target)

    hints = lint(tree)

    assert not [h for h in hints if h[0] == "model-file"]


def test_empty_tarball_no_crash(tmp_path, lint):
    tarball = tmp_path / "demo_1.0.tar.xz"
    with tarfile.open(tarball, "w:xz"):
        pass
    dsc = _dsc_for(tmp_path, tarball)

    hints = lint(dsc)

    assert hints == []


def test_garbage_tarball_tagged(tmp_path, lint):
    tarball = tmp_path / "demo_1.0.tar.gz"
    tarball.write_bytes(b"\x1f\x8b" + os.urandom(4096))
    dsc = _dsc_for(tmp_path, tarball)

    hints = lint(dsc)

    assert [h[0] for h in hints] == ["source-tarball-unreadable"]
    assert hints[0][1].startswith("demo_1.0.tar.gz (")


def test_member_listed_twice(tmp_path, lint):
    tarball = tmp_path / "demo_1.0.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        for data in (b"first", bytes.fromhex("202ff37a") + bytes(64)):
            info = tarfile.TarInfo("demo-1.0/src/nn-0123456789ab.nnue")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    dsc = _dsc_for(tmp_path, tarball)

    hints = lint(dsc)

    assert [h for h in hints if h[0] == "model-file"] == [("model-file", "nnue, 68 B", "src/nn-0123456789ab.nnue")]
    assert ("source-member-duplicate", "src/nn-0123456789ab.nnue", "src/nn-0123456789ab.nnue") in hints


def test_protocol_zero_pickle_by_name(make_tree, lint):
    tree = make_tree({"model.pkl": b"cos\nsystem\n(Vtouch /tmp/never-created\ntR."})

    hints = lint(tree)

    assert ("pickle-imports-code-execution", "os.system", "model.pkl") in hints


def test_glob_with_many_stars_is_fast(make_tree, lint):
    glob = "*a" * 12 + "*b"
    tree = make_tree({
        "debian/ml-models": f"Files: {glob}\n",
        "debian/source/lintian-overrides": f"model-file {glob}\n",
        "src/" + "a" * 200 + ".c": "int x;\n",
    })

    hints = lint(tree)

    assert ("ml-models-files-match-nothing", glob, "debian/ml-models:1") in hints


def test_c_line_of_open_initialisers_is_fast(make_tree, lint):
    tree = make_tree({"src/weights.c": "a[]={," * 50000 + "\n"})

    hints = lint(tree)

    assert not [h for h in hints if h[0] == "embedded-model-weights"]


def test_upstream_debian_dir_dropped_in_quilt(tmp_path, lint):
    import subprocess

    from tests.conftest import build_dsc, debian_files, write_tree

    upstream = {
        "src/main.c": "int main(void) { return 0; }\n",
        "src/nn-0123456789ab.nnue": bytes.fromhex("202ff37a") + bytes(64),
        "debian/source/lintian-overrides": "model-file\n",
        "debian/control": "Source: upstream-own\n",
    }
    tree = write_tree(tmp_path / "demo-1.0", upstream)
    subprocess.run(["tar", "-czf", str(tmp_path / "demo_1.0.orig.tar.gz"), "demo-1.0"], cwd=tmp_path, check=True)
    for path in ("debian/source/lintian-overrides", "debian/control"):
        (tree / path).unlink()
    write_tree(tree, debian_files())
    dsc = build_dsc(tree, tmp_path)

    hints = lint(dsc)

    assert ("model-file", "nnue, 68 B", "src/nn-0123456789ab.nnue") in hints
    assert not [h for h in hints if h[0] == "source-member-duplicate"]


@pytest.mark.parametrize(
    "content, message",
    [
        (bytes(range(256)) * 4, "is not a valid .dsc file"),
        (b"Format: 3.0 (native)\nSource: demo\nVersion: 1.0\nFiles:\n 0123\n", "is not a valid .dsc file"),
        (b"Format: 3.0 (native)\nSource: demo\nVersion: 1.0\nFiles:\n 0 10 ../demo_1.0.tar.xz\n", "which is not a file beside the .dsc"),
    ],
)
def test_broken_dsc_one_line_error(tmp_path, content, message):
    from dl_lint.errors import SourceError

    dsc = tmp_path / "demo_1.0.dsc"
    dsc.write_bytes(content)

    with pytest.raises(SourceError, match=message):
        open_source(str(dsc))


def test_fifo_dsc_rejected(tmp_path):
    from dl_lint.errors import UsageError

    fifo = tmp_path / "demo_1.0.dsc"
    os.mkfifo(fifo)

    with pytest.raises(UsageError, match="not a regular file"):
        open_source(str(fifo))


def test_control_characters_escaped_in_output(make_tree, capsys):
    from dl_lint import cli

    tree = make_tree({"src/nn-\nE: demo source: fake-tag \x1b[31m.nnue": bytes.fromhex("202ff37a") + bytes(64)})

    cli.main([str(tree), "--check", "models/inventory"])
    out = capsys.readouterr().out

    assert out.splitlines() == [
        "I: demo source: model-file nnue, 68 B [src/nn-\\x0aE: demo source: fake-tag \\x1b[31m.nnue]"
    ]


def test_broken_include_check_one_line_error(tmp_path, capsys):
    from dl_lint import cli

    include = tmp_path / "vendor"
    (include / "checks").mkdir(parents=True)
    (include / "checks" / "broken.py").write_text("def run(package, hints)\n")

    status = cli.main(["--include-dir", str(include), str(tmp_path)])

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith(f"dl-lint: error: cannot load check broken from {include / 'checks' / 'broken.py'}: SyntaxError")
    assert len(err.splitlines()) == 1


def test_text_cache_budget_bounds_memory(make_tree, monkeypatch):
    from dl_lint import inventory

    monkeypatch.setattr(inventory, "TEXT_CACHE_BUDGET", 3000)
    tree = make_tree({f"doc/{index}.txt": "x" * 1000 + "\n" for index in range(10)})

    package = load_package(open_source(str(tree)))

    cached = [path for path in package.text_files() if path.startswith("doc/")]
    assert cached == ["doc/0.txt", "doc/1.txt"]
    assert package.text("debian/control").startswith("Source: demo")


@pytest.mark.parametrize("name", ["evil.joblib.gz", "evil.pt.gz", "evil.pkl.bz2", "evil.pkl.xz"])
def test_compressed_pickle_walked(make_tree, lint, name):
    import bz2
    import gzip
    import lzma

    payload = b"\x80\x02cos\nsystem\nq\x00X\x0e\x00\x00\x00touch /tmp/x-yq\x01\x85q\x02Rq\x03."
    compress = {"gz": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}[name.rsplit(".", 1)[1]]
    tree = make_tree({f"models/{name}": compress(payload)})

    hints = lint(tree)

    assert ("pickle-imports-code-execution", "os.system", f"models/{name}") in hints


def test_torch_zip_data_pkl_not_first(make_tree, lint):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/version", "3\n")
        archive.writestr("archive/data.pkl", b"\x80\x02cposix\nsystem\nX\x02\x00\x00\x00idq\x00\x85R.")
    tree = make_tree({"model.pt": buffer.getvalue()})

    hints = lint(tree)

    assert ("pickle-imports-code-execution", "posix.system", "model.pt") in hints
