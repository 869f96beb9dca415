"""Draw the retrain plots with matplotlib's Agg backend, one PNG per question.

curves.png shows whether the runs learn the same way: each metric of every
run on top, and below it the absolute difference of each later run from
run 1 on a log scale, against the tolerance.  tensors.png shows whether the
runs end with the same weights: the largest difference of every tensor
from run 1 (and of run 1 from the shipped model), measured against the
tolerance and in absolute terms.  The verdict is the title, in green, blue
or red.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import compare
from .report import LEVEL_COLOURS, LEVEL_WORDS

if TYPE_CHECKING:
    from .runner import ModelRetrain

log = logging.getLogger(__name__)

RUN_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
SHIPPED_COLOUR = "#555555"
DPI = 110


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        log.warning("no plots: the Python module matplotlib is not installed (Debian package python3-matplotlib)")
        return None
    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def plot_model(model: ModelRetrain) -> list[Path]:
    """Draw the plots of one retrained model into its directory; return their paths."""
    if model.status != "compared":
        return []
    pyplot = _pyplot()
    if pyplot is None:
        return []
    written = []
    if any(curves is not None for curves in model.curves):
        written.append(plot_curves(pyplot, model, model.directory / "curves.png"))
    comparisons = model.comparisons + ([model.shipped_comparison] if model.shipped_comparison else [])
    if any(c.method == "tensors" for c in comparisons):
        written.append(plot_tensors(pyplot, model, model.directory / "tensors.png"))
    return written


def _title(figure, text: str, level: str) -> None:
    figure.suptitle(text, color=LEVEL_COLOURS.get(level, "black"), fontsize=13, fontweight="bold")


def _run_style(index: int) -> dict:
    """Return line styles that keep every run visible where the curves lie on top of each other."""
    if index == 0:
        return {"color": RUN_COLOURS[0], "linewidth": 4.0, "alpha": 0.45, "linestyle": "-"}
    return {"color": RUN_COLOURS[index % len(RUN_COLOURS)], "linewidth": 1.4, "linestyle": (0, (4, 2 + index))}


def plot_curves(pyplot, model: ModelRetrain, target: Path) -> Path:
    """Draw every run's metric curves over their differences from run 1."""
    present = [(record, curves) for record, curves in zip(model.runs, model.curves) if curves is not None]
    reference = present[0][1]
    names = [name for name in reference.columns if name != reference.step] or list(reference.columns)
    figure, axes = pyplot.subplots(2, len(names), figsize=(4.6 * len(names), 6.4), squeeze=False,
                                   gridspec_kw={"height_ratios": [3, 2]}, sharex="col")
    for column, name in enumerate(names):
        top, bottom = axes[0][column], axes[1][column]
        for index, (record, curves) in enumerate(present):
            if name in curves.columns:
                top.plot(curves.steps(), curves.columns[name], label=f"run {record.number}", **_run_style(index))
        top.set_title(name)
        top.grid(alpha=0.3)
        top.legend(fontsize=8)
        _plot_curve_differences(bottom, name, present, model.tolerance)
        bottom.set_xlabel(reference.step or "row")
    level = compare.worst(c.level for c in model.curve_comparisons) if model.curve_comparisons else compare.NOT_REPRODUCIBLE
    _title(figure, f"{model.output}: metric curves of {len(present)} runs\n{LEVEL_WORDS[level]}", level)
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    figure.savefig(target, dpi=DPI)
    pyplot.close(figure)
    return target


def _plot_curve_differences(axis, name: str, present, tolerance: compare.Tolerance) -> None:
    reference = present[0][1]
    values = reference.columns[name]
    steps = reference.steps()
    axis.set_ylabel("|run - run 1|")
    axis.grid(alpha=0.3)
    drawn = False
    for index, (record, curves) in enumerate(present[1:], start=1):
        other = curves.columns.get(name)
        if other is None or len(other) != len(values):
            continue
        difference = np.abs(other - values)
        positive = np.where(difference > 0, difference, np.nan)
        if np.any(difference > 0):
            axis.plot(steps, positive, marker=".", markersize=4, label=f"run {record.number}", **_run_style(index))
            drawn = True
    if drawn:
        allowed = tolerance.atol + tolerance.rtol * np.abs(values)
        axis.plot(steps, allowed, color="black", linestyle=":",
                  linewidth=1.2, label=f"tolerance (rtol={tolerance.rtol:g}, atol={tolerance.atol:g})")
        axis.set_yscale("log")
        top = axis.get_ylim()[1]
        axis.fill_between(steps, allowed, np.maximum(allowed, top), color=LEVEL_COLOURS[compare.NOT_REPRODUCIBLE],
                          alpha=0.08, linewidth=0)
        axis.set_ylim(top=top)
        axis.legend(fontsize=7)
    else:
        axis.text(0.5, 0.5, "every point identical to run 1", transform=axis.transAxes, ha="center", va="center",
                  color=LEVEL_COLOURS[compare.BIT_BY_BIT], fontsize=11)
        axis.set_yticks([])


