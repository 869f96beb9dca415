"""Write the retrain report: text for the terminal, JSON and PNG plots.

The report directory of a package contains report.json, whose first key
is "format-version", and a directory per model.  A model's directory
contains each run's model file, metrics and logs, curves.png (the metric
curves of every run over their differences from run 1) and tensors.png
(the largest difference of every tensor from run 1).  Plots use matplotlib's Agg backend (Debian package
python3-matplotlib); without matplotlib the report says so and has no plots.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .. import __version__
from . import compare, sandbox
from .compare import ModelComparison
from .curves import CurveComparison

if TYPE_CHECKING:
    from .runner import Finding, ModelRetrain, RetrainReport, RunRecord

log = logging.getLogger(__name__)

JSON_FORMAT_VERSION = 1
REPORT_NAME = "report.json"

# Colours of the verdicts in the plot titles.
LEVEL_COLOURS = {compare.BIT_BY_BIT: "#1a7f37", compare.NUMERICAL: "#1f5fbf", compare.NOT_REPRODUCIBLE: "#c62828"}

LEVEL_WORDS = {
    compare.BIT_BY_BIT: "bit-by-bit identical",
    compare.NUMERICAL: "numerically reproducible (within tolerance)",
    compare.NOT_REPRODUCIBLE: "NOT reproducible",
    "not-attempted": "not attempted",
}


def written_by_dl_lint(directory: Path) -> bool:
    """Return whether DIRECTORY contains a retrain report written by dl-lint."""
    try:
        with open(directory / REPORT_NAME, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return False
    return isinstance(document, dict) and next(iter(document), None) == "format-version"


# JSON


def _number(value: float | None) -> float | None:
    """Return VALUE for JSON, which has no infinities or NaN: those become null."""
    if value is None or not math.isfinite(value):
        return None
    return value


def _relative(path: Path | None, base: Path) -> str | None:
    return path.relative_to(base).as_posix() if path is not None else None


def comparison_json(comparison: ModelComparison) -> dict:
    """Return one model comparison as a JSON-ready dictionary."""
    tensors = comparison.tensors
    return {
        "reference": comparison.reference,
        "candidate": comparison.candidate,
        "level": comparison.level,
        "bytes-identical": comparison.bytes_identical,
        "tensors-identical": comparison.tensors_identical,
        "method": comparison.method,
        "format": comparison.format,
        "reason": comparison.reason,
        "max-abs-diff": _number(max((t.max_abs for t in tensors), default=0.0)),
        "max-rel-diff": _number(max((t.max_rel for t in tensors), default=0.0)),
        "tolerance-ratio": _number(max((t.ratio for t in tensors), default=0.0)),
        "beyond-tolerance": sum(t.beyond for t in tensors),
        "tensors": [
            {
                "name": t.name, "shape": list(t.shape), "dtype": t.dtype, "size": t.size,
                "max-abs-diff": _number(t.max_abs), "max-rel-diff": _number(t.max_rel),
                "tolerance-ratio": _number(t.ratio), "beyond-tolerance": t.beyond, "identical": t.identical, "problem": t.problem,
            }
            for t in tensors
        ],
    }


def curves_json(comparison: CurveComparison) -> dict:
    """Return one curve comparison as a JSON-ready dictionary."""
    return {
        "reference": comparison.reference,
        "candidate": comparison.candidate,
        "level": comparison.level,
        "problems": comparison.problems,
        "columns": [
            {
                "name": c.name, "points": c.points, "max-abs-diff": _number(c.max_abs),
                "max-rel-diff": _number(c.max_rel), "tolerance-ratio": _number(c.ratio), "beyond-tolerance": c.beyond,
                "first-beyond-step": c.first_beyond_step, "identical": c.identical,
                "final-reference": _number(c.final_reference), "final-candidate": _number(c.final_candidate),
                "final-within-tolerance": c.final_within,
            }
            for c in comparison.columns
        ],
    }


def _run_json(record: RunRecord, base: Path) -> dict:
    return {
        "number": record.number,
        "status": record.status,
        "exit-status": record.exit_status,
        "seconds": round(record.seconds, 3),
        "sha256": record.sha256,
        "artefact": _relative(record.artefact, base),
        "metrics": _relative(record.metrics, base),
        "stdout": _relative(record.directory / "stdout.log", base),
        "stderr": _relative(record.directory / "stderr.log", base),
    }


def _final_metrics(model: ModelRetrain) -> dict:
    """Return the last point of every metric of every run: the digits a paper would print."""
    finals = {}
    for record, curves in zip(model.runs, model.curves):
        if curves is not None:
            finals[f"run {record.number}"] = {name: _number(float(v[-1])) for name, v in curves.columns.items()}
    return finals


def _finding_json(finding: Finding) -> dict:
    return {"tag": finding.tag, "context": finding.context, "path": finding.path, "line": finding.line}


def model_json(model: ModelRetrain, base: Path) -> dict:
    """Return one model's retrain outcome as a JSON-ready dictionary."""
    return {
        "output": model.output,
        "shipped": model.shipped,
        "command": model.command,
        "metrics": model.metrics or None,
        "claimed": model.claim or None,
        "level": model.level,
        "status": model.status,
        "problem": model.problem,
        "timeout": model.timeout,
        "tolerance": {"rtol": model.tolerance.rtol, "atol": model.tolerance.atol, "declared": model.tolerance.declared},
        "runs": [_run_json(record, base) for record in model.runs],
        "comparisons": [comparison_json(c) for c in model.comparisons],
        "curves": [curves_json(c) for c in model.curve_comparisons],
        "final-metrics": _final_metrics(model),
        "metrics-problem": model.metrics_problem,
        "shipped-comparison": comparison_json(model.shipped_comparison) if model.shipped_comparison else None,
        "plots": [_relative(path, base) for path in model.plots],
        "findings": [_finding_json(f) for f in model.findings],
    }


