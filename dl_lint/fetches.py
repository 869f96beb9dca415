"""Find where a package downloads models and datasets instead of shipping them.

``scan_text`` reads one text file in one pass and returns its downloads,
its download instructions and the sha256 digests it lists, as the tables
compiled by dl_lint.fetchrules describe them.  Only lines that contain
"://" or a keyword of an idiom are parsed, and lines longer than
``MAX_LINE_LENGTH`` are skipped, so a minified or huge file costs little.
``scan_package`` applies it to every cached text file of a package, once
per package.  Where a download runs is decided by the checks, with
dl_lint.buildgraph.
"""

from __future__ import annotations

import fnmatch
import logging
import posixpath
import re
import time
import weakref
from dataclasses import dataclass, field

from .fetchrules import Idiom, Language, ModelURL, Role, classify_url, language_for, role_for, rules

log = logging.getLogger(__name__)

# Lines longer than this are not scanned: they are minified or generated
# code, and a hint could not point into them usefully.
MAX_LINE_LENGTH = 4096
# Only the start of a longer text is scanned.  The package's text cache
# keeps files up to 1 MiB (4 MiB under debian/), so this only bounds direct
# callers.
MAX_SCAN_CHARS = 8 << 20
# A generated file full of model URLs gives at most this many findings.
MAX_FINDINGS_PER_FILE = 100
# Lines before a URL searched for download instructions.
INSTRUCTION_LINES_BEFORE = 2
# Lines before a string literal searched for the call that prints it.
MESSAGE_LINES_BEFORE = 4

URL = re.compile(r"(?:https?|ftp)://[^\s\"'<>()\[\]\\`|,;]+")
URL_TRAILING = ".:!?*"
URL_ENTITIES = re.compile(r"&(quot|lt|gt|#34|#39);")
# A digest followed by a file name, as sha256sum writes them, or the BSD form.
DIGEST_LINE = re.compile(
    r"(?<![0-9A-Fa-f])(?P<digest>[0-9A-Fa-f]{64})(?![0-9A-Fa-f])[ \t]+\*?(?P<name>[\w./+-]+)"
    r"|SHA256 ?\((?P<bsd_name>[^)\s]+)\) ?= ?(?P<bsd_digest>[0-9A-Fa-f]{64})"
)
DIGEST_NEEDLES = ("sha256", "sha-256", "shasum")
DIGEST_FILE_NAMES = ("*SUMS*", "*sums*", "*.sha256", "*.sha256sum", "*.sha256sums")
# Code that prints text rather than running it: a URL there is a message to
# the user, not a download.
MESSAGE_CALL = re.compile(
    r"^\s*(?:[@-]\s*)?(?:echo|printf|print|puts|cout|std::cout|cerr|std::cerr|fprintf|"
    r"message|warn|warning|die|raise\s+\w+|logging\.\w+|log\.\w+|logger\.\w+|"
    r"sys\.std(?:out|err)\.write|>&2\s+echo|help\s*=|description\s*=|epilog\s*=)\b"
)
STRING_LINE = re.compile(r"^\s*[rfbuRFBU]?[\"']")

METALINK_FILE = re.compile(r"<file\s+name\s*=\s*\"([^\"]+)\"\s*>(.*?)</file>", re.DOTALL)
METALINK_URL = re.compile(r"<url\b[^>]*>\s*([^<\s]+)\s*</url>")
METALINK_HASH = re.compile(r"<hash\s+type\s*=\s*\"sha-256\"\s*>\s*([0-9A-Fa-f]{64})\s*</hash>")


def clean_url(raw: str) -> str:
    """Trim what the URL pattern takes from the surrounding text."""
    entity = URL_ENTITIES.search(raw)
    if entity:
        raw = raw[: entity.start()]
    raw = raw.rstrip(URL_TRAILING)
    while raw.endswith("}") and raw.count("}") > raw.count("{"):
        raw = raw[:-1].rstrip(URL_TRAILING)
    return raw


# Results


@dataclass(frozen=True, kw_only=True)
class Fetch:
    """A model or dataset download found in a file.

    ``documented`` is true for text that instructs a reader to download (a
    README, a comment, a message printed to the user), false for code or a
    build step that downloads.  ``runs`` is the Runs value of the file's
    role; ``names`` lists the file names the download writes, when known.
    """

    path: str
    line: int
    url: str
    kind: str
    description: str
    language: str
    role: str
    runs: str
    method: str
    documented: bool
    names: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ListedDigest:
    """A sha256 digest that a file lists for a file name."""

    path: str
    line: int
    name: str
    digest: str


