"""dl-lint inside Debian's real lintian, through the include directory.

Skipped when lintian is not installed (.ci/run installs it).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dl_lint.tags import CODES, load_tags
from tests.conftest import CORPUS
from tests.lintian.conftest import dl_lint_command, needs_lintian, run_lintian

pytestmark = needs_lintian

# Show every severity, including lintian's experimental X: lines.
ALL_LEVELS = ("-L", ">=classification", "-E")

HINT_LINE = re.compile(r"^([EWIPCXO]): (\S+) source: (\S+)(?: (.*))?$")

UNKNOWN_FIELD = "W: tinynet source: ml-models-unknown-field Trained-On [debian/ml-models:3]"
NOTHING_MATCHED = "ml-models-files-match-nothing models/*.onnx [debian/ml-models:5]"
MODEL_FILE = "I: tinynet source: model-file nnue, 4.0 KiB [src/nn-0123456789ab.nnue]"
C_WEIGHTS = "I: tinynet source: embedded-model-weights c-array, 190.5 KiB, 1 arrays, 30000 values [src/weights.c]"


def dl_lint_lines(output: str) -> list[tuple[str, str, str]]:
    """Return (letter, tag, context) of the lines of OUTPUT whose tag is dl-lint's."""
    tags = load_tags()
    found = []
    for line in output.splitlines():
        match = HINT_LINE.match(line)
        if match and match.group(3) in tags:
            found.append((match.group(1), match.group(3), match.group(4) or ""))
    return found


def dl_lint_json(path: Path) -> list[dict]:
    """Return the hints dl-lint itself reports for PATH, overrides ignored."""
    command = dl_lint_command().split() + ["--format", "json", "--no-override", "--fail-on", "none", str(path)]
    process = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600)
    return json.loads(process.stdout)["packages"][0]["hints"]


def expected_lines(hints: list[dict]) -> list[tuple[str, str, str]]:
    """Return the (letter, tag, context) lintian should print for dl-lint's HINTS."""
    expected = []
    for hint in hints:
        context = hint["context"]
        pointer = hint["pointer"]
        if pointer:
            where = f"{pointer['path']}:{pointer['line']}" if pointer["line"] else pointer["path"]
            context = f"{context} [{where}]".strip()
        expected.append((CODES[hint["severity"]], hint["tag"], context))
    return expected


def test_lintian_reports_dl_lint_tags(tinynet_plain_dsc, include_dir):
    process = run_lintian(tinynet_plain_dsc, include_dir, "-I", "--fail-on", "none")

    lines = process.stdout.splitlines()
    assert UNKNOWN_FIELD in lines
    assert f"W: tinynet source: {NOTHING_MATCHED}" in lines
    assert MODEL_FILE in lines
    assert C_WEIGHTS in lines
    assert "Tried to issue" not in process.stderr
    assert process.returncode == 0


def test_lintian_matches_dl_lint(tinynet_plain_dsc, include_dir):
    expected = expected_lines(dl_lint_json(tinynet_plain_dsc))

    process = run_lintian(tinynet_plain_dsc, include_dir, *ALL_LEVELS)

    assert sorted(dl_lint_lines(process.stdout)) == sorted(expected)


def test_lintian_keeps_own_tags(tinynet_plain_dsc, include_dir):
    process = run_lintian(tinynet_plain_dsc, include_dir)

    assert "W: tinynet source: no-debian-copyright-in-source" in process.stdout.splitlines()


def test_override_hides_hint(tinynet_dsc, include_dir):
    process = run_lintian(tinynet_dsc, include_dir, "-I")

    assert NOTHING_MATCHED not in process.stdout
    assert UNKNOWN_FIELD in process.stdout.splitlines()
    assert "unused-override" not in process.stdout


def test_override_shown_as_o(tinynet_dsc, include_dir):
    process = run_lintian(tinynet_dsc, include_dir, "--show-overrides")

    lines = process.stdout.splitlines()
    overridden = lines.index(f"O: tinynet source: {NOTHING_MATCHED}")
    assert lines[overridden - 1] == "N: Upstream ships the ONNX models in its next release."


def test_info_explains_tag(tinynet_plain_dsc, include_dir):
    process = run_lintian(tinynet_plain_dsc, include_dir, "--info")

    text = process.stdout
    block = text.split(UNKNOWN_FIELD, 1)[1].split("\nW: ", 1)[0]
    assert "N:   debian/ml-models has a field dl-lint does not know" in block
    assert "N:   dl-lint emits this tag from its check debian/ml-models." in block
    assert "N:   Visibility: warning" in block
    assert "N:   Check: dl-lint" in block


def test_explain_tags_program(include_dir):
    process = subprocess.run(
        ["lintian-explain-tags", "--include-dir", str(include_dir), "model-file"],
        capture_output=True, text=True, timeout=120,
    )

    lines = process.stdout.splitlines()
    assert "I: model-file" in lines
    assert "N:   dl-lint emits this tag from its check models/inventory." in lines
    assert "N:   Visibility: info" in lines
    assert process.returncode == 0


