"""The lintian include directory that dl_lint.lintian_include writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from dl_lint import lintian_include
from dl_lint.datafiles import read_paragraphs
from dl_lint.errors import DataError
from dl_lint.lintian_include import (
    LINTIAN_CHECK, lintian_tag_names, main, source_dir, tag_file_text, write_include_dir,
)
from dl_lint.tags import TagInfo, load_tags

INSTALLED_LINTIAN = Path("/usr/share/lintian")

THIRD_PARTY_TAG = """\
Tag: vendor-model-unsigned
Severity: pedantic
Check: vendor/signatures
Explanation: The model has no vendor signature.
See-Also: https://example.org/signing
Renamed-From: vendor-model-without-signature
Experimental: yes
"""


def third_party_dir(root: Path) -> Path:
    """Return a dl-lint include directory with one tag of its own."""
    (root / "data" / "tags").mkdir(parents=True)
    (root / "data" / "tags" / "vendor-model-unsigned.tag").write_text(THIRD_PARTY_TAG, encoding="utf-8")
    return root


def test_writes_every_tag(tmp_path):
    written = write_include_dir(tmp_path / "include", lintian_tags=set())

    files = sorted(path.stem for path in (tmp_path / "include" / "tags" / "dl-lint").glob("*.tag"))
    assert files == sorted(load_tags())
    assert list(written.tags) == files


def test_tag_file_fields(tmp_path):
    write_include_dir(tmp_path / "include", lintian_tags=set())

    fields = read_paragraphs(tmp_path / "include" / "tags" / "dl-lint" / "model-file.tag")[0]
    assert fields["Tag"] == "model-file"
    assert fields["Severity"] == "info"
    assert fields["Check"] == "dl-lint"
    assert fields["See-Also"] == "https://salsa.debian.org/deeplearning-team/ml-policy"
    assert fields["Explanation"].endswith("\n .\n dl-lint emits this tag from its check models/inventory.")


def test_tag_file_text_exact():
    info = TagInfo(name="demo-tag", severity="warning", check="models/demo",
                   explanation="First line.\n .\n Second paragraph.")

    text = tag_file_text(info, {"See-Also": "dl-lint(1)"})

    assert text == (
        "Tag: demo-tag\n"
        "Severity: warning\n"
        "Check: dl-lint\n"
        "Explanation: First line.\n"
        " .\n"
        " Second paragraph.\n"
        " .\n"
        " dl-lint emits this tag from its check models/demo.\n"
        "See-Also: dl-lint(1)\n"
    )


def test_every_severity_kept(tmp_path):
    write_include_dir(tmp_path / "include", lintian_tags=set())

    for name, info in load_tags().items():
        fields = read_paragraphs(tmp_path / "include" / "tags" / "dl-lint" / f"{name}.tag")[0]
        assert (name, fields["Severity"]) == (name, info.severity)
        assert (name, fields["Check"]) == (name, LINTIAN_CHECK)


def test_third_party_fields_passed(tmp_path):
    extra = third_party_dir(tmp_path / "vendor")

    write_include_dir(tmp_path / "include", include=(str(extra),), lintian_tags=set())

    fields = read_paragraphs(tmp_path / "include" / "tags" / "dl-lint" / "vendor-model-unsigned.tag")[0]
    assert fields["Severity"] == "pedantic"
    assert fields["See-Also"] == "https://example.org/signing"
    assert fields["Renamed-From"] == "vendor-model-without-signature"
    assert fields["Experimental"] == "yes"


def test_static_files_copied(tmp_path):
    written = write_include_dir(tmp_path / "include", lintian_tags=set())

    relative = sorted(path.relative_to(tmp_path / "include").as_posix() for path in written.static_files)
    assert relative == ["lib/Lintian/Check/DlLint.pm", "profiles/dl-lint/main.profile"]
    assert (tmp_path / "include" / "lib/Lintian/Check/DlLint.pm").read_bytes() == \
        (source_dir() / "lib/Lintian/Check/DlLint.pm").read_bytes()


def test_profile_enables_check(tmp_path):
    write_include_dir(tmp_path / "include", lintian_tags=set())

    header = read_paragraphs(tmp_path / "include" / "profiles" / "dl-lint" / "main.profile")[0]
    assert header == {"Profile": "dl-lint/main", "Enable-Tags-From-Check": "dl-lint"}


def test_stale_tag_removed(tmp_path):
    stale = tmp_path / "include" / "tags" / "dl-lint" / "tag-removed-upstream.tag"
    stale.parent.mkdir(parents=True)
    stale.write_text("Tag: tag-removed-upstream\n", encoding="utf-8")

    write_include_dir(tmp_path / "include", lintian_tags=set())

    assert not stale.exists()


def test_collision_rejected(tmp_path):
    with pytest.raises(DataError) as caught:
        write_include_dir(tmp_path / "include", lintian_tags={"model-file", "source-format"})

    assert str(caught.value) == "dl-lint tags also defined by lintian: model-file; rename them"


def test_missing_source_rejected(tmp_path):
    with pytest.raises(DataError) as caught:
        write_include_dir(tmp_path / "include", source=tmp_path / "nowhere", lintian_tags=set())

    assert str(caught.value) == f"lintian include source {tmp_path / 'nowhere' / 'lib'} is missing"


def test_unwritable_target(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")

    with pytest.raises(DataError) as caught:
        write_include_dir(blocker / "include", lintian_tags=set())

    assert str(caught.value).startswith(f"cannot write the lintian include directory {blocker / 'include'}: ")


def test_lintian_base_tags(tmp_path, monkeypatch):
    (tmp_path / "tags" / "s").mkdir(parents=True)
    (tmp_path / "tags" / "s" / "source-format.tag").write_text("Tag: source-format\n", encoding="utf-8")
    monkeypatch.setenv("LINTIAN_BASE", str(tmp_path))

    assert lintian_tag_names() == {"source-format"}
    assert lintian_tag_names(tmp_path / "missing") == set()


@pytest.mark.skipif(not (INSTALLED_LINTIAN / "tags").is_dir(), reason="lintian is not installed")
def test_no_collision_with_lintian():
    shared = set(load_tags()) & lintian_tag_names(INSTALLED_LINTIAN)

    assert shared == set()


def test_main_writes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lintian_include, "lintian_tag_names", lambda base=None: set())

    status = main([str(tmp_path / "include")])

    assert status == 0
    assert capsys.readouterr().out == f"{tmp_path / 'include'}: {len(load_tags())} tags for the lintian check dl-lint\n"


def test_main_reports_error(tmp_path, monkeypatch, capsys):
    (tmp_path / "base" / "tags").mkdir(parents=True)
    (tmp_path / "base" / "tags" / "model-file.tag").write_text("Tag: model-file\n", encoding="utf-8")
    monkeypatch.setenv("LINTIAN_BASE", str(tmp_path / "base"))

    status = main([str(tmp_path / "include")])

    assert status == 1
    assert capsys.readouterr().err == "dl-lint: error: dl-lint tags also defined by lintian: model-file; rename them\n"


def test_regenerate_in_place(tmp_path):
    first = write_include_dir(tmp_path / "include", lintian_tags=set())

    second = write_include_dir(tmp_path / "include", source=first.path, lintian_tags=set())

    assert second.tags == first.tags
    assert (tmp_path / "include" / "lib/Lintian/Check/DlLint.pm").stat().st_size > 0
