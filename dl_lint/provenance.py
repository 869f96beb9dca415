"""Gather, for every model of a package, the evidence the policy questions need.

Three questions are answered separately, each finding with its evidence
(file, line, field), because profiles weigh them differently:

- the model's licence: debian/ml-models, debian/copyright (DEP-5 paragraph
  or, for a file that is not machine-readable, licence names near the
  model's name), format metadata, model-card front matter, a LICENSE file
  in the model's directory, model-card prose;
- the training data: debian/ml-models, datasets named in model cards, in
  debian/ documents and in copyright comments, datasets named by the
  model's path, data files of the package read by a linked training
  program;
- the training program: debian/ml-models, source files that write the
  model or state that they trained it, Makefile targets, programs a model card
  names, the usual trainer of the format (data/formats), and the
  non-free software training needs (Training-Requires, CUDA-only code).

Facts for the test-fixture decision (test directory, generating script)
are recorded here; the decision itself is dl_lint.policy's.  Results are
computed once per package and shared by every check.
"""

from __future__ import annotations

import logging
import posixpath
import re
import weakref
from dataclasses import dataclass, field

from . import copyright as dep5
from . import licenses, prose, training_code

# Evidence source of findings the maintainer declared in debian/ml-models.
DECLARATION = "debian/ml-models"

log = logging.getLogger(__name__)

TEST_DIRECTORIES = frozenset({
    "test", "tests", "testdata", "test-data", "test_data", "testing", "testsuite", "unittest",
    "unittests", "fixtures", "test-files",
})
MISSING_SOURCES = "debian/missing-sources/"
COMPRESSION_SUFFIXES = (".bz2", ".gz", ".xz", ".zst", ".lz4")
DEBIAN_DOCUMENTS = re.compile(r"^debian/([\w.+-]*\.)?README[\w.+-]*$")
_DOCUMENT = re.compile(r"(^|/)(README|MODEL_?CARD|MODELS?)[^/]*$|\.(md|rst|markdown)$", re.IGNORECASE)
_LICENSE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING)[^/]*$", re.IGNORECASE)
# Words in a sentence that show it is about the model files, or about data.
_MODEL_WORDS = re.compile(r"\b(models?|weights|networks?|nets?|files?)\b", re.IGNORECASE)
_DATA_WORDS = re.compile(r"\b(data ?sets?|data|images|corpus|corpora|training|trained)\b", re.IGNORECASE)
_PROGRAM_PATH = re.compile(r"[\w./-]+\.(?:py|ipynb|cpp|cc|cxx|c|sh|lua|jl)\b")
_TRAINED_WITH = re.compile(r"\btrained (?:with|using|by) (?:the )?(?:latest |recent )?([\w.+-]+)", re.IGNORECASE)
_UNAVAILABLE_WORDS = re.compile(r"\b(private|undisclosed|internal|proprietary|unknown|unpublished)\b", re.IGNORECASE)
_ML_POLICY = re.compile(r"\bml[- ]?policy\b|\bmachine[- ]learning policy\b", re.IGNORECASE)
_REPACK_SUFFIX = re.compile(r"\+(ds|dfsg)\d*", re.IGNORECASE)
# Name parts too common to identify a model or link it to a program.
_GENERIC_TOKENS = frozenset({
    "data", "model", "models", "weights", "weight", "params", "param", "net", "network", "nn", "nnet",
    "test", "tests", "train", "training", "trained", "file", "ex", "example", "src", "lib", "dnn",
    "the", "and", "of", "default", "final", "best", "latest",
})
_DATA_LOCATION_ORDER = ("unavailable", "public", "shipped")
# How much of a source file with embedded weights is read as its model card.
OWN_TEXT_LIMIT = 16 * 1024

# Lower numbers win: the first licence finding by priority decides.
PRIORITY_DECLARATION = 0
PRIORITY_COPYRIGHT = 1
PRIORITY_COPYRIGHT_TEXT = 2
PRIORITY_METADATA = 3
PRIORITY_FRONT_MATTER = 4
PRIORITY_LICENSE_FILE = 5
PRIORITY_CARD_PROSE = 6
PRIORITY_COPYRIGHT_DEFAULT = 7


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """The origin of a finding: a file, a line and the field or kind of text."""

    source: str
    path: str | None = None
    line: int | None = None
    field: str = ""
    text: str = ""

    @property
    def pointer(self) -> str:
        """The file and line, or the source when there is no file."""
        where = self.path or self.source
        return f"{where}:{self.line}" if self.line else where

    def __str__(self) -> str:
        return f"{self.pointer} ({self.field})" if self.field else self.pointer


