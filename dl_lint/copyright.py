"""Read debian/copyright: the licence of each file, and its defects.

A machine-readable file (DEP-5, recognised by a Format field in the first
paragraph) is parsed with python-debian's debian.copyright module, which
matches Files globs and returns the last matching paragraph as DEP-5
requires.  python-debian rejects a whole file for one bad line, so the
lines are checked here first: every defect becomes a ``Defect`` with its
line, the bad lines are commented out, and the rest is parsed.  A file that
is not machine-readable is kept as text, split into blank-line blocks, for
the provenance reader to search for licence names near a model's name.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .globs import dep5_regex

PATH = "debian/copyright"

FIELD_LINE = re.compile(r"^([!-9;-~][!-9;-~]*):(.*)$")
_NEAR_LINE = re.compile(r"line (\d+)")

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Defect:
    """A defect of a deb822 file in debian/ (copyright, control, ml-models): tag, context, line."""

    tag: str
    context: str
    line: int


@dataclass(frozen=True, kw_only=True)
class FilesParagraph:
    """One Files paragraph: its globs, licence expression and lines."""

    globs: tuple[str, ...]
    license: str
    line: int
    license_line: int | None
    comment: str = ""
    comment_line: int | None = None


@dataclass(frozen=True, kw_only=True)
class LicenseStatement:
    """What debian/copyright says about one path.

    ``catch_all`` is true when only the "Files: *" paragraph matched, so the
    statement is the package's default rather than one about this file.
    """

    expression: str
    line: int | None
    globs: tuple[str, ...]
    catch_all: bool
    comment: str = ""
    comment_line: int | None = None


@dataclass(kw_only=True)
class RawParagraph:
    """One deb822 paragraph read line by line: fields, their lines, and the lines with defects."""

    start: int
    lines: list[tuple[int, str]]
    fields: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    bad_lines: set[int] = field(default_factory=set)

    def get(self, name: str) -> str | None:
        for key, value in self.fields.items():
            if key.lower() == name.lower():
                return value
        return None

    def line_of(self, name: str) -> int | None:
        for key, number in self.field_lines.items():
            if key.lower() == name.lower():
                return number
        return None


@dataclass(kw_only=True)
class CopyrightFile:
    """debian/copyright as dl-lint reads it."""

    text: str
    machine_readable: bool
    paragraphs: list[FilesParagraph] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    header_lines: dict[str, int] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)
    _matchers: list = field(default_factory=list, repr=False)

    def license_for(self, path: str) -> LicenseStatement | None:
        """Return the statement of the last Files paragraph matching PATH, as DEP-5 does."""
        found = None
        for paragraph, matcher in zip(self.paragraphs, self._matchers):
            if matcher(path):
                found = paragraph
        if found is None:
            return None
        return LicenseStatement(
            expression=found.license, line=found.license_line or found.line, globs=found.globs,
            catch_all=found.globs == ("*",), comment=found.comment, comment_line=found.comment_line,
        )

    def header_field(self, name: str) -> tuple[str, int] | None:
        """Return the value and line of a header field, matched case-insensitively."""
        for key, value in self.header.items():
            if key.lower() == name.lower():
                return value, self.header_lines[key]
        return None

    def files_excluded(self) -> list[tuple[str, int]]:
        """Return each Files-Excluded pattern (of every component) with its field's line."""
        result = []
        for key, value in self.header.items():
            if key.lower().startswith("files-excluded"):
                result += [(pattern, self.header_lines[key]) for pattern in value.split()]
        return result

    def blocks(self) -> list[tuple[int, str]]:
        """Return the text as blank-line separated blocks with their first line number."""
        result = []
        current: list[str] = []
        start = 0
        for number, line in enumerate(self.text.splitlines(), start=1):
            if line.strip():
                if not current:
                    start = number
                current.append(line)
            elif current:
                result.append((start, "\n".join(current)))
                current = []
        if current:
            result.append((start, "\n".join(current)))
        return result


def _chunks(text: str) -> list[RawParagraph]:
    """Split TEXT into paragraphs of (line number, line), dropping comment lines."""
    chunks: list[RawParagraph] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                chunks.append(RawParagraph(start=current[0][0], lines=current))
                current = []
            continue
        current.append((number, line))
    if current:
        chunks.append(RawParagraph(start=current[0][0], lines=current))
    return chunks


def _read_fields(chunk: RawParagraph, defects: list[Defect], prefix: str = "copyright") -> None:
    name = None
    for number, line in chunk.lines:
        if line[0] in " \t":
            if name is None:
                defects.append(Defect(tag=f"{prefix}-syntax-error", context="continuation line without a field", line=number))
                chunk.bad_lines.add(number)
                continue
            chunk.fields[name] += "\n" + line.strip()
            continue
        match = FIELD_LINE.match(line)
        if match is None:
            defects.append(Defect(tag=f"{prefix}-syntax-error", context=line.strip()[:60], line=number))
            chunk.bad_lines.add(number)
            name = None
            continue
        name = match.group(1)
        if chunk.get(name) is not None:
            defects.append(Defect(tag=f"{prefix}-duplicate-field", context=name, line=number))
            chunk.bad_lines.add(number)
            # Later lines continue the duplicate, which is dropped with it.
            name = None
            continue
        chunk.fields[name] = match.group(2).strip()
        chunk.field_lines[name] = number


