"""Compile the tables behind the download scan, and look files and URLs up in them.

data/fetch-rules says what language a text file is written in, what the
file is for (and so where a download in it runs), which commands and calls
download, which code checks for a file first and which words tell a reader
to download.  data/model-hosts says which URLs name a model or a dataset,
and data/model-checksums which file names carry a digest of their content.
The tables are read once per process; a malformed table raises DataError.
"""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
from dataclasses import dataclass

from . import formats
from .datafiles import field_lines, table
from .errors import DataError

RUNS = ("build", "run-time", "documentation", "skip")
COMMENT_STYLES = ("hash", "c", "xml", "text")
COMPRESSION_SUFFIXES = (".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".bz2", ".gz", ".xz", ".zst", ".zip")
# Characters that show a URL's file name is built at run time.
VARIABLE_MARKERS = ("$", "{", "%", "@", "<")


# The compiled tables


@dataclass(frozen=True, kw_only=True)
class Language:
    """One Language paragraph of data/fetch-rules."""

    id: str
    names: tuple[str, ...]
    shebang: re.Pattern[str] | None
    comments: str
    docstrings: bool


@dataclass(frozen=True, kw_only=True)
class Role:
    """One Role paragraph of data/fetch-rules."""

    id: str
    paths: tuple[str, ...]
    languages: frozenset[str]
    runs: str
    installed: str | None


@dataclass(frozen=True, kw_only=True)
class Idiom:
    """One Idiom paragraph: a command or call that downloads."""

    id: str
    languages: frozenset[str]
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    url: str | None
    kind: str | None
    description: str | None

    @property
    def is_downloader(self) -> bool:
        """Whether the idiom downloads the URLs written beside it, rather than a named model."""
        return self.url is None


@dataclass(frozen=True, kw_only=True)
class Guard:
    """One Guard paragraph: a check that a file exists before it is downloaded."""

    id: str
    languages: frozenset[str]
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, kw_only=True)
class HostRule:
    """One paragraph of data/model-hosts."""

    id: str
    hosts: tuple[str, ...]
    path: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    names: tuple[str, ...]
    kind: str
    description: str
    fetched_names: tuple[str, ...]

    def matches_host(self, host: str) -> bool:
        return globs_regex(self.hosts).match(host) is not None

    def matches_name(self, names) -> bool:
        """Return whether one of NAMES matches the Names globs (every name does without Names)."""
        if not self.names:
            return True
        regex = globs_regex(self.names)
        return any(regex.match(name) for name in names)


@dataclass(frozen=True, kw_only=True)
class NamingRule:
    """One paragraph of data/model-checksums."""

    id: str
    name: re.Pattern[str]
    algorithm: str
    digits: int


@dataclass(frozen=True, kw_only=True)
class Rules:
    """Every table the scan needs, compiled."""

    languages: tuple[Language, ...]
    roles: tuple[Role, ...]
    idioms: tuple[Idiom, ...]
    guards: tuple[Guard, ...]
    instructions: tuple[re.Pattern[str], ...]
    hosts: tuple[HostRule, ...]
    naming: tuple[NamingRule, ...]