def plot_tensors(pyplot, model: ModelRetrain, target: Path) -> Path:
    """Draw every tensor's largest difference from the reference, against the tolerance and in absolute terms."""
    from matplotlib.patches import Patch

    comparisons = [c for c in model.comparisons + [model.shipped_comparison] if c is not None and c.method == "tensors"]
    names = sorted({t.name for c in comparisons for t in c.tensors})
    height = max(3.6, 0.36 * len(names) * len(comparisons) + 2.4)
    figure, axes = pyplot.subplots(1, 2, figsize=(12, height), sharey=True, squeeze=False)
    tolerance = model.tolerance
    panels = (
        ("ratio", f"max |diff| / (atol + rtol |reference|), rtol={tolerance.rtol:g} atol={tolerance.atol:g}"),
        ("max_abs", "max |candidate - reference|"),
    )
    for column, (metric, label) in enumerate(panels):
        _tensor_bars(axes[0][column], comparisons, names, metric, label)
    ratio_axis = axes[0][0]
    ratio_axis.axvline(1.0, color="black", linestyle=":", linewidth=1.2)
    ratio_axis.axvspan(1.0, ratio_axis.get_xlim()[1], color=LEVEL_COLOURS[compare.NOT_REPRODUCIBLE], alpha=0.08)
    ratio_axis.text(1.05, 1.0, "beyond tolerance", transform=ratio_axis.get_xaxis_transform(), va="bottom",
                    fontsize=8, color=LEVEL_COLOURS[compare.NOT_REPRODUCIBLE])
    ratio_axis.set_yticks(np.arange(len(names)))
    ratio_axis.set_yticklabels(names)
    # Set the range by hand: where every tensor is identical no bar sets it.
    ratio_axis.set_ylim(len(names) - 0.5, -0.5)
    handles = [Patch(color=_comparison_colour(c), label=f"{c.candidate} vs {c.reference}") for c in comparisons]
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9, frameon=False)
    level = compare.worst(c.level for c in model.comparisons)
    _title(figure, f"{model.output}: weights of {len(model.runs)} runs\n{LEVEL_WORDS[level]}", level)
    figure.tight_layout(rect=(0, 0.07, 1, 0.9))
    figure.savefig(target, dpi=DPI)
    pyplot.close(figure)
    return target


def _comparison_colour(comparison) -> str:
    if comparison.reference == "shipped":
        return SHIPPED_COLOUR
    number = int(comparison.candidate.split()[-1])
    return RUN_COLOURS[(number - 1) % len(RUN_COLOURS)]


def _axis_range(values: list[float], marks: tuple[float, ...]) -> tuple[float, float]:
    """Return a log-axis range holding every positive value and mark, with room for labels."""
    positive = [v for v in list(values) + list(marks) if v > 0 and np.isfinite(v)]
    return min(positive, default=1e-12) / 30, max(positive, default=1.0) * 30


def _tensor_bars(axis, comparisons, names: list[str], metric: str, label: str) -> None:
    """Draw one horizontal bar per tensor and comparison, or the word "identical" where the difference is 0."""
    width = 0.8 / len(comparisons)
    values = [getattr(t, metric) for c in comparisons for t in c.tensors]
    low, high = _axis_range(values, (1.0,) if metric == "ratio" else ())
    axis.set_xscale("log")
    axis.set_xlim(low, high)
    for index, comparison in enumerate(comparisons):
        by_name = {t.name: t for t in comparison.tensors}
        colour = _comparison_colour(comparison)
        offsets = np.arange(len(names)) - 0.4 + width * (index + 0.5)
        for offset, name in zip(offsets, names):
            tensor = by_name.get(name)
            if tensor is not None:
                _tensor_bar(axis, tensor, getattr(tensor, metric), offset, width, colour, low)
    axis.set_xlabel(label)
    axis.grid(axis="x", alpha=0.3)


def _tensor_bar(axis, tensor, value: float, offset: float, width: float, colour: str, low: float) -> None:
    red = LEVEL_COLOURS[compare.NOT_REPRODUCIBLE]
    if tensor.problem or not np.isfinite(value):
        axis.text(low * 1.5, offset, tensor.problem or "not finite", va="center", fontsize=8, color=red)
    elif value == 0:
        axis.text(low * 1.5, offset, "identical", va="center", fontsize=8, color=colour, fontweight="bold")
    else:
        axis.barh(offset, value - low, left=low, height=width * 0.9, color=colour,
                  edgecolor=red if tensor.beyond else "none", linewidth=1.5)
        if tensor.beyond:
            axis.text(value * 1.3, offset, f"{tensor.beyond}/{tensor.size} beyond", va="center", fontsize=7, color=red)
