"""The sandbox: no network, no writes outside the run's copy, limits, a scrubbed environment.

Each escape test has a control run without the sandbox that shows the same
command does reach the test's listener or file, so the sandboxed run fails
because of the sandbox and not because the attack was broken.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from pathlib import Path

import pytest

from dl_lint.retrain import sandbox

from .conftest import NO_SANDBOX

ATTACK_NETWORK = """\
import socket, sys
port = int(sys.argv[1])
try:
    socket.create_connection(("127.0.0.1", port), timeout=5).sendall(b"escaped")
except OSError as error:
    sys.exit(f"connect failed: {error}")
open(sys.argv[2], "wb").write(b"connected")
"""

ATTACK_WRITE = """\
import sys
try:
    open(sys.argv[1], "w").write("escaped")
except OSError as error:
    sys.exit(f"write failed: {error}")
open(sys.argv[2], "wb").write(b"written")
"""

WRITE_ENVIRONMENT = """\
import json, os, sys
open(os.path.join(os.environ["HOME"], "scratch"), "w").write("home is writable")
open(os.path.join(os.environ["TMPDIR"], "scratch"), "w").write("tmp is writable")
json.dump(dict(os.environ), open(sys.argv[1], "w"), sort_keys=True)
"""


def ml_models(command: str, *, output: str = "out.bin", extra: str = "") -> str:
    return (
        "Files: out.bin\n"
        f"Retrain-Command: {command}\n"
        f"Retrain-Output: {output}\n"
        + extra
    )


@pytest.fixture
def listener():
    """Return a listening TCP socket on 127.0.0.1 owned by the test."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.setblocking(False)
    yield server
    server.close()


def accepted(server: socket.socket) -> bool:
    """Return whether some process connected to SERVER (the kernel queues it without accept)."""
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def network_package(make_tree, port: int):
    command = f"python3 attack.py {port} {{output}}"
    return make_tree({"attack.py": ATTACK_NETWORK, "debian/ml-models": ml_models(command)})


def test_network_blocked(make_tree, retrain, listener, isolation):
    port = listener.getsockname()[1]
    tree = network_package(make_tree, port)

    outcome = retrain(tree, isolation)

    stderr = (outcome.report.directory / outcome.model["runs"][0]["stderr"]).read_text()
    assert outcome.tags() == [("retrain-command-failed", "out.bin exit status 1", "debian/ml-models:2")]
    assert accepted(listener) is False
    assert "connect failed: [Errno 111] Connection refused" in stderr


def test_network_control(make_tree, retrain, listener):
    port = listener.getsockname()[1]
    tree = network_package(make_tree, port)

    outcome = retrain(tree, NO_SANDBOX, allow_no_sandbox=True)

    assert accepted(listener) is True
    assert ("retrain-run-without-sandbox", "disabled by the test", "debian/ml-models") in outcome.tags()
    assert outcome.model["runs"][0]["status"] == "ok"


def write_package(make_tree, target: Path):
    command = f"python3 attack.py {target} {{output}}"
    return make_tree({"attack.py": ATTACK_WRITE, "debian/ml-models": ml_models(command)})


def test_write_outside_blocked(make_tree, retrain, tmp_path, isolation):
    outside = tmp_path / "outside"
    outside.mkdir()
    tree = write_package(make_tree, outside / "escaped.txt")

    outcome = retrain(tree, isolation)

    stderr = (outcome.report.directory / outcome.model["runs"][0]["stderr"]).read_text()
    assert outcome.tags() == [("retrain-command-failed", "out.bin exit status 1", "debian/ml-models:2")]
    assert not (outside / "escaped.txt").exists()
    assert "write failed: [Errno 30] Read-only file system" in stderr