def scan_paragraphs(text: str, prefix: str) -> tuple[list[RawParagraph], list[Defect]]:
    """Split deb822 TEXT into paragraphs read line by line; defects get tags PREFIX-*."""
    chunks = _chunks(text)
    defects: list[Defect] = []
    for chunk in chunks:
        _read_fields(chunk, defects, prefix)
    return chunks, defects


def cleaned_lines(text: str, chunks: list[RawParagraph]) -> list[str]:
    """Return the lines of TEXT with every line a defect was found on commented out."""
    return _cleaned(text, set().union(*(chunk.bad_lines for chunk in chunks)))


def _check_paragraphs(chunks: list[RawParagraph], defects: list[Defect]) -> None:
    for chunk in chunks[1:]:
        has_files = chunk.get("Files") is not None
        if has_files and not (chunk.get("License") or "").strip():
            defects.append(Defect(tag="copyright-missing-field", context="License", line=chunk.start))
        elif not has_files and chunk.get("License") is None:
            defects.append(Defect(tag="copyright-syntax-error", context="paragraph without Files or License", line=chunk.start))


def _cleaned(text: str, bad_lines: set[int]) -> list[str]:
    """Return the lines of TEXT with BAD_LINES turned into comments, keeping line numbers."""
    lines = text.splitlines(keepends=True)
    return ["#\n" if number in bad_lines else line for number, line in enumerate(lines, start=1)]


class _Quiet(logging.Filter):
    """Drop python-debian's warnings: every defect they describe is reported as a tag."""

    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextlib.contextmanager
def _quiet_python_debian() -> Iterator[None]:
    logger = logging.getLogger("debian.copyright")
    quiet = _Quiet()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _first_line(value: str) -> str:
    return value.strip().splitlines()[0].strip() if value.strip() else ""


def _files_paragraphs(chunks: list[RawParagraph]) -> list[FilesParagraph]:
    result = []
    for chunk in chunks[1:]:
        files = chunk.get("Files")
        if files is None:
            continue
        result.append(FilesParagraph(
            globs=tuple(files.split()),
            license=_first_line(chunk.get("License") or ""),
            line=chunk.line_of("Files") or chunk.start,
            license_line=chunk.line_of("License"),
            comment=chunk.get("Comment") or "",
            comment_line=chunk.line_of("Comment"),
        ))
    return result


def _python_debian_matchers(text: str, bad_lines: set[int], count: int, defects: list[Defect]) -> list | None:
    """Parse with debian.copyright; return one matcher per Files paragraph, or None on failure."""
    from debian import copyright as dep5

    try:
        with _quiet_python_debian():
            parsed = dep5.Copyright(_cleaned(text, bad_lines), strict=False)
    except (dep5.Error, ValueError) as error:
        found = _NEAR_LINE.search(str(error))
        defects.append(Defect(tag="copyright-syntax-error", context=str(error).splitlines()[0][:60], line=int(found.group(1)) if found else 1))
        return None
    paragraphs = list(parsed.all_files_paragraphs())
    if len(paragraphs) != count:
        # The line reader and python-debian disagree on the paragraphs, so
        # the lines could not be trusted; the reader's own globs are used.
        log.debug("python-debian found %d Files paragraphs, the line reader %d", len(paragraphs), count)
        return None
    return [paragraph.matches for paragraph in paragraphs]


def _glob_matcher(globs: tuple[str, ...]):
    # python-debian's globs_to_re backtracks exponentially on globs with
    # many stars; dl_lint.globs compiles the same DEP-5 rules without that.
    patterns = [dep5_regex(glob) for glob in globs]
    return lambda path: any(pattern.match(path) for pattern in patterns)


def parse(text: str) -> CopyrightFile:
    """Read debian/copyright; return its paragraphs (when machine-readable) and defects."""
    chunks = _chunks(text)
    machine_readable = bool(chunks) and _first_chunk_has_format(chunks[0])
    if not machine_readable:
        return CopyrightFile(text=text, machine_readable=False)

    defects: list[Defect] = []
    for chunk in chunks:
        _read_fields(chunk, defects)
    _check_paragraphs(chunks, defects)
    paragraphs = _files_paragraphs(chunks)
    bad_lines = set().union(*(chunk.bad_lines for chunk in chunks))
    matchers = _python_debian_matchers(text, bad_lines, len(paragraphs), defects)
    if matchers is None:
        matchers = [_glob_matcher(paragraph.globs) for paragraph in paragraphs]
    defects.sort(key=lambda defect: defect.line)
    return CopyrightFile(
        text=text, machine_readable=True, paragraphs=paragraphs,
        header=dict(chunks[0].fields), header_lines=dict(chunks[0].field_lines),
        defects=defects, _matchers=matchers,
    )


def _first_chunk_has_format(chunk: RawParagraph) -> bool:
    # A DEP-5 file names its format in the first paragraph; the other
    # fields are read only once the file is known to be machine-readable.
    for _number, line in chunk.lines:
        match = FIELD_LINE.match(line)
        if match and match.group(1).lower() == "format":
            return True
    return False
