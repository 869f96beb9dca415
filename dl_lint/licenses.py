"""Look up licences and judge licence expressions under the DFSG.

The knowledge is data/licenses: SPDX identifiers, Debian short names from
debian/copyright, their aliases and their status ("free", "probably-free",
"non-free").  A name the table does not know is "unknown".  Expressions
follow the DEP-5 grammar of debian/copyright: "A or B" is as free as its
freest part, "A and B" as free as its least free part, "and" binds tighter
than "or" unless a comma separates them, "+" means "or any later version",
and "with X exception" keeps the status of the licence it extends.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .datafiles import field_lines, table
from .errors import DataError

# Statuses from least to most free; "or" takes the maximum, "and" the minimum.
STATUSES = ("non-free", "unknown", "probably-free", "free")
RANK = {status: rank for rank, status in enumerate(STATUSES)}

_EXCEPTION = re.compile(r"\s+with\s+.*$", re.IGNORECASE)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA_OPERATOR = re.compile(r"^(and|or)\s+", re.IGNORECASE)
_LATER = re.compile(r"(\+|-or-later|-or-newer|-only|-later)$")
_VERSION_ZERO = re.compile(r"(?<=\d)\.0$")


@dataclass(frozen=True, kw_only=True)
class LicenseEntry:
    """One paragraph of data/licenses."""

    name: str
    status: str
    redistributable: bool
    note: str
    aliases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    text_patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """The DFSG status of one licence expression.

    ``names`` are the table entries the expression's parts resolved to,
    ``unknown`` the parts the table does not know.
    """

    expression: str
    status: str
    redistributable: bool = True
    names: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TextMatch:
    """A licence named in prose: the table entry and the position of its name."""

    entry: LicenseEntry
    start: int
    end: int
    text: str


def normalise(name: str) -> str:
    """Return NAME in the form used to compare licence names.

    Lower case, spaces and "_" as "-", and without the qualifiers that do
    not change a licence's DFSG status: a "~variant" suffix of Debian short
    names, "+" and "-or-later" / "-only", and a trailing ".0" version.
    """
    value = name.strip().lower()
    value = re.sub(r"[\s_]+", "-", value)
    value = value.split("~", 1)[0]
    while True:
        stripped = _VERSION_ZERO.sub("", _LATER.sub("", value))
        if stripped == value:
            return value
        value = stripped


def _compile(lines: list[str], where: str, flags: int = 0) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(line, flags) for line in lines)
    except re.error as error:
        raise DataError(f"data/licenses: invalid regex in {where}: {error}") from error


@functools.cache
def entries() -> tuple[LicenseEntry, ...]:
    """Return the licence table, compiled once per process."""
    result = []
    for row in table("licenses"):
        name = row.get("License", "").strip()
        status = row.get("Status", "").strip()
        if not name or status not in STATUSES or status == "unknown":
            raise DataError(f"data/licenses: entry {name or '?'} has no valid Status ({status!r})")
        result.append(LicenseEntry(
            name=name,
            status=status,
            redistributable=row.get("Redistributable", "yes").strip() != "no",
            note=row.get("Note", "").strip(),
            aliases=tuple(field_lines(row.get("Aliases"))),
            patterns=_compile(field_lines(row.get("Pattern")), name),
            text_patterns=_compile(field_lines(row.get("Text")), name, re.IGNORECASE),
        ))
    return tuple(result)


@functools.cache
def _alias_index() -> dict[str, LicenseEntry]:
    index: dict[str, LicenseEntry] = {}
    for entry in entries():
        for alias in (entry.name, *entry.aliases):
            index.setdefault(normalise(alias), entry)
    return index


@functools.cache
def lookup(name: str) -> LicenseEntry | None:
    """Return the table entry for one licence name, or None when it is unknown."""
    key = normalise(_EXCEPTION.sub("", name))
    if not key:
        return None
    entry = _alias_index().get(key)
    if entry is not None:
        return entry
    for candidate in entries():
        if any(pattern.search(key) for pattern in candidate.patterns):
            return candidate
    return None


def best(statuses: list[str]) -> str:
    """Return the freest of STATUSES ("or")."""
    return max(statuses, key=RANK.__getitem__) if statuses else "unknown"


def worst(statuses: list[str]) -> str:
    """Return the least free of STATUSES ("and")."""
    return min(statuses, key=RANK.__getitem__) if statuses else "unknown"


def _atom(text: str) -> Verdict:
    name = _EXCEPTION.sub("", text).strip().strip("()").strip()
    entry = lookup(name)
    if entry is None:
        return Verdict(expression=text, status="unknown", unknown=(name,) if name else ())
    return Verdict(expression=text, status=entry.status, redistributable=entry.redistributable, names=(entry.name,))


def _combine(expression: str, parts: list[Verdict], operator: str) -> Verdict:
    statuses = [part.status for part in parts]
    if operator == "or":
        status = best(statuses)
        redistributable = any(part.redistributable for part in parts)
    else:
        status = worst(statuses)
        redistributable = all(part.redistributable for part in parts)
    names = tuple(dict.fromkeys(name for part in parts for name in part.names))
    unknown = tuple(dict.fromkeys(name for part in parts for name in part.unknown))
    return Verdict(expression=expression, status=status, redistributable=redistributable, names=names, unknown=unknown)


def _group(text: str) -> Verdict:
    """Judge an expression without commas: "and" binds tighter than "or"."""
    alternatives = []
    for alternative in _OR.split(text):
        conjuncts = [_atom(part) for part in _AND.split(alternative) if part.strip()]
        alternatives.append(_combine(alternative, conjuncts, "and"))
    return _combine(text, alternatives, "or")


@functools.lru_cache(maxsize=4096)
def evaluate(expression: str) -> Verdict:
    """Return the DFSG status of a debian/copyright licence expression."""
    text = " ".join((expression or "").split())
    if not text:
        return Verdict(expression="", status="unknown")
    pieces = [piece.strip() for piece in text.split(",") if piece.strip()]
    result = _group(pieces[0])
    for piece in pieces[1:]:
        match = _COMMA_OPERATOR.match(piece)
        # A comma without an operator continues the list with "and", the
        # reading ftpmaster gives to "A, B".
        operator = match.group(1).lower() if match else "and"
        rest = _group(piece[match.end():] if match else piece)
        result = _combine(text, [result, rest], operator)
    return Verdict(
        expression=text, status=result.status, redistributable=result.redistributable,
        names=result.names, unknown=result.unknown,
    )


@functools.lru_cache(maxsize=4096)
def find_in_text(text: str) -> tuple[TextMatch, ...]:
    """Return every licence named in the prose TEXT, in order of position."""
    found: list[TextMatch] = []
    for entry in entries():
        for pattern in entry.text_patterns:
            for match in pattern.finditer(text):
                found.append(TextMatch(entry=entry, start=match.start(), end=match.end(), text=match.group(0)))
    found.sort(key=lambda item: (item.start, -item.end))
    return tuple(found)