def report_json(report: RetrainReport) -> dict:
    """Return the whole package's retrain report; the first key is the format version."""
    return {
        "format-version": JSON_FORMAT_VERSION,
        "dl-lint-version": __version__,
        "source": report.source,
        "version": report.version,
        "runs": report.runs,
        "sandbox": report.sandbox.describe(),
        "rejected": report.rejected,
        "limits": {
            "memory-bytes": report.memory_bytes,
            "file-bytes": sandbox.DEFAULT_FILE_SIZE,
            "cpu-seconds": "wall-clock limit times the number of CPUs",
        },
        "environment": sorted(sandbox.scrubbed_environment(sandbox.RunDirectory(root=report.directory), report.source_date_epoch)),
        "source-date-epoch": report.source_date_epoch,
        "skipped-members": report.skipped,
        "findings": [_finding_json(f) for f in report.findings],
        "models": [model_json(m, report.directory) for m in report.models],
    }


# Text


def _short(value: float) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.2g}"


def _digits(value: float | None) -> str:
    """Return every digit of a metric, and integers such as epochs without ".0"."""
    if value is None:
        return "n/a"
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def _comparison_line(comparison: ModelComparison, tolerance: compare.Tolerance, reference: str = "") -> str:
    head = f"{comparison.candidate} vs {reference or comparison.reference}:"
    if comparison.bytes_identical:
        return f"{head} identical bytes"
    if comparison.method == "bytes":
        return f"{head} bytes differ, compared as bytes because {comparison.reason}"
    tensors = comparison.tensors
    beyond = sum(t.beyond for t in tensors)
    values = sum(t.size for t in tensors)
    max_abs = max((t.max_abs for t in tensors), default=0.0)
    max_rel = max((t.max_rel for t in tensors), default=0.0)
    same = ", every tensor bit-identical but the file bytes differ" if comparison.tensors_identical else ""
    return (f"{head} {LEVEL_WORDS[comparison.level]}{same}; {len(tensors)} tensors, {values} values, "
            f"{beyond} beyond rtol={tolerance.rtol:g} atol={tolerance.atol:g}; "
            f"max abs diff {_short(max_abs)}, max rel diff {_short(max_rel)}")


