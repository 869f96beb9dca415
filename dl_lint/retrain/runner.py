"""Retrain each declared model several times and judge whether the runs agree.

For every debian/ml-models paragraph with a Retrain-Command, the command
runs in a fresh sandboxed copy of the package (see .sandbox) once per
requested run.  The first run is the reference.  Every later run's model
is compared with it tensor by tensor, and its metrics point by point (see
.compare).  The first run's model is also compared with the model the
package ships.  The outcome is a ``RetrainReport`` whose findings the
"retrain" check emits as hints.

In a Retrain-Command, "{output}" is replaced by the absolute path of
Retrain-Output in the run's copy, shell-quoted.  Retrain-Output and
Retrain-Metrics are removed from each copy before the command runs, so a
command that writes nothing cannot pass by leaving the shipped file in
place.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import shlex
import shutil
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .. import mlmodels
from ..checks import run_checks
from ..errors import FormatError, UsageError
from ..hints import Hint, Pointer
from ..lint import LintResult, lint_source
from ..mlmodels import Declaration
from ..overrides import apply_overrides, parse_overrides
from ..package import Package
from . import compare, curves, sandbox
from . import report as report_writer
from .compare import ModelComparison, Tolerance
from .curves import CurveComparison, Curves

log = logging.getLogger(__name__)

NOT_ATTEMPTED = "not-attempted"

# Run statuses beyond those of sandbox.RunOutcome.
OUTPUT_MISSING = "output-missing"


@dataclass(frozen=True, kw_only=True)
class RetrainOptions:
    """The user's retrain request: runs per model, limits, the report directory.

    ``timeout`` caps every run; a smaller Retrain-Timeout of a model wins.
    ``sandbox`` forces a sandbox instead of probing for bwrap (tests use it).
    """

    runs: int = 2
    report_dir: Path | None = None
    allow_no_sandbox: bool = False
    timeout: float | None = None
    memory_bytes: int = sandbox.DEFAULT_MEMORY
    sandbox: sandbox.Sandbox | None = None
    text: TextIO | None = None


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One hint the retrain check will emit."""

    tag: str
    context: str
    path: str
    line: int | None = None


@dataclass(kw_only=True)
class RunRecord:
    """One run of a retrain command and what it left in the report directory."""

    number: int
    directory: Path
    status: str
    exit_status: int | None = None
    seconds: float = 0.0
    artefact: Path | None = None
    metrics: Path | None = None
    sha256: str | None = None


@dataclass(kw_only=True)
class ModelRetrain:
    """Everything about retraining one declared model."""

    declaration: Declaration
    output: str
    shipped: str | None
    directory: Path
    tolerance: Tolerance
    timeout: float
    command: str = ""
    metrics: str = ""
    claim: str = ""
    status: str = NOT_ATTEMPTED
    problem: str = ""
    runs: list[RunRecord] = field(default_factory=list)
    comparisons: list[ModelComparison] = field(default_factory=list)
    curves: list[Curves | None] = field(default_factory=list)
    curve_comparisons: list[CurveComparison] = field(default_factory=list)
    metrics_problem: str = ""
    shipped_comparison: ModelComparison | None = None
    plots: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def level(self) -> str:
        if self.status == NOT_ATTEMPTED:
            return NOT_ATTEMPTED
        if self.status != "compared":
            return compare.NOT_REPRODUCIBLE
        levels = [c.level for c in self.comparisons] + [c.level for c in self.curve_comparisons]
        if self.metrics_problem:
            levels.append(compare.NOT_REPRODUCIBLE)
        return compare.worst(levels)

    def line_of(self, name: str) -> int:
        return self.declaration.field_lines.get(name, self.declaration.line)


@dataclass(kw_only=True)
class RetrainReport:
    """The outcome of retraining every declared model of one package."""

    source: str
    version: str
    sandbox: sandbox.Sandbox
    directory: Path
    runs: int
    memory_bytes: int = sandbox.DEFAULT_MEMORY
    rejected: bool = False
    source_date_epoch: int | None = None
    skipped: list[str] = field(default_factory=list)
    models: list[ModelRetrain] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Workspace:
    """The setting of every run: the pristine copy, the scratch directory, the sandbox, the limits."""

    pristine: Path
    scratch: Path
    sandbox: sandbox.Sandbox
    source_date_epoch: int | None
    memory_bytes: int


# Planning


