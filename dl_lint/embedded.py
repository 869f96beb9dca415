"""Find trained weights embedded in C and C++ sources as numeric arrays.

Generators such as opus's dump scripts write a checkpoint out as arrays of
literals.  A file counts as embedded weights when its array initialisers
hold many numeric literals and cover most of the file; the limits and the
markers of generated files are in data/embedded-weights.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .datafiles import field_lines, table
from .errors import DataError

# An array definition up to its opening brace: "type name[...] = {".
ARRAY_START = re.compile(rb"([A-Za-z_]\w*)\s*(?:\[[^\]\n]*\]\s*)+=\s*\{")
NUMBER = re.compile(rb"[-+]?(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)[fFlLuU]*")


@dataclass(frozen=True, kw_only=True)
class EmbeddedLimits:
    """The compiled paragraph of data/embedded-weights."""

    extensions: tuple[str, ...]
    max_size: int
    min_values: int
    min_share: float
    min_values_marked: int
    markers: tuple[re.Pattern[bytes], ...]
    name_markers: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, kw_only=True)
class EmbeddedWeights:
    """What the scan found in one source file."""

    arrays: int
    values: int
    share: float
    marker: str | None
    largest: str


@functools.cache
def limits() -> EmbeddedLimits:
    """Return the compiled limits."""
    (paragraph,) = table("embedded-weights")
    try:
        return EmbeddedLimits(
            extensions=tuple(paragraph["Extensions"].split()),
            max_size=int(paragraph["Max-Size"]),
            min_values=int(paragraph["Min-Values"]),
            min_share=float(paragraph["Min-Share"]),
            min_values_marked=int(paragraph["Min-Values-Marked"]),
            markers=tuple(re.compile(m.encode()) for m in field_lines(paragraph.get("Markers"))),
            name_markers=tuple(re.compile(m) for m in field_lines(paragraph.get("Name-Markers"))),
        )
    except (KeyError, ValueError, re.error) as error:
        raise DataError(f"data/embedded-weights: invalid entry: {error}") from error


def is_candidate(path: str, size: int) -> bool:
    """Return whether PATH is a C or C++ file small enough to scan."""
    rules = limits()
    return path.endswith(rules.extensions) and 0 < size <= rules.max_size


def scan(text: bytes) -> EmbeddedWeights | None:
    """Return the embedded weights found in TEXT, or None for ordinary code."""
    rules = limits()
    arrays = 0
    values = 0
    covered = 0
    largest = ("", 0)
    for match in ARRAY_START.finditer(text):
        end = text.find(b"}", match.end())
        if end < 0:
            break
        body = text[match.end() : end]
        count = len(NUMBER.findall(body))
        if count == 0 or b"{" in body:
            continue
        arrays += 1
        values += count
        covered += end - match.start()
        if count > largest[1]:
            largest = (match.group(1).decode("ascii", "replace"), count)
    if not values:
        return None
    share = covered / len(text)
    marker = _marker(text, largest[0])
    needed = rules.min_values_marked if marker else rules.min_values
    if values < needed or share < rules.min_share:
        return None
    return EmbeddedWeights(arrays=arrays, values=values, share=round(share, 3), marker=marker, largest=largest[0])


def _marker(text: bytes, array_name: str) -> str | None:
    for pattern in limits().markers:
        found = pattern.search(text[:4096])
        if found:
            return found.group(0).decode("utf-8", "replace").strip()
    for name_pattern in limits().name_markers:
        if name_pattern.search(array_name):
            return f"array {array_name}"
    return None
