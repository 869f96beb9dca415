"""Render lint results as SARIF 2.1.0, the format code-scanning services read.

Every tag of the registry becomes a rule (id = tag name), and every hint a
result whose physical location is the hint's pointer, relative to the
source package's root (uriBaseId SRCROOT).  Each linted package is one
run, because each has its own root.  Overridden hints stay in the log as
results with an external suppression, so a viewer can show them as
justified rather than lose them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from . import __version__
from .hints import Hint
from .lint import LintResult
from .tags import TagInfo, explanation_text

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "SRCROOT"

# SARIF has four levels.  Lintian's info and pedantic hints are remarks
# (note); a classification records a fact, not a problem (none).
LEVELS = {"error": "error", "warning": "warning", "info": "note", "pedantic": "note", "classification": "none"}

# The first sentence of an explanation: up to a full stop followed by white space.
FIRST_SENTENCE = re.compile(r"^(.+?\.)(\s|$)", re.DOTALL)


def _short_description(info: TagInfo) -> str:
    text = " ".join(explanation_text(info).split("\n\n")[0].split())
    match = FIRST_SENTENCE.match(text)
    return match.group(1) if match else text


def rule_record(info: TagInfo) -> dict:
    """Return the SARIF reportingDescriptor of one tag."""
    descriptor = {
        "id": info.name,
        "shortDescription": {"text": _short_description(info)},
        "fullDescription": {"text": explanation_text(info)},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {"severity": info.severity, "check": info.check},
    }
    urls = [item for item in info.see_also if item.startswith(("https://", "http://"))]
    if urls:
        descriptor["helpUri"] = urls[0]
    return descriptor


def _location(hint: Hint) -> dict:
    physical: dict = {"artifactLocation": {"uri": quote(hint.pointer.path), "uriBaseId": SOURCE_ROOT}}
    if hint.pointer.line:
        physical["region"] = {"startLine": hint.pointer.line}
    return {"physicalLocation": physical}


def result_record(hint: Hint, rule_index: int) -> dict:
    """Return the SARIF result of one hint; RULE_INDEX is its tag's place in the rules."""
    text = f"{hint.tag} {hint.context}".strip()
    record: dict = {
        "ruleId": hint.tag,
        "ruleIndex": rule_index,
        "level": LEVELS[hint.severity],
        "message": {"text": text},
    }
    # A hint without a pointer concerns the whole package; SARIF then has no location.
    if hint.pointer:
        record["locations"] = [_location(hint)]
    if hint.overridden:
        suppression: dict = {"kind": "external", "status": "accepted"}
        if hint.override_comment:
            suppression["justification"] = hint.override_comment
        record["suppressions"] = [suppression]
    return record


def _root_uri(result: LintResult) -> dict | None:
    # Only an unpacked tree has a root on disk.  The paths of a .dsc or
    # .changes are inside its tarballs, so the consumer resolves SRCROOT,
    # for example to a checkout of the package.
    if result.package.source.input_kind != "tree":
        return None
    return {"uri": Path(result.package.source.location).resolve().as_uri() + "/"}


def run_record(result: LintResult, tags: dict[str, TagInfo], severities: set[str] | None = None) -> dict:
    """Return the SARIF run of one package, showing hints whose severity is in SEVERITIES."""
    names = sorted(tags)
    index = {name: number for number, name in enumerate(names)}
    records = []
    for hint in result.hints:
        # The engine turns an undeclared tag into dl-lint-internal-error, so
        # the membership test drops nothing unless the registry changed.
        if hint.tag in index and (severities is None or hint.severity in severities):
            records.append(result_record(hint, index[hint.tag]))
    run: dict = {
        "tool": {
            "driver": {
                "name": "dl-lint",
                "version": __version__,
                "rules": [rule_record(tags[name]) for name in names],
            }
        },
        "results": records,
        "properties": {
            "source": result.package.name,
            "version": result.package.version,
            "input": result.package.source.input_kind,
        },
    }
    root = _root_uri(result)
    if root:
        run["originalUriBaseIds"] = {SOURCE_ROOT: root}
    return run


def sarif_document(results: list[LintResult], tags: dict[str, TagInfo], severities: set[str] | None = None) -> dict:
    """Return the SARIF log of all RESULTS, one run per package."""
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [run_record(r, tags, severities) for r in results],
    }


def write_sarif(
    results: list[LintResult], out: TextIO, *, tags: dict[str, TagInfo], severities: set[str] | None = None,
) -> None:
    """Write the SARIF log of RESULTS to OUT."""
    json.dump(sarif_document(results, tags, severities), out, indent=2)
    out.write("\n")
