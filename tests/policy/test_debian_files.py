"""Malformed debian/copyright and debian/control, prose copyright files, triage markers."""

from __future__ import annotations

from dl_lint import control

from .builders import DEP5, NNUE, copyright_file
from .test_decision import MODEL, policy_hints

TOXIC = ("model-category-toxiccandy", "ToxicCandy: training data not named", MODEL)


def test_malformed_copyright_reported_and_linting_goes_on(make_tree, lint):
    text = DEP5 + "\nFiles: *\nCopyright: x\nnot a field at all\nLicense: GPL-3+\nLicense: MIT\n\nFiles: docs/*\nCopyright: y\n"
    tree = make_tree({MODEL: NNUE, "debian/copyright": text}, section="non-free/games")

    hints = policy_hints(lint(tree))

    assert ("copyright-syntax-error", "not a field at all", "debian/copyright:5") in hints
    assert ("copyright-duplicate-field", "License", "debian/copyright:7") in hints
    assert ("copyright-missing-field", "License", "debian/copyright:9") in hints
    assert TOXIC in hints


def test_malformed_control_reported_and_linting_goes_on(make_tree, lint):
    tree = make_tree({
        MODEL: NNUE,
        "debian/copyright": copyright_file(("*", "GPL-3+")),
        "debian/control": "Source: demo\nthis is broken\nSection: games\nSection: non-free/games\n\nPackage: demo\nArchitecture: all\n",
    })

    hints = policy_hints(lint(tree))

    assert ("control-syntax-error", "this is broken", "debian/control:2") in hints
    assert ("control-duplicate-field", "Section", "debian/control:4") in hints
    assert ("model-category-not-allowed-in-area", "ToxicCandy in main (allowed: non-free)", MODEL) in hints
    assert TOXIC in hints


def test_unknown_archive_area(make_tree, lint):
    tree = make_tree({MODEL: NNUE, "debian/copyright": copyright_file(("*", "GPL-3+"))}, section="restricted/games")

    hints = policy_hints(lint(tree))

    assert ("control-unknown-archive-area", "restricted/games", "debian/control:2") in hints
    assert ("model-category-not-allowed-in-area", "ToxicCandy in main (allowed: non-free)", MODEL) in hints


def test_area_from_binary_paragraph():
    area, defects = control.parse("Source: demo\n\nPackage: demo\nSection: contrib/science\n")

    assert (area.area, area.section, area.line) == ("contrib", "contrib/science", 4)
    assert defects == []


def test_prose_copyright_licence_near_model(make_tree, lint):
    text = (
        "This package was debianized by a maintainer.\n\n"
        "License: GPL-3+ for the program.\n\n"
        "The NNUE file is distributed under Creative Commons CC0 license:\n\n"
        "  These networks are freely available under a CC0 license.\n"
    )
    tree = make_tree({MODEL: NNUE, "debian/copyright": text}, section="non-free/games")

    hints = policy_hints(lint(tree))

    assert ("copyright-not-machine-readable", "", "debian/copyright") in hints
    assert TOXIC in hints
    assert ("model-without-license", "no licence found", MODEL) not in hints


def test_repack_and_disclaimer_noted(make_tree, lint):
    header = "Files-Excluded: models/*.onnx\n *.exe\nDisclaimer: models reviewed under the Debian ML-Policy\n"
    tree = make_tree({MODEL: NNUE, "debian/copyright": copyright_file(("*", "GPL-3+"), header=header)},
                     version="1.0+ds-1", section="non-free/games")

    hints = policy_hints(lint(tree))

    assert ("model-files-excluded-from-source", "models/*.onnx (+ds)", "debian/copyright:3") in hints
    assert ("copyright-disclaimer-cites-ml-policy", "Disclaimer", "debian/copyright:5") in hints
    assert not any(h[0] == "model-files-excluded-from-source" and "exe" in h[1] for h in hints)