def _tensor_table(comparison: ModelComparison, out: TextIO, limit: int = 12) -> None:
    if comparison.method != "tensors" or comparison.tensors_identical:
        return
    out.write(f"      {'tensor':<24} {'shape':<12} {'max abs':>9} {'max rel':>9} {'beyond':>7}\n")
    for t in comparison.tensors[:limit]:
        shape = "x".join(str(n) for n in t.shape) or "scalar"
        extra = f"  {t.problem}" if t.problem else ""
        out.write(f"      {t.name[:24]:<24} {shape:<12} {_short(t.max_abs):>9} {_short(t.max_rel):>9} {t.beyond:>7}{extra}\n")
    if len(comparison.tensors) > limit:
        out.write(f"      ... {len(comparison.tensors) - limit} more tensors in {REPORT_NAME}\n")


def _curve_line(comparison: CurveComparison) -> str:
    head = f"curves {comparison.candidate} vs {comparison.reference}:"
    if comparison.problems:
        return f"{head} not comparable: {'; '.join(comparison.problems)}"
    points = max((c.points for c in comparison.columns), default=0)
    parts = [f"{head} {LEVEL_WORDS[comparison.level]}; {points} points x {len(comparison.columns)} columns"]
    for column in comparison.columns:
        if column.beyond or not column.final_within:
            parts.append(f"{column.name} beyond tolerance at {column.beyond} points from step {column.first_beyond_step:g}"
                         if column.first_beyond_step is not None else f"{column.name} final value beyond tolerance")
    return "; ".join(parts)


def _write_model_text(model: ModelRetrain, out: TextIO) -> None:
    claim = f" (claimed {model.claim})" if model.claim else ""
    out.write(f"  {model.output}: {LEVEL_WORDS.get(model.level, model.level)}{claim}\n")
    if model.problem:
        out.write(f"    {model.problem}\n")
    for record in model.runs:
        digest = f", sha256 {record.sha256[:16]}" if record.sha256 else ""
        code = f" (exit status {record.exit_status})" if record.status == "failed" else ""
        out.write(f"    run {record.number}: {record.status}{code} in {record.seconds:.1f} s{digest}; log {record.directory / 'stderr.log'}\n")
    for comparison in model.comparisons:
        out.write(f"    {_comparison_line(comparison, model.tolerance)}\n")
        _tensor_table(comparison, out)
    for comparison in model.curve_comparisons:
        out.write(f"    {_curve_line(comparison)}\n")
    for run, finals in _final_metrics(model).items():
        digits = ", ".join(f"{name} {_digits(value)}" for name, value in finals.items())
        out.write(f"    final metrics of {run}: {digits}\n")
    if model.metrics_problem:
        out.write(f"    metrics: {model.metrics_problem}\n")
    if model.shipped_comparison is not None:
        line = _comparison_line(model.shipped_comparison, model.tolerance, f"shipped {model.shipped}")
        out.write(f"    {line}\n")
    elif model.status == "compared":
        out.write("    shipped model: none to compare with (no single shipped file matches the paragraph's Files)\n")
    for plot in model.plots:
        out.write(f"    plot: {plot}\n")


def write_text(report: RetrainReport, out: TextIO) -> None:
    """Write the human summary of REPORT."""
    box = report.sandbox
    where = f"{box.kind} sandbox (no network, only its copy writable)" if box.isolated else f"NO sandbox ({box.reason})"
    if not report.models:
        out.write(f"retrain {report.source} {report.version}: no paragraph of debian/ml-models has a Retrain-Command\n")
    else:
        out.write(f"retrain {report.source} {report.version}: {report.runs} runs per model in {where}\n")
    if report.rejected:
        out.write("  not run: pass --allow-no-sandbox to run the package's commands without isolation\n")
    for model in report.models:
        _write_model_text(model, out)
    out.write(f"  report: {report.directory / REPORT_NAME}\n")


def write_report(report: RetrainReport, text: TextIO | None) -> None:
    """Write the plots and report.json into the report directory, and the text to TEXT."""
    from . import plots

    for model in report.models:
        model.plots = plots.plot_model(model)
    with open(report.directory / REPORT_NAME, "w", encoding="utf-8") as handle:
        json.dump(report_json(report), handle, indent=2)
        handle.write("\n")
    if text is not None:
        write_text(report, text)
