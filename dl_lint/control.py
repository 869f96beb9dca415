"""Read the archive area of a source package from debian/control.

The area (main, contrib, non-free, non-free-firmware) is the prefix of the
Section field of the source paragraph, "libs" meaning main and
"contrib/libs" contrib.  Without a Section there, a binary paragraph's
area prefix is used, and main is the default as for dpkg.  Lines that are
not deb822 become ``Defect`` values with their line; the rest is parsed
with python-debian's deb822 module.
"""

from __future__ import annotations

from dataclasses import dataclass

from .copyright import Defect, cleaned_lines, scan_paragraphs

PATH = "debian/control"

AREAS = ("main", "contrib", "non-free", "non-free-firmware")


@dataclass(frozen=True, kw_only=True)
class ArchiveArea:
    """The archive area of the package and where it was read."""

    area: str
    section: str
    line: int | None


def _area_of(section: str) -> str | None:
    """Return the area prefix of a Section value, "main" without one, None when unknown."""
    if "/" not in section:
        return "main"
    prefix = section.split("/", 1)[0].strip().lower()
    return prefix if prefix in AREAS else None


def _sections(text: str, line_of: list[int | None]) -> list[tuple[str, int | None]]:
    """Return the Section value of each paragraph, parsed with python-debian."""
    from debian import deb822

    result = []
    for index, paragraph in enumerate(deb822.Deb822.iter_paragraphs(text.splitlines(keepends=True))):
        line = line_of[index] if index < len(line_of) else None
        result.append(((paragraph.get("Section") or "").strip(), line))
    return result


def parse(text: str | None) -> tuple[ArchiveArea, list[Defect]]:
    """Return the archive area of the package and the defects of debian/control."""
    if text is None:
        return ArchiveArea(area="main", section="", line=None), []
    paragraphs, defects = scan_paragraphs(text, "control")
    cleaned = "".join(cleaned_lines(text, paragraphs))
    sections = _sections(cleaned, [paragraph.line_of("Section") for paragraph in paragraphs])
    candidates = sections[:1] + [item for item in sections[1:] if "/" in item[0]]
    for section, line in candidates:
        if not section:
            continue
        area = _area_of(section)
        if area is None:
            defects.append(Defect(tag="control-unknown-archive-area", context=section, line=line or 1))
            continue
        return ArchiveArea(area=area, section=section, line=line), defects
    return ArchiveArea(area="main", section="", line=None), defects