def _literal_file(declaration: Declaration) -> str | None:
    """Return the Files entry when it is the only one and names one file, not a glob."""
    if len(declaration.files) == 1 and not any(c in declaration.files[0] for c in "*?"):
        return declaration.files[0].removeprefix("./")
    return None


def _clean_relative(path: str) -> str | None:
    """Return PATH normalised when it stays inside the package, else None."""
    normal = posixpath.normpath(path.strip())
    if not path.strip() or normal.startswith(("/", "..")) or normal == ".":
        return None
    return normal


def _timeout(declaration: Declaration, options: RetrainOptions) -> float:
    limits = [options.timeout] if options.timeout else []
    try:
        declared = float(declaration.get("Retrain-Timeout") or 0)
    except ValueError:
        declared = 0
    if declared > 0:
        limits.append(declared)
    return min(limits) if limits else sandbox.DEFAULT_TIMEOUT


def _tolerance(declaration: Declaration) -> Tolerance:
    value = declaration.get("Tolerance")
    parsed = mlmodels.tolerance(value) if value else None
    if parsed is None:
        return Tolerance()
    return Tolerance(rtol=parsed[0], atol=parsed[1], declared=True)


def _shipped(package: Package, declaration: Declaration, output: str) -> str | None:
    """Return the shipped model the retrained one should match, or None when the paragraph names several."""
    if package.is_file(output) and declaration.matches(output):
        return output
    matching = [path for path in package.files if package.is_file(path) and declaration.matches(path)]
    if len(matching) == 1:
        return matching[0]
    same_name = [path for path in matching if posixpath.basename(path) == posixpath.basename(output)]
    return same_name[0] if len(same_name) == 1 else None


def plan_model(package: Package, declaration: Declaration, options: RetrainOptions, directory: Path) -> ModelRetrain:
    """Return the retrain job of one paragraph, with status "undeclared" when its output is unknown."""
    declared = declaration.get("Retrain-Output")
    output = _clean_relative(declared) if declared else _literal_file(declaration)
    model = ModelRetrain(
        declaration=declaration, output=output or declared or " ".join(declaration.files),
        shipped=None, directory=directory, tolerance=_tolerance(declaration),
        timeout=_timeout(declaration, options), command=declaration.get("Retrain-Command"),
        metrics=declaration.get("Retrain-Metrics").strip(), claim=declaration.get("Reproducibility").strip(),
    )
    if output is None:
        model.status = "undeclared"
        model.problem = f"Retrain-Output {declared} leaves the package" if declared else "no Retrain-Output"
        return model
    if model.metrics and _clean_relative(model.metrics) is None:
        model.metrics_problem = f"{model.metrics} leaves the package"
        model.metrics = ""
    model.shipped = _shipped(package, declaration, output)
    return model


def _slug(path: str) -> str:
    return path.replace("/", "_").replace(" ", "_") or "model"


# Running


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_outputs(run: sandbox.RunDirectory, model: ModelRetrain) -> None:
    for relative in (model.output, model.metrics):
        if relative:
            target = run.package / relative
            if target.is_symlink() or target.is_file():
                target.unlink()


def _keep_file(source: Path, run: sandbox.RunDirectory, directory: Path) -> Path | None:
    """Copy a regular file the run wrote into the report directory.

    Links are not followed, and a path that a link made by the command
    leads out of the run directory is not read.
    """
    # NOTE: a model stored as a directory (a TensorFlow SavedModel, say) is
    # reported missing, because runs are compared file by file only.
    if source.is_symlink() or not source.is_file() or not sandbox.is_inside(source.resolve(), run.root.resolve()):
        return None
    copy = directory / source.name
    shutil.copyfile(source, copy)
    return copy


