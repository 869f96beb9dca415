"""Run a package's retrain command in a sandbox: a fresh copy, no network, limits.

Each run gets its own directory holding a copy of the package (written
from the source's members, so trees, .dsc and .changes all work), a home
and a temporary directory.  The command runs under bubblewrap (Debian
package bubblewrap) with:

- the whole file system mounted read-only and only the run directory
  writable, so a write anywhere else fails with "Read-only file system";
- new user, network, PID, IPC and UTS namespaces: the network namespace
  holds only a loopback interface, so nothing outside can be reached,
  not even a port on the host's own 127.0.0.1;
- every capability dropped, so the command cannot remount anything;
- resource limits set before bwrap starts and inherited by the command:
  address space (RLIMIT_AS), CPU time (RLIMIT_CPU), file size
  (RLIMIT_FSIZE) and no core files;
- a wall-clock time limit, after which the whole process group is killed;
- a scrubbed environment: PATH, HOME and TMPDIR inside the run directory,
  LANG and LC_ALL C.UTF-8, TZ UTC and SOURCE_DATE_EPOCH from the date of
  the first debian/changelog entry.  Nothing else is passed, in
  particular not PYTHONHASHSEED: a program that needs a fixed hash seed or
  thread count to be reproducible must set it in its Retrain-Command,
  because that command is the maintainer's declaration of how to retrain.

Without a working bwrap the command runs only when the caller allows it,
and then with the same copy, environment and limits but no isolation.
"""

from __future__ import annotations

import email.utils
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..source import Source

log = logging.getLogger(__name__)

GIB = 1024**3

# Limits of one run unless the caller sets others: large enough for the
# small models that are retrained on a workstation, small enough that a
# runaway command cannot take the machine down.
DEFAULT_TIMEOUT = 600.0
# NOTE: RLIMIT_AS counts reserved address space, not resident memory, so
# runtimes that reserve large ranges up front (CUDA, JAX) need a higher limit
# than the command line can set today.
DEFAULT_MEMORY = 4 * GIB
DEFAULT_FILE_SIZE = 2 * GIB

BWRAP = "bwrap"

# The mounts and namespaces every sandboxed run gets; the run directory is
# bound writable after the read-only root, so it is the only writable place.
BWRAP_ISOLATION = (
    "--ro-bind", "/", "/",
    "--dev", "/dev",
    "--proc", "/proc",
    "--unshare-all",
    "--cap-drop", "ALL",
    "--die-with-parent",
    "--new-session",
)