def test_write_into_package_blocked(make_tree, retrain, isolation):
    """The package itself, outside the run's copy, is read-only too."""
    tree = make_tree({"attack.py": ATTACK_WRITE})
    target = tree / "escaped.txt"
    (tree / "debian/ml-models").write_text(ml_models(f"python3 attack.py {target} {{output}}"))

    outcome = retrain(tree, isolation)

    assert outcome.tags() == [("retrain-command-failed", "out.bin exit status 1", "debian/ml-models:2")]
    assert not target.exists()


def test_write_outside_control(make_tree, retrain, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    tree = write_package(make_tree, outside / "escaped.txt")

    retrain(tree, NO_SANDBOX, allow_no_sandbox=True)

    assert (outside / "escaped.txt").read_text() == "escaped"


def test_environment_scrubbed(make_tree, retrain, isolation, monkeypatch):
    monkeypatch.setenv("DL_LINT_SECRET", "must not leak")
    tree = make_tree({"env.py": WRITE_ENVIRONMENT,
                      "debian/ml-models": ml_models("python3 env.py {output}", output="env.json")})

    outcome = retrain(tree, isolation)

    environment = json.loads((outcome.report.directory / outcome.model["runs"][0]["artefact"]).read_text())
    run = Path(environment["HOME"]).parent
    # /bin/sh, which runs the command, adds PWD.
    assert sorted(environment) == ["HOME", "LANG", "LC_ALL", "PATH", "PWD", "SOURCE_DATE_EPOCH", "TMPDIR", "TZ"]
    assert environment["PWD"] == str(run / "package")
    assert environment["SOURCE_DATE_EPOCH"] == "1796385600"
    assert environment["LANG"] == environment["LC_ALL"] == "C.UTF-8"
    assert environment["TZ"] == "UTC"
    assert environment["TMPDIR"] == str(run / "tmp")
    assert environment["PATH"].endswith("/usr/local/bin:/usr/bin:/bin")
    assert outcome.tags() == [
        ("retrain-compared-as-bytes", "env.json unknown", "debian/ml-models:3"),
        ("retrain-reproducible-bit-by-bit", "env.json", "debian/ml-models:2"),
    ]


def test_timeout_kills_command(make_tree, retrain, box):
    tree = make_tree({"debian/ml-models": ml_models("sleep 37.25", extra="Retrain-Timeout: 1\n")})
    started = time.monotonic()

    outcome = retrain(tree, box)

    elapsed = time.monotonic() - started
    assert outcome.tags() == [("retrain-timed-out", "out.bin after 1 s", "debian/ml-models:2")]
    assert outcome.model["runs"][0]["status"] == "timed-out"
    assert len(outcome.model["runs"]) == 1
    assert elapsed < 20
    assert not _processes_with("37.25")


def _processes_with(word: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if word in command:
                found.append(command)
    return found


def test_user_timeout_wins(make_tree, retrain, box):
    tree = make_tree({"debian/ml-models": ml_models("sleep 30", extra="Retrain-Timeout: 100\n")})

    outcome = retrain(tree, box, timeout=1.5)

    assert outcome.tags() == [("retrain-timed-out", "out.bin after 1.5 s", "debian/ml-models:2")]


def test_memory_limit(make_tree, retrain, box):
    command = "python3 -c 'bytearray(1024 * 1024 * 1024)'"
    tree = make_tree({"debian/ml-models": ml_models(command)})

    outcome = retrain(tree, box, memory_bytes=256 * 1024 * 1024)

    stderr = (outcome.report.directory / outcome.model["runs"][0]["stderr"]).read_text()
    assert outcome.tags() == [("retrain-command-failed", "out.bin exit status 1", "debian/ml-models:2")]
    assert "MemoryError" in stderr


def test_sandbox_rejected(make_tree, retrain, tmp_path):
    marker = tmp_path / "ran"
    tree = make_tree({"debian/ml-models": ml_models(f"touch {marker}")})

    outcome = retrain(tree, sandbox.Sandbox(kind="none", reason="bwrap not found (Debian package bubblewrap)"))

    assert outcome.tags() == [
        ("retrain-sandbox-unavailable", "bwrap not found (Debian package bubblewrap)", "debian/ml-models"),
    ]
    assert not marker.exists()
    assert outcome.json["rejected"] is True
    assert outcome.model["status"] == "not-attempted"
    assert "not run: pass --allow-no-sandbox" in outcome.text


def test_probe_without_bwrap(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)

    found = sandbox.probe_sandbox()

    assert found == sandbox.Sandbox(kind="none", reason="bwrap not found (Debian package bubblewrap)")
    assert found.isolated is False


def test_probe_bwrap_failing(monkeypatch, tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: str(fake))

    found = sandbox.probe_sandbox()

    assert found == sandbox.Sandbox(kind="none", reason="bwrap failed: bwrap: No permissions to create new namespace")


def test_probe_finds_bwrap(isolation):
    assert isolation == sandbox.Sandbox(kind="bwrap")


def test_source_date_epoch():
    changelog = "demo (1.0) unstable; urgency=medium\n\n  * x\n\n -- A B <a@example.org>  Thu, 01 Jan 2026 00:00:10 +0100\n"

    # 2025-12-31 23:00:10 UTC.
    assert sandbox.source_date_epoch(changelog) == 1767222010
    assert sandbox.source_date_epoch("no trailer") is None
    assert sandbox.source_date_epoch(" -- A <a@b>  not a date") is None
    assert sandbox.source_date_epoch(None) is None


def test_materialise_drops_escaping_links(tmp_path):
    tree = tmp_path / "tree"
    (tree / "debian").mkdir(parents=True)
    (tree / "debian" / "changelog").write_text("demo (1.0) unstable; urgency=medium\n")
    (tree / "script").write_text("#!/bin/sh\ntrue\n")
    (tree / "data.txt").write_text("data\n")
    os.symlink(".", tree / "b")
    os.symlink("b/..", tree / "a")
    os.symlink("/etc/passwd", tree / "absolute")
    os.symlink("data.txt", tree / "inside")
    from dl_lint.source import open_source

    skipped = sandbox.materialise(open_source(str(tree)), tmp_path / "copy")

    copy = tmp_path / "copy"
    assert sorted(skipped) == ["a (link leaves the package)", "absolute (source-link-outside-package)"]
    assert sorted(p.name for p in copy.iterdir()) == ["b", "data.txt", "debian", "inside", "script"]
    assert (copy / "inside").read_text() == "data\n"
    assert os.access(copy / "script", os.X_OK)
    assert not os.access(copy / "data.txt", os.X_OK)


def test_materialise_from_dsc(tmp_path):
    from dl_lint.source import open_source

    from ..conftest import build_dsc
    from .conftest import EXAMPLES

    tree = shutil.copytree(EXAMPLES / "retrain-deterministic", tmp_path / "retrain-deterministic")
    dsc = build_dsc(tree, tmp_path)

    skipped = sandbox.materialise(open_source(str(dsc)), tmp_path / "copy")

    copied = sorted(p.relative_to(tmp_path / "copy").as_posix() for p in (tmp_path / "copy").rglob("*") if p.is_file())
    original = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    assert skipped == []
    assert copied == original
    assert (tmp_path / "copy/model/classifier.npz").read_bytes() == (tree / "model/classifier.npz").read_bytes()


def test_each_run_fresh_copy(make_tree, retrain, box):
    """A command that appends to a package file finds the original in every run."""
    tree = make_tree({"data.txt": "original\n", "debian/ml-models": ml_models("echo run >> data.txt && cp data.txt {output}")})

    outcome = retrain(tree, box, runs=3)

    artefact = outcome.report.directory / outcome.model["runs"][2]["artefact"]
    assert artefact.read_text() == "original\nrun\n"
    assert outcome.model["level"] == "bit-by-bit"
    assert (tree / "data.txt").read_text() == "original\n"
