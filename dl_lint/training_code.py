"""Recognise training programs in a package by reading their source.

A file counts as a training program when it calls a trainer (an optimiser
step, a backward pass, ``fit``, a dlib ``*_trainer``, SentencePiece's
trainer) or shows enough of the vocabulary of a training loop (loss,
optimiser, epochs, learning rate).  Makefile targets whose recipe runs a
trainer count too.  Nothing here runs or imports the code: it is read as
text, and a file is linked to a model only by what it says about the
model's file name (it writes it, or says it was used to train it).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

CODE_EXTENSIONS = (".py", ".ipynb", ".c", ".cc", ".cpp", ".cxx", ".cu", ".sh", ".r", ".jl", ".lua")
MAKEFILE_NAMES = ("Makefile", "makefile", "GNUmakefile", "Makefile.am", "rules")

# One call is enough to show that a file trains something.
_TRAINER_CALL = re.compile(
    r"(\b(optimizer|optimiser|opt)\.step\(|\.backward\(\)|\.fit(_generator)?\(|"
    r"SentencePieceTrainer\.[Tt]rain|\bspm_train\b|\bdnn_trainer\b|_trainer\b\s*(<[^;>]*>\s*)?\w+\s*[;(]|"
    r"\btrainer\.train\(|\btrain_one_step\(|tf\.GradientTape|\btorch\.optim\.\w+\(|keras\.optimizers\.|"
    r"\bmodel\.compile\(|\bTrainer\(|\bfit\(\s*\w+\s*,)"
)
# Several of these together show a training loop.
_TRAINING_WORDS = (
    re.compile(r"\bloss\b", re.IGNORECASE),
    re.compile(r"\boptimi[sz]er\b", re.IGNORECASE),
    re.compile(r"\bepochs?\b", re.IGNORECASE),
    re.compile(r"\blearning[_ ]rate\b|\blr\s*=", re.IGNORECASE),
    re.compile(r"\bbatch[_ ]size\b", re.IGNORECASE),
    re.compile(r"\bgradients?\b", re.IGNORECASE),
)
_TRAINING_WORDS_NEEDED = 4
_WRITES = re.compile(
    r"\b(serializ\w*|save\w*|dump\w*|write\w*|export\w*|to_file|savez\w*)\b|"
    r"\bopen\([^)]*,\s*['\"][wax]b?\+?['\"]",
    re.IGNORECASE,
)
_TRAINED_BY = re.compile(r"\b(used to train|was used to train|trains|to train|trained by|produced)\b", re.IGNORECASE)
_CUDA = re.compile(r"\.cuda\(\)|device\s*=\s*['\"]cuda|torch\.device\(\s*['\"]cuda|#\s*include\s*[<\"](cuda|cudnn|cublas)")
_CPU = re.compile(r"\bcpu\b", re.IGNORECASE)
_STRING = re.compile(r"['\"]([^'\"\s]{3,200})['\"]")
DATA_EXTENSIONS = (
    ".txt", ".csv", ".tsv", ".json", ".jsonl", ".xml", ".wav", ".flac", ".mp3", ".ogg", ".jpg", ".jpeg",
    ".png", ".pgm", ".ppm", ".bmp", ".tif", ".tiff", ".npy", ".npz", ".h5", ".tfrecord", ".parquet",
    ".arrow", ".tar", ".gz", ".bz2", ".xz", ".zip", ".lst", ".scp", ".ark", ".mfc", ".raw", ".pcm",
    ".s16", ".f32", ".ja", ".en", ".pgn", ".epd",
)


@dataclass(frozen=True, kw_only=True)
class CodeFile:
    """What reading one source file showed about training."""

    path: str
    trains: bool
    line: int | None
    cue: str
    cuda_only: bool


@dataclass(frozen=True, kw_only=True)
class Reference:
    """A line of a file that names a model: the file, the line and how it names it."""

    path: str
    line: int
    relation: str  # "writes", "trained-by" or "mentions"
    text: str


def is_code(path: str) -> bool:
    """Return whether PATH is a source file dl-lint reads for training code."""
    base = posixpath.basename(path)
    return path.lower().endswith(CODE_EXTENSIONS) or base in MAKEFILE_NAMES or base.endswith(".mk")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def inspect(path: str, text: str) -> CodeFile:
    """Read one source file; return whether it trains and whether only with CUDA."""
    call = _TRAINER_CALL.search(text)
    if call is not None:
        trains, line, cue = True, _line_of(text, call.start()), call.group(0).strip()
    else:
        words = [pattern.search(text) for pattern in _TRAINING_WORDS]
        found = [match for match in words if match is not None]
        trains = len(found) >= _TRAINING_WORDS_NEEDED
        line = _line_of(text, min(match.start() for match in found)) if trains else None
        cue = ", ".join(match.group(0) for match in found) if trains else ""
    cuda_only = path.endswith(".cu") or (bool(_CUDA.search(text)) and not _CPU.search(text))
    return CodeFile(path=path, trains=trains, line=line, cue=cue[:60], cuda_only=cuda_only)


def references(path: str, text: str, names: list[str]) -> list[Reference]:
    """Return the lines of TEXT that name a model by one of NAMES, with how they name it."""
    found = []
    keys = [name.lower() for name in names if name]
    for number, line in enumerate(text.splitlines(), start=1):
        lowered = line.lower()
        if not any(key in lowered for key in keys):
            continue
        if _WRITES.search(line):
            relation = "writes"
        elif _TRAINED_BY.search(line):
            relation = "trained-by"
        else:
            relation = "mentions"
        found.append(Reference(path=path, line=number, relation=relation, text=line.strip()[:120]))
    return found


def makefile_targets(path: str, text: str) -> list[tuple[str, int, str]]:
    """Return (target, line, recipe) for each Makefile target whose recipe trains."""
    result = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"^([^\s:#=][^:=]*?)\s*:(?!=)", line)
        if match is None:
            continue
        recipe = []
        for following in lines[index + 1:]:
            if not following.startswith("\t"):
                break
            recipe.append(following.strip())
        command = " ".join(recipe)
        if _TRAINER_CALL.search(command) or re.search(r"\btrain\w*(\.py|\.sh)?\b", command):
            for target in match.group(1).split():
                result.append((target, index + 1, command[:120]))
    return result


def data_files(path: str, text: str, exists) -> list[tuple[str, int]]:
    """Return package files that the program at PATH names in string literals, with the line.

    A literal counts when it ends in a data extension and resolves, from the
    program's directory, one of its parents or the package root, to a file
    of the package (EXISTS is the package's membership test).
    """
    found: dict[str, int] = {}
    directory = posixpath.dirname(path)
    bases = [directory]
    while directory:
        directory = posixpath.dirname(directory)
        bases.append(directory)
    for match in _STRING.finditer(text):
        literal = match.group(1).lstrip("./").lstrip("/")
        if not literal.lower().endswith(DATA_EXTENSIONS) or "://" in match.group(1):
            continue
        for base in bases:
            candidate = posixpath.normpath(posixpath.join(base, literal)) if base else posixpath.normpath(literal)
            if exists(candidate):
                found.setdefault(candidate, _line_of(text, match.start()))
                break
    return sorted(found.items())
