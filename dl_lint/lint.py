"""Lint one source package: read it, run the checks, apply overrides.

This is the API behind the command line and the sweep: ``lint_source``
returns a ``LintResult`` and raises only DlLintError subclasses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import policy
from .checks import Check, load_checks, load_tags_checked, run_checks
from .hints import Hint, Pointer
from .overrides import apply_overrides, parse_overrides
from .package import Package, load_package
from .source import open_source
from .tags import TagInfo

# Tags the engine itself emits; their descriptions name the pseudo-check "dl-lint".
ENGINE_CHECK = "dl-lint"

DEFAULT_PROFILE = "ml-policy"


@dataclass(kw_only=True)
class LintResult:
    """The outcome of linting one package."""

    package: Package
    hints: list[Hint]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Registry:
    """Checks and tags, loaded once per process."""

    checks: dict[str, Check]
    tags: dict[str, TagInfo]

    @classmethod
    def load(cls, include: tuple[str, ...] = ()) -> Registry:
        checks = load_checks(include)
        return cls(checks=checks, tags=load_tags_checked(include, checks))


def lint_source(
    argument: str, registry: Registry, *, only: set[str] | None = None,
    use_overrides: bool = True, profile: str = DEFAULT_PROFILE,
) -> LintResult:
    """Lint the tree, .dsc or .changes at ARGUMENT under policy PROFILE."""
    started = time.perf_counter()
    policy.load_profile(profile)  # an unknown profile is a usage error, before any reading
    package = load_package(open_source(argument))
    package.profile = profile
    read_done = time.perf_counter()
    hints = run_checks(package, registry.checks, registry.tags, only)
    checks_done = time.perf_counter()
    if use_overrides:
        hints = _apply_overrides(package, hints, registry.tags)
    hints.sort(key=Hint.sort_key)
    return LintResult(
        package=package,
        hints=hints,
        seconds=time.perf_counter() - started,
        timings={"read": read_done - started, "checks": checks_done - read_done},
    )


def _engine_hint(tags: dict[str, TagInfo], tag: str, context: str, path: str, line: int) -> Hint:
    return Hint(
        tag=tag, severity=tags[tag].severity, check=ENGINE_CHECK, context=context,
        pointer=Pointer(path=path, line=line),
    )


def _apply_overrides(package: Package, hints: list[Hint], tags: dict[str, TagInfo]) -> list[Hint]:
    overrides, problems = parse_overrides(package, set(tags))
    hints = apply_overrides(hints, overrides)
    for problem in problems:
        hints.append(_engine_hint(tags, problem.tag, problem.context, problem.path, problem.line))
    for override in overrides:
        if not override.used:
            context = f"{override.tag} {override.context}".strip()
            hints.append(_engine_hint(tags, "dl-lint-override-unused", context, override.path, override.line))
    return hints


def fails(hints: list[Hint], level: str) -> bool:
    """Return whether any hint not overridden is at or above severity LEVEL."""
    if level == "none":
        return False
    order = {"error": 0, "warning": 1, "info": 2, "pedantic": 3}
    limit = order[level]
    return any(
        not hint.overridden and hint.severity in order and order[hint.severity] <= limit
        for hint in hints
    )

