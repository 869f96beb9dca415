"""Find trained weights embedded in C and C++ sources.

Generators such as opus's dump scripts write a checkpoint out as arrays of
literals.  A file counts as embedded weights when its array initialisers
contain many numeric literals and cover most of the file.  A serialized
model can also be stored as long string literals (base64, for example).
The limits and the markers of generated files are in data/embedded-weights.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .datafiles import field_lines, table
from .errors import DataError

# The end of an array declarator and the start of its initialiser: "] = {".
ARRAY_INIT = re.compile(rb"\]\s*=\s*\{")
# The declared name before the brackets, matched on the text of that line.
ARRAY_NAME = re.compile(rb"([A-Za-z_]\w*)\s*(?:\[[^\]\n]*\]\s*)*\[[^\]\n]*$")
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
    min_string_bytes: int
    string_markers: tuple[re.Pattern[bytes], ...]


@dataclass(frozen=True, kw_only=True)
class EmbeddedWeights:
    """The result of scanning one source file.

    ``encoding`` is "numeric-arrays" for arrays of literals, or
    "string-literals" for a serialized model encoded in strings; then
    ``values`` counts the bytes of the literals.
    """

    arrays: int
    values: int
    share: float
    marker: str | None
    largest: str
    encoding: str = "numeric-arrays"


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
            min_string_bytes=int(paragraph["Min-String-Bytes"]),
            string_markers=tuple(re.compile(m.encode()) for m in field_lines(paragraph.get("String-Markers"))),
        )
    except (KeyError, ValueError, re.error) as error:
        raise DataError(f"data/embedded-weights: invalid entry: {error}") from error


def is_candidate(path: str, size: int) -> bool:
    """Return whether PATH is a C or C++ file small enough to scan."""
    rules = limits()
    return path.endswith(rules.extensions) and 0 < size <= rules.max_size


STRING_LITERAL = re.compile(rb'"((?:[^"\\\n]|\\.){64,})"')


def scan(text: bytes) -> EmbeddedWeights | None:
    """Return the embedded weights found in TEXT, or None for ordinary code."""
    return scan_arrays(text) or scan_strings(text)


def scan_strings(text: bytes) -> EmbeddedWeights | None:
    """Find a serialized model stored as long string literals, named as a model."""
    rules = limits()
    lengths = [len(m.group(1)) for m in STRING_LITERAL.finditer(text)]
    total = sum(lengths)
    if total < rules.min_string_bytes or total / len(text) < rules.min_share:
        return None
    for pattern in rules.string_markers:
        found = pattern.search(text)
        if found:
            marker = found.group(0).decode("utf-8", "replace").strip()[:60]
            return EmbeddedWeights(
                arrays=len(lengths), values=total, share=round(total / len(text), 3),
                marker=marker, largest="", encoding="string-literals",
            )
    return None


def scan_arrays(text: bytes) -> EmbeddedWeights | None:
    """Find trained weights stored as arrays of numeric literals."""
    rules = limits()
    if text.count(b",") < rules.min_values_marked:
        return None  # too few literals for any array to matter; skip the regex work
    arrays = 0
    values = 0
    covered = 0
    largest = ("", 0)
    for match in ARRAY_INIT.finditer(text):
        # The declarator is searched in a bounded window, and a missing "}"
        # ends the scan, so a crafted line of many "] = {" stays linear.
        line_start = max(text.rfind(b"\n", 0, match.start()) + 1, match.start() - 512)
        declarator = ARRAY_NAME.search(text, line_start, match.start())
        end = text.find(b"}", match.end())
        if end < 0:
            break
        if declarator is None:
            continue
        body = text[match.end() : end]
        if b"{" in body:
            continue
        count = _count_literals(body)
        if count == 0:
            continue
        arrays += 1
        values += count
        covered += end - line_start
        if count > largest[1]:
            largest = (declarator.group(1).decode("ascii", "replace"), count)
    if not values:
        return None
    share = covered / len(text)
    marker = _marker(text, largest[0])
    needed = rules.min_values_marked if marker else rules.min_values
    if values < needed or share < rules.min_share:
        return None
    return EmbeddedWeights(arrays=arrays, values=values, share=round(share, 3), marker=marker, largest=largest[0])


# Characters of plain numeric initialisers: digits, signs, points, hex
# digits and suffixes, separators and white space.
_NUMERIC_CHARS = b"0123456789abcdefABCDEFxXuUlL.+-, \t\r\n"


def _count_literals(body: bytes) -> int:
    """Count the numeric literals of an initialiser body.

    Bodies made only of numbers (generated weights) are counted by their
    commas, at C speed; anything else goes through the literal regex.
    """
    if not body.translate(None, _NUMERIC_CHARS):
        stripped = body.strip().rstrip(b",")
        if not stripped or not any(48 <= byte <= 57 for byte in stripped[:64]):
            return len(NUMBER.findall(body))
        return stripped.count(b",") + 1
    return len(NUMBER.findall(body))


def _marker(text: bytes, array_name: str) -> str | None:
    for pattern in limits().markers:
        found = pattern.search(text[:4096])
        if found:
            return found.group(0).decode("utf-8", "replace").strip()
    for name_pattern in limits().name_markers:
        if name_pattern.search(array_name):
            return f"array {array_name}"
    return None
