"""Running a native-library reader in a forked child process.

libhdf5 can crash the whole process on a crafted file: h5py 3.16 died with
SIGSEGV while reading the attributes of a corrupted Keras HDF5 file.
run_isolated runs the reader in a forked child, so that a crash or a hang
becomes a FormatError in the parent.  The child inherits the open file
and the imported modules, and sends back only the pickled result.

os.fork is used directly instead of multiprocessing, because the daemonic
worker processes of multiprocessing pools may not start children.
"""

from __future__ import annotations

import faulthandler
import io
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

from dl_lint.errors import FormatError

from ._stream import CORRUPT

Result = TypeVar("Result")

# The only classes a child's result may contain.  dl-lint unpickles nothing
# from a package, and this keeps even its own pipe to known types.
_RESULT_CLASSES = {
    ("dl_lint.model", "ModelDetails"),
    ("dl_lint.model", "TensorInfo"),
    ("builtins", "set"),
}

# NOTE: a guess at what a valid file never needs.  HDF5 files with millions
# of objects may need more.
CHILD_TIMEOUT = 120


def _outcome(function: Callable[..., object], args: tuple) -> bytes:
    try:
        outcome = ("result", function(*args))
    except FormatError as error:
        outcome = ("format-error", (error.tag, str(error)))
    except Exception as error:  # noqa: BLE001 - sent to the parent, which raises it
        outcome = ("error", f"{type(error).__name__}: {error}")
    try:
        return pickle.dumps(outcome)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        return pickle.dumps(("error", f"unpicklable result: {error}"))


def _run_child(write_fd: int, function: Callable[..., object], args: tuple) -> None:
    """Run in the child: send the outcome and exit without running any cleanup."""
    try:
        # The parent reports a crash of the child, so no traceback dump is needed.
        faulthandler.disable()
        data = _outcome(function, args)
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def _read_until_eof(read_fd: int, deadline: float) -> bytes | None:
    """Return all bytes until the writer closes the pipe, or None at DEADLINE."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([read_fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in _RESULT_CLASSES:
            raise pickle.UnpicklingError(f"unexpected class {module}.{name} in a child's result")
        return super().find_class(module, name)


def run_isolated(function: Callable[..., Result], *args: object, library: str) -> Result:
    """Call FUNCTION(*ARGS) in a forked child and return its result.

    A FormatError in the child is raised again here.  A crash of the child
    or a run longer than CHILD_TIMEOUT seconds raises
    FormatError(tag="model-file-corrupt") that names LIBRARY.  Any other
    exception in the child raises RuntimeError with its message.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _run_child(write_fd, function, args)
    os.close(write_fd)
    data = None
    try:
        data = _read_until_eof(read_fd, time.monotonic() + CHILD_TIMEOUT)
    finally:
        os.close(read_fd)
        if data is None:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if data is None:
        raise FormatError(f"{library} ran longer than {CHILD_TIMEOUT} s on this file", tag=CORRUPT)
    if not data:
        exit_code = os.waitstatus_to_exitcode(status)
        raise FormatError(f"{library} crashed on this file (exit code {exit_code})", tag=CORRUPT)
    kind, value = _ResultUnpickler(io.BytesIO(data)).load()
    if kind == "result":
        return value
    if kind == "format-error":
        tag, message = value
        raise FormatError(message, tag=tag)
    raise RuntimeError(value)
