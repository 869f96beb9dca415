"""Run a sweep: a pool of local worker processes, or tasks on a Dask cluster.

Both ways use the same worker program (dl_lint.sweep.worker): one
long-lived process that loads the checks and tags once and then lints one
package at a time.  The parent gives each worker one package and waits for
its record until a deadline.  A worker that runs past the deadline or dies
is killed and replaced, its package gets a failed record, and the sweep
goes on.  On Dask, each Dask worker thread keeps such a process of its own, so
a crash or hang inside the engine never takes the Dask worker down.
"""

from __future__ import annotations

import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import DlLintError, MissingDependencyError, UsageError
from ..lint import DEFAULT_PROFILE
from .inputs import SweepItem
from .records import failed_record

log = logging.getLogger(__name__)

# A worker that has not loaded the checks within this many seconds is broken.
STARTUP_TIMEOUT = 120.0
# How long a worker may take to exit after its input is closed.
EXIT_GRACE = 5.0
READ_SIZE = 1 << 16

RecordSink = Callable[[dict], None]


class WorkerStartError(DlLintError):
    """A worker process could not start; every package would fail the same way."""


@dataclass(kw_only=True)
class SweepSettings:
    """The options every worker process needs, as plain data that Dask can send."""

    timeout: float = 600.0
    profile: str = DEFAULT_PROFILE
    include_dirs: tuple[str, ...] = ()
    log_level: str = "WARNING"


def _worker_command(settings: SweepSettings) -> list[str]:
    command = [sys.executable, "-m", "dl_lint.sweep.worker", "--profile", settings.profile,
               "--log-level", settings.log_level]
    for directory in settings.include_dirs:
        command += ["--include-dir", directory]
    return command


def _worker_environment() -> dict[str, str]:
    # The worker must import this same dl_lint, also from a source checkout.
    package_root = str(Path(__file__).resolve().parents[2])
    environment = dict(os.environ)
    paths = [package_root] + [p for p in environment.get("PYTHONPATH", "").split(os.pathsep) if p]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    return environment