@dataclass(frozen=True, kw_only=True)
class LicenseFinding:
    """A licence stated for the model, judged by dl_lint.licenses."""

    expression: str
    verdict: licenses.Verdict
    evidence: Evidence
    priority: int


@dataclass(frozen=True, kw_only=True)
class DataFinding:
    """Training data named for the model.

    ``location`` is "shipped" (in the package, debian/missing-sources
    included), "public" (anyone can download it) or "unavailable";
    ``documented`` is true when its licence is stated in debian/copyright
    or debian/ml-models.
    """

    name: str
    license: str
    status: str
    location: str
    evidence: Evidence
    documented: bool = False
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ProgramFinding:
    """A training program named for the model: "shipped", "debian" (a package) or "external"."""

    name: str
    location: str
    license_status: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class Requirement:
    """Non-free software the training needs."""

    name: str
    evidence: Evidence


@dataclass(kw_only=True)
class Provenance:
    """Everything dl-lint learnt about where one model comes from."""

    path: str
    files: list[str]
    format: str
    kind: str
    size: int
    parameters: int | None
    in_test_directory: bool
    embedded: bool = False
    declared_fixture: bool | None = None
    generated_by: Evidence | None = None
    licenses: list[LicenseFinding] = field(default_factory=list)
    data: list[DataFinding] = field(default_factory=list)
    programs: list[ProgramFinding] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    declaration_line: int | None = None

    @property
    def license(self) -> LicenseFinding | None:
        """The licence finding that decides: the one of highest priority."""
        return min(self.licenses, key=lambda finding: finding.priority, default=None)

    def add_data(self, finding: DataFinding) -> None:
        # The maintainer's Training-Data declaration supersedes what dl-lint
        # infers from metadata, documents and code.
        declared = any(existing.evidence.source == DECLARATION for existing in self.data)
        if declared and finding.evidence.source != DECLARATION:
            return
        if not any(existing.name == finding.name and existing.license == finding.license
                   and existing.location == finding.location for existing in self.data):
            self.data.append(finding)

    def add_program(self, finding: ProgramFinding) -> None:
        if not any(existing.name == finding.name for existing in self.programs):
            self.programs.append(finding)


@dataclass(frozen=True, kw_only=True)
class TriageNote:
    """A sign that the maintainer already reviewed the package's models."""

    tag: str
    context: str
    path: str
    line: int | None


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def for_package(package) -> dict[str, Provenance]:
    """Return the provenance of every model of PACKAGE by path, computed once."""
    cached = _CACHE.get(package)
    if cached is None:
        context = _Context(package)
        cached = {model.path: _collect(model, context) for model in package.models if model.is_model}
        _CACHE[package] = cached
    return cached


def copyright_file(package) -> dep5.CopyrightFile | None:
    """Return the parsed debian/copyright of PACKAGE (None without one), parsed once."""
    return _Context.copyright_of(package)