def test_profile_runs_dl_lint_alone(tinynet_plain_dsc, include_dir):
    process = run_lintian(tinynet_plain_dsc, include_dir, "--profile", "dl-lint", "--fail-on", "none", *ALL_LEVELS)

    tags = {match.group(3) for match in map(HINT_LINE.match, process.stdout.splitlines()) if match}
    assert {"ml-models-unknown-field", "ml-models-files-match-nothing", "model-file"} <= tags
    assert tags <= set(load_tags())
    assert process.returncode == 0


def fake_dl_lint(tmp_path: Path, body: str) -> str:
    """Write a stand-in for dl-lint running BODY (Python); return its command line."""
    script = tmp_path / "fake-dl-lint"
    script.write_text(f"import json, sys\n{body}\n", encoding="utf-8")
    return f"{sys.executable} {script}"


def fake_document(hints: list[dict]) -> str:
    document = {"format-version": 1, "packages": [{"source": "tinynet", "hints": hints}]}
    return f"print(json.dumps({document!r}))"


def hint(tag: str, context: str, path: str | None = None, line: int | None = None) -> dict:
    pointer = {"path": path, "line": line} if path else None
    return {"tag": tag, "severity": "warning", "context": context, "pointer": pointer}


def test_check_keeps_unindexed_pointer(tinynet_plain_dsc, include_dir, tmp_path):
    hints = [
        hint("ml-models-unknown-field", "Upstream-Field", "upstream/missing.cfg", 7),
        hint("ml-models-unknown-field", "Upstream-Field", "upstream/missing.cfg", 7),
        hint("ml-models-missing-field", "Files"),
    ]
    command = fake_dl_lint(tmp_path, fake_document(hints))

    process = run_lintian(tinynet_plain_dsc, include_dir, "--profile", "dl-lint", command=command)

    assert process.stdout.splitlines() == [
        "E: tinynet source: ml-models-missing-field Files",
        "W: tinynet source: ml-models-unknown-field Upstream-Field [upstream/missing.cfg:7]",
    ]
    assert "duplicate" not in process.stderr
    assert process.returncode == 2


def test_check_skips_unknown_tag(tinynet_plain_dsc, include_dir, tmp_path):
    command = fake_dl_lint(tmp_path, fake_document([hint("tag-from-newer-dl-lint", "x")]))

    process = run_lintian(tinynet_plain_dsc, include_dir, "--profile", "dl-lint", command=command)

    assert process.stdout == ""
    assert "dl-lint emitted tag tag-from-newer-dl-lint, which lintian does not know" in process.stderr
    assert "python3 -m dl_lint.lintian_include DIR" in process.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("sys.stderr.write('dl-lint: error: no space left\\n'); sys.exit(1)", "failed with wait status 256 (exit 1):\ndl-lint: error: no space left"),
        ("print('not json')", "wrote invalid JSON"),
        ("print('[1, 2]')", "wrote invalid JSON: the top level is not an object\n"),
    ],
    ids=["exit-status", "not-json", "not-object"],
)
def test_check_failure_reported(tinynet_plain_dsc, include_dir, tmp_path, body, message):
    command = fake_dl_lint(tmp_path, body)

    process = run_lintian(tinynet_plain_dsc, include_dir, "--profile", "dl-lint", command=command)

    assert message in process.stderr
    assert "warning: cannot run dl-lint check on package source:tinynet_1.0" in process.stderr
    assert process.returncode == 1


def test_check_missing_command(tinynet_plain_dsc, include_dir, tmp_path):
    missing = tmp_path / "no-such-dl-lint"

    process = run_lintian(tinynet_plain_dsc, include_dir, "--profile", "dl-lint", command=str(missing))

    assert (f"Cannot run {missing}: No such file or directory. Install dl-lint or set "
            "LINTIAN_DL_LINT_COMMAND to its command line.") in process.stderr
    assert process.returncode == 1


OPUS = CORPUS / "opus_1.5.2-2.dsc"
OPUS_WEIGHTS = [
    "dnn/dred_rdovae_dec_data.c", "dnn/dred_rdovae_enc_data.c", "dnn/dred_rdovae_stats_data.c",
    "dnn/fargan_data.c", "dnn/lace_data.c", "dnn/lossgen_data.c", "dnn/nolace_data.c",
    "dnn/pitchdnn_data.c", "dnn/plc_data.c", "src/mlp_data.c",
]


@pytest.mark.skipif(not OPUS.exists(), reason=f"corpus not present: {OPUS}")
def test_opus_in_lintian(include_dir):
    expected = expected_lines(dl_lint_json(OPUS))

    process = run_lintian(OPUS, include_dir, "--fail-on", "none", *ALL_LEVELS)

    found = dl_lint_lines(process.stdout)
    assert sorted(found) == sorted(expected)
    weights = sorted(context.rsplit("[", 1)[1].rstrip("]") for _, tag, context in found if tag == "embedded-model-weights")
    assert weights == OPUS_WEIGHTS
    assert process.returncode == 0