@dataclass(kw_only=True)
class FileScan:
    """The findings of one text file."""

    fetches: list[Fetch] = field(default_factory=list)
    digests: list[ListedDigest] = field(default_factory=list)
    guarded: bool = False
    long_lines: int = 0


# Splitting lines into code and comment


_HASH_TOKENS = re.compile(r"\"\"\"|'''|\"|'|#")
_C_TOKENS = re.compile(r"\"|'|//|/\*")


def _close_quote(line: str, start: int, quote: str) -> int:
    """Return the index after the quote closing a string that starts before START."""
    pos = start
    while True:
        end = line.find(quote, pos)
        if end < 0:
            return len(line)
        backslashes = 0
        while end - backslashes - 1 >= start and line[end - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return end + len(quote)
        pos = end + 1


def _is_comment_hash(line: str, index: int, language: Language) -> bool:
    """Return whether the "#" at INDEX starts a comment rather than being part of a word."""
    if language.docstrings or index == 0:
        return True
    before = line[index - 1]
    return before not in "${\\/" and (before.isspace() or before in ";|&(" or language.id != "shell")


def _split_hash(line: str, state: str | None, language: Language) -> tuple[str, str, str | None]:
    code, comment, pos = [], [], 0
    while pos < len(line):
        if state is not None:
            end = line.find(state, pos)
            if end < 0:
                comment.append(line[pos:])
                return "".join(code), "".join(comment), state
            comment.append(line[pos:end])
            pos, state = end + 3, None
            continue
        match = _HASH_TOKENS.search(line, pos)
        if match is None:
            code.append(line[pos:])
            break
        token = match.group()
        code.append(line[pos : match.start()])
        if token == "#":
            if _is_comment_hash(line, match.start(), language):
                comment.append(line[match.start() :])
                break
            code.append("#")
            pos = match.end()
        elif len(token) == 3 and language.docstrings:
            state, pos = token, match.end()
        else:
            end = _close_quote(line, match.end(), token)
            code.append(line[match.start() : end])
            pos = end
    return "".join(code), "".join(comment), state


def _split_c(line: str, state: str | None) -> tuple[str, str, str | None]:
    code, comment, pos = [], [], 0
    while pos < len(line):
        if state is not None:
            end = line.find("*/", pos)
            if end < 0:
                comment.append(line[pos:])
                return "".join(code), "".join(comment), state
            comment.append(line[pos:end])
            pos, state = end + 2, None
            continue
        match = _C_TOKENS.search(line, pos)
        if match is None:
            code.append(line[pos:])
            break
        token = match.group()
        code.append(line[pos : match.start()])
        if token == "//":
            comment.append(line[match.end() :])
            break
        if token == "/*":
            state, pos = "*/", match.end()
        else:
            end = _close_quote(line, match.end(), token)
            code.append(line[match.start() : end])
            pos = end
    return "".join(code), "".join(comment), state


def _split_xml(line: str, state: str | None) -> tuple[str, str, str | None]:
    code, comment, pos = [], [], 0
    while pos < len(line):
        marker = "-->" if state else "<!--"
        end = line.find(marker, pos)
        if end < 0:
            (comment if state else code).append(line[pos:])
            break
        (comment if state else code).append(line[pos:end])
        pos, state = end + len(marker), (None if state else "-->")
    return "".join(code), "".join(comment), state


def split_comment(line: str, state: str | None, language: Language) -> tuple[str, str, str | None]:
    """Split LINE into its code and its comment text.

    STATE carries an open block comment or docstring from the line before;
    the third item returned is the state after this line.  Strings are
    code, except Python's triple-quoted strings, which are documentation.
    """
    if language.comments == "text":
        return "", line, None
    if language.comments == "c":
        return _split_c(line, state)
    if language.comments == "xml":
        return _split_xml(line, state)
    return _split_hash(line, state, language)


def _state_needles(language: Language) -> tuple[str, ...]:
    """Return the text that can open or close a comment spanning lines."""
    if language.comments == "c":
        return ("/*", "*/")
    if language.comments == "xml":
        return ("<!--", "-->")
    if language.docstrings:
        return ('"""', "'''")
    return ()


# Scanning one file


@dataclass
class _Occurrence:
    line: int
    url: str
    model: ModelURL
    place: str  # "code", "message" or "comment"


@dataclass
class _IdiomHit:
    line: int
    idiom: Idiom
    name: str | None


@dataclass
class _FileState:
    """The URLs and idiom calls of one file, collected line by line and judged at the end."""

    occurrences: list[_Occurrence] = field(default_factory=list)
    hits: list[_IdiomHit] = field(default_factory=list)


def _offsets_to_lines(text: str, offsets: list[int]) -> list[int]:
    """Return the 0-based line index of each offset, in the order given; offsets must be sorted."""
    result, line, previous = [], 0, 0
    for offset in offsets:
        line += text.count("\n", previous, offset)
        previous = offset
        result.append(line)
    return result


def _line_numbers(lower: str, needles, limit: int = 100_000) -> set[int]:
    """Return the indexes of the lines that contain any of NEEDLES."""
    offsets: list[int] = []
    for needle in needles:
        start = 0
        while len(offsets) < limit:
            index = lower.find(needle, start)
            if index < 0:
                break
            offsets.append(index)
            # One hit per line is enough: go on after the end of this line.
            end = lower.find("\n", index)
            start = len(lower) if end < 0 else end + 1
    return set(_offsets_to_lines(lower, sorted(offsets)))


def _applicable_idioms(language: Language, lower: str) -> list[Idiom]:
    """Return the idioms of LANGUAGE whose keywords occur in the file at all."""
    documentation = language.comments == "text"
    found = []
    for idiom in rules().idioms:
        applies = language.id in idiom.languages or (documentation and not idiom.is_downloader)
        if applies and any(keyword in lower for keyword in idiom.keywords):
            found.append(idiom)
    return found


def _is_message(lines: list[str], index: int, code: str) -> bool:
    """Return whether a code line prints text for the user rather than running it."""
    if MESSAGE_CALL.match(code):
        return True
    if not STRING_LINE.match(code):
        return False
    # A string literal alone on its line continues the call above it.
    for back in range(index - 1, max(-1, index - 1 - MESSAGE_LINES_BEFORE), -1):
        previous = lines[back]
        if MESSAGE_CALL.match(previous):
            return True
        if not STRING_LINE.match(previous):
            return False
    return False


def _scan_line(index: int, line: str, lines: list[str], comment_state, language: Language,
               idioms: list[Idiom], collected: _FileState) -> str | None:
    code, comment, comment_state = split_comment(line, comment_state, language)
    for text, place in ((code, "code"), (comment, "comment")):
        if "://" not in text:
            continue
        if place == "code" and _is_message(lines, index, code):
            place = "message"
        for match in URL.finditer(text):
            url = clean_url(match.group())
            model = classify_url(url)
            if model is not None:
                collected.occurrences.append(_Occurrence(line=index + 1, url=url, model=model, place=place))
    lower = line.lower()
    searched = code if language.comments != "text" else comment
    for idiom in idioms:
        if not any(keyword in lower for keyword in idiom.keywords):
            continue
        for pattern in idiom.patterns:
            for match in pattern.finditer(searched):
                name = match.groupdict().get("name")
                collected.hits.append(_IdiomHit(line=index + 1, idiom=idiom, name=name))
    return comment_state


def _has_instruction(lines: list[str], index: int) -> bool:
    """Return whether line INDEX, or a line just before it, instructs the reader to download.

    Instruction words on an earlier line that has a URL of its own ("wget
    URL") belong to that URL, so the look back stops there.  A line that
    contains only a URL, as in a list of downloads under one sentence, does not
    stop it.
    """
    for back in range(index, max(-1, index - 1 - INSTRUCTION_LINES_BEFORE), -1):
        line = lines[back]
        if len(line) > MAX_LINE_LENGTH:
            return False
        # The words of a URL ("/releases/download/") are no instruction.
        words = URL.sub(" ", line)
        if any(p.search(words) for p in rules().instructions):
            return back == index or "://" not in line
    return False


def _judge_file(path: str, lines: list[str], language: Language, role: Role, collected: _FileState) -> list[Fetch]:
    """Turn the URLs and idiom calls of one file into downloads and instructions.

    A model URL in the code of a file that uses a generic downloader is a
    download.  A model URL in a comment, a docstring, a printed message or
    documentation is an instruction when instruction words are near it.
    Each URL is reported once per file, at its first line.
    """
    documentation = language.comments == "text"
    downloaders = [hit for hit in collected.hits if hit.idiom.is_downloader]
    by_line = {hit.line: hit.idiom.id for hit in downloaders}
    candidates = []
    for occurrence in collected.occurrences:
        model = occurrence.model
        if occurrence.place == "code" and downloaders and not documentation:
            method = by_line.get(occurrence.line, downloaders[0].idiom.id)
            candidates.append((occurrence.line, occurrence.url, model.kind, model.description, method, False, model.fetched_names))
        elif _has_instruction(lines, occurrence.line - 1):
            candidates.append((occurrence.line, occurrence.url, model.kind, model.description, "instruction", True, ()))
    for hit in collected.hits:
        if not hit.idiom.is_downloader:
            name = hit.name or ""
            url = hit.idiom.url.replace("{name}", name)
            description = (hit.idiom.description or hit.idiom.kind or "").replace("{name}", name)
            candidates.append((hit.line, url, hit.idiom.kind or "model", description, hit.idiom.id, documentation, ()))

    found: dict[tuple[str, bool], Fetch] = {}
    for line, url, kind, description, method, documented, names in sorted(candidates, key=lambda c: (c[0], c[1])):
        if len(found) >= MAX_FINDINGS_PER_FILE:
            log.info("%s: stopped after %d downloads and instructions", path, MAX_FINDINGS_PER_FILE)
            break
        found.setdefault((url, documented), Fetch(
            path=path, line=line, url=url, kind=kind, description=description, language=language.id, role=role.id,
            runs=role.runs, method=method, documented=documented, names=tuple(names),
        ))
    return list(found.values())


def _lists_digests(path: str, lower: str) -> bool:
    """Return whether a file may list sha256 digests: by its name or by naming the algorithm."""
    basename = posixpath.basename(path)
    return any(n in lower for n in DIGEST_NEEDLES) or any(fnmatch.fnmatchcase(basename, g) for g in DIGEST_FILE_NAMES)


def _scan_digests(path: str, lines: list[str]) -> list[ListedDigest]:
    digests = []
    for index, line in enumerate(lines):
        # A digest line contains 64 hex digits, and a longer line is skipped like any other.
        if not 64 <= len(line) <= MAX_LINE_LENGTH:
            continue
        for match in DIGEST_LINE.finditer(line):
            name = match.group("name") or match.group("bsd_name")
            digest = (match.group("digest") or match.group("bsd_digest")).lower()
            digests.append(ListedDigest(path=path, line=index + 1, name=name, digest=digest))
    return digests


def _scan_metalink(path: str, text: str, role: Role, known_models: frozenset[str]) -> FileScan:
    """Read a Metalink (RFC 5854) manifest: each file's URLs and sha-256 digest."""
    result = FileScan()
    for element in METALINK_FILE.finditer(text):
        name = element.group(1)
        body = element.group(2)
        basename = posixpath.basename(name)
        for url_match in METALINK_URL.finditer(body):
            url = clean_url(url_match.group(1))
            model = classify_url(url)
            if model is None and basename in known_models:
                model = ModelURL(kind="model", description="model file", rule="metalink", fetched_names=(basename,))
            if model is None:
                continue
            line = text.count("\n", 0, element.start(2) + url_match.start()) + 1
            result.fetches.append(Fetch(
                path=path, line=line, url=url, kind=model.kind, description=model.description, language="metalink",
                role=role.id, runs=role.runs, method="metalink", documented=False, names=(basename,),
            ))
        for hash_match in METALINK_HASH.finditer(body):
            line = text.count("\n", 0, element.start(2) + hash_match.start()) + 1
            result.digests.append(ListedDigest(path=path, line=line, name=name, digest=hash_match.group(1).lower()))
    return result


def scan_text(path: str, text: str, *, language: Language, role: Role,
              known_models: frozenset[str] = frozenset()) -> FileScan:
    """Scan one text file for downloads, download instructions and listed digests.

    KNOWN_MODELS lists the base names of the package's model files, so that
    a Metalink manifest beside a model counts even when its URLs say nothing.
    """
    text = text[:MAX_SCAN_CHARS]
    lower = text.lower()
    idioms = _applicable_idioms(language, lower)
    wants_digests = _lists_digests(path, lower)
    if language.id != "metalink" and "://" not in text and not idioms and not wants_digests:
        return FileScan()

    if language.id == "metalink":
        return _scan_metalink(path, text, role, known_models)
    lines = text.split("\n")
    result = FileScan(digests=_scan_digests(path, lines) if wants_digests else [])
    needles = ["://"] + [k for idiom in idioms for k in idiom.keywords]
    candidates = _line_numbers(lower, needles)
    state_lines = _line_numbers(lower, _state_needles(language))
    collected = _FileState()
    comment_state: str | None = None
    # Comment state matters only up to the last line that can hold a finding.
    last = max(candidates, default=-1)
    for index in sorted(candidates | {i for i in state_lines if i < last}):
        line = lines[index]
        if len(line) > MAX_LINE_LENGTH:
            result.long_lines += 1
            continue
        if index in candidates:
            comment_state = _scan_line(index, line, lines, comment_state, language, idioms, collected)
        else:
            comment_state = split_comment(line, comment_state, language)[2]

    result.fetches = _judge_file(path, lines, language, role, collected)
    if any(not f.documented for f in result.fetches):
        result.guarded = has_guard(text, language)
    return result


def has_guard(text: str, language: Language) -> bool:
    """Return whether TEXT checks that a file exists (before downloading it)."""
    lower = text.lower()
    lines = None
    for guard in rules().guards:
        if language.id not in guard.languages:
            continue
        indexes = _line_numbers(lower, guard.keywords)
        if not indexes:
            continue
        lines = lines if lines is not None else text.split("\n")
        for index in sorted(indexes):
            line = lines[index]
            if len(line) <= MAX_LINE_LENGTH and any(p.search(line) for p in guard.patterns):
                return True
    return False


# Whole packages


@dataclass(kw_only=True)
class PackageScan:
    """The downloads and listed digests of a whole package."""

    fetches: list[Fetch]
    digests: list[ListedDigest]
    guarded: frozenset[str]
    files: int
    seconds: float


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def installed_globs(package) -> list[str]:
    """Return the source globs that the package's debian/*.install files name."""
    globs = []
    for path in package.listdir("debian"):
        if not path.endswith(".install"):
            continue
        for line in (package.text(path) or "").splitlines():
            words = line.split()
            if words and not words[0].startswith("#"):
                globs.append(words[0].removeprefix("./").removeprefix("debian/tmp/"))
    return globs


def scan_package(package) -> PackageScan:
    """Scan every cached text file of PACKAGE once; later calls return the same result."""
    cached = _CACHE.get(package)
    if cached is not None:
        return cached
    started = time.perf_counter()
    installed = installed_globs(package)
    known_models = frozenset(posixpath.basename(path) for path in package.model_paths)
    fetches: list[Fetch] = []
    digests: list[ListedDigest] = []
    guarded: set[str] = set()
    scanned = 0
    for path in package.text_files():
        result = _scan_package_file(package, path, installed, known_models)
        if result is None:
            continue
        scanned += 1
        fetches += result.fetches
        digests += result.digests
        if result.guarded:
            guarded.add(path)
    scan = PackageScan(
        fetches=fetches, digests=digests, guarded=frozenset(guarded), files=scanned,
        seconds=time.perf_counter() - started,
    )
    log.info("scanned %d text files for downloads in %.2f s: %d found", scanned, scan.seconds, len(fetches))
    _CACHE[package] = scan
    return scan


def _scan_package_file(package, path: str, installed: list[str], known_models: frozenset[str]) -> FileScan | None:
    entry = package.files.get(path)
    if entry is None or not entry.is_text:
        return None
    text = package.text(path)
    if text is None or "\0" in text[:4096]:
        return None
    language = language_for(path, text[:200].split("\n", 1)[0])
    if language is None:
        return None
    is_installed = any(fnmatch.fnmatchcase(path, glob) for glob in installed)
    role = role_for(path, language, is_installed)
    if role.runs == "skip":
        return None
    return scan_text(path, text, language=language, role=role, known_models=known_models)
