"""Licence lookup and DEP-5 licence expressions."""

from __future__ import annotations

import pytest

from dl_lint import licenses


@pytest.mark.parametrize(("expression", "status"), [
    ("GPL-3+", "free"),
    ("Expat", "free"),
    ("BSD-2", "free"),
    ("Creative-Commons-0-1.0", "free"),
    ("Boost-Software-License-1.0 and public-domain~MH3", "free"),
    ("GPL-2+ with Autoconf exception or GPL-3+", "free"),
    ("FSF-unlimited, and GPL-2+ with Autoconf exception or GPL-3+", "free"),
    ("CC-BY-NC-SA-4.0", "non-free"),
    ("Apache-2.0 or CC-BY-NC-4.0", "free"),
    ("CC-BY-NC-4.0 and MIT", "non-free"),
    ("MIT and Foo-1.0", "unknown"),
    ("MIT or Foo-1.0", "free"),
    ("CreativeML-OpenRAIL-M", "non-free"),
    ("llama3.1", "non-free"),
    ("ODbL-1.0", "probably-free"),
    ("", "unknown"),
])
def test_evaluate_status(expression, status):
    verdict = licenses.evaluate(expression)

    assert verdict.status == status


def test_evaluate_and_binds_tighter_than_or():
    verdict = licenses.evaluate("MIT or CC-BY-NC-4.0 and Foo")

    assert verdict.status == "free"


def test_evaluate_comma_lowers_precedence():
    verdict = licenses.evaluate("MIT or Apache-2.0, and CC-BY-NC-4.0")

    assert verdict.status == "non-free"


def test_evaluate_reports_unknown_parts():
    verdict = licenses.evaluate("MIT and Foo-1.0")

    assert verdict.names == ("MIT",)
    assert verdict.unknown == ("Foo-1.0",)


def test_lookup_spdx_and_debian_names_agree():
    spdx = licenses.lookup("GPL-3.0-or-later")
    debian = licenses.lookup("GPL-3+")

    assert spdx is not None
    assert spdx is debian


def test_undistributable_licence():
    verdict = licenses.evaluate("all-rights-reserved")

    assert verdict.status == "non-free"
    assert verdict.redistributable is False


def test_find_in_text_names_licences():
    text = "The NNUE file is distributed under Creative Commons CC0 license, data under the Open Database License."

    found = [(match.entry.name, match.text) for match in licenses.find_in_text(text)]

    assert found == [("CC0-1.0", "CC0"), ("ODbL-1.0", "Open Database License")]