class _Context:
    """The state every model of one package shares: parsed files and indexes of the text files."""

    _parsed: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, package) -> None:
        self.package = package
        self.copyright = self.copyright_of(package)
        paths = package.text_files()
        self.documents = [path for path in paths if _DOCUMENT.search(path) and not path.startswith("debian/")]
        self.debian_documents = [path for path in paths if DEBIAN_DOCUMENTS.match(path)]
        self.code = [path for path in paths if training_code.is_code(path)]
        self.all_names = {name.lower() for model in package.models if model.is_model for name in model_names(model)}
        self._lowered: dict[str, str] = {}
        self._inspected: dict[str, training_code.CodeFile] = {}
        self._mentions: dict[tuple[str, int, bool], list[prose.Mention]] = {}
        self._licenses: dict[str, tuple[str, str, Evidence | None]] = {}
        self.model_paths = package.model_paths

    @classmethod
    def copyright_of(cls, package) -> dep5.CopyrightFile | None:
        if package not in cls._parsed:
            text = package.text(dep5.PATH)
            cls._parsed[package] = dep5.parse(text) if text is not None else None
        return cls._parsed[package]

    def text(self, path: str) -> str:
        return self.package.text(path) or ""

    def lowered(self, path: str) -> str:
        if path not in self._lowered:
            self._lowered[path] = self.text(path).lower()
        return self._lowered[path]

    def inspect(self, path: str) -> training_code.CodeFile:
        if path not in self._inspected:
            self._inspected[path] = training_code.inspect(path, self.text(path))
        return self._inspected[path]

    def exists(self, path: str) -> bool:
        return self.resolve(path) is not None or self.package.is_file(MISSING_SOURCES + path)

    def resolve(self, path: str) -> str | None:
        """Return PATH, or the file a symbolic link at PATH points to inside the package."""
        for _ in range(8):
            entry = self.package.files.get(path)
            if entry is None:
                return None
            if entry.kind == "file":
                return path
            if entry.kind != "symlink" or not entry.link_target:
                return None
            # Links are followed only as names inside the package, never on disk.
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), entry.link_target))
            if path.startswith("../") or path.startswith("/"):
                return None
        return None

    def mentions(self, path: str, section: prose.Section, *, training_sentences_only: bool = False) -> list[prose.Mention]:
        """Return prose.mentions of a section of the file at PATH, computed once per section."""
        key = (path, section.line, training_sentences_only)
        if key not in self._mentions:
            self._mentions[key] = prose.mentions(section, training_sentences_only=training_sentences_only)
        return self._mentions[key]

    def license_of(self, path: str) -> tuple[str, str, Evidence | None]:
        """Return (expression, status, evidence) of a package file from debian/copyright."""
        if path not in self._licenses:
            self._licenses[path] = self._license_of(path)
        return self._licenses[path]

    def _license_of(self, path: str) -> tuple[str, str, Evidence | None]:
        statement = self.copyright.license_for(path) if self.copyright else None
        if statement is None:
            return "", "unknown", None
        verdict = licenses.evaluate(statement.expression)
        evidence = Evidence(source="debian/copyright", path=dep5.PATH, line=statement.line, field="License")
        return statement.expression, verdict.status, evidence


def model_names(model) -> list[str]:
    """Return the names a text may use for MODEL: file name, without compression, stem."""
    base = posixpath.basename(model.path)
    names = [base]
    for suffix in COMPRESSION_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            names.append(base)
    stem = base.rsplit(".", 1)[0] if "." in base else ""
    if stem and _distinctive(stem):
        names.append(stem)
    if len(model.files) > 1 and not _distinctive(base):
        names = []
    return list(dict.fromkeys(names))


def _distinctive(name: str) -> bool:
    """Return whether NAME is specific enough to stand for one model in prose."""
    tokens = _tokens(name)
    return len(name) >= 6 and bool(tokens) and bool(re.search(r"[_\-\d]", name))


def _tokens(name: str) -> set[str]:
    words = {word for word in re.split(r"[^a-z0-9]+", name.lower()) if word}
    return {word for word in words if word.isalpha() and word not in _GENERIC_TOKENS and len(word) > 2}


def in_test_directory(path: str) -> bool:
    """Return whether PATH lies below a directory named like a test directory."""
    return any(part.lower() in TEST_DIRECTORIES for part in path.split("/")[:-1])


def _collect(model, context: _Context) -> Provenance:
    details = model.details
    provenance = Provenance(
        path=model.path, files=list(model.files), format=model.format,
        kind="model-like" if model.kind == "model-like" else "model", size=model.size,
        parameters=details.parameters if details is not None else None,
        in_test_directory=in_test_directory(model.path) or any(in_test_directory(path) for path in model.files),
        embedded=model.kind == "embedded",
    )
    names = model_names(model)
    _from_declaration(provenance, context)
    _from_copyright(provenance, context, names, model.format)
    _from_metadata(provenance, model, context)
    _from_documents(provenance, context, names)
    _from_own_text(provenance, context)
    _from_code(provenance, context, names)
    _from_path(provenance)
    _from_format_table(provenance, model)
    return provenance


# debian/ml-models: the maintainer's declaration wins over everything else.

def _from_declaration(provenance: Provenance, context: _Context) -> None:
    declaration = None
    for path in [provenance.path, *provenance.files]:
        declaration = declaration or context.package.declaration(path)
    if declaration is None:
        return
    provenance.declaration_line = declaration.line
    lines = declaration.field_lines

    def evidence(name: str) -> Evidence:
        return Evidence(source=DECLARATION, path="debian/ml-models", line=lines.get(name), field=name)

    if declaration.get("License"):
        expression = declaration.get("License").splitlines()[0]
        provenance.licenses.append(LicenseFinding(
            expression=expression, verdict=licenses.evaluate(expression), evidence=evidence("License"),
            priority=PRIORITY_DECLARATION,
        ))
    if declaration.get("Test-Fixture"):
        provenance.declared_fixture = declaration.get("Test-Fixture").strip() == "yes"
    _declared_data(provenance, context, declaration, evidence("Training-Data"))
    _declared_programs(provenance, context, declaration, evidence("Training-Program"))
    for name in declaration.items("Training-Requires"):
        if name.lower() not in ("none", "nothing", "-"):
            provenance.requirements.append(Requirement(name=name, evidence=evidence("Training-Requires")))