def run_once(model: ModelRetrain, number: int, workspace: Workspace) -> RunRecord:
    """Run the model's command once in a fresh copy; keep its output and logs."""
    # Every run uses the same path, so that a program that records its
    # working directory in the model (file names in metadata, say) does not
    # differ between runs for that reason alone.
    run = sandbox.prepare_run(workspace.pristine, workspace.scratch / "run")
    record = RunRecord(number=number, directory=model.directory / f"run-{number}", status="ok")
    record.directory.mkdir(parents=True)
    _remove_outputs(run, model)
    command = model.command.replace("{output}", shlex.quote(str(run.package / model.output)))
    limits = sandbox.Limits(seconds=model.timeout, memory_bytes=workspace.memory_bytes)
    environment = sandbox.scrubbed_environment(run, workspace.source_date_epoch)
    outcome = sandbox.run_command(
        command, run, sandbox=workspace.sandbox, environment=environment, limits=limits,
        stdout=record.directory / "stdout.log", stderr=record.directory / "stderr.log",
    )
    record.status, record.exit_status, record.seconds = outcome.status, outcome.exit_status, outcome.seconds
    if outcome.status == "ok":
        record.artefact = _keep_file(run.package / model.output, run, record.directory)
        record.status = "ok" if record.artefact else OUTPUT_MISSING
        record.sha256 = _sha256(record.artefact) if record.artefact else None
    if model.metrics and record.status == "ok":
        record.metrics = _keep_file(run.package / model.metrics, run, record.directory)
    sandbox.remove_tree(run.root)
    return record


def _read_curves(model: ModelRetrain) -> None:
    for record in model.runs:
        if record.metrics is None:
            model.curves.append(None)
            model.metrics_problem = model.metrics_problem or f"{model.metrics} missing after run {record.number}"
            continue
        try:
            model.curves.append(curves.read_metrics(record.metrics))
        except FormatError as error:
            model.curves.append(None)
            model.metrics_problem = model.metrics_problem or f"{model.metrics} of run {record.number}: {error}"


def compare_runs(model: ModelRetrain, pristine: Path) -> None:
    """Compare every later run with run 1, and run 1 with the shipped model."""
    reference = model.runs[0]
    for record in model.runs[1:]:
        labels = ("run 1", f"run {record.number}")
        model.comparisons.append(compare.compare_models(reference.artefact, record.artefact, model.tolerance, labels=labels))
    if model.metrics:
        _read_curves(model)
        first = model.curves[0]
        for record, later in zip(model.runs[1:], model.curves[1:]):
            if first is not None and later is not None:
                labels = ("run 1", f"run {record.number}")
                model.curve_comparisons.append(curves.compare_curves(first, later, model.tolerance, labels=labels))
    if model.shipped:
        model.shipped_comparison = compare.compare_models(
            pristine / model.shipped, reference.artefact, model.tolerance, labels=("shipped", "run 1"),
        )


def retrain_model(model: ModelRetrain, count: int, workspace: Workspace) -> None:
    """Run the model's command COUNT times, stopping at the first failed run, then compare."""
    model.directory.mkdir(parents=True)
    for number in range(1, count + 1):
        record = run_once(model, number, workspace)
        model.runs.append(record)
        log.info("%s run %d: %s in %.1f s", model.output, number, record.status, record.seconds)
        if record.status != "ok":
            model.status = record.status
            return
    model.status = "compared"
    compare_runs(model, workspace.pristine)


# Deciding


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def _failure(model: ModelRetrain) -> Finding | None:
    ml_models = mlmodels.PATH
    line = model.line_of("Retrain-Command")
    if model.status == "undeclared":
        return Finding(tag="retrain-output-undeclared", context=model.problem, path=ml_models, line=model.line_of("Files"))
    if model.status == "timed-out":
        return Finding(tag="retrain-timed-out", context=f"{model.output} after {model.timeout:g} s", path=ml_models, line=line)
    if model.status == OUTPUT_MISSING:
        return Finding(tag="retrain-output-missing", context=model.output, path=ml_models, line=line)
    if model.status == "failed":
        code = model.runs[-1].exit_status or 0
        ending = f"killed by {_signal_name(code)}" if code < 0 else f"exit status {code}"
        return Finding(tag="retrain-command-failed", context=f"{model.output} {ending}", path=ml_models, line=line)
    return None


def _reasons(model: ModelRetrain) -> list[str]:
    """Return why the runs disagree, in a fixed order."""
    reasons = []
    tensors = [t for c in model.comparisons for t in c.tensors]
    if any(t.problem for t in tensors):
        reasons.append("tensor names, shapes or dtypes differ")
    if any(t.beyond and not t.problem for t in tensors):
        reasons.append("tensors beyond tolerance")
    if any(c.method == "bytes" and not c.bytes_identical for c in model.comparisons):
        reasons.append("bytes differ")
    if any(c.level == compare.NOT_REPRODUCIBLE for c in model.curve_comparisons) or model.metrics_problem:
        reasons.append("curves beyond tolerance" if not model.metrics_problem else "curves not comparable")
    return reasons


