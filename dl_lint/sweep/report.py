"""Summarise sweep records as text for the terminal and as one HTML file.

The HTML report is self-contained: tables and inline SVG bar charts with
embedded CSS, no scripts and no external resources, so it can be opened
from disk or attached to a mail.  Counts of hints leave out overridden
hints; counts of models use the models of ok records.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import __version__
from .records import FAILED

UNKNOWN_AREA = "(unknown)"
UNCLASSIFIED = "(unclassified)"


@dataclass(kw_only=True)
class PackageModels:
    """The models of one package, for the top lists."""

    source: str
    version: str
    area: str
    count: int
    total_size: int
    largest: str
    largest_size: int


@dataclass(kw_only=True)
class Failure:
    """One failed record."""

    source: str
    version: str
    dsc: str
    reason: str


@dataclass(kw_only=True)
class Summary:
    """Counts over a set of sweep records."""

    packages: int = 0
    ok: int = 0
    failed: int = 0
    with_models: int = 0
    models: int = 0
    model_bytes: int = 0
    lint_seconds: float = 0.0
    packages_by_area: Counter = field(default_factory=Counter)
    model_packages_by_area: Counter = field(default_factory=Counter)
    packages_by_source_format: Counter = field(default_factory=Counter)
    models_by_category: Counter = field(default_factory=Counter)
    models_by_kind: Counter = field(default_factory=Counter)
    models_by_format: Counter = field(default_factory=Counter)
    hints_by_tag: Counter = field(default_factory=Counter)
    packages_by_tag: Counter = field(default_factory=Counter)
    top_by_count: list[PackageModels] = field(default_factory=list)
    top_by_size: list[PackageModels] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def summarise(records: Iterable[dict], *, top: int = 20) -> Summary:
    """Count packages, models, hints and failures over RECORDS."""
    summary = Summary()
    with_models = []
    for record in records:
        _count_record(summary, record, with_models)
    summary.top_by_count = sorted(with_models, key=lambda p: (-p.count, -p.total_size, p.source))[:top]
    summary.top_by_size = sorted(with_models, key=lambda p: (-p.total_size, -p.count, p.source))[:top]
    summary.failures.sort(key=lambda f: (f.source, f.version, f.dsc))
    return summary


def _count_record(summary: Summary, record: dict, with_models: list[PackageModels]) -> None:
    area = record.get("area") or UNKNOWN_AREA
    summary.packages += 1
    summary.packages_by_area[area] += 1
    summary.lint_seconds += record.get("timings", {}).get("total", 0.0)

    if record["status"] == FAILED:
        summary.failed += 1
        summary.failures.append(Failure(source=record["source"], version=record["version"],
                                        dsc=record["dsc"] or record.get("index-entry", ""),
                                        reason=record.get("error") or ""))
        return
    summary.ok += 1
    summary.packages_by_source_format[record.get("format") or "1.0"] += 1

    tags = set()
    for hint in record.get("hints", []):
        if not hint.get("overridden"):
            summary.hints_by_tag[hint["tag"]] += 1
            tags.add(hint["tag"])
    summary.packages_by_tag.update(tags)

    models = record.get("models", [])
    for model in models:
        _count_model(summary, model)
    if models:
        summary.with_models += 1
        summary.model_packages_by_area[area] += 1
        largest = max(models, key=lambda m: m.get("size", 0))
        with_models.append(PackageModels(
            source=record["source"], version=record["version"], area=area, count=len(models),
            total_size=sum(m.get("size", 0) for m in models),
            largest=largest["path"], largest_size=largest.get("size", 0),
        ))


def _count_model(summary: Summary, model: dict) -> None:
    summary.models += 1
    summary.model_bytes += model.get("size", 0)
    summary.models_by_kind[model.get("kind", "")] += 1
    summary.models_by_format[model.get("format", "")] += 1
    categories = [entry["tag"] for entry in model.get("classification", [])] or [UNCLASSIFIED]
    summary.models_by_category.update(categories)


def human_size(size: float) -> str:
    """Return SIZE in bytes with a binary unit, as the engine's hints write it."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


# Text


def _models(count: int) -> str:
    return "1 model" if count == 1 else f"{count} models"


def _table(title: str, counts: Counter, limit: int | None = None) -> list[str]:
    lines = [title]
    if not counts:
        return lines + ["  (none)"]
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = max(len(str(name)) for name, _ in items)
    for name, count in items[:limit]:
        lines.append(f"  {name:<{width}}  {count:>7}")
    if limit is not None and len(items) > limit:
        lines.append(f"  ... and {len(items) - limit} more")
    return lines