class WorkerProcess:
    """One worker program and the package it is linting, if any."""

    def __init__(self, settings: SweepSettings) -> None:
        self.settings = settings
        self.process = subprocess.Popen(
            _worker_command(settings), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=_worker_environment(), close_fds=True,
        )
        self.ready = False
        self.item: SweepItem | None = None
        self.deadline = time.monotonic() + STARTUP_TIMEOUT
        self.sent_at = 0.0
        self._buffer = b""
        self.eof = False
        assert self.process.stdout is not None
        # Kept, because the selector must unregister it after the pipe is closed.
        self.fd = self.process.stdout.fileno()

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, item: SweepItem) -> None:
        """Give the worker ITEM; the deadline starts once the worker is ready."""
        assert self.process.stdin is not None
        self.item = item
        self.sent_at = time.monotonic()
        if self.ready:
            self.deadline = self.sent_at + self.settings.timeout
        line = json.dumps({"item": item.to_dict()}) + "\n"
        try:
            self.process.stdin.write(line.encode("utf-8"))
            self.process.stdin.flush()
        except BrokenPipeError:
            # The worker is gone; reading its output will show end of file.
            pass

    def feed(self) -> list[dict]:
        """Read what the worker wrote so far and return its complete messages."""
        chunk = os.read(self.fd, READ_SIZE)
        if not chunk:
            self.eof = True
            return []
        self._buffer += chunk
        # A record of a large package spans many reads; split only once its end arrived.
        if b"\n" not in chunk:
            return []
        *lines, self._buffer = self._buffer.split(b"\n")
        messages = []
        for line in lines:
            try:
                message = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError):
                message = {"invalid": line[:200].decode("utf-8", "replace")}
            messages.append(message if isinstance(message, dict) else {"invalid": str(message)[:200]})
        return messages

    def mark_ready(self) -> None:
        self.ready = True
        if self.item is not None:
            self.deadline = time.monotonic() + self.settings.timeout

    def exit_reason(self) -> str:
        """Wait for the ended process and describe how it ended."""
        try:
            status = self.process.wait(timeout=EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.kill()
            status = self.process.returncode
        if status is not None and status < 0:
            try:
                name = signal.Signals(-status).name
            except ValueError:
                name = f"signal {-status}"
            return f"worker process killed by {name}"
        return f"worker process exited with status {status}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._close_pipes()

    def close(self) -> None:
        """End the worker: close its input, then kill it if it does not exit in time."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.process.wait(timeout=EXIT_GRACE)
        except subprocess.TimeoutExpired:
            log.warning("worker %d did not exit; killing it", self.pid)
            self.process.kill()
            self.process.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None and not pipe.closed:
                try:
                    pipe.close()
                except BrokenPipeError:
                    pass

    def run(self, item: SweepItem) -> tuple[dict | None, str]:
        """Lint ITEM and wait for its record; return (record, "") or (None, reason).

        After a reason is returned the process is dead and must be replaced.
        Raises WorkerStartError when the process ends or hangs before it is ready.
        """
        self.send(item)
        with selectors.DefaultSelector() as selector:
            selector.register(self.fd, selectors.EVENT_READ)
            while True:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    return None, self.expire()
                if selector.select(remaining):
                    for message in self.feed():
                        outcome = self.handle(message)
                        if outcome is not None:
                            return outcome
                    if self.eof:
                        return None, self.died()

    def handle(self, message: dict) -> tuple[dict | None, str] | None:
        """Act on one message; return (record, "") or (None, reason) once the package is done."""
        if "fatal" in message:
            raise WorkerStartError(f"the worker process could not start: {message['fatal']}")
        if "ready" in message:
            self.mark_ready()
            return None
        if "invalid" in message:
            return None, f"worker wrote an invalid record: {message['invalid']!r}"
        self.item = None
        return message, ""

    def expire(self) -> str:
        """Kill the worker at its deadline and return the reason for the failed record."""
        self.kill()
        if not self.ready:
            raise WorkerStartError(f"the worker process did not start within {STARTUP_TIMEOUT:.0f} s")
        return f"timed out after {self.settings.timeout:g} s; worker killed"

    def died(self) -> str:
        """Return how the worker ended, after its output reached end of file."""
        reason = self.exit_reason()
        self._close_pipes()
        if not self.ready:
            raise WorkerStartError(f"the worker process could not start: {reason}; see its messages above")
        return reason


# Local pool


class LocalPool:
    """A fixed number of worker processes on this machine, fed from a queue."""

    def __init__(self, jobs: int, settings: SweepSettings, sink: RecordSink) -> None:
        self.jobs = max(1, jobs)
        self.settings = settings
        self.sink = sink
        self.queue: deque[SweepItem] = deque()
        self.selector = selectors.DefaultSelector()
        self.workers: list[WorkerProcess] = []

    def run(self, items: Iterable[SweepItem]) -> None:
        """Lint every item, sending each record to the sink as soon as it is done."""
        self.queue.extend(items)
        try:
            for _ in range(min(self.jobs, len(self.queue))):
                self._assign(self._start())
            while any(worker.item is not None for worker in self.workers):
                self._wait_once()
        finally:
            for worker in list(self.workers):
                self._retire(worker, kill=worker.item is not None)
            self.selector.close()

    def _start(self) -> WorkerProcess:
        worker = WorkerProcess(self.settings)
        self.workers.append(worker)
        self.selector.register(worker.fd, selectors.EVENT_READ, worker)
        log.debug("started worker %d", worker.pid)
        return worker

    def _retire(self, worker: WorkerProcess, *, kill: bool = False) -> None:
        self._forget(worker)
        if kill:
            worker.kill()
        else:
            worker.close()

    def _assign(self, worker: WorkerProcess) -> None:
        if self.queue:
            worker.send(self.queue.popleft())
        else:
            self._retire(worker)

    def _wait_once(self) -> None:
        busy = [worker for worker in self.workers if worker.item is not None]
        timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
        for key, _ in self.selector.select(timeout):
            self._read(key.data)
        now = time.monotonic()
        for worker in [w for w in self.workers if w.item is not None and w.deadline <= now]:
            self._forget(worker)
            self._fail_and_replace(worker, worker.expire())

    def _read(self, worker: WorkerProcess) -> None:
        for message in worker.feed():
            outcome = worker.handle(message)
            if outcome is None:
                continue
            record, reason = outcome
            if record is None:
                self._forget(worker)
                self._fail_and_replace(worker, reason)
                return
            self.sink(record)
            self._assign(worker)
            if worker not in self.workers:
                return
        if worker.eof:
            self._forget(worker)
            self._fail_and_replace(worker, worker.died())

    def _forget(self, worker: WorkerProcess) -> None:
        self.selector.unregister(worker.fd)
        self.workers.remove(worker)

    def _fail_and_replace(self, worker: WorkerProcess, reason: str) -> None:
        """Record the worker's package as failed for REASON and start a replacement."""
        item = worker.item
        seconds = time.monotonic() - worker.sent_at
        worker.kill()
        if item is not None:
            log.warning("%s: %s", item.dsc, reason)
            self.sink(failed_record(item, reason, seconds=seconds))
        if self.queue:
            self._assign(self._start())


def run_local(items: Iterable[SweepItem], settings: SweepSettings, sink: RecordSink, *, jobs: int) -> None:
    """Lint ITEMS with JOBS worker processes on this machine."""
    LocalPool(jobs, settings, sink).run(items)


# Dask

_THREAD_WORKERS = threading.local()


def dask_task(item_data: dict, settings_data: dict) -> dict:
    """Lint one package on a Dask worker, in the worker process of the calling thread."""
    settings = SweepSettings(**settings_data)
    item = SweepItem.from_dict(item_data)
    worker: WorkerProcess | None = getattr(_THREAD_WORKERS, "worker", None)
    if worker is None or worker.settings != settings or worker.process.poll() is not None:
        if worker is not None:
            worker.kill()
        worker = WorkerProcess(settings)
        _THREAD_WORKERS.worker = worker
    started = time.monotonic()
    try:
        record, reason = worker.run(item)
    except WorkerStartError:
        _THREAD_WORKERS.worker = None
        raise
    if record is None:
        _THREAD_WORKERS.worker = None
        return failed_record(item, reason, seconds=time.monotonic() - started)
    return record


def _connect(address: str, timeout: float):
    try:
        from distributed import Client
    except ImportError as error:
        raise MissingDependencyError("distributed", "python3-distributed") from error
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise UsageError(f"cannot connect to the Dask scheduler at {address}: {error}") from error


def run_dask(
    items: Iterable[SweepItem], settings: SweepSettings, sink: RecordSink, *,
    address: str, connect_timeout: float = 30.0,
) -> None:
    """Lint ITEMS as tasks on the Dask cluster whose scheduler is at ADDRESS."""
    from distributed import as_completed

    settings_data = dict(settings.__dict__)
    with _connect(address, connect_timeout) as client:
        threads = sum(info.get("nthreads", 1) for info in client.scheduler_info()["workers"].values())
        # Tasks in flight: enough to hide the round trip through the scheduler
        # (about 10 ms a task on one machine), few enough that a killed client
        # loses little work.  The scheduler queues what the workers cannot start yet.
        window = max(16, 4 * threads)
        source = iter(items)
        pending = {}
        completed = as_completed()

        def submit_next() -> None:
            item = next(source, None)
            if item is None:
                return
            future = client.submit(dask_task, item.to_dict(), settings_data, pure=False)
            pending[future.key] = item
            completed.add(future)

        for _ in range(window):
            submit_next()
        for future in completed:
            item = pending.pop(future.key)
            sink(_dask_record(future, item))
            future.release()
            submit_next()


def _dask_record(future, item: SweepItem) -> dict:
    try:
        return future.result()
    except WorkerStartError:
        raise
    except Exception as error:  # noqa: BLE001 - a lost task must not stop the sweep
        reason = f"Dask task failed: {type(error).__name__}: {error}"
        log.warning("%s: %s", item.dsc, reason)
        return failed_record(item, reason)
