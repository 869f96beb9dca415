"""A hint: one emitted tag with its context and pointer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, order=True)
class Pointer:
    """The location a hint points at: a path in the source package and an optional line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, kw_only=True)
class Hint:
    """One finding.  ``context`` is short and deterministic, since overrides match it."""

    tag: str
    severity: str
    check: str
    context: str = ""
    pointer: Pointer | None = None
    overridden: bool = False
    override_comment: str = ""

    def sort_key(self) -> tuple:
        pointer = (self.pointer.path, self.pointer.line or 0) if self.pointer else ("", 0)
        return (self.tag, pointer, self.context)
