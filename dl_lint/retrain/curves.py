"""Compare the metric curves of retrained runs point by point.

The Retrain-Metrics file has one row per step or epoch: CSV with a header
line, or JSON lines of objects.  Numeric columns are compared with the
tolerance of .compare, text columns for equality.  Columns that measure the
clock are left out, and the last point of each column is the final metric
(the digits a paper would print).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import FormatError
from .compare import BIT_BY_BIT, NOT_REPRODUCIBLE, NUMERICAL, Tolerance, differences

# Columns that measure the clock, not the training; they differ on every run.
CLOCK_COLUMN = re.compile(r"(^|[^a-z])(time|timestamp|seconds|secs|elapsed|duration|wall|walltime|date)([^a-z]|$)", re.IGNORECASE)

# Names of the column that counts steps, used as the x axis of the curves.
STEP_COLUMNS = ("step", "global_step", "epoch", "iteration", "iter", "batch")

MAX_METRIC_ROWS = 1_000_000

@dataclass(kw_only=True)
class Curves:
    """Metrics per step or epoch: numeric columns, text columns and the step column's name."""

    step: str
    columns: dict[str, np.ndarray]
    text: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        lengths = [len(v) for v in self.columns.values()] + [len(v) for v in self.text.values()]
        return max(lengths, default=0)

    def steps(self) -> np.ndarray:
        """Return the x values: the step column, or the row number without one."""
        if self.step in self.columns:
            return self.columns[self.step]
        return np.arange(self.points, dtype=np.float64)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        if not value.strip():
            return math.nan
        try:
            return float(value)
        except ValueError:
            return None
    if value is None:
        return math.nan
    return None


def _rows_from_csv(text: str, name: str) -> list[dict[str, object]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise FormatError(f"{name} has no header line", tag="retrain-metrics-unreadable")
    return [dict(row) for row in reader]


def _rows_from_json_lines(text: str) -> list[dict[str, object]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise FormatError(f"line {number} is not JSON: {error.msg}", tag="retrain-metrics-unreadable") from error
        if not isinstance(row, dict):
            raise FormatError(f"line {number} is not a JSON object", tag="retrain-metrics-unreadable")
        rows.append(row)
    return rows


def read_metrics(path: Path) -> Curves:
    """Read a metrics file: CSV with a header line, or JSON lines of objects."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError(f"cannot read {path.name}: {error}", tag="retrain-metrics-unreadable") from error
    rows = _rows_from_json_lines(text) if text.lstrip().startswith("{") else _rows_from_csv(text, path.name)
    if not rows:
        raise FormatError(f"{path.name} has no rows", tag="retrain-metrics-unreadable")
    if len(rows) > MAX_METRIC_ROWS:
        raise FormatError(f"{path.name} has more than {MAX_METRIC_ROWS} rows", tag="retrain-metrics-unreadable")
    names = list(dict.fromkeys(name for row in rows for name in row if name is not None))
    curves = Curves(step=next((n for n in names if n.lower() in STEP_COLUMNS), ""), columns={})
    for name in names:
        if CLOCK_COLUMN.search(name):
            curves.ignored.append(name)
            continue
        values = [row.get(name) for row in rows]
        numbers = [_number(value) for value in values]
        if all(number is not None for number in numbers):
            curves.columns[name] = np.array(numbers, dtype=np.float64)
        else:
            curves.text[name] = ["" if value is None else str(value) for value in values]
    return curves


@dataclass(frozen=True, kw_only=True)
class ColumnDiff:
    """One metric compared point by point; ``final_*`` are the last points, the digits."""

    name: str
    points: int
    max_abs: float
    max_rel: float
    ratio: float
    beyond: int
    first_beyond_step: float | None
    identical: bool
    final_reference: float
    final_candidate: float
    final_within: bool


@dataclass(kw_only=True)
class CurveComparison:
    """A candidate's metric curves compared with the reference's."""

    reference: str
    candidate: str
    columns: list[ColumnDiff] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def diverging(self) -> list[str]:
        """Return the names of columns with a point or final value beyond the tolerance."""
        return [c.name for c in self.columns if c.beyond or not c.final_within]

    @property
    def level(self) -> str:
        if self.problems or self.diverging:
            return NOT_REPRODUCIBLE
        if all(column.identical for column in self.columns):
            return BIT_BY_BIT
        return NUMERICAL


def _diff_column(name: str, steps: np.ndarray, a: np.ndarray, b: np.ndarray, tolerance: Tolerance) -> ColumnDiff:
    close = np.isclose(b, a, rtol=tolerance.rtol, atol=tolerance.atol, equal_nan=True)
    beyond = np.flatnonzero(~close)
    return ColumnDiff(
        name=name,
        points=len(a),
        **differences(a, b, tolerance),
        first_beyond_step=float(steps[beyond[0]]) if len(beyond) else None,
        identical=a.tobytes() == b.tobytes(),
        final_reference=float(a[-1]),
        final_candidate=float(b[-1]),
        final_within=bool(close[-1]),
    )


def compare_curves(reference: Curves, candidate: Curves, tolerance: Tolerance, *, labels: tuple[str, str]) -> CurveComparison:
    """Compare the metric curves of a candidate run with the reference run, point by point."""
    comparison = CurveComparison(reference=labels[0], candidate=labels[1])
    if reference.points != candidate.points:
        comparison.problems.append(f"{labels[1]} has {candidate.points} points, {labels[0]} has {reference.points}")
        return comparison
    for name in sorted(set(reference.columns) ^ set(candidate.columns)):
        owner = labels[0] if name in reference.columns else labels[1]
        comparison.problems.append(f"numeric column {name} only in {owner}")
    for name in sorted(set(reference.text) | set(candidate.text)):
        if reference.text.get(name) != candidate.text.get(name):
            comparison.problems.append(f"text column {name} differs")
    steps = reference.steps()
    for name, values in reference.columns.items():
        if name in candidate.columns:
            comparison.columns.append(_diff_column(name, steps, values, candidate.columns[name], tolerance))
    return comparison
