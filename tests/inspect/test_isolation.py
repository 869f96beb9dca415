"""Tests of running a reader in a forked child: results, errors, crashes and hangs."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path

import pytest

from dl_lint.errors import FormatError
from dl_lint.inspect import _isolation
from dl_lint.inspect._isolation import run_isolated


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def raise_format_error() -> None:
    raise FormatError("bad superblock at offset 0", tag="model-file-truncated")


def test_result_returned():
    result = run_isolated(lambda a, b: {"sum": a + b}, 2, 3, library="a reader")

    assert result == {"sum": 5}


def test_format_error_raised_again():
    with pytest.raises(FormatError) as error:
        run_isolated(raise_format_error, library="a reader")

    assert error.value.tag == "model-file-truncated"
    assert str(error.value) == "bad superblock at offset 0"


def test_crash_becomes_format_error():
    with pytest.raises(FormatError) as error:
        run_isolated(crash, library="the HDF5 library")

    assert error.value.tag == "model-file-corrupt"
    assert str(error.value) == f"the HDF5 library crashed on this file (exit code {-signal.SIGSEGV})"


def test_hang_becomes_format_error(monkeypatch):
    monkeypatch.setattr(_isolation, "CHILD_TIMEOUT", 0.5)
    started = time.monotonic()

    with pytest.raises(FormatError) as error:
        run_isolated(time.sleep, 30, library="the HDF5 library")

    assert error.value.tag == "model-file-corrupt"
    assert "ran longer than 0.5 s" in str(error.value)
    assert time.monotonic() - started < 10


def test_other_exception_as_runtime_error():
    with pytest.raises(RuntimeError) as error:
        run_isolated(int, "not a number", library="a reader")

    assert str(error.value).startswith("ValueError: invalid literal for int()")


def test_unexpected_result_class_rejected():
    with pytest.raises(pickle.UnpicklingError):
        run_isolated(lambda: Path("x"), library="a reader")