def _declared_data(provenance: Provenance, context: _Context, declaration, evidence: Evidence) -> None:
    declared_license = declaration.get("Training-Data-License").strip()
    declared_status = licenses.evaluate(declared_license).status if declared_license else None
    for item in declaration.items("Training-Data"):
        path = item.lstrip("./")
        if context.exists(path) or context.package.exists(path.rstrip("/")):
            expression, status, _ = context.license_of(path)
            provenance.add_data(DataFinding(
                name=path, license=declared_license or expression, status=declared_status or status,
                location="shipped", evidence=evidence, documented=True,
            ))
            continue
        dataset = prose.dataset_by_name(item)
        location = _dataset_location(dataset, item)
        status = declared_status or (dataset.status if dataset else "unknown")
        if dataset is not None and declared_status is not None:
            # The table's knowledge of a non-free dataset is not overruled by a declaration.
            status = licenses.worst([declared_status, dataset.status])
        provenance.add_data(DataFinding(
            name=dataset.name if dataset else item, license=declared_license or (dataset.license if dataset else ""),
            status=status, location=location, evidence=evidence, documented=bool(declared_license),
            note=dataset.note if dataset else "",
        ))


def _dataset_location(dataset: prose.Dataset | None, item: str) -> str:
    if _UNAVAILABLE_WORDS.search(item) and "://" not in item:
        return "unavailable"
    if dataset is not None:
        return "unavailable" if dataset.public == "no" else "public"
    return "public" if "://" in item else "unavailable"


def _declared_programs(provenance: Provenance, context: _Context, declaration, evidence: Evidence) -> None:
    declared_license = declaration.get("Training-Program-License").strip()
    declared_status = licenses.evaluate(declared_license).status if declared_license else None
    for item in declaration.items("Training-Program"):
        path = item.lstrip("./")
        if context.exists(path) or any(other.startswith(path.rstrip("/") + "/") for other in context.code):
            _, status, _ = context.license_of(path)
            location = "shipped"
        elif "://" in item:
            status, location = "unknown", "external"
        elif item == context.package.name:
            # The package's own trainer, as sentencepiece's spm_train: the
            # package is judged for its own licence elsewhere.
            status, location = "free", "shipped"
        elif re.fullmatch(r"[a-z0-9][a-z0-9+.-]+", item):
            status, location = "free", "debian"
        else:
            status, location = "unknown", "external"
        provenance.add_program(ProgramFinding(
            name=item, location=location, license_status=declared_status or status, evidence=evidence,
        ))


# debian/copyright, machine-readable or not.

def _from_copyright(provenance: Provenance, context: _Context, names: list[str], format_id: str) -> None:
    copyright_file = context.copyright
    if copyright_file is None:
        return
    if copyright_file.machine_readable:
        statement = copyright_file.license_for(provenance.files[0] if provenance.files else provenance.path)
        if statement is not None and statement.expression:
            provenance.licenses.append(LicenseFinding(
                expression=statement.expression, verdict=licenses.evaluate(statement.expression),
                evidence=Evidence(source="debian/copyright", path=dep5.PATH, line=statement.line, field="License"),
                priority=PRIORITY_COPYRIGHT_DEFAULT if statement.catch_all else PRIORITY_COPYRIGHT,
            ))
        if statement is not None and statement.comment:
            section = prose.Section(text=statement.comment, line=statement.comment_line or 1)
            _add_mentions(provenance, prose.mentions(section), dep5.PATH, documented=True)
        return
    _from_copyright_text(provenance, copyright_file, names, format_id)


