"""Reading debian/copyright: DEP-5 paragraphs, defects with lines, prose files."""

from __future__ import annotations

from dl_lint import copyright as dep5

from .builders import DEP5


def test_last_matching_paragraph_wins():
    parsed = dep5.parse(DEP5 + "\nFiles: *\nCopyright: x\nLicense: GPL-2+\n\nFiles: models/*\nCopyright: y\nLicense: CC0-1.0\n")

    statement = parsed.license_for("models/a.onnx")

    assert statement.expression == "CC0-1.0"
    assert statement.line == 9
    assert statement.catch_all is False


def test_catch_all_paragraph_is_marked():
    parsed = dep5.parse(DEP5 + "\nFiles: *\nCopyright: x\nLicense: GPL-2+\n")

    statement = parsed.license_for("src/main.c")

    assert statement.expression == "GPL-2+"
    assert statement.catch_all is True


def test_defects_have_lines_and_parsing_continues():
    text = DEP5 + "\nFiles: *\nCopyright: x\nthis is not a field\nLicense: GPL-2+\n\nFiles: m/*\nLicense: MIT\nLicense: BSD-3-clause\n\nFiles: n/*\nCopyright: y\n"

    parsed = dep5.parse(text)

    assert [(d.tag, d.context, d.line) for d in parsed.defects] == [
        ("copyright-syntax-error", "this is not a field", 5),
        ("copyright-duplicate-field", "License", 10),
        ("copyright-missing-field", "License", 12),
    ]
    assert parsed.license_for("m/x").expression == "MIT"
    assert parsed.license_for("q").expression == "GPL-2+"


def test_prose_file_is_not_machine_readable():
    parsed = dep5.parse("This package was debianized by someone.\n\nThe NNUE file is under CC0.\n")

    assert parsed.machine_readable is False
    assert parsed.blocks() == [(1, "This package was debianized by someone."), (3, "The NNUE file is under CC0.")]


def test_files_excluded_and_disclaimer():
    parsed = dep5.parse(DEP5 + "Files-Excluded: *.onnx\n weights/*\nDisclaimer: reviewed under the ML-Policy\n\nFiles: *\nCopyright: x\nLicense: MIT\n")

    assert parsed.files_excluded() == [("*.onnx", 2), ("weights/*", 2)]
    assert parsed.header_field("Disclaimer") == ("reviewed under the ML-Policy", 4)
