"""Identify model files from their first bytes and their names.

The rules live in data/formats; this module compiles them once and
applies them: content (magic, pattern, probe) first, names second.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from dataclasses import dataclass

from .datafiles import field_lines, table
from .errors import DataError
from .probes import PROBES

KINDS = ("model", "model-like", "container")

# Formats match on this much of the start of a file.
HEAD_SIZE = 64 * 1024
PATTERN_WINDOW = 4096


@dataclass(frozen=True, kw_only=True, eq=False)
class FormatRule:
    """One compiled paragraph of data/formats."""

    id: str
    name: str
    kind: str
    magic: tuple[tuple[int, bytes], ...]
    patterns: tuple[re.Pattern[bytes], ...]
    names: tuple[str, ...]
    probe: str | None
    inspector: str | None
    confirm_names: bool
    name_only: bool
    group: str | None
    training: str | None
    random_access: bool

    @functools.cached_property
    def _name_patterns(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """The Names globs compiled once: (for the base name, for the whole path)."""
        def compile_globs(globs: list[str]) -> re.Pattern[str] | None:
            return re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None

        return (
            compile_globs([g for g in self.names if "/" not in g]),
            compile_globs([g for g in self.names if "/" in g]),
        )

    def name_matches(self, path: str) -> bool:
        by_name, by_path = self._name_patterns
        if by_name is not None and by_name.match(path.rsplit("/", 1)[-1]):
            return True
        return by_path is not None and by_path.match(path) is not None

    @property
    def has_signature(self) -> bool:
        return bool(self.magic or self.patterns or self.probe)

    def content_matches(self, head: bytes) -> bool:
        if not self.has_signature:
            return False
        if self.magic or self.patterns:
            signed = any(head[offset : offset + len(sig)] == sig for offset, sig in self.magic)
            signed = signed or any(p.search(head, 0, PATTERN_WINDOW) for p in self.patterns)
            if not signed:
                return False
        return self.probe is None or PROBES[self.probe](head)


@dataclass(frozen=True, kw_only=True)
class Detection:
    """A format match: the rule and what matched ("content" or "name")."""

    rule: FormatRule
    evidence: str


def parse_magic(line: str, fmt: str) -> tuple[int, bytes]:
    offset_text, _, signature = line.partition(" ")
    try:
        offset = int(offset_text)
        signature = signature.strip()
        if signature.startswith('"'):
            value = signature[1:-1].encode("latin-1").decode("unicode_escape").encode("latin-1")
        else:
            value = bytes.fromhex(signature)
    except ValueError as error:
        raise DataError(f"data/formats: invalid Magic {line!r} in format {fmt}") from error
    return offset, value


def _compile(paragraph: dict[str, str]) -> FormatRule:
    fmt = paragraph.get("Format", "").strip()
    kind = paragraph.get("Kind", "").strip()
    if not fmt or kind not in KINDS:
        raise DataError(f"data/formats: format {fmt!r} lacks a Format or valid Kind")
    probe = paragraph.get("Probe", "").strip() or None
    if probe and probe not in PROBES:
        raise DataError(f"data/formats: format {fmt} names unknown probe {probe}")
    try:
        patterns = tuple(re.compile(p.encode("latin-1")) for p in field_lines(paragraph.get("Pattern")))
    except re.error as error:
        raise DataError(f"data/formats: invalid Pattern in format {fmt}: {error}") from error
    return FormatRule(
        id=fmt,
        name=paragraph.get("Name", fmt).strip(),
        kind=kind,
        magic=tuple(parse_magic(line, fmt) for line in field_lines(paragraph.get("Magic"))),
        patterns=patterns,
        names=tuple(field_lines(paragraph.get("Names"))),
        probe=probe,
        inspector=paragraph.get("Inspector", "").strip() or None,
        confirm_names=paragraph.get("Confirm", "").strip() == "names",
        name_only=paragraph.get("Name-Only", "").strip() == "yes",
        group=paragraph.get("Group", "").strip() or None,
        training=paragraph.get("Training", "").strip() or None,
        random_access=paragraph.get("Access", "").strip() == "random",
    )


@functools.cache
def rules() -> tuple[FormatRule, ...]:
    """Return the compiled format table."""
    return tuple(_compile(p) for p in table("formats"))


def rule(format_id: str) -> FormatRule:
    """Return the rule of one format id."""
    for candidate in rules():
        if candidate.id == format_id:
            return candidate
    raise DataError(f"data/formats: no format {format_id}")


def identify(path: str, head: bytes) -> Detection | None:
    """Return the format of a file from its path and first bytes, or None.

    Content and name together beat content alone, which beats a name alone:
    protobuf-based formats share a structure, and only the name separates a
    Core ML model from an ONNX one.  Formats that need a name as
    confirmation never match on content alone.
    """
    by_content = [r for r in rules() if r.content_matches(head)]
    for candidate in by_content:
        if candidate.names and candidate.name_matches(path):
            return Detection(rule=candidate, evidence="content")
    for candidate in by_content:
        if not candidate.confirm_names:
            return Detection(rule=candidate, evidence="content")
    for candidate in rules():
        if candidate.name_matches(path) and (candidate.name_only or not candidate.has_signature):
            return Detection(rule=candidate, evidence="name")
    return None