def _from_copyright_text(provenance: Provenance, copyright_file: dep5.CopyrightFile, names: list[str], format_id: str) -> None:
    """Find licence names in the blocks of a prose copyright file that name the model."""
    words = [name.lower() for name in names]
    directory = posixpath.basename(posixpath.dirname(provenance.path))
    if _distinctive(directory):
        words.append(directory.lower())
    if re.fullmatch(r"[a-z]{4,}", format_id) and format_id not in ("pickle", "keras", "numpy", "hdf5"):
        words.append(format_id)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(word) for word in words) + r")(?![\w-])", re.IGNORECASE)
    blocks = copyright_file.blocks()
    for index, (line, text) in enumerate(blocks):
        if not pattern.search(text):
            continue
        for candidate_line, candidate in [(line, text), *blocks[index + 1:index + 2]]:
            found = licenses.find_in_text(candidate)
            if found:
                match = found[0]
                provenance.licenses.append(LicenseFinding(
                    expression=match.entry.name, verdict=licenses.evaluate(match.entry.name),
                    evidence=Evidence(source="debian/copyright", path=dep5.PATH,
                                      line=candidate_line + candidate.count("\n", 0, match.start), field="text",
                                      text=match.text),
                    priority=PRIORITY_COPYRIGHT_TEXT,
                ))
                _add_mentions(provenance, prose.mentions(prose.Section(text=text, line=line)), dep5.PATH, documented=True)
                return


# Format metadata read by the inspectors (ONNX metadata_props, GGUF, safetensors, Keras).

def _from_metadata(provenance: Provenance, model, context: _Context) -> None:
    if model.details is None:
        return
    for key, value in sorted(model.details.metadata.items()):
        lowered = key.lower()
        evidence = Evidence(source="format metadata", path=model.path, field=key)
        if lowered.endswith(("license", "licence")) and value.strip():
            provenance.licenses.append(LicenseFinding(
                expression=value.strip(), verdict=licenses.evaluate(value.strip()), evidence=evidence,
                priority=PRIORITY_METADATA,
            ))
        elif lowered == "trainer_spec.input":
            for item in value.split(", "):
                if item.strip():
                    _add_trainer_input(provenance, context, model.path, item.strip(), evidence)
        elif "dataset" in lowered or lowered == "training_data":
            for item in re.split(r"[,\n]", value):
                if item.strip():
                    _add_named_data(provenance, item.strip(), evidence)


def _add_trainer_input(provenance: Provenance, context: _Context, model_path: str, item: str, evidence: Evidence) -> None:
    """Add a training input file that a model records (a SentencePiece TrainerSpec input).

    The name is the path on the trainer's machine.  A package file of the
    same base name, preferably beside the model, is taken as that input;
    otherwise the path's directory names may name a known dataset.
    """
    base = posixpath.basename(item)
    beside = posixpath.join(posixpath.dirname(model_path), base)
    shipped = context.resolve(beside) or next(
        (context.resolve(path) for path in sorted(context.package.files) if posixpath.basename(path) == base), None
    )
    if shipped:
        expression, status, license_evidence = context.license_of(shipped)
        provenance.add_data(DataFinding(
            name=shipped, license=expression, status=status, location="shipped", evidence=evidence,
            documented=license_evidence is not None,
        ))
        return
    datasets = prose.datasets_in_path(item)
    if datasets:
        dataset = datasets[0]
        provenance.add_data(DataFinding(
            name=dataset.name, license=dataset.license, status=dataset.status,
            location="unavailable" if dataset.public == "no" else "public", evidence=evidence, note=item,
        ))
        return
    _add_named_data(provenance, item, evidence)


def _add_named_data(provenance: Provenance, item: str, evidence: Evidence) -> None:
    dataset = prose.dataset_by_name(item) or prose.dataset_for_url(item)
    provenance.add_data(DataFinding(
        name=dataset.name if dataset else item, license=dataset.license if dataset else "",
        status=dataset.status if dataset else "unknown", location=_dataset_location(dataset, item),
        evidence=evidence, note=dataset.note if dataset else "",
    ))


# Model cards and other documentation.

def _from_documents(provenance: Provenance, context: _Context, names: list[str]) -> None:
    directory = posixpath.dirname(provenance.path) if len(provenance.files) <= 1 else provenance.path
    ancestors = _ancestors(directory)
    own = {path for path in context.documents if posixpath.dirname(path) == directory}
    nearby = [path for path in context.documents if posixpath.dirname(path) in ancestors]
    keys = [name.lower() for name in names]
    naming = [path for path in context.documents if keys and any(key in context.lowered(path) for key in keys)]
    for path in sorted(set(nearby) | set(naming)) + context.debian_documents:
        _read_document(provenance, context, path, keys, own_card=path in own)
    if directory:
        for path in context.package.listdir(directory):
            if _LICENSE_FILE.search(path) and context.package.text(path) is not None:
                _license_file(provenance, context, path)


