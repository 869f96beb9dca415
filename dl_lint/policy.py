"""Classify models under a policy profile: category, reasons, archive areas.

A profile is a decision table in data/profiles/NAME (deb822): a header
paragraph with the profile's settings and one paragraph per rule.  The
provenance of each model (dl_lint.provenance) is reduced to a few facts:
its kind and the status of its licence, data and program.  The first rule
whose conditions all hold gives the category, the archive areas the
category may enter and the reason.  A new position is a new profile file,
not new code.
"""

from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass, field

from . import licenses, provenance
from .datafiles import read_paragraphs
from .errors import DataError, UsageError
from .paths import data_dir

PROFILE_DIRECTORY = "profiles"

# Each category has one classification tag.
CATEGORY_TAGS = {
    "Free": "model-category-free",
    "ToxicCandy": "model-category-toxiccandy",
    "Non-free": "model-category-non-free",
    "model-like data": "model-category-model-like-data",
    "test fixture": "model-category-test-fixture",
}
AREAS = ("main", "contrib", "non-free", "non-free-firmware")
QUESTIONS = ("license", "training-data", "training-program")
KINDS = ("model", "model-like", "fixture")
# The values each condition field of a rule may list.
CONDITIONS = {
    "Kind": KINDS,
    "License": ("free", "non-free", "undistributable", "unknown"),
    "Data-License": ("free", "non-free", "unknown", "missing"),
    "Data-Location": ("shipped", "public", "unavailable", "missing"),
    "Data-Documented": ("yes", "no"),
    "Program": ("shipped", "debian", "external", "missing", "non-free"),
    "Requires-Non-Free": ("yes", "no"),
}
_PROFILE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One row of a profile's decision table."""

    name: str
    conditions: dict[str, frozenset[str]]
    category: str
    areas: tuple[str, ...]
    reason: str

    def matches(self, facts: dict[str, str]) -> bool:
        return all(facts[name] in accepted for name, accepted in self.conditions.items())


@dataclass(frozen=True, kw_only=True)
class Profile:
    """A policy profile: settings and the ordered rules."""

    name: str
    description: str
    probably_free: str
    judged_kinds: frozenset[str]
    judged_questions: frozenset[str]
    fixture_max_bytes: int
    fixture_max_parameters: int
    rules: tuple[Rule, ...]

    def judges(self, kind: str, question: str) -> bool:
        """Return whether a gap in QUESTION is a warning for models of KIND (else info)."""
        return kind in self.judged_kinds and question in self.judged_questions


@dataclass(frozen=True, kw_only=True)
class Classification:
    """The verdict on one model under one profile."""

    path: str
    category: str
    summary: str
    reasons: tuple[str, ...]
    areas: tuple[str, ...]
    rule: str
    profile: str
    kind: str
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def tag(self) -> str:
        return CATEGORY_TAGS[self.category]

    @property
    def context(self) -> str:
        """The short, deterministic context of the classification hint."""
        return f"{self.category}: {self.summary}"


def profile_names() -> list[str]:
    """Return the names of the profiles in data/profiles."""
    directory = data_dir() / PROFILE_DIRECTORY
    return sorted(path.name for path in directory.iterdir() if path.is_file() and _PROFILE_NAME.match(path.name))


@functools.cache
def load_profile(name: str) -> Profile:
    """Read data/profiles/NAME; raise UsageError when there is no such profile."""
    path = data_dir() / PROFILE_DIRECTORY / name
    if not _PROFILE_NAME.match(name or "") or not path.is_file():
        raise UsageError(f"unknown policy profile {name!r}; available profiles: {', '.join(profile_names())}")
    paragraphs = read_paragraphs(path)
    if not paragraphs or "Profile" not in paragraphs[0]:
        raise DataError(f"{path}: the first paragraph must name the profile in a Profile field")
    header = paragraphs[0]
    rules = tuple(_rule(paragraph, path) for paragraph in paragraphs[1:])
    if not rules:
        raise DataError(f"{path}: the profile has no rules")
    return Profile(
        name=header["Profile"].strip(),
        description=header.get("Description", "").strip(),
        probably_free=_choice(header, "Probably-Free", ("free", "unknown"), path),
        judged_kinds=_words(header, "Judged-Kinds", KINDS, path),
        judged_questions=_words(header, "Judged-Questions", QUESTIONS, path),
        fixture_max_bytes=_integer(header, "Fixture-Max-Bytes", path),
        fixture_max_parameters=_integer(header, "Fixture-Max-Parameters", path),
        rules=rules,
    )