def _verdict(model: ModelRetrain) -> list[Finding]:
    ml_models = mlmodels.PATH
    line = model.line_of("Retrain-Command")
    level = model.level
    found = []
    if level == compare.BIT_BY_BIT:
        found.append(Finding(tag="retrain-reproducible-bit-by-bit", context=model.output, path=ml_models, line=line))
    elif level == compare.NUMERICAL:
        found.append(Finding(tag="retrain-reproducible-numerically", context=model.output, path=ml_models, line=line))
    else:
        context = f"{model.output} ({', '.join(_reasons(model))})"
        found.append(Finding(tag="retrain-not-reproducible", context=context, path=ml_models, line=line))
    if _claim_not_met(model.claim, level):
        context = f"{model.output} claimed {model.claim}, observed {level}"
        found.append(Finding(tag="retrain-reproducibility-claim-not-met", context=context,
                             path=ml_models, line=model.line_of("Reproducibility")))
    return found


def _claim_not_met(claim: str, level: str) -> bool:
    if claim == compare.BIT_BY_BIT:
        return level != compare.BIT_BY_BIT
    if claim == compare.NUMERICAL:
        return level == compare.NOT_REPRODUCIBLE
    return False


def _curve_findings(model: ModelRetrain) -> list[Finding]:
    line = model.line_of("Retrain-Metrics")
    if model.metrics_problem:
        return [Finding(tag="retrain-metrics-unreadable", context=model.metrics_problem, path=mlmodels.PATH, line=line)]
    diverging = sorted({name for c in model.curve_comparisons for name in c.diverging})
    problems = sorted({problem for c in model.curve_comparisons for problem in c.problems})
    if diverging or problems:
        context = f"{model.metrics} {', '.join(diverging + problems)}"
        return [Finding(tag="retrain-curves-diverge", context=context, path=mlmodels.PATH, line=line)]
    return []


def _shipped_findings(model: ModelRetrain) -> list[Finding]:
    comparison = model.shipped_comparison
    if comparison is None:
        return []
    if comparison.level == compare.NOT_REPRODUCIBLE:
        return [Finding(tag="retrain-differs-from-shipped", context=model.shipped, path=model.shipped)]
    level = "bit-by-bit" if comparison.level == compare.BIT_BY_BIT else "numerically"
    return [Finding(tag="retrain-reproduces-shipped-model", context=f"{model.shipped} {level}", path=model.shipped)]


def decide(model: ModelRetrain) -> list[Finding]:
    """Return the findings of one model: its failure, or its level, curves and shipped comparison."""
    if model.status == NOT_ATTEMPTED:
        return []
    failure = _failure(model)
    if failure is not None:
        return [failure]
    found = _verdict(model) + _curve_findings(model) + _shipped_findings(model)
    compared = [model.shipped_comparison] if model.shipped_comparison else []
    for comparison in model.comparisons + compared:
        if comparison.method == "bytes":
            found.append(Finding(tag="retrain-compared-as-bytes", context=f"{model.output} {comparison.format}",
                                 path=mlmodels.PATH, line=model.line_of("Retrain-Output")))
            break
    return found


def _missing_commands(package: Package, declarations: list[Declaration]) -> list[Finding]:
    """Return a finding for each model that no paragraph with a Retrain-Command covers."""
    found = []
    for record in package.models:
        if not record.is_model:
            continue
        if not any(d.matches(record.path) for d in declarations):
            found.append(Finding(tag="retrain-command-missing", context=record.path, path=record.path))
    return found


# The whole package


def _report_directory(package: Package, options: RetrainOptions) -> Path:
    """Create and return the package's report directory, replacing an earlier dl-lint report."""
    version = package.version.split(":", 1)[-1]
    base = options.report_dir or Path(tempfile.mkdtemp(prefix="dl-lint-retrain-"))
    directory = base / f"{package.name}_{version}" if version else base / package.name
    if directory.exists():
        if not report_writer.written_by_dl_lint(directory):
            raise UsageError(f"report directory {directory} exists but contains no dl-lint retrain report; remove it or choose another --report-dir")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return directory