def _ancestors(directory: str) -> set[str]:
    result = {directory}
    while directory:
        directory = posixpath.dirname(directory)
        result.add(directory)
    return result


def _read_document(provenance: Provenance, context: _Context, path: str, keys: list[str], *, own_card: bool) -> None:
    text = context.text(path)
    lowered = context.lowered(path)
    if own_card:
        _front_matter(provenance, path, text)
        _card_license(provenance, path, text)
    if keys and any(key in lowered for key in keys):
        section = prose.section_about(text, keys)
        if section is not None:
            _add_mentions(provenance, context.mentions(path, section), path)
            _stated_data_terms(provenance, section, path)
            _named_programs(provenance, context, section, path, model_section=True, own_card=own_card)
        return
    if any(name in lowered for name in context.all_names):
        # A document about other models of the package is no evidence about this one.
        return
    whole = prose.Section(text=text, line=1)
    _add_mentions(provenance, context.mentions(path, whole, training_sentences_only=True), path)
    _named_programs(provenance, context, whole, path, model_section=False, own_card=own_card)


def _from_own_text(provenance: Provenance, context: _Context) -> None:
    """Read the comments of a source file that embeds weights, its only model card."""
    if not provenance.embedded or context.package.text(provenance.path) is None:
        return
    # Generators put their notes above the arrays; the numbers below are
    # megabytes that no sentence is found in.
    whole = prose.Section(text=context.text(provenance.path)[:OWN_TEXT_LIMIT], line=1)
    _add_mentions(provenance, prose.mentions(whole, training_sentences_only=True), provenance.path)


def _front_matter(provenance: Provenance, path: str, text: str) -> None:
    keys = prose.front_matter(text)
    for value in keys.get("license", []):
        provenance.licenses.append(LicenseFinding(
            expression=value, verdict=licenses.evaluate(value),
            evidence=Evidence(source="model card", path=path, line=_line_with(text, "license:"), field="license"),
            priority=PRIORITY_FRONT_MATTER,
        ))
    for value in keys.get("datasets", []):
        _add_named_data(provenance, value, Evidence(source="model card", path=path, line=_line_with(text, "datasets:"), field="datasets"))


