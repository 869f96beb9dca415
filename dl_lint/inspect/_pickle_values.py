"""Marker values of the symbolic pickle machine.

Literals (numbers, strings and small containers) stand for themselves.
These classes stand for everything else: imports, calls, persistent ids,
skipped arguments and the tensors found so far.
"""

from __future__ import annotations

from dataclasses import dataclass


class _Unknown:
    """A value the symbolic machine cannot know, such as a call's result."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class Global:
    """A callable or class imported by GLOBAL, INST or STACK_GLOBAL."""

    module: str
    name: str


@dataclass(eq=False)
class Call:
    """The result of calling FUNC with ARGS; BUILD may add a STATE."""

    func: object
    args: object
    state: object = None


@dataclass(frozen=True)
class Persistent:
    """A persistent id, resolved by the loader (torch.load maps it to a storage)."""

    pid: object


@dataclass(frozen=True)
class Skipped:
    """A string or bytes argument too long to keep, with its length."""

    length: int


@dataclass(eq=False)
class TensorRecord:
    """A tensor found in the stream; its name comes from the dict it is stored in."""

    dtype: str
    shape: tuple[int, ...]
    name: str | None = None


def product(shape: tuple[int, ...]) -> int:
    """Return the element count of SHAPE (1 for a scalar)."""
    count = 1
    for dim in shape:
        count *= max(dim, 0)
    return count


def int_tuple(value: object) -> tuple[int, ...] | None:
    if isinstance(value, tuple) and all(type(item) is int for item in value):
        return value
    return None


def is_global(value: object, module: str, name: str) -> bool:
    return isinstance(value, Global) and value.module == module and value.name == name
