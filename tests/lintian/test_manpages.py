"""The man pages built by tools/build-manpages from debian/man/*.1.in.

In a source checkout the pages are built into tmp_path; where only the
installed package is present (the autopkgtest) the installed pages are read.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
import shutil
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

from dl_lint import cli
from dl_lint.mlmodels import field_specs

ROOT = Path(__file__).resolve().parents[2]
BUILDER = ROOT / "tools" / "build-manpages"
INSTALLED = Path("/usr/share/man/man1")


def builder_module():
    """Import tools/build-manpages, a script without the .py suffix."""
    loader = SourceFileLoader("build_manpages", str(BUILDER))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    """Return the roff text of each page by program name."""
    if BUILDER.exists():
        output = tmp_path_factory.mktemp("man")
        subprocess.run([sys.executable, str(BUILDER), str(output)], check=True, capture_output=True)
        return {path.stem: path.read_text(encoding="utf-8") for path in output.glob("*.1")}
    if (INSTALLED / "dl-lint.1.gz").exists():
        return {path.name[:-5]: gzip.decompress(path.read_bytes()).decode() for path in INSTALLED.glob("dl-lint*.1.gz")}
    pytest.skip("neither tools/build-manpages nor installed man pages")


def roff_name(text: str) -> str:
    return text.replace("-", "\\-")


def test_page_per_program(pages):
    assert {"dl-lint", "dl-lint-explain-tags"} <= set(pages)


def test_ml_models_fields_listed(pages):
    section = pages["dl-lint"].split('.SH "DECLARING PROVENANCE: debian/ml-models"', 1)[1].split("\n.SH ", 1)[0]

    listed = re.findall(r"^\.TP\n\\fB(.+?)\\fR$", section, re.MULTILINE)

    assert listed == [roff_name(spec.name) for spec in field_specs().values()]


def test_options_listed(pages, registry):
    parser = cli.build_parser(registry)
    page = pages["dl-lint"]

    for action in parser._actions:
        for option in action.option_strings:
            assert f"\\fB{roff_name(option)}\\fR" in page


def test_no_placeholder_left(pages):
    for name, text in pages.items():
        assert re.findall(r"@[A-Z_]+@", text) == [], name


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_no_warnings(pages, tmp_path):
    for name, text in pages.items():
        path = tmp_path / f"{name}.1"
        path.write_text(text, encoding="utf-8")

        process = subprocess.run(["groff", "-man", "-ww", "-z", "-Tutf8", str(path)], capture_output=True, text=True)

        assert (name, process.stderr) == (name, "")


@pytest.mark.skipif(not BUILDER.exists(), reason="not a source checkout")
def test_template_per_console_script():
    builder = builder_module()

    programs = builder.console_scripts()

    missing = [name for name in programs if not (builder.TEMPLATES / f"{name}.1.in").exists()]
    assert "dl-lint" in programs
    assert missing == []


@pytest.mark.skipif(not BUILDER.exists(), reason="not a source checkout")
def test_sweep_page_renders():
    builder = builder_module()
    template = (builder.TEMPLATES / "dl-lint-sweep.1.in").read_text(encoding="utf-8")

    page = builder.render(template, "dl_lint.sweep.cli:run")

    assert "\\fB\\-\\-resume\\fR" in page
    assert "\\fB\\-j\\fR, \\fB\\-\\-jobs\\fR \\fIN\\fR" in page
    assert "status \"failed\"" in page


@pytest.mark.skipif(not BUILDER.exists(), reason="not a source checkout")
def test_roff_escapes():
    builder = builder_module()

    assert builder.roff_text(".start\n'quote\nback\\slash") == "\\&.start\n\\&'quote\nback\\eslash"
    assert builder.roff_option("--fail-on") == "\\fB\\-\\-fail\\-on\\fR"
