"""Read model cards and other prose: sections, sentences, datasets named.

Documentation says what a model was trained on in plain language, as
dlib-models/README.md does in one bulleted section per model file.  This
module finds the part of a text that talks about one model, splits it
into sentences, and recognises the datasets of data/datasets by name or
URL, skipping mentions that a sentence rules out ("excluding the FDDB
dataset", "the LFW benchmark").  It also reads the YAML front matter of
Hugging Face style model cards.  It never decides a policy question.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .datafiles import field_lines, table
from .errors import DataError

# A heading or a list item at the start of a line opens a section.
_SECTION_START = re.compile(r"^(\s*)(#{1,6}\s|[*+-]\s|\d+[.)]\s)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|\n\s*\n|\n(?=\s*[|*+-]\s)")
# Words around a dataset mention that say the model was NOT trained on it.
_NOT_TRAINED_ON = re.compile(
    r"\b(exclud\w*|except\w*|avoid\w*|overlap\w*|benchmark\w*|evaluat\w*|tested on|test set|"
    r"validat\w*|compared? (with|to)|instead of|unlike)\b",
    re.IGNORECASE,
)
_CUE_WINDOW_BEFORE = 50
_CUE_WINDOW_AFTER = 25
# A sentence about training or data, in documents that are not about one model.
TRAINING_SENTENCE = re.compile(r"\btrain(ed|ing|s)?\b|\bdata ?sets?\b|\bcorpus\b|\bcorpora\b|\btraining material\b", re.IGNORECASE)
URL = re.compile(r"https?://[^\s)\]>\"'|,]+")


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """One paragraph of data/datasets."""

    name: str
    aliases: tuple[str, ...]
    urls: tuple[re.Pattern[str], ...]
    path_names: tuple[str, ...]
    license: str
    status: str
    public: str
    note: str
    source: str


@dataclass(frozen=True, kw_only=True)
class Section:
    """A part of a document: its text and the line its first line has in the file."""

    text: str
    line: int


@dataclass(frozen=True, kw_only=True)
class Mention:
    """A dataset named in a text: the dataset, the matched words, their line and sentence."""

    dataset: Dataset | None
    text: str
    line: int
    sentence: str


@functools.cache
def datasets() -> tuple[Dataset, ...]:
    """Return the dataset table, compiled once per process."""
    result = []
    for row in table("datasets"):
        name = row.get("Dataset", "").strip()
        if not name or row.get("Status", "").strip() not in ("free", "probably-free", "non-free", "unknown"):
            raise DataError(f"data/datasets: entry {name or '?'} has no valid Status")
        try:
            urls = tuple(re.compile(line, re.IGNORECASE) for line in field_lines(row.get("URL")))
        except re.error as error:
            raise DataError(f"data/datasets: invalid URL regex in {name}: {error}") from error
        result.append(Dataset(
            name=name, aliases=tuple(field_lines(row.get("Aliases"))), urls=urls,
            path_names=tuple(word.lower() for word in field_lines(row.get("Path-Names"))),
            license=row.get("License", "").strip(), status=row["Status"].strip(),
            public=row.get("Public", "yes").strip(), note=row.get("Note", "").strip(),
            source=row.get("Source", "").strip(),
        ))
    return tuple(result)


@functools.cache
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, Dataset]]:
    """Return one regex over every alias, longest first, and the dataset of each alias."""
    owner: dict[str, Dataset] = {}
    for dataset in datasets():
        for alias in dataset.aliases:
            owner.setdefault(alias.lower(), dataset)
    words = sorted(owner, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(word) for word in words) + r")(?![\w-])", re.IGNORECASE)
    return pattern, owner


def dataset_for_url(url: str) -> Dataset | None:
    """Return the first dataset whose URL pattern matches URL."""
    for dataset in datasets():
        if any(pattern.search(url) for pattern in dataset.urls):
            return dataset
    return None


def dataset_by_name(name: str) -> Dataset | None:
    """Return the dataset called NAME (or one of its aliases), if known."""
    key = name.strip().lower()
    for dataset in datasets():
        if key == dataset.name.lower() or key in (alias.lower() for alias in dataset.aliases):
            return dataset
    return dataset_for_url(name) if "://" in name or "." in name else None


def datasets_in_path(path: str) -> list[Dataset]:
    """Return datasets named by a component of PATH, such as "tidigits" in test/data/tidigits/hmm."""
    words = set()
    for component in path.lower().split("/"):
        words.add(component)
        words.update(part for part in re.split(r"[_.-]", component) if part)
    return [dataset for dataset in datasets() if words & set(dataset.path_names)]


def sentences(text: str) -> list[tuple[int, str]]:
    """Split TEXT into sentences; return (offset, sentence) pairs."""
    result = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start:match.start()].strip():
            result.append((start, text[start:match.start()]))
        start = match.end()
    if text[start:].strip():
        result.append((start, text[start:]))
    return result


def _paragraph_at(text: str, offset: int) -> str:
    """Return the blank-line separated paragraph of TEXT around OFFSET.

    A sentence in a table row or list counts as being about training when
    its paragraph is, as in a table of datasets under a "dataset" header.
    """
    start = text.rfind("\n\n", 0, offset)
    start = start + 1 if start >= 0 else 0
    end = text.find("\n\n", offset)
    if end < 0:
        end = len(text)
    return text[start:end]


def _ruled_out(sentence: str, start: int, end: int) -> bool:
    window = sentence[max(0, start - _CUE_WINDOW_BEFORE):start] + " " + sentence[end:end + _CUE_WINDOW_AFTER]
    return bool(_NOT_TRAINED_ON.search(window))


def mentions(section: Section, *, training_sentences_only: bool = False) -> list[Mention]:
    """Return the datasets a section names, by alias or URL, that it does not rule out.

    With TRAINING_SENTENCES_ONLY, only sentences in paragraphs that talk
    about training or data count, for documents about a whole package.
    """
    pattern, owner = _alias_pattern()
    found: list[Mention] = []
    for offset, sentence in sentences(section.text):
        if training_sentences_only and not TRAINING_SENTENCE.search(_paragraph_at(section.text, offset)):
            continue
        line = section.line + section.text.count("\n", 0, offset)
        for match in URL.finditer(sentence):
            if _ruled_out(sentence, match.start(), match.end()):
                continue
            dataset = dataset_for_url(match.group(0))
            found.append(Mention(dataset=dataset, text=match.group(0).rstrip(".:;"), line=line + sentence.count("\n", 0, match.start()), sentence=sentence))
        for match in pattern.finditer(sentence):
            if _ruled_out(sentence, match.start(), match.end()):
                continue
            found.append(Mention(dataset=owner[match.group(1).lower()], text=match.group(1), line=line + sentence.count("\n", 0, match.start()), sentence=sentence))
    return found


def _is_section_start(line: str) -> int | None:
    """Return the indentation of a heading or list item line, None for other lines."""
    match = _SECTION_START.match(line)
    if match is None:
        return None
    # Headings close every section, whatever their indentation.
    return -1 if match.group(2).startswith("#") else len(match.group(1))


def section_about(text: str, names: list[str]) -> Section | None:
    """Return the part of TEXT about a model called by one of NAMES.

    When a heading or list item names the model, the section runs to the
    next heading or list item at the same or a lower indentation; when
    only a paragraph names it, that paragraph and the next one.
    """
    lines = text.splitlines()
    lowered = [line.lower() for line in lines]
    keys = [name.lower() for name in names if name]
    hits = [index for index, line in enumerate(lowered) if any(key in line for key in keys)]
    if not hits:
        return None
    for index in hits:
        indent = _is_section_start(lines[index])
        if indent is not None:
            return Section(text="\n".join(lines[index:_section_end(lines, index, indent)]), line=index + 1)
    index = hits[0]
    start = index
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = index
    blank_seen = 0
    while end < len(lines) and blank_seen < 2:
        if not lines[end].strip():
            blank_seen += 1 if end > index else 0
        end += 1
    return Section(text="\n".join(lines[start:end]), line=start + 1)


def _section_end(lines: list[str], index: int, indent: int) -> int:
    for position in range(index + 1, len(lines)):
        other = _is_section_start(lines[position])
        if other is not None and (other == -1 or indent == -1 or other <= indent):
            return position
    return len(lines)


def front_matter(text: str) -> dict[str, list[str]]:
    """Return the keys of a model card's YAML front matter, each as a list of strings.

    Only the subset model cards use is read: "key: value", "key: [a, b]"
    and "key:" followed by "- item" lines.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    result: dict[str, list[str]] = {}
    key = None
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            return result
        item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and key:
            result[key].append(item.group(1).strip().strip("'\""))
            continue
        pair = re.match(r"^([A-Za-z0-9_.-]+):\s*(.*)$", line)
        if pair is None:
            continue
        key = pair.group(1).lower()
        value = pair.group(2).strip()
        if value.startswith("[") and value.endswith("]"):
            result[key] = [part.strip().strip("'\"") for part in value[1:-1].split(",") if part.strip()]
        else:
            result[key] = [value.strip("'\"")] if value else []
    return {}
