"""SARIF 2.1.0 output: rules from the tag registry, results from hints."""

from __future__ import annotations

import io
import json

import pytest

from dl_lint import cli
from dl_lint.hints import Hint, Pointer
from dl_lint.lint import lint_source
from dl_lint.sarif import SARIF_SCHEMA, result_record, rule_record, sarif_document, write_sarif
from tests.conftest import build_dsc, record_hints
from tests.lintian.conftest import ML_MODELS, NNUE, OVERRIDES


@pytest.fixture
def tree(make_tree):
    return make_tree({
        "src/nn-0123456789ab.nnue": NNUE,
        "src/nn net.nnue": NNUE,
        "debian/ml-models": ML_MODELS,
        "debian/source/lintian-overrides": OVERRIDES,
    }, name="tinynet", version="1.0", fmt="3.0 (native)")


def sarif_of(path, registry, severities=None) -> dict:
    result = lint_source(str(path), registry)
    record_hints(result.hints)
    out = io.StringIO()
    write_sarif([result], out, tags=registry.tags, severities=severities)
    return json.loads(out.getvalue())


def results_by_rule(run: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for record in run["results"]:
        found.setdefault(record["ruleId"], []).append(record)
    return found


def test_log_header(tree, registry):
    document = sarif_of(tree, registry)

    assert document["$schema"] == SARIF_SCHEMA
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    assert document["runs"][0]["properties"] == {"source": "tinynet", "version": "1.0", "input": "tree"}


def test_rules_cover_registry(tree, registry):
    driver = sarif_of(tree, registry)["runs"][0]["tool"]["driver"]

    assert driver["name"] == "dl-lint"
    assert [rule["id"] for rule in driver["rules"]] == sorted(registry.tags)


def test_rule_fields(registry):
    rule = rule_record(registry.tags["ml-models-unknown-field"])

    assert rule["shortDescription"] == {
        "text": "debian/ml-models has a field dl-lint does not know, or a known field spelled with different letter case."
    }
    assert rule["fullDescription"]["text"].startswith("debian/ml-models has a field dl-lint does not know,")
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert rule["properties"] == {"severity": "warning", "check": "debian/ml-models"}
    assert "helpUri" not in rule


def test_rule_help_uri(registry):
    rule = rule_record(registry.tags["model-file"])

    assert rule["helpUri"] == "https://salsa.debian.org/deeplearning-team/ml-policy"


def test_result_with_line(tree, registry):
    run = sarif_of(tree, registry)["runs"][0]

    [record] = results_by_rule(run)["ml-models-unknown-field"]
    assert record == {
        "ruleId": "ml-models-unknown-field",
        "ruleIndex": sorted(registry.tags).index("ml-models-unknown-field"),
        "level": "warning",
        "message": {"text": "ml-models-unknown-field Trained-On"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "debian/ml-models", "uriBaseId": "SRCROOT"},
            "region": {"startLine": 3},
        }}],
    }


def test_result_without_line(tree, registry):
    run = sarif_of(tree, registry)["runs"][0]

    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results_by_rule(run)["model-file"])
    assert uris == ["src/nn%20net.nnue", "src/nn-0123456789ab.nnue"]
    assert all("region" not in r["locations"][0]["physicalLocation"] for r in results_by_rule(run)["model-file"])
    assert {r["level"] for r in results_by_rule(run)["model-file"]} == {"note"}


def test_rule_index_matches(tree, registry):
    run = sarif_of(tree, registry)["runs"][0]

    rules = run["tool"]["driver"]["rules"]
    for record in run["results"]:
        assert rules[record["ruleIndex"]]["id"] == record["ruleId"]


def test_override_suppression(tree, registry):
    run = sarif_of(tree, registry)["runs"][0]

    [record] = results_by_rule(run)["ml-models-files-match-nothing"]
    assert record["suppressions"] == [{
        "kind": "external",
        "status": "accepted",
        "justification": "Upstream ships the ONNX models in its next release.",
    }]


def test_tree_root_uri(tree, registry):
    run = sarif_of(tree, registry)["runs"][0]

    assert run["originalUriBaseIds"] == {"SRCROOT": {"uri": tree.resolve().as_uri() + "/"}}


def test_dsc_has_no_root(tree, registry, tmp_path):
    dsc = build_dsc(tree, tmp_path)

    run = sarif_of(dsc, registry)["runs"][0]

    assert "originalUriBaseIds" not in run
    assert run["properties"]["input"] == "dsc"
    assert "ml-models-unknown-field" in results_by_rule(run)


def test_severity_filter(tree, registry):
    run = sarif_of(tree, registry, severities={"error", "warning"})["runs"][0]

    assert "model-file" not in results_by_rule(run)
    assert "ml-models-unknown-field" in results_by_rule(run)


@pytest.mark.parametrize(
    ("severity", "level"),
    [("error", "error"), ("warning", "warning"), ("info", "note"), ("pedantic", "note"), ("classification", "none")],
)
def test_level_mapping(severity, level):
    hint = Hint(tag="model-file", severity=severity, check="models/inventory", context="x")

    record = result_record(hint, 4)

    assert record == {"ruleId": "model-file", "ruleIndex": 4, "level": level, "message": {"text": "model-file x"}}


def test_hint_without_pointer():
    hint = Hint(tag="ml-models-missing-field", severity="error", check="debian/ml-models", context="Files",
                pointer=None, overridden=True)

    record = result_record(hint, 0)

    assert "locations" not in record
    assert record["suppressions"] == [{"kind": "external", "status": "accepted"}]


def test_one_run_per_package(tree, registry, make_tree):
    other = make_tree({"src/nn-0123456789ab.nnue": NNUE}, name="othernet", version="2.0", fmt="3.0 (native)")
    results = [lint_source(str(path), registry) for path in (tree, other)]

    document = sarif_document(results, registry.tags)

    assert [run["properties"]["source"] for run in document["runs"]] == ["tinynet", "othernet"]


def test_cli_format_sarif(tree, capsys):
    status = cli.main(["--format", "sarif", "--fail-on", "none", str(tree)])

    document = json.loads(capsys.readouterr().out)
    assert document["version"] == "2.1.0"
    assert "ml-models-unknown-field" in results_by_rule(document["runs"][0])
    assert status == 0


def test_cli_sarif_no_info(tree, capsys):
    cli.main(["--format", "sarif", "--no-info", str(tree)])

    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert "model-file" not in results_by_rule(run)


def test_uri_percent_encoded():
    hint = Hint(tag="model-file", severity="info", check="models/inventory", pointer=Pointer(path="a b/c#d.bin"))

    record = result_record(hint, 0)

    assert record["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "a%20b/c%23d.bin", "uriBaseId": "SRCROOT"},
    }
