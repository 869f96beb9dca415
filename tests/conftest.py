"""Shared fixtures: build source packages in tmp_path and lint them.

The session also records every tag that any test made dl-lint emit.  At
the end of a full run, the tag meta-test in pytest_sessionfinish fails the
run when a described tag was never emitted or an emitted tag has no
description.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from dl_lint import checks
from dl_lint.lint import Registry, lint_source
from dl_lint.tags import load_tags

CORPUS = Path(os.environ.get("DL_LINT_CORPUS", Path.home() / ".cache" / "dl-lint-corpus"))

EMITTED_TAGS: set[str] = set()

_original_emit = checks.HintSink.emit


def _recording_emit(self, tag, context="", *, path=None, line=None):
    EMITTED_TAGS.add(tag)
    return _original_emit(self, tag, context, path=path, line=line)


checks.HintSink.emit = _recording_emit


def record_hints(hints) -> None:
    """Record tags emitted outside HintSink (engine tags such as override problems)."""
    EMITTED_TAGS.update(hint.tag for hint in hints)


CHANGELOG = """\
{name} ({version}) unstable; urgency=medium

  * Test package.

 -- Test Maintainer <test@example.org>  Fri, 04 Dec 2026 12:00:00 +0000
"""

CONTROL = """\
Source: {name}
Section: {section}
Priority: optional
Maintainer: Test Maintainer <test@example.org>
Standards-Version: 4.7.0

Package: {name}
Architecture: all
Description: test package
 Test package for dl-lint.
"""


def write_tree(root: Path, files: dict[str, bytes | str]) -> Path:
    """Write FILES (path -> content) below ROOT and return ROOT."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return root


def debian_files(name: str = "demo", version: str = "1.0-1", section: str = "science", fmt: str = "3.0 (quilt)") -> dict[str, str]:
    """Return the debian/ files of a minimal valid source package."""
    return {
        "debian/changelog": CHANGELOG.format(name=name, version=version),
        "debian/control": CONTROL.format(name=name, section=section),
        "debian/source/format": fmt + "\n",
        "debian/rules": "#!/usr/bin/make -f\n%:\n\tdh $@\n",
    }


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture
def make_tree(tmp_path):
    """Return a function building an unpacked source tree from a file mapping."""

    def build(files: dict[str, bytes | str], *, name: str = "demo", with_debian: bool = True, **debian) -> Path:
        root = tmp_path / name
        content = dict(debian_files(name=name, **debian)) if with_debian else {}
        content.update(files)
        return write_tree(root, content)

    return build


@pytest.fixture
def lint(registry):
    """Return a function linting a path and returning (tag, context, pointer) triples."""

    def run(path, **options):
        result = lint_source(str(path), registry, **options)
        record_hints(result.hints)
        return [(h.tag, h.context, str(h.pointer) if h.pointer else "") for h in result.hints]

    return run


def build_dsc(tree: Path, workdir: Path) -> Path:
    """Build a .dsc and its tarballs from TREE with dpkg-source; return the .dsc path."""
    if shutil.which("dpkg-source") is None:
        pytest.skip("dpkg-source is not installed (Debian package dpkg-dev)")
    subprocess.run(
        ["dpkg-source", "--no-check", "-b", tree.name],
        cwd=tree.parent, check=True, capture_output=True,
    )
    found = sorted(tree.parent.glob("*.dsc"))
    assert found, "dpkg-source wrote no .dsc"
    return found[-1]


def pytest_sessionfinish(session, exitstatus):
    """Fail a full, otherwise green run when the tag registry and the tests disagree."""
    option = session.config.option
    if exitstatus != 0 or option.collectonly or option.keyword or option.markexpr or getattr(option, "lf", False):
        return
    if session.config.args and any(Path(a).resolve() != Path(__file__).parent.resolve() and "tests" != a.rstrip("/") for a in session.config.args):
        return
    declared = set(load_tags())
    never = sorted(declared - EMITTED_TAGS)
    undeclared = sorted(EMITTED_TAGS - declared)
    if never or undeclared:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if never:
            reporter.write_line(f"tag meta-test: described tags no test emits: {', '.join(never)}", red=True)
        if undeclared:
            reporter.write_line(f"tag meta-test: emitted tags without description: {', '.join(undeclared)}", red=True)
        session.exitstatus = 1
