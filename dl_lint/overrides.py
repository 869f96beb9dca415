"""Lintian-style overrides from debian/source/lintian-overrides and
debian/source/dl-lint-overrides.

The syntax is lintian's: ``[source-name source: ]tag [context]``, where the
context may use ``*`` as a wildcard and may end with the pointer in
brackets.  Comment lines directly above an override are its justification.
Overrides of tags dl-lint does not know are left to lintian in
lintian-overrides and reported in dl-lint-overrides.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .globs import override_regex
from .hints import Hint
from .package import Package

OVERRIDE_FILES = ("debian/source/lintian-overrides", "debian/source/dl-lint-overrides")
OWN_FILE = "debian/source/dl-lint-overrides"

LINE = re.compile(
    r"^(?:(?P<package>[a-z0-9][a-z0-9+.-]*)?(?:\s+(?P<type>source))?\s*:\s*)?"
    r"(?P<tag>[a-z0-9][a-z0-9+.-]*)(?:\s+(?P<context>.*))?$"
)


@dataclass(kw_only=True)
class Override:
    """One parsed override line."""

    tag: str
    context: str
    path: str
    line: int
    comment: str = ""
    used: bool = False

    def matches(self, hint: Hint) -> bool:
        if hint.tag != self.tag:
            return False
        if not self.context:
            return True
        text = hint.context
        if hint.pointer:
            text = f"{text} [{hint.pointer}]".strip()
        pattern = override_regex(self.context)
        return pattern.match(text) is not None or pattern.match(hint.context) is not None


@dataclass(kw_only=True)
class OverrideProblem:
    """A defect of an override file, reported by the overrides check."""

    tag: str
    context: str
    path: str
    line: int


def parse_overrides(package: Package, known_tags: set[str]) -> tuple[list[Override], list[OverrideProblem]]:
    """Parse both override files of PACKAGE."""
    overrides: list[Override] = []
    problems: list[OverrideProblem] = []
    for path in OVERRIDE_FILES:
        text = package.text(path)
        if text is None:
            continue
        comment: list[str] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                comment = []
                continue
            if line.startswith("#"):
                comment.append(line.lstrip("#").strip())
                continue
            match = LINE.match(line)
            if match is None:
                problems.append(OverrideProblem(tag="dl-lint-override-malformed", context=line[:80], path=path, line=number))
                comment = []
                continue
            package_name = match["package"]
            if package_name and package_name != package.name and package_name != "source":
                comment = []
                continue
            tag = match["tag"]
            if tag not in known_tags:
                if path == OWN_FILE:
                    problems.append(OverrideProblem(tag="dl-lint-override-unknown-tag", context=tag, path=path, line=number))
                comment = []
                continue
            overrides.append(
                Override(tag=tag, context=(match["context"] or "").strip(), path=path, line=number, comment=" ".join(comment))
            )
            comment = []
    return overrides, problems


def apply_overrides(hints: list[Hint], overrides: list[Override]) -> list[Hint]:
    """Mark the hints that some override matches."""
    result = []
    for hint in hints:
        for override in overrides:
            if override.matches(hint):
                override.used = True
                hint = dataclasses.replace(hint, overridden=True, override_comment=override.comment)
                break
        result.append(hint)
    return result
