"""Parse and validate debian/ml-models, the declaration of model provenance.

The file is deb822 like debian/copyright: one paragraph per group of model
files, with the fields of data/ml-models-fields.  Parsing is lenient: every
defect becomes a ``Defect`` with its line, and the valid paragraphs are
still returned, so checks carry on with what can be read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .copyright import Defect, scan_paragraphs
from .datafiles import table
from .globs import dep5_regex

PATH = "debian/ml-models"

TOLERANCE = re.compile(r"^\s*(?:(rtol|atol)\s*=\s*([0-9.eE+-]+)\s*)+$")


@dataclass(frozen=True, kw_only=True)
class FieldSpec:
    """One row of data/ml-models-fields."""

    name: str
    value: str
    required: bool
    choices: tuple[str, ...]
    description: str


@dataclass(kw_only=True)
class Declaration:
    """One paragraph of debian/ml-models."""

    line: int
    fields: dict[str, str]
    field_lines: dict[str, int]
    files: list[str] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def items(self, name: str) -> list[str]:
        """Return a list field's items, split on lines and commas."""
        return split_list(self.fields.get(name, ""))

    def matches(self, path: str) -> bool:
        """Return whether PATH matches one of the Files globs."""
        return any(glob_to_regex(glob).match(path) for glob in self.files)


@functools.cache
def field_specs() -> dict[str, FieldSpec]:
    """Return the known fields, by lower-case name."""
    specs = {}
    for row in table("ml-models-fields"):
        specs[row["Field"].lower()] = FieldSpec(
            name=row["Field"],
            value=row.get("Value", "text").strip(),
            required=row.get("Required", "").strip() == "yes",
            choices=tuple(row.get("Choices", "").split()),
            description=row.get("Description", "").strip(),
        )
    return specs


def glob_to_regex(glob: str) -> re.Pattern[str]:
    """Compile a Files glob; a glob naming a directory also matches every file below it."""
    return dep5_regex(glob, directories=True)


def split_list(value: str) -> list[str]:
    """Split a list field on newlines and commas."""
    items = []
    for line in value.splitlines():
        items += [item.strip() for item in line.split(",") if item.strip()]
    return items


def _validate(declaration: Declaration, defects: list[Defect]) -> None:
    specs = field_specs()
    for name, value in declaration.fields.items():
        line = declaration.field_lines[name]
        spec = specs.get(name.lower())
        if spec is None:
            defects.append(Defect(tag="ml-models-unknown-field", context=name, line=line))
            continue
        if spec.name != name:
            defects.append(Defect(tag="ml-models-unknown-field", context=f"{name} (did you mean {spec.name}?)", line=line))
            continue
        if not value.strip():
            defects.append(Defect(tag="ml-models-invalid-value", context=f"{name} is empty", line=line))
        elif spec.value == "choice" and value.strip() not in spec.choices:
            defects.append(Defect(tag="ml-models-invalid-value", context=f"{name}: {value.strip()} (expected one of {', '.join(spec.choices)})", line=line))
        elif spec.value == "tolerance" and not TOLERANCE.match(value):
            defects.append(Defect(tag="ml-models-invalid-value", context=f"{name}: {value.strip()} (expected rtol=X atol=Y)", line=line))
        elif spec.value == "command" and "\n" in value.strip():
            defects.append(Defect(tag="ml-models-invalid-value", context=f"{name} spans several lines", line=line))
    for spec in specs.values():
        if spec.required and spec.name not in declaration.fields:
            defects.append(Defect(tag="ml-models-missing-field", context=spec.name, line=declaration.line))
    declaration.files = declaration.get("Files").split()


def parse(text: str) -> tuple[list[Declaration], list[Defect]]:
    """Parse debian/ml-models; return the paragraphs with Files and every defect."""
    chunks, defects = scan_paragraphs(text, "ml-models")
    declarations = []
    for chunk in chunks:
        fields = {name: _drop_dot_lines(value) for name, value in chunk.fields.items()}
        declaration = Declaration(line=chunk.start, fields=fields, field_lines=dict(chunk.field_lines))
        _validate(declaration, defects)
        if declaration.files:
            declarations.append(declaration)
    return declarations, defects


def _drop_dot_lines(value: str) -> str:
    """Turn deb822's " ." blank-line markers in continuation lines into empty lines."""
    return "\n".join("" if line == "." else line for line in value.split("\n"))


def tolerance(value: str) -> tuple[float, float] | None:
    """Return (rtol, atol) from a Tolerance value, or None when it is invalid."""
    if not TOLERANCE.match(value or ""):
        return None
    found = dict(re.findall(r"(rtol|atol)\s*=\s*([0-9.eE+-]+)", value))
    try:
        return float(found.get("rtol", "1e-5")), float(found.get("atol", "1e-8"))
    except ValueError:
        return None


def declaration_for(declarations: list[Declaration], path: str) -> Declaration | None:
    """Return the last paragraph whose Files match PATH, as DEP-5 does."""
    found = None
    for declaration in declarations:
        if declaration.matches(path):
            found = declaration
    return found
