"""Render lint results: lintian's EWI lines and versioned JSON."""

from __future__ import annotations

import json
import re
from typing import TextIO

from . import __version__
from .hints import Hint
from .inventory import ModelRecord
from .lint import LintResult
from .tags import CODES, TagInfo, explanation_text

JSON_FORMAT_VERSION = 1


# Control characters (newlines, escape sequences) from file names or file
# contents would forge output lines or drive the terminal; print them escaped.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Return TEXT with control characters written as \\xNN escapes."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def ewi_line(result: LintResult, hint: Hint) -> str:
    """Return one hint as lintian prints it: ``E: pkg source: tag context [pointer]``."""
    code = "O" if hint.overridden else CODES[hint.severity]
    parts = [f"{code}: {printable(result.package.name)} source: {hint.tag}"]
    if hint.context:
        parts.append(printable(hint.context))
    if hint.pointer:
        parts.append(f"[{printable(str(hint.pointer))}]")
    return " ".join(parts)


def write_ewi(
    result: LintResult, out: TextIO, *, severities: set[str], tags: dict[str, TagInfo],
    show_overrides: bool = False, info: bool = False,
) -> None:
    """Write the hints to show as EWI lines; with INFO, explain each tag once."""
    explained: set[str] = set()
    for hint in result.hints:
        if hint.severity not in severities or (hint.overridden and not show_overrides):
            continue
        if hint.overridden and hint.override_comment:
            out.write(f"N: {printable(hint.override_comment)}\n")
        out.write(ewi_line(result, hint) + "\n")
        if info and hint.tag not in explained:
            explained.add(hint.tag)
            out.write(explain_block(tags[hint.tag]))


def explain_block(info: TagInfo) -> str:
    """Return a tag's explanation as lintian's ``N:`` lines."""
    lines = ["N:"]
    for line in explanation_text(info).splitlines():
        lines.append(f"N:   {line}".rstrip())
    if info.see_also:
        lines.append("N:")
        lines.append(f"N:   Please refer to {', '.join(info.see_also)} for details.")
    lines.append("N:")
    lines.append(f"N:   Visibility: {info.severity}")
    lines.append(f"N:   Check: {info.check}")
    lines.append("N:")
    return "\n".join(lines) + "\n"


def model_json(model: ModelRecord) -> dict:
    """Return the JSON form of one inventory record."""
    record = {
        "path": model.path,
        "format": model.format,
        "format-name": model.format_name,
        "kind": model.kind,
        "size": model.size,
        "evidence": model.evidence,
        "files": model.files,
        "sha256": model.sha256,
    }
    if model.details is not None:
        details = model.details
        record["tensors"] = details.tensor_count
        record["parameters"] = details.parameters
        record["dtypes"] = sorted(details.dtypes)
        record["metadata"] = details.metadata
        record["imports"] = details.imports
    if model.embedded is not None:
        record["embedded"] = {
            "arrays": model.embedded.arrays,
            "values": model.embedded.values,
            "share": model.embedded.share,
            "marker": model.embedded.marker,
        }
    if model.entropy is not None:
        record["entropy"] = model.entropy
    if model.compressed:
        record["compressed"] = model.compressed
    if model.problem:
        record["problem"] = {"tag": model.problem[0], "message": model.problem[1]}
    return record


def hint_json(hint: Hint) -> dict:
    """Return the JSON form of one hint."""
    return {
        "tag": hint.tag,
        "severity": hint.severity,
        "check": hint.check,
        "context": hint.context,
        "pointer": {"path": hint.pointer.path, "line": hint.pointer.line} if hint.pointer else None,
        "overridden": hint.overridden,
    }


def result_json(result: LintResult) -> dict:
    """Return one package's result as a JSON-ready dictionary."""
    package = result.package
    return {
        "source": package.name,
        "version": package.version,
        "input": package.source.input_kind,
        "location": str(package.source.location),
        "hints": [hint_json(h) for h in result.hints],
        "models": [model_json(m) for m in package.models if m.is_model or m.kind == "possible"],
        "seconds": round(result.seconds, 3),
    }


def write_json(results: list[LintResult], out: TextIO) -> None:
    """Write all results as one JSON document whose first key is the format version."""
    document = {
        "format-version": JSON_FORMAT_VERSION,
        "dl-lint-version": __version__,
        "packages": [result_json(r) for r in results],
    }
    json.dump(document, out, indent=2, sort_keys=False)
    out.write("\n")