def _line_with(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lower().startswith(needle):
            return number
    return None


def _card_license(provenance: Provenance, path: str, text: str) -> None:
    """Take a licence from sentences of a model card that speak of the model files, not of data."""
    for offset, sentence in prose.sentences(text):
        if not _MODEL_WORDS.search(sentence) or _DATA_WORDS.search(sentence):
            continue
        found = licenses.find_in_text(sentence)
        if found:
            provenance.licenses.append(LicenseFinding(
                expression=found[0].entry.name, verdict=licenses.evaluate(found[0].entry.name),
                evidence=Evidence(source="model card", path=path, line=text.count("\n", 0, offset) + 1, field="text", text=found[0].text),
                priority=PRIORITY_CARD_PROSE,
            ))
            return


def _license_file(provenance: Provenance, context: _Context, path: str) -> None:
    found = licenses.find_in_text(context.text(path)[:4000])
    if found:
        provenance.licenses.append(LicenseFinding(
            expression=found[0].entry.name, verdict=licenses.evaluate(found[0].entry.name),
            evidence=Evidence(source="licence file", path=path, line=context.text(path).count("\n", 0, found[0].start) + 1, field="text", text=found[0].text),
            priority=PRIORITY_LICENSE_FILE,
        ))


def _add_mentions(provenance: Provenance, mentions: list[prose.Mention], path: str, *, documented: bool = False) -> None:
    for mention in mentions:
        dataset = mention.dataset
        if dataset is None:
            continue
        stated = [match for match in licenses.find_in_text(mention.sentence)]
        license_name = stated[0].entry.name if stated else dataset.license
        status = licenses.evaluate(license_name).status if stated else dataset.status
        provenance.add_data(DataFinding(
            name=dataset.name, license=license_name, status=status,
            location="unavailable" if dataset.public == "no" else "public",
            evidence=Evidence(source="documentation", path=path, line=mention.line, field="text", text=mention.text),
            documented=documented and bool(stated or dataset.license), note=dataset.note,
        ))


def _stated_data_terms(provenance: Provenance, section: prose.Section, path: str) -> None:
    """Apply non-free terms a model's section states for "this dataset" to its datasets."""
    for offset, sentence in prose.sentences(section.text):
        if not re.search(r"\b(this|the) (data ?set|data)\b", sentence, re.IGNORECASE):
            continue
        stated = [match for match in licenses.find_in_text(sentence) if match.entry.status == "non-free"]
        if not stated:
            continue
        for index, finding in enumerate(provenance.data):
            if finding.evidence.path == path and licenses.RANK[finding.status] > licenses.RANK["non-free"]:
                provenance.data[index] = DataFinding(
                    name=finding.name, license=stated[0].entry.name, status="non-free", location=finding.location,
                    evidence=Evidence(source="documentation", path=path, line=section.line + section.text.count("\n", 0, offset), field="text", text=stated[0].text),
                    documented=finding.documented, note=finding.note,
                )


def _named_programs(provenance: Provenance, context: _Context, section: prose.Section, path: str, *,
                    model_section: bool, own_card: bool) -> None:
    """Record training programs a document names: paths, URLs of source files, "trained with X".

    A document about the whole package, such as a top-level README, links a
    program to every model only when the program is in the package.  A
    program it names outside the package counts only for the models in the
    document's own directory.
    """
    for offset, sentence in prose.sentences(section.text):
        if not model_section and not prose.TRAINING_SENTENCE.search(sentence):
            continue
        line = section.line + section.text.count("\n", 0, offset)
        for match in _PROGRAM_PATH.finditer(sentence):
            candidate = match.group(0)
            base = posixpath.basename(candidate)
            if "train" not in base.lower() and not model_section:
                continue
            shipped = _resolve_program(context, candidate, path)
            evidence = Evidence(source="documentation", path=path, line=line, field="text", text=candidate[-80:])
            if shipped is not None:
                _, status, _ = context.license_of(shipped)
                provenance.add_program(ProgramFinding(name=shipped, location="shipped", license_status=status, evidence=evidence))
            elif "train" in base.lower() and (model_section or own_card):
                provenance.add_program(ProgramFinding(name=candidate, location="external", license_status="unknown", evidence=evidence))
        for match in _TRAINED_WITH.finditer(sentence):
            name = match.group(1).rstrip(".")
            if name.lower() in _known_trainers():
                provenance.add_program(ProgramFinding(
                    name=name, location="external", license_status="unknown",
                    evidence=Evidence(source="documentation", path=path, line=line, field="text", text=match.group(0)),
                ))


def _resolve_program(context: _Context, candidate: str, document: str) -> str | None:
    """Return the package path a program reference points to, if the package has it."""
    relative = candidate.split("://", 1)[-1]
    parts = relative.split("/")
    for start in range(len(parts)):
        suffix = "/".join(parts[start:])
        for base in (posixpath.dirname(document), ""):
            path = posixpath.normpath(posixpath.join(base, suffix)) if base else suffix
            if context.exists(path):
                return path
    return None


def _known_trainers() -> set[str]:
    from .datafiles import table

    return {row["Training"].strip().lower() for row in table("formats") if row.get("Training")}


# Source code: programs that write or train the model, Makefile targets, data they read.

def _from_code(provenance: Provenance, context: _Context, names: list[str]) -> None:
    keys = [name.lower() for name in names]
    for path in context.code:
        if path in context.model_paths:
            continue
        lowered = context.lowered(path)
        if keys and any(key in lowered for key in keys):
            _code_naming_model(provenance, context, path, keys)
    _programs_by_name(provenance, context)
    for finding in list(provenance.programs):
        if finding.location == "shipped" and training_code.is_code(finding.name) and context.package.text(finding.name):
            _program_details(provenance, context, finding.name)


def _code_naming_model(provenance: Provenance, context: _Context, path: str, keys: list[str]) -> None:
    text = context.text(path)
    references = training_code.references(path, text, keys)
    code = context.inspect(path)
    for target, line, recipe in training_code.makefile_targets(path, text) if not path.endswith(training_code.CODE_EXTENSIONS) else []:
        if any(key in target.lower() or key in recipe.lower() for key in keys):
            _add_shipped_program(provenance, context, path, Evidence(source="inspection", path=path, line=line, field="Makefile target", text=target))
    for reference in references:
        evidence = Evidence(source="inspection", path=path, line=reference.line, field=reference.relation, text=reference.text)
        if reference.relation == "trained-by" or (reference.relation == "writes" and code.trains):
            _add_shipped_program(provenance, context, path, evidence)
        elif reference.relation == "writes" and provenance.generated_by is None:
            provenance.generated_by = evidence
    if provenance.in_test_directory and code.trains and not any(p.name == path for p in provenance.programs):
        # A test that loads this model and trains models of its kind from the
        # package's own data shows how a test model like it is made.
        # NOTE: this links the data the test trains with, which may differ from
        # the data the shipped file was trained on.  A SentencePiece model
        # names its real input in its TrainerSpec, which _from_metadata adds
        # as well, so both appear (sentencepiece's test_ja_model.model names
        # kyoto-train.ja of the KFTT corpus there, its tests use botchan.txt).
        data = training_code.data_files(path, text, context.exists)
        if data:
            first = references[0] if references else None
            _add_shipped_program(provenance, context, path, Evidence(
                source="inspection", path=path, line=code.line, field="trains in the tests",
                text=code.cue if first is None else f"{code.cue}; loads the model at line {first.line}",
            ))


def _add_shipped_program(provenance: Provenance, context: _Context, path: str, evidence: Evidence) -> None:
    _, status, _ = context.license_of(path)
    provenance.add_program(ProgramFinding(name=path, location="shipped", license_status=status, evidence=evidence))


def _programs_by_name(provenance: Provenance, context: _Context) -> None:
    """Link training programs whose path contains every distinctive word of the model's name."""
    stem = posixpath.basename(provenance.path).split(".", 1)[0]
    tokens = _tokens(stem)
    if not tokens:
        return
    for path in context.code:
        if path in context.model_paths or not tokens <= _tokens(path):
            continue
        code = context.inspect(path)
        if code.trains:
            _add_shipped_program(provenance, context, path, Evidence(
                source="inspection", path=path, line=code.line, field="trainer named like the model", text=code.cue,
            ))


def _program_details(provenance: Provenance, context: _Context, path: str) -> None:
    """Add the data files a shipped training program reads and its need for CUDA."""
    text = context.text(path)
    code = context.inspect(path)
    for found, line in training_code.data_files(path, text, context.exists):
        data_path = context.resolve(found) or found
        expression, status, license_evidence = context.license_of(data_path)
        provenance.add_data(DataFinding(
            name=data_path, license=expression, status=status, location="shipped",
            evidence=Evidence(source="inspection", path=path, line=line, field="reads"),
            documented=license_evidence is not None,
        ))
    if code.cuda_only:
        provenance.requirements.append(Requirement(
            name="cuda", evidence=Evidence(source="inspection", path=path, field="CUDA-only code"),
        ))


def _from_path(provenance: Provenance) -> None:
    for dataset in prose.datasets_in_path(provenance.path):
        provenance.add_data(DataFinding(
            name=dataset.name, license=dataset.license, status=dataset.status,
            location="unavailable" if dataset.public == "no" else "public",
            evidence=Evidence(source="path", path=provenance.path, field="directory name"), note=dataset.note,
        ))


def _from_format_table(provenance: Provenance, model) -> None:
    if model.training and not provenance.programs:
        provenance.add_program(ProgramFinding(
            name=model.training, location="external", license_status="unknown",
            evidence=Evidence(source="format table", field="Training", text=model.format),
        ))


def triage(package) -> list[TriageNote]:
    """Return the signs of an earlier ML-Policy review: Files-Excluded models, Disclaimer."""
    copyright_file = _Context.copyright_of(package)
    if copyright_file is None or not copyright_file.machine_readable:
        return []
    notes = []
    suffix = _REPACK_SUFFIX.search(package.version or "")
    for pattern, line in copyright_file.files_excluded():
        if _looks_like_model(pattern):
            context = f"{pattern} ({suffix.group(0)})" if suffix else pattern
            notes.append(TriageNote(tag="model-files-excluded-from-source", context=context, path=dep5.PATH, line=line))
    disclaimer = copyright_file.header_field("Disclaimer")
    if disclaimer is not None and _ML_POLICY.search(disclaimer[0]):
        notes.append(TriageNote(tag="copyright-disclaimer-cites-ml-policy", context="Disclaimer", path=dep5.PATH, line=disclaimer[1]))
    return notes



def _looks_like_model(pattern: str) -> bool:
    from . import formats

    base = posixpath.basename(pattern)
    if re.search(r"model|weights|checkpoint|pretrained|\.nnue|\.onnx|\.gguf|\.safetensors|\.tflite|\.caffemodel|\.pth?\b", pattern, re.IGNORECASE):
        return True
    return any(rule.name_only and rule.name_matches(base) for rule in formats.rules())
