"""The README and the data tables it documents agree."""

from __future__ import annotations

import re
from pathlib import Path

from dl_lint.mlmodels import field_specs

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_ml_models_field():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Declaring provenance: debian/ml-models", 1)[1].split("\n## ", 1)[0]

    rows = re.findall(r"^\| ([A-Z][A-Za-z-]+) \| ", section, re.MULTILINE)

    assert rows == [spec.name for spec in field_specs().values()]