def _choose_sandbox(options: RetrainOptions, report: RetrainReport) -> bool:
    """Record the sandbox finding; return whether commands may run."""
    box = report.sandbox
    if box.isolated:
        return True
    if not options.allow_no_sandbox:
        report.rejected = True
        report.findings.append(Finding(tag="retrain-sandbox-unavailable", context=box.reason, path=mlmodels.PATH))
        return False
    report.findings.append(Finding(tag="retrain-run-without-sandbox", context=box.reason, path=mlmodels.PATH))
    return True


def retrain_package(package: Package, options: RetrainOptions) -> RetrainReport:
    """Retrain every model of PACKAGE that has a Retrain-Command and compare the runs."""
    if options.runs < 2:
        raise UsageError(f"--runs must be at least 2 to compare runs, not {options.runs}")
    declarations = package.ml_models[0]
    commands = [d for d in declarations if d.get("Retrain-Command").strip()]
    report = RetrainReport(
        source=package.name, version=package.version, sandbox=options.sandbox or sandbox.probe_sandbox(),
        directory=_report_directory(package, options), runs=options.runs, memory_bytes=options.memory_bytes,
        source_date_epoch=sandbox.source_date_epoch(package.text("debian/changelog")),
    )
    report.findings += _missing_commands(package, commands)
    may_run = _choose_sandbox(options, report) if commands else False
    for declaration in commands:
        slug = _slug(declaration.get("Retrain-Output") or " ".join(declaration.files))
        if any(model.directory.name == slug for model in report.models):
            slug = f"{slug}-{declaration.line}"
        report.models.append(plan_model(package, declaration, options, report.directory / slug))
    runnable = [m for m in report.models if m.status == NOT_ATTEMPTED]
    if may_run and runnable:
        _run_all(package, runnable, report, options)
    for model in report.models:
        model.findings = decide(model)
        report.findings += model.findings
    report_writer.write_report(report, options.text)
    return report


def _run_all(package: Package, models: list[ModelRetrain], report: RetrainReport, options: RetrainOptions) -> None:
    with tempfile.TemporaryDirectory(prefix="dl-lint-retrain-work-") as scratch_name:
        scratch = Path(scratch_name)
        workspace = Workspace(
            pristine=scratch / "pristine", scratch=scratch, sandbox=report.sandbox,
            source_date_epoch=report.source_date_epoch, memory_bytes=options.memory_bytes,
        )
        report.skipped = sandbox.materialise(package.source, workspace.pristine)
        for model in models:
            retrain_model(model, options.runs, workspace)


# The command line's entry


RETRAIN_CHECK = "retrain"


def retrain_source(argument: str, registry, options: RetrainOptions, **lint_options) -> LintResult:
    """Lint the package at ARGUMENT, retrain its models and add the retrain hints.

    LINT_OPTIONS are those of dl_lint.lint.lint_source.  The package's
    retrain report is attached as ``package.retrain_report`` for the
    "retrain" check, which is run once more to emit it.
    """
    result = lint_source(argument, registry, **lint_options)
    package = result.package
    package.retrain_report = retrain_package(package, options)
    hints = run_checks(package, registry.checks, registry.tags, {RETRAIN_CHECK})
    if lint_options.get("use_overrides", True):
        hints = _apply_overrides(package, hints, result.hints, registry.tags)
    result.hints = sorted(result.hints + hints, key=Hint.sort_key)
    return result


def _apply_overrides(package: Package, hints: list[Hint], earlier: list[Hint], tags) -> list[Hint]:
    """Apply the package's overrides to the retrain hints.

    The first lint reported every override it did not use.  An override
    that matches a retrain hint is used after all, so its "unused" hint is
    removed.
    """
    overrides, _ = parse_overrides(package, set(tags))
    hints = apply_overrides(hints, overrides)
    used = {Pointer(path=o.path, line=o.line) for o in overrides if o.used}
    earlier[:] = [h for h in earlier if not (h.tag == "dl-lint-override-unused" and h.pointer in used)]
    return hints


def options_from_arguments(args, text: TextIO) -> RetrainOptions:
    """Return the retrain options of parsed command-line arguments."""
    if args.retrain_timeout is not None and args.retrain_timeout <= 0:
        raise UsageError(f"--retrain-timeout must be a positive number of seconds, not {args.retrain_timeout:g}")
    return RetrainOptions(
        runs=args.runs,
        report_dir=Path(args.report_dir) if args.report_dir else None,
        allow_no_sandbox=args.allow_no_sandbox,
        timeout=args.retrain_timeout,
        text=text,
    )