def format_text(summary: Summary) -> str:
    """Return the summary as plain text for a terminal."""
    lines = [
        f"packages: {summary.packages} ({summary.ok} ok, {summary.failed} failed); "
        f"{summary.with_models} with models, {summary.models} models, {human_size(summary.model_bytes)}",
        f"lint time: {summary.lint_seconds:.1f} s in the workers",
        "",
    ]
    sections = [
        ("packages by archive area", summary.packages_by_area, None),
        ("packages with models by archive area", summary.model_packages_by_area, None),
        ("packages by source format", summary.packages_by_source_format, None),
        ("models by category", summary.models_by_category, None),
        ("models by kind", summary.models_by_kind, None),
        ("models by format", summary.models_by_format, 30),
        ("hints by tag", summary.hints_by_tag, 40),
    ]
    for title, counts, limit in sections:
        lines += _table(title, counts, limit) + [""]
    lines.append("packages with the most models")
    lines += [f"  {p.source} {p.version}: {_models(p.count)}, {human_size(p.total_size)}" for p in summary.top_by_count] or ["  (none)"]
    lines += ["", "packages with the largest models"]
    lines += [f"  {p.source} {p.version}: {human_size(p.total_size)} in {_models(p.count)}, largest {p.largest} ({human_size(p.largest_size)})"
              for p in summary.top_by_size] or ["  (none)"]
    lines += ["", f"failed packages: {summary.failed}"]
    lines += [f"  {f.source} {f.version} [{f.dsc}]: {f.reason}" for f in summary.failures]
    return "\n".join(lines) + "\n"


# HTML

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 72em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.totals td { font-weight: bold; }
.chart text { font-size: 12px; font-family: sans-serif; }
.failed { color: #a00; }
.pair { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
"""

BAR_COLOUR = "#4a7ab5"


def bar_chart(counts: Counter, *, limit: int = 15, width: int = 560) -> str:
    """Return an inline SVG horizontal bar chart of the largest COUNTS."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    if not items:
        return ""
    row, label_width, number_width = 20, 220, 60
    bar_space = width - label_width - number_width
    largest = max(count for _, count in items) or 1
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 4}" role="img">']
    for index, (name, count) in enumerate(items):
        y = index * row + 2
        length = max(1, round(bar_space * count / largest))
        label = html.escape(str(name))
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">{label[:40]}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{length}" height="{row - 6}" fill="{BAR_COLOUR}"><title>{label}: {count}</title></rect>')
        parts.append(f'<text x="{label_width + length + 4}" y="{y + 14}">{count}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _count_table(counts: Counter, heading: str, limit: int | None = None) -> str:
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    body = "".join(f'<tr><td>{html.escape(str(name))}</td><td class="n">{count}</td></tr>' for name, count in rows)
    return f"<table><tr><th>{html.escape(heading)}</th><th>count</th></tr>{body}</table>"


def _section(title: str, counts: Counter, heading: str, limit: int | None = None) -> str:
    if not counts:
        return f"<h2>{html.escape(title)}</h2><p>None.</p>"
    return (f"<h2>{html.escape(title)}</h2>"
            f'<div class="pair">{_count_table(counts, heading, limit)}{bar_chart(counts)}</div>')


def _models_table(packages: list[PackageModels]) -> str:
    if not packages:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(p.source)}</td><td>{html.escape(p.version)}</td><td>{html.escape(p.area)}</td>"
        f'<td class="n">{p.count}</td><td class="n">{human_size(p.total_size)}</td>'
        f"<td>{html.escape(p.largest)} ({human_size(p.largest_size)})</td></tr>"
        for p in packages
    )
    return ("<table><tr><th>source</th><th>version</th><th>area</th><th>models</th>"
            f"<th>total size</th><th>largest model</th></tr>{rows}</table>")


def _failures_table(failures: list[Failure]) -> str:
    if not failures:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(f.source)}</td><td>{html.escape(f.version)}</td>"
        f'<td>{html.escape(f.dsc)}</td><td class="failed">{html.escape(f.reason)}</td></tr>'
        for f in failures
    )
    return f"<table><tr><th>source</th><th>version</th><th>.dsc</th><th>reason</th></tr>{rows}</table>"


def format_html(summary: Summary, *, title: str = "dl-lint sweep") -> str:
    """Return the summary as a self-contained HTML document."""
    totals = [
        ("packages", summary.packages), ("ok", summary.ok), ("failed", summary.failed),
        ("packages with models", summary.with_models), ("models", summary.models),
        ("model bytes", human_size(summary.model_bytes)),
    ]
    totals_rows = "".join(f'<tr><td>{name}</td><td class="n" id="total-{name.replace(" ", "-")}">{value}</td></tr>'
                          for name, value in totals)
    body = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>dl-lint {html.escape(__version__)}; lint time {summary.lint_seconds:.1f} s in the workers.</p>",
        f'<table class="totals">{totals_rows}</table>',
        _section("Packages by archive area", summary.packages_by_area, "area"),
        _section("Packages with models by archive area", summary.model_packages_by_area, "area"),
        _section("Models by category", summary.models_by_category, "category"),
        _section("Models by kind", summary.models_by_kind, "kind"),
        _section("Models by format", summary.models_by_format, "format"),
        _section("Hints by tag", summary.hints_by_tag, "tag"),
        _section("Packages by tag", summary.packages_by_tag, "tag"),
        _section("Packages by source format", summary.packages_by_source_format, "format"),
        "<h2>Packages with the most models</h2>", _models_table(summary.top_by_count),
        "<h2>Packages with the largest models</h2>", _models_table(summary.top_by_size),
        f"<h2>Failed packages ({summary.failed})</h2>", _failures_table(summary.failures),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body) + "\n</body></html>\n"
    )