def _choice(paragraph: dict[str, str], name: str, allowed: tuple[str, ...], path) -> str:
    value = paragraph.get(name, "").strip()
    if value not in allowed:
        raise DataError(f"{path}: {name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _words(paragraph: dict[str, str], name: str, allowed: tuple[str, ...], path) -> frozenset[str]:
    words = frozenset(paragraph.get(name, "").split())
    unknown = sorted(words - set(allowed))
    if unknown:
        raise DataError(f"{path}: {name} has unknown values {', '.join(unknown)} (allowed: {', '.join(allowed)})")
    return words


def _integer(paragraph: dict[str, str], name: str, path) -> int:
    try:
        return int(paragraph.get(name, "0"))
    except ValueError as error:
        raise DataError(f"{path}: {name} must be a whole number") from error


def _rule(paragraph: dict[str, str], path) -> Rule:
    name = paragraph.get("Rule", "").strip()
    category = paragraph.get("Category", "").strip()
    if not name or category not in CATEGORY_TAGS:
        raise DataError(f"{path}: rule {name or '?'} needs a Rule name and a Category among {', '.join(CATEGORY_TAGS)}")
    conditions = {}
    for field_name, allowed in CONDITIONS.items():
        if field_name in paragraph:
            conditions[field_name] = _words(paragraph, field_name, allowed, path)
    unknown = sorted(set(paragraph) - set(CONDITIONS) - {"Rule", "Category", "Areas", "Reason"})
    if unknown:
        raise DataError(f"{path}: rule {name} has unknown fields {', '.join(unknown)}")
    areas = paragraph.get("Areas", "").split()
    if areas == ["none"]:
        areas = []
    elif set(areas) - set(AREAS):
        raise DataError(f"{path}: rule {name} names unknown areas {' '.join(sorted(set(areas) - set(AREAS)))}")
    return Rule(name=name, conditions=conditions, category=category, areas=tuple(areas), reason=paragraph.get("Reason", "").strip())


# Facts: the provenance reduced to the values rules test.

def kind_of(record: provenance.Provenance, profile: Profile) -> tuple[str, str]:
    """Return the model's kind ("model", "model-like", "fixture") and why it is a fixture."""
    if record.declared_fixture is not None:
        if record.declared_fixture:
            return "fixture", "declared in debian/ml-models"
        return record.kind, ""
    if not record.in_test_directory or any(p.location == "shipped" and p.evidence.source == "inspection" for p in record.programs):
        return record.kind, ""
    if record.generated_by is not None:
        return "fixture", f"generated by {record.generated_by.path}:{record.generated_by.line}"
    if record.size <= profile.fixture_max_bytes:
        return "fixture", f"trivially small ({record.size} bytes)"
    if record.parameters is not None and record.parameters <= profile.fixture_max_parameters:
        return "fixture", f"trivially small ({record.parameters} parameters)"
    return record.kind, ""


def _status(status: str, profile: Profile) -> str:
    return profile.probably_free if status == "probably-free" else status


def license_fact(record: provenance.Provenance, profile: Profile) -> str:
    finding = record.license
    if finding is None:
        return "unknown"
    if finding.verdict.status == "non-free" and not finding.verdict.redistributable:
        return "undistributable"
    return _status(finding.verdict.status, profile)


def data_facts(record: provenance.Provenance, profile: Profile) -> dict[str, str]:
    """Return Data-License, Data-Location and Data-Documented for a model."""
    if not record.data:
        return {"Data-License": "missing", "Data-Location": "missing", "Data-Documented": "no"}
    status = licenses.worst([_status(finding.status, profile) for finding in record.data])
    location = min((finding.location for finding in record.data), key=provenance._DATA_LOCATION_ORDER.index)
    documented = all(finding.documented for finding in record.data)
    if status not in ("free", "non-free"):
        status = "unknown"
    return {
        "Data-License": status,
        "Data-Location": location,
        "Data-Documented": "yes" if documented else "no",
    }


def program_fact(record: provenance.Provenance) -> str:
    available = [p for p in record.programs if p.location in ("shipped", "debian")]
    if any(p.license_status != "non-free" for p in available):
        return next(p.location for p in available if p.license_status != "non-free")
    if available:
        return "non-free"
    return "external" if record.programs else "missing"


def facts(record: provenance.Provenance, profile: Profile) -> dict[str, str]:
    """Return the values the profile's rules test, for one model."""
    kind, _ = kind_of(record, profile)
    result = {"Kind": kind, "License": license_fact(record, profile)}
    result.update(data_facts(record, profile))
    result["Program"] = program_fact(record)
    result["Requires-Non-Free"] = "yes" if record.requirements else "no"
    return result


# Reasons and the short summary of a classification.

def reasons(record: provenance.Provenance) -> list[str]:
    """Return the findings behind a classification, one line each, with evidence."""
    lines = []
    finding = record.license
    if finding is None:
        lines.append("licence: none found")
    else:
        lines.append(f"licence: {finding.expression} ({finding.verdict.status}) from {finding.evidence}")
    for data in record.data:
        lines.append(f"training data: {data.name} ({data.license or 'no licence stated'}, {data.status}, {data.location}) from {data.evidence}")
    if not record.data:
        lines.append("training data: none named")
    for program in record.programs:
        lines.append(f"training program: {program.name} ({program.location}, {program.license_status}) from {program.evidence}")
    if not record.programs:
        lines.append("training program: none found")
    for requirement in record.requirements:
        lines.append(f"training needs: {requirement.name} from {requirement.evidence}")
    return lines


def _names(findings, limit: int = 3) -> str:
    names = list(dict.fromkeys(finding.name for finding in findings))
    text = ", ".join(names[:limit])
    return text + (f" and {len(names) - limit} more" if len(names) > limit else "")


def summary(record: provenance.Provenance, rule: Rule, fact_values: dict[str, str], fixture_reason: str, profile: Profile) -> str:
    """Return the short reason for the classification hint's context."""
    decisive = set(rule.conditions) - {"License"} if set(rule.conditions) - {"License"} else set(rule.conditions)
    license_text = record.license.expression if record.license else ""
    if "Kind" in decisive and fact_values["Kind"] == "fixture":
        return fixture_reason
    if "Kind" in decisive:
        return _answers(record, fact_values)
    if "Data-License" in decisive:
        return _data_summary(record, fact_values, profile)
    if "Data-Location" in decisive:
        unavailable = [d for d in record.data if d.location == "unavailable"]
        return f"training data not public ({_names(unavailable)})"
    if "Data-Documented" in decisive:
        undocumented = [d for d in record.data if not d.documented]
        return f"training data licence not documented in debian/ ({_names(undocumented)})"
    if "Program" in decisive:
        return _program_summary(record, fact_values)
    if "Requires-Non-Free" in decisive:
        return f"training needs non-free software ({_names(record.requirements)})"
    if fact_values["License"] == "unknown":
        return "licence unknown" + (f" ({license_text})" if license_text else "")
    if fact_values["License"] in ("non-free", "undistributable"):
        return f"{rule.reason} ({license_text})"
    if rule.category == "Free":
        return _answers(record, fact_values)
    return f"{rule.reason} ({license_text})" if license_text else rule.reason


def _data_summary(record: provenance.Provenance, fact_values: dict[str, str], profile: Profile) -> str:
    if fact_values["Data-License"] == "missing":
        return "training data not named"
    non_free = [d for d in record.data if d.status == "non-free"]
    if non_free:
        return f"training data non-free ({_names(non_free)})"
    unknown = [d for d in record.data if _status(d.status, profile) == "unknown"]
    return f"training data licence unknown ({_names(unknown)})"


def _program_summary(record: provenance.Provenance, fact_values: dict[str, str]) -> str:
    if fact_values["Program"] == "missing":
        return "no training program found"
    if fact_values["Program"] == "non-free":
        return f"training program non-free ({_names(record.programs)})"
    return f"training program not in the package ({_names(record.programs)})"


def _answers(record: provenance.Provenance, fact_values: dict[str, str]) -> str:
    """Summarise the licence, data and program findings, for kinds the profile does not judge."""
    license_text = record.license.expression if record.license else "none"
    if fact_values["Data-License"] == "missing":
        data = "training data not named"
    else:
        where = " in the package" if fact_values["Data-Location"] == "shipped" else ""
        data = f"training data {_names(record.data)}{where} ({fact_values['Data-License']})"
    available = [p for p in record.programs if p.location in ("shipped", "debian")]
    program = {
        "missing": "no training program found",
        "external": f"training program {_names(record.programs)} not in the package",
    }.get(fact_values["Program"], f"training program {_names(available or record.programs)}")
    return f"licence {license_text}, {data}, {program}"


def classify(record: provenance.Provenance, profile: Profile) -> Classification:
    """Return the classification of one model under PROFILE."""
    fact_values = facts(record, profile)
    _, fixture_reason = kind_of(record, profile)
    for rule in profile.rules:
        if rule.matches(fact_values):
            return Classification(
                path=record.path, category=rule.category,
                summary=summary(record, rule, fact_values, fixture_reason, profile),
                reasons=tuple(reasons(record)), areas=rule.areas, rule=rule.name, profile=profile.name,
                kind=fact_values["Kind"], facts=fact_values,
            )
    raise DataError(f"profile {profile.name}: no rule matches {fact_values}; end the profile with a catch-all rule")


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def classify_package(package) -> dict[str, Classification]:
    """Return the classification of every model of PACKAGE under its profile, computed once."""
    profile = load_profile(package.profile)
    cached = _CACHE.get(package)
    if cached is None or cached[0] != profile.name:
        records = provenance.for_package(package)
        cached = (profile.name, {path: classify(record, profile) for path, record in records.items()})
        _CACHE[package] = cached
    return cached[1]


# Gaps: what a maintainer can fix, one per finding, for the question checks.

@dataclass(frozen=True, kw_only=True)
class Gap:
    """A missing or non-free answer to one policy question for one model.

    ``tag`` is the warning a question check emits when the profile judges
    the question for the model's kind.  Otherwise policy/classification
    emits an info hint with ``summary`` as its context.
    """

    question: str
    tag: str
    context: str
    summary: str


def gaps(record: provenance.Provenance, profile: Profile) -> list[Gap]:
    """Return every gap in the provenance of one model."""
    return _license_gaps(record) + _data_gaps(record, profile) + _program_gaps(record)


def _license_gaps(record: provenance.Provenance) -> list[Gap]:
    finding = record.license
    if finding is None:
        return [Gap(question="license", tag="model-without-license", context="no licence found", summary="no licence found")]
    if finding.verdict.unknown:
        names = ", ".join(finding.verdict.unknown)
        return [Gap(question="license", tag="model-license-unrecognized", context=f"{names} ({finding.evidence.pointer})",
                    summary=f"licence not recognised: {names}")]
    return []


def _data_gaps(record: provenance.Provenance, profile: Profile) -> list[Gap]:
    if not record.data:
        return [Gap(question="training-data", tag="model-without-training-data", context="not named",
                    summary="training data not named")]
    result = []
    for finding in record.data:
        label = f"{finding.name} ({finding.license or 'no licence stated'})"
        status = _status(finding.status, profile)
        if status == "non-free":
            result.append(Gap(question="training-data", tag="model-training-data-non-free", context=label,
                              summary=f"training data non-free: {label}"))
        elif status == "unknown":
            result.append(Gap(question="training-data", tag="model-training-data-license-unknown", context=label,
                              summary=f"training data licence unknown: {label}"))
        if finding.location == "unavailable":
            result.append(Gap(question="training-data", tag="model-training-data-not-public", context=finding.name,
                              summary=f"training data not public: {finding.name}"))
    return result


def _program_gaps(record: provenance.Provenance) -> list[Gap]:
    result = []
    fact = program_fact(record)
    if fact == "missing":
        result.append(Gap(question="training-program", tag="model-without-training-program", context="none found",
                          summary="no training program found"))
    elif fact == "external":
        names = _names(record.programs)
        result.append(Gap(question="training-program", tag="model-without-training-program", context=f"{names} not in the package",
                          summary=f"training program not in the package: {names}"))
    elif fact == "non-free":
        names = _names(record.programs)
        result.append(Gap(question="training-program", tag="model-training-program-non-free", context=names,
                          summary=f"training program non-free: {names}"))
    for requirement in record.requirements:
        result.append(Gap(question="training-program", tag="model-training-requires-non-free-software",
                          context=f"{requirement.name} ({requirement.evidence.pointer})",
                          summary=f"training needs non-free software: {requirement.name}"))
    return result


def judged_gaps(package, question: str) -> list[tuple[str, Gap]]:
    """Return (model path, gap) for the gaps in QUESTION the package's profile judges."""
    profile = load_profile(package.profile)
    records = provenance.for_package(package)
    result = []
    for path, classification in sorted(classify_package(package).items()):
        if classification.kind == "fixture" or not profile.judges(classification.kind, question):
            continue
        result += [(path, gap) for gap in gaps(records[path], profile) if gap.question == question]
    return result