def _regex(value: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(value)
    except re.error as error:
        raise DataError(f"{where}: invalid regular expression {value!r}: {error}") from error


def _words(value: str | None) -> tuple[str, ...]:
    return tuple(word for line in field_lines(value) for word in line.split())


def _language(row: dict[str, str]) -> Language:
    comments = row.get("Comments", "hash").strip()
    if comments not in COMMENT_STYLES:
        raise DataError(f"data/fetch-rules: language {row['Language']} has unknown Comments {comments!r}")
    shebang = row.get("Shebang", "").strip()
    return Language(
        id=row["Language"].strip(), names=_words(row.get("Names")),
        shebang=_regex(shebang, "data/fetch-rules") if shebang else None,
        comments=comments, docstrings=row.get("Docstrings", "").strip() == "yes",
    )


def _role(row: dict[str, str]) -> Role:
    runs = row.get("Runs", "").strip()
    installed = row.get("Installed", "").strip() or None
    if runs not in RUNS or (installed is not None and installed not in RUNS):
        raise DataError(f"data/fetch-rules: role {row['Role']} has invalid Runs {runs!r} or Installed {installed!r} (expected one of {', '.join(RUNS)})")
    return Role(
        id=row["Role"].strip(), paths=_words(row.get("Paths")),
        languages=frozenset(_words(row.get("Languages"))), runs=runs, installed=installed,
    )


def _idiom(row: dict[str, str]) -> Idiom:
    ident = row["Idiom"].strip()
    patterns = tuple(_regex(p, f"data/fetch-rules idiom {ident}") for p in field_lines(row.get("Pattern")))
    keywords = tuple(k.lower() for k in field_lines(row.get("Keyword")))
    if not patterns or not keywords:
        raise DataError(f"data/fetch-rules: idiom {ident} is missing Pattern or Keyword")
    url = row.get("URL", "").strip() or None
    kind = row.get("Kind", "").strip() or None
    if url is not None and kind not in ("model", "dataset"):
        raise DataError(f"data/fetch-rules: idiom {ident} has a URL but Kind {kind!r} (expected model or dataset)")
    return Idiom(
        id=ident, languages=frozenset(_words(row.get("Languages"))), keywords=keywords,
        patterns=patterns, url=url, kind=kind, description=row.get("What", "").strip() or None,
    )


def _guard(row: dict[str, str]) -> Guard:
    ident = row["Guard"].strip()
    return Guard(
        id=ident, languages=frozenset(_words(row.get("Languages"))),
        keywords=tuple(k.lower() for k in field_lines(row.get("Keyword"))),
        patterns=tuple(_regex(p, f"data/fetch-rules guard {ident}") for p in field_lines(row.get("Pattern"))),
    )


def _host_rule(row: dict[str, str]) -> HostRule:
    ident = row.get("Rule", "?").strip()
    kind = row.get("Kind", "").strip()
    if kind not in ("model", "dataset") or not row.get("Host"):
        raise DataError(f"data/model-hosts: rule {ident} is missing Host or has Kind {kind!r} (expected model or dataset)")
    names: list[str] = []
    for name in _words(row.get("Names")):
        names += _format_names() if name == "@formats" else [name]
    path = row.get("Path", "").strip()
    exclude = row.get("Exclude-Path", "").strip()
    return HostRule(
        id=ident, hosts=tuple(h.lower() for h in _words(row.get("Host"))),
        path=_regex(path, f"data/model-hosts rule {ident}") if path else None,
        exclude=_regex(exclude, f"data/model-hosts rule {ident}") if exclude else None,
        names=tuple(names), kind=kind, description=row.get("What", kind).strip(),
        fetched_names=_words(row.get("Fetched-Names")),
    )


def _format_names() -> list[str]:
    """Return the names of data/formats that identify a model on their own."""
    return [
        name for rule in formats.rules()
        if rule.name_only and rule.kind in formats.KINDS for name in rule.names
    ]


def _naming_rule(row: dict[str, str]) -> NamingRule:
    ident = row.get("Rule", "?").strip()
    pattern = _regex(row.get("Name", "").strip(), f"data/model-checksums rule {ident}")
    try:
        digits = int(row.get("Digits", ""))
    except ValueError as error:
        raise DataError(f"data/model-checksums: rule {ident} needs a numeric Digits") from error
    if "digest" not in pattern.groupindex or not 1 <= digits <= 64:
        raise DataError(f"data/model-checksums: rule {ident} needs a group 'digest' and 1 to 64 Digits")
    return NamingRule(id=ident, name=pattern, algorithm=row.get("Algorithm", "").strip(), digits=digits)


@functools.cache
def rules() -> Rules:
    """Return the compiled tables, read once per process."""
    rows = table("fetch-rules")
    return Rules(
        languages=tuple(_language(r) for r in rows if "Language" in r),
        roles=tuple(_role(r) for r in rows if "Role" in r),
        idioms=tuple(_idiom(r) for r in rows if "Idiom" in r),
        guards=tuple(_guard(r) for r in rows if "Guard" in r),
        instructions=tuple(
            _regex(p, "data/fetch-rules instruction")
            for r in rows if "Instruction" in r for p in field_lines(r.get("Pattern"))
        ),
        hosts=tuple(_host_rule(r) for r in table("model-hosts")),
        naming=tuple(_naming_rule(r) for r in table("model-checksums")),
    )


# Deciding what a file is and what a URL names


@functools.cache
def globs_regex(globs: tuple[str, ...]) -> re.Pattern[str]:
    """Compile shell globs into one regex that matches a whole string; "*" also matches "/"."""
    return re.compile("|".join(fnmatch.translate(glob) for glob in globs) or "(?!)")


def _name_matches(path: str, globs: tuple[str, ...]) -> bool:
    """Return whether PATH matches one of GLOBS: by base name, or by whole path for globs with "/"."""
    basename_globs = tuple(glob for glob in globs if "/" not in glob)
    path_globs = tuple(glob for glob in globs if "/" in glob)
    return bool(globs_regex(basename_globs).match(posixpath.basename(path)) or globs_regex(path_globs).match(path))


def language_for(path: str, first_line: str) -> Language | None:
    """Return the language of a text file from its name, else from its shebang line."""
    table_ = rules().languages
    for language in table_:
        if _name_matches(path, language.names):
            return language
    if first_line.startswith("#!"):
        for language in table_:
            if language.shebang is not None and language.shebang.search(first_line[:200]):
                return language
    return None


def role_for(path: str, language: Language, installed: bool = False) -> Role:
    """Return the first Role paragraph that fits PATH and its language.

    INSTALLED is true when a debian/*.install file names the file.  A role
    with an Installed value then gives that value, so that an installed
    helper script counts as program code.
    """
    for role in rules().roles:
        if role.languages and language.id not in role.languages:
            continue
        if role.paths and not globs_regex(role.paths).match(path):
            continue
        if installed and role.installed:
            return Role(id=role.id, paths=role.paths, languages=role.languages, runs=role.installed, installed=None)
        return role
    return Role(id="other", paths=(), languages=frozenset(), runs="build", installed=None)


@dataclass(frozen=True, kw_only=True)
class ModelURL:
    """The model or dataset a URL names: its kind, the matching rule and the file a download writes."""

    kind: str
    description: str
    rule: str
    fetched_names: tuple[str, ...]


def strip_compression(name: str) -> str:
    """Return NAME without one compression or archive suffix."""
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


URL_PARTS = re.compile(
    r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(?P<host>\[[^\]]*\]|[^:/?#]*)(?::[^/?#]*)?(?P<path>[^?#]*)"
)


@functools.lru_cache(maxsize=1024)
def _host_rules(host: str) -> tuple[HostRule, ...]:
    """Return the rules whose Host matches HOST, in table order."""
    return tuple(rule for rule in rules().hosts if rule.matches_host(host))


@functools.lru_cache(maxsize=4096)
def classify_url(url: str) -> ModelURL | None:
    """Return what URL names when it is a model or dataset, else None."""
    parts = URL_PARTS.match(url)
    if parts is None:
        return None
    path = parts.group("path") or "/"
    basename = posixpath.basename(path)
    candidates = (basename, strip_compression(basename))
    for rule in _host_rules(parts.group("host").lower()):
        if rule.path is not None and not rule.path.match(path):
            continue
        if rule.exclude is not None and rule.exclude.match(path):
            continue
        if not rule.matches_name(candidates):
            continue
        return ModelURL(kind=rule.kind, description=rule.description, rule=rule.id, fetched_names=_fetched_names(basename, rule))
    return None


def _fetched_names(basename: str, rule: HostRule) -> tuple[str, ...]:
    """Return the file names a download of this URL writes, when they can be known."""
    if basename and not any(marker in basename for marker in VARIABLE_MARKERS):
        return (basename,)
    return rule.fetched_names


# Digests carried by file names


@dataclass(frozen=True, kw_only=True)
class NameDigest:
    """The digest a file's name carries, by a rule of data/model-checksums."""

    rule: str
    algorithm: str
    digest: str


def name_digest(path: str) -> NameDigest | None:
    """Return the digest the base name of PATH carries, if a naming rule applies."""
    basename = posixpath.basename(path)
    for rule in rules().naming:
        match = rule.name.match(basename)
        if match:
            return NameDigest(rule=rule.id, algorithm=rule.algorithm, digest=match.group("digest").lower())
    return None


def digest_matches(expected: str, actual: str | None) -> bool | None:
    """Return whether the hex digest ACTUAL starts with EXPECTED; None when ACTUAL is unknown."""
    if actual is None:
        return None
    return actual.lower().startswith(expected.lower())
