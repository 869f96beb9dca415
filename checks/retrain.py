"""Report the outcome of retraining the package's models (dl-lint --retrain).

Reads the retrain report that dl_lint.retrain attaches to the package when
the user asks for --retrain.  An ordinary lint has no such report, so this
check emits nothing.  Retraining runs package code, so it never happens
inside a check: the runner trains, compares and decides, and this check
turns its findings into hints, so that they carry tags, severities and
overrides like every other hint.
"""

from __future__ import annotations


def run(package, hints) -> None:
    report = getattr(package, "retrain_report", None)
    if report is None:
        return

    for finding in report.findings:
        hints.emit(finding.tag, finding.context, path=finding.path, line=finding.line)
