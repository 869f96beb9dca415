"""Fixtures of the retrain tests: sandbox detection and a retrain runner returning hints and report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from dl_lint.retrain import sandbox
from dl_lint.retrain.runner import RetrainOptions, retrain_source

from ..conftest import record_hints

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

NO_SANDBOX = sandbox.Sandbox(kind="none", reason="disabled by the test")

# Stands in for bwrap where it cannot run, in tests whose outcome does not
# depend on isolation; their runs are then allowed without a sandbox.
FALLBACK = sandbox.Sandbox(kind="none", reason="bwrap unavailable to the tests")


@pytest.fixture(scope="session")
def isolation() -> sandbox.Sandbox:
    """Return the bwrap sandbox, or skip the test where bwrap cannot run."""
    found = sandbox.probe_sandbox()
    if not found.isolated:
        pytest.skip(f"no sandbox here: {found.reason}")
    return found


@pytest.fixture(scope="session")
def box() -> sandbox.Sandbox:
    """Return the bwrap sandbox, or FALLBACK where bwrap cannot run."""
    found = sandbox.probe_sandbox()
    return found if found.isolated else FALLBACK


class Retrained:
    """The outcome of one retrain_source call: hints as triples, the report and its JSON."""

    def __init__(self, result, text: str) -> None:
        self.result = result
        self.report = result.package.retrain_report
        self.text = text
        self.hints = [(h.tag, h.context, str(h.pointer) if h.pointer else "") for h in result.hints]
        with open(self.report.directory / "report.json", encoding="utf-8") as handle:
            self.json = json.load(handle)

    def tags(self, prefix: str = "retrain-") -> list[tuple[str, str, str]]:
        """Return the hints whose tag starts with PREFIX, less the fallback's own hint."""
        fallback = ("retrain-run-without-sandbox", FALLBACK.reason, "debian/ml-models")
        return [hint for hint in self.hints if hint[0].startswith(prefix) and hint != fallback]

    @property
    def model(self) -> dict:
        return self.json["models"][0]


@pytest.fixture
def retrain(registry, tmp_path):
    """Return a function retraining a package with a given sandbox into tmp_path/report."""

    def run(path, box: sandbox.Sandbox, **options) -> Retrained:
        text = io.StringIO()
        options.setdefault("report_dir", tmp_path / "report")
        if box is FALLBACK:
            options.setdefault("allow_no_sandbox", True)
        retrain_options = RetrainOptions(sandbox=box, text=text, **options)
        result = retrain_source(str(path), registry, retrain_options)
        record_hints(result.hints)
        return Retrained(result, text.getvalue())

    return run