CHANGELOG_TRAILER = re.compile(r"^ -- .*>  (.+)$", re.MULTILINE)


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Resource limits of one run: wall-clock and CPU seconds, bytes."""

    seconds: float = DEFAULT_TIMEOUT
    memory_bytes: int = DEFAULT_MEMORY
    file_bytes: int = DEFAULT_FILE_SIZE

    @property
    def cpu_seconds(self) -> int:
        # RLIMIT_CPU counts the CPU time of all threads of a process, and
        # multi-threaded training may keep every core busy for the whole
        # wall-clock limit.
        return int(self.seconds * (os.cpu_count() or 1)) + 1


@dataclass(frozen=True, kw_only=True)
class Sandbox:
    """The isolation of runs: kind "bwrap", or "none" when nothing isolates them."""

    kind: str
    reason: str = ""

    @property
    def isolated(self) -> bool:
        return self.kind != "none"

    def describe(self) -> dict:
        """Return what the sandbox guarantees, for the JSON report."""
        return {
            "kind": self.kind,
            "isolated": self.isolated,
            "network": "loopback of its own" if self.isolated else "the host's",
            "writable": "the run directory" if self.isolated else "anything the user may write",
            "reason": self.reason,
        }


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """The end of one command: status "ok", "failed" or "timed-out"."""

    status: str
    exit_status: int | None
    seconds: float


@dataclass(frozen=True, kw_only=True)
class RunDirectory:
    """The directories of one run: the package copy, HOME and TMPDIR."""

    root: Path
    package: Path = field(init=False)
    home: Path = field(init=False)
    tmp: Path = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "package", self.root / "package")
        object.__setattr__(self, "home", self.root / "home")
        object.__setattr__(self, "tmp", self.root / "tmp")


def probe_sandbox(*, timeout: float = 30.0) -> Sandbox:
    """Return the bwrap sandbox if it can start a command here, else kind "none" with the reason."""
    path = shutil.which(BWRAP)
    if path is None:
        return Sandbox(kind="none", reason="bwrap not found (Debian package bubblewrap)")
    try:
        completed = subprocess.run(
            [path, *BWRAP_ISOLATION, "--", "/bin/true"],
            capture_output=True, timeout=timeout, check=False, env={"PATH": "/usr/bin:/bin"},
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Sandbox(kind="none", reason=f"bwrap failed to start: {error}")
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
        return Sandbox(kind="none", reason=f"bwrap failed: {message[-1] if message else completed.returncode}")
    return Sandbox(kind="bwrap")


def source_date_epoch(changelog: str | None) -> int | None:
    """Return the date of the first debian/changelog entry in seconds since the epoch."""
    if not changelog:
        return None
    match = CHANGELOG_TRAILER.search(changelog)
    if match is None:
        return None
    try:
        return int(email.utils.parsedate_to_datetime(match.group(1).strip()).timestamp())
    except (TypeError, ValueError):
        return None


def scrubbed_environment(run: RunDirectory, epoch: int | None) -> dict[str, str]:
    """Return the whole environment of a run."""
    # The interpreter running dl-lint comes first, so that "python3" in a
    # command finds the same Python and modules; on Debian it is /usr/bin.
    path = [os.path.dirname(sys.executable), "/usr/local/bin", "/usr/bin", "/bin"]
    environment = {
        "PATH": os.pathsep.join(dict.fromkeys(path)),
        "HOME": str(run.home),
        "TMPDIR": str(run.tmp),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }
    if epoch is not None:
        environment["SOURCE_DATE_EPOCH"] = str(epoch)
    return environment


def materialise(source: Source, target: Path) -> list[str]:
    """Write the package's files below TARGET; return the members left out, with why.

    Symbolic links that leave the package, special files and entries whose
    path was flagged as hostile are left out.  Member entries carry no
    permission bits, so a file whose first bytes are "#!" is made
    executable and every other file is not.
    """
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    skipped: list[str] = []
    assert source.members is not None
    for member in source.members():
        if not member.path:
            continue
        destination = (root / member.path).resolve()
        if member.problem is not None or not is_inside(destination.parent, root) or member.kind == "special":
            skipped.append(f"{member.path} ({member.problem[0] if member.problem else member.kind})")
            continue
        try:
            _write_member(member, destination, root, skipped)
        except OSError as error:
            skipped.append(f"{member.path} ({error.strerror})")
    skipped += _remove_escaping_links(root)
    return skipped


def _remove_escaping_links(root: Path) -> list[str]:
    """Remove links that resolve outside ROOT once every link exists.

    Each link was checked on its own text when the source was read, but a
    chain such as "a -> b/.." with "b -> ." leaves the top only when both
    links are there.
    """
    removed = []
    for directory, subdirectories, files in os.walk(root):
        for name in subdirectories + files:
            path = Path(directory) / name
            if path.is_symlink() and not is_inside(path.resolve(), root):
                path.unlink()
                removed.append(f"{path.relative_to(root).as_posix()} (link leaves the package)")
    return removed


def is_inside(path: Path, root: Path) -> bool:
    """Return whether PATH is ROOT or below it; both must be resolved."""
    return path == root or root in path.parents


def _write_member(member, destination: Path, root: Path, skipped: list[str]) -> None:
    if member.kind == "dir":
        destination.mkdir(parents=True, exist_ok=True)
    elif member.kind == "symlink":
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(member.link_target, destination)
    elif member.kind == "hardlink":
        original = (root / (member.link_target or "")).resolve()
        if not is_inside(original, root) or not original.is_file():
            skipped.append(f"{member.path} (hardlink to {member.link_target})")
            return
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, destination)
    elif member.kind == "file":
        destination.parent.mkdir(parents=True, exist_ok=True)
        with member.open() as reader, open(destination, "wb") as writer:
            head = reader.read(2)
            writer.write(head)
            shutil.copyfileobj(reader, writer, 1024 * 1024)
        destination.chmod(0o755 if head == b"#!" else 0o644)


def remove_tree(path: Path) -> None:
    """Remove a run directory, including directories the command made read-only."""

    def make_writable_and_retry(function, name, _error):
        os.chmod(os.path.dirname(name), 0o700)
        if not os.path.islink(name):
            os.chmod(name, 0o700)
        function(name)

    if not path.exists():
        return
    # Python 3.12 renamed onerror to onexc and deprecated the old name.
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable_and_retry)
    else:
        shutil.rmtree(path, onerror=make_writable_and_retry)


def prepare_run(pristine: Path, root: Path) -> RunDirectory:
    """Copy the pristine package into a fresh run directory ROOT, removing what an earlier run left."""
    remove_tree(root)
    run = RunDirectory(root=root)
    shutil.copytree(pristine, run.package, symlinks=True)
    run.home.mkdir()
    run.tmp.mkdir()
    return run


def command_line(command: str, run: RunDirectory, sandbox: Sandbox) -> list[str]:
    """Return the argument vector that runs COMMAND in RUN under SANDBOX."""
    shell = ["/bin/sh", "-c", command]
    if not sandbox.isolated:
        return shell
    root = str(run.root)
    return [BWRAP, *BWRAP_ISOLATION, "--bind", root, root, "--chdir", str(run.package), "--", *shell]


def _limit_child(limits: Limits) -> None:
    """Set the resource limits in the child between fork and exec."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_command(
    command: str, run: RunDirectory, *, sandbox: Sandbox, environment: dict[str, str],
    limits: Limits, stdout: Path, stderr: Path,
) -> RunOutcome:
    """Run COMMAND in RUN's package copy; write its output to STDOUT and STDERR."""
    argv = command_line(command, run, sandbox)
    log.info("running in %s (%s): %s", run.package, sandbox.kind, command)
    started = time.monotonic()
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        process = subprocess.Popen(
            argv, cwd=run.package, env=environment, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            start_new_session=True, preexec_fn=lambda: _limit_child(limits),
        )
        try:
            code = process.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return RunOutcome(status="timed-out", exit_status=None, seconds=time.monotonic() - started)
    seconds = time.monotonic() - started
    return RunOutcome(status="ok" if code == 0 else "failed", exit_status=code, seconds=seconds)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the run's whole process group, then reap the leader."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
