"""Find the files and Makefile recipes that the Debian build runs.

The walk starts at debian/rules and runs nothing.  It follows the targets
of debian/rules that dpkg-buildpackage and dh reach, and the dh build-system
steps (dh_auto_configure, build, test, install and clean) with their
--sourcedirectory and --buildsystem.  From there it follows the upstream
Makefile targets these make, with prerequisites and recursive $(MAKE)
calls, the scripts that a recipe runs by path or through an interpreter,
and the CMake, meson, configure and setup.py files of the build system in
use.

The walk is static and errs towards "reached": every branch of a make
conditional and every alternative value of a variable counts, and a CMake
file counts as a whole.  Shell commands built at run time ("$(dirname
$0)/x.sh"), Python tests run by pybuild and files of debian/patches are not
followed.
"""

from __future__ import annotations

import functools
import logging
import posixpath
import re
import shlex
import weakref
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Targets of debian/rules that dpkg-buildpackage or dh run.
RULES_TARGETS = ("clean", "build", "build-arch", "build-indep", "binary", "binary-arch", "binary-indep", "install", "%")
RULES_TARGET_PREFIXES = ("override_dh_", "execute_before_dh_", "execute_after_dh_")
DH_STEPS = ("configure", "build", "test", "install", "clean")
# Makefile targets each dh_auto step makes, in order of preference where one is enough.
MAKE_STEP_TARGETS = {
    "build": (),
    "test": ("test", "check"),
    "install": ("install",),
    "clean": ("distclean", "realclean", "clean"),
}
# Automake runs these hooks of Makefile.am when it makes the step's target.
AUTOMAKE_HOOKS = {
    "build": ("all", "all-local"),
    "test": ("check", "check-local"),
    "install": ("install", "install-data-local", "install-exec-local", "install-data-hook", "install-exec-hook"),
    "clean": ("distclean", "clean-local", "distclean-local"),
}
MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
INTERPRETERS = re.compile(r"^(sh|bash|dash|zsh|ksh|python[0-9.]*|perl|ruby|node)$")
COMMAND_PREFIXES = {"env", "exec", "time", "nice", "fakeroot", "xvfb-run", "sudo", "command", "if", "then", "else",
                    "elif", "do", "while", "until", "!", "{"}
SHELL_SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;", "\n"}
MAKE_FUNCTIONS = {
    "shell", "wildcard", "filter", "filter-out", "subst", "patsubst", "strip", "findstring", "sort", "word",
    "words", "wordlist", "firstword", "lastword", "dir", "notdir", "suffix", "basename", "addsuffix",
    "addprefix", "join", "realpath", "abspath", "if", "or", "and", "foreach", "call", "value", "eval",
    "origin", "flavor", "error", "warning", "info", "file", "let", "intcmp",
}
MAKE_BUILTINS = {"MAKE": "make", "SHELL": "sh", "CURDIR": ".", "MAKEFLAGS": "", "MFLAGS": ""}
# Bounds of the walk, so that hostile or generated build files stay cheap.
MAX_ALTERNATIVES = 16
MAX_EXPANSION_DEPTH = 8
MAX_STEPS = 5000

ASSIGNMENT = re.compile(r"^(?:export\s+|override\s+)*([A-Za-z_][\w.-]*)\s*(:::=|::=|:=|\+=|\?=|!=|=)\s*(.*)$")
DIRECTIVE = re.compile(r"^\s*(ifeq|ifneq|ifdef|ifndef|else|endif|include|-include|sinclude|vpath|unexport|export\s*$|\.)")
CMAKE_SUBDIRECTORY = re.compile(r"(?i)\badd_subdirectory\s*\(\s*\"?([^\s)\"]+)")
CMAKE_INCLUDE = re.compile(r"(?i)\binclude\s*\(\s*\"?([^\s)\"]+)")
CMAKE_COMMAND = re.compile(r"(?i)\bCOMMAND\s+([^)]*)")
MESON_SUBDIR = re.compile(r"\bsubdir\s*\(\s*'([^']+)'")


# Makefiles


@dataclass(kw_only=True)
class MakeRule:
    """One rule of a Makefile: its targets, prerequisites and recipe lines."""

    targets: tuple[str, ...]
    prerequisites: str
    line: int
    recipe: list[tuple[int, str]] = field(default_factory=list)


@dataclass(kw_only=True)
class Makefile:
    """A parsed Makefile: every value each variable may take, and the rules."""

    path: str
    variables: dict[str, list[str]]
    rules: list[MakeRule]

    @property
    def default_target(self) -> str | None:
        for rule in self.rules:
            for target in rule.targets:
                if not target.startswith(".") and "%" not in target:
                    return target
        return None

    def rules_for(self, target: str) -> list[MakeRule]:
        """Return the rules that make TARGET: explicit ones, else matching pattern rules."""
        explicit = [rule for rule in self.rules if target in rule.targets]
        if explicit:
            return explicit
        return [rule for rule in self.rules if any(_pattern_matches(t, target) for t in rule.targets if "%" in t)]

    def has_target(self, target: str) -> bool:
        return any(target in rule.targets for rule in self.rules)


def _pattern_matches(pattern: str, target: str) -> bool:
    prefix, _, suffix = pattern.partition("%")
    return len(target) >= len(prefix) + len(suffix) and target.startswith(prefix) and target.endswith(suffix)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join backslash-continued lines; return (first line number, text) pairs."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        result.append((start, " ".join(pending)))
        pending = []
    if pending:
        result.append((start, " ".join(pending)))
    return result


def _split_rule(line: str) -> tuple[str, str] | None:
    """Split a rule line at its first ":" outside $(...); None when it is no rule."""
    depth = 0
    for index, char in enumerate(line):
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        elif char == ":" and depth == 0:
            if line[index + 1 : index + 2] == "=" or line[index + 1 : index + 3] == ":=":
                return None
            rest = line[index + 2 :] if line[index + 1 : index + 2] == ":" else line[index + 1 :]
            return line[:index], rest
    return None


def parse_makefile(path: str, text: str) -> Makefile:
    """Parse the variables and rules of a Makefile; conditionals are ignored, so every branch counts."""
    variables: dict[str, list[str]] = {}
    rules: list[MakeRule] = []
    current: MakeRule | None = None
    in_define = False
    for number, line in _logical_lines(text):
        if in_define:
            in_define = line.strip() != "endef"
            continue
        if line.startswith("\t") and current is not None:
            current.recipe.append((number, line[1:]))
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or DIRECTIVE.match(line):
            continue
        if stripped.startswith("define "):
            in_define = True
            continue
        assignment = ASSIGNMENT.match(stripped)
        if assignment and not line.startswith("\t"):
            _assign(variables, assignment.group(1), assignment.group(2), assignment.group(3))
            current = None
            continue
        current = _rule(stripped, number)
        if current is not None:
            rules.append(current)
    return Makefile(path=path, variables=variables, rules=rules)


def _assign(variables: dict[str, list[str]], name: str, operator: str, value: str) -> None:
    value = value.split(" #", 1)[0].strip()
    values = variables.setdefault(name, [])
    if operator == "+=" and values:
        values[:] = [f"{old} {value}" for old in values]
    elif len(values) < MAX_ALTERNATIVES:
        values.append(value)


def _rule(line: str, number: int) -> MakeRule | None:
    split = _split_rule(line)
    if split is None:
        return None
    targets, rest = split
    prerequisites, _, inline = rest.partition(";")
    if "=" in prerequisites and "$(" not in prerequisites.split("=", 1)[0]:
        return None  # a target-specific variable, not a rule
    rule = MakeRule(targets=tuple(targets.split()), prerequisites=prerequisites.strip(), line=number)
    if inline.strip():
        rule.recipe.append((number, inline.strip()))
    return rule


def expand(text: str, variables: dict[str, list[str]], depth: int = 0) -> list[str]:
    """Return the values TEXT may take once its make variables are expanded.

    Every value a variable is assigned anywhere counts, so the result can
    hold several alternatives (at most MAX_ALTERNATIVES).  Functions and
    unknown variables expand to nothing; automatic variables stay as written.
    """
    results = [""]
    pos = 0
    while pos < len(text):
        dollar = text.find("$", pos)
        if dollar < 0:
            results = [r + text[pos:] for r in results]
            break
        results = [r + text[pos:dollar] for r in results]
        values, pos = _reference(text, dollar, variables, depth)
        results = [r + v for r in results for v in values][:MAX_ALTERNATIVES]
    return results


def _reference(text: str, dollar: int, variables: dict[str, list[str]], depth: int) -> tuple[list[str], int]:
    """Expand the reference starting at DOLLAR; return its values and the position after it."""
    if dollar + 1 >= len(text):
        return ["$"], dollar + 1
    opener = text[dollar + 1]
    if opener == "$":
        return ["$"], dollar + 2
    if opener not in "({":
        return ["$" + opener], dollar + 2
    closer = ")" if opener == "(" else "}"
    level, end = 0, dollar + 1
    while end < len(text):
        if text[end] == opener:
            level += 1
        elif text[end] == closer:
            level -= 1
            if level == 0:
                break
        end += 1
    content = text[dollar + 2 : end]
    return _variable_values(content, variables, depth), end + 1


def _variable_values(content: str, variables: dict[str, list[str]], depth: int) -> list[str]:
    if depth >= MAX_EXPANSION_DEPTH:
        return [""]
    head = content.split(None, 1)[0] if content.strip() else ""
    if head in MAKE_FUNCTIONS and content != head:
        return [""]
    name, _, substitution = content.partition(":")
    if name in MAKE_BUILTINS and name not in variables:
        return [MAKE_BUILTINS[name]]
    values: list[str] = []
    for value in variables.get(name, [""]):
        values += expand(value, variables, depth + 1)
    if "=" in substitution:
        old, _, new = substitution.partition("=")
        values = [" ".join(_substitute(word, old, new) for word in v.split()) for v in values]
    return list(dict.fromkeys(values))[:MAX_ALTERNATIVES] or [""]


def _substitute(word: str, old: str, new: str) -> str:
    """Apply a make substitution reference ($(VAR:old=new)) to one word."""
    if "%" in old:
        prefix, _, suffix = old.partition("%")
        if word.startswith(prefix) and word.endswith(suffix) and len(word) >= len(prefix) + len(suffix):
            stem = word[len(prefix) : len(word) - len(suffix)]
            return new.replace("%", stem, 1)
        return word
    return word[: -len(old)] + new if old and word.endswith(old) else word


# Shell command lines


@dataclass(frozen=True, kw_only=True)
class Command:
    """One simple command of a shell line, with the directory it runs in."""

    words: tuple[str, ...]
    cwd: str


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:
        return line.split()


def commands(line: str, cwd: str) -> list[Command]:
    """Split a shell line into simple commands; "cd DIR" changes the directory of those after it."""
    result: list[Command] = []
    current: list[str] = []
    for token in _tokens(line) + [";"]:
        if token not in SHELL_SEPARATORS:
            current.append(token)
            continue
        words = _strip_prefixes(current)
        current = []
        if not words:
            continue
        if words[0] == "cd" and len(words) > 1:
            cwd = _join(cwd, words[1])
            continue
        result.append(Command(words=tuple(words), cwd=cwd))
    return result


def _strip_prefixes(words: list[str]) -> list[str]:
    words = list(words)
    if words:
        words[0] = words[0].lstrip("@-+")
        if not words[0]:
            words.pop(0)
    while words and (words[0] in COMMAND_PREFIXES or re.match(r"^[A-Za-z_]\w*=", words[0])):
        words.pop(0)
    return words


def _join(cwd: str, path: str) -> str:
    if path.startswith("/"):
        return path
    joined = posixpath.normpath(posixpath.join(cwd, path))
    return "." if joined in ("", ".") else joined


# The walk


@dataclass(frozen=True, kw_only=True)
class ScriptCall:
    """A recipe line of a Makefile that runs a script of the package."""

    path: str
    line: int
    target: str
    script: str


@dataclass(kw_only=True)
class DhOptions:
    """The dh options that choose the build system and its directory."""

    sourcedir: str = "."
    buildsystem: str | None = None

    def merged(self, words) -> DhOptions:
        """Return these options updated by the options in WORDS (before any "--")."""
        result = DhOptions(sourcedir=self.sourcedir, buildsystem=self.buildsystem)
        words = list(words)
        for index, word in enumerate(words):
            if word == "--":
                break
            word = word.removeprefix("-O")
            value = words[index + 1] if index + 1 < len(words) else ""
            for long, short, attribute in (("--sourcedirectory", "-D", "sourcedir"), ("--sourcedir", "-D", "sourcedir"),
                                           ("--buildsystem", "-S", "buildsystem")):
                if word.startswith(long + "="):
                    setattr(result, attribute, word.split("=", 1)[1])
                elif word in (long, short) and value:
                    setattr(result, attribute, value)
                elif word.startswith(short) and len(word) > 2 and not word.startswith("--"):
                    setattr(result, attribute, word[2:])
        result.sourcedir = _join(".", result.sourcedir)
        return result


@dataclass(kw_only=True)
class BuildReach:
    """The parts of the package the Debian build runs: whole files, Makefile lines and script calls.

    ``files`` and ``lines`` map to the chain of steps that reaches them,
    such as ("debian/rules override_dh_auto_build", "src/Makefile build").
    """

    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lines: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)
    calls: list[ScriptCall] = field(default_factory=list)
    has_rules: bool = False

    def chain(self, path: str, line: int | None = None) -> tuple[str, ...] | None:
        """Return how the build reaches PATH (at LINE), or None when it does not."""
        if path in self.files:
            return self.files[path]
        if line is not None:
            return self.lines.get(path, {}).get(line)
        return None


class _Walker:
    """Breadth-first walk from debian/rules over what the build runs."""

    def __init__(self, package) -> None:
        self.package = package
        self.reach = BuildReach()
        # The options of the dh call in debian/rules, which dh passes to every step.
        self.dh = DhOptions()
        self.queue: deque = deque()
        self.seen: set = set()
        self.steps = 0

    # Helpers over the package

    def is_file(self, path: str) -> bool:
        return self.package.is_file(path)

    def text(self, path: str) -> str | None:
        return self.package.text(path)

    def makefile(self, path: str) -> Makefile | None:
        text = self.text(path)
        return _parsed_makefile(path, text) if text is not None else None

    def find_makefile(self, directory: str) -> str | None:
        for name in MAKEFILE_NAMES + ("Makefile.am", "Makefile.in"):
            path = _join(directory, name)
            if self.is_file(path):
                return path
        return None

    # Work items

    def push(self, kind: str, *args) -> None:
        """Queue a visit; the last argument is the chain, which does not make a visit new."""
        key = (kind,) + args[:-1]
        if key in self.seen or self.steps >= MAX_STEPS:
            return
        self.seen.add(key)
        self.queue.append((kind, args))

    def run(self) -> BuildReach:
        self.reach.calls = script_calls(self.package)
        rules = self.makefile("debian/rules")
        if rules is None:
            return self.reach
        self.reach.has_rules = True
        self.walk_rules(rules)
        while self.queue and self.steps < MAX_STEPS:
            kind, args = self.queue.popleft()
            self.steps += 1
            getattr(self, f"visit_{kind}")(*args)
        if self.steps >= MAX_STEPS:
            log.warning("the walk from debian/rules stopped after %d steps; what it did not visit counts as not run", MAX_STEPS)
        return self.reach

    # debian/rules and dh

    def walk_rules(self, rules: Makefile) -> None:
        targets = [t for rule in rules.rules for t in rule.targets
                   if t in RULES_TARGETS or t.startswith(RULES_TARGET_PREFIXES)]
        self.mark_top_level(rules, ("debian/rules",))
        for target in dict.fromkeys(targets):
            self.push("make", "debian/rules", target, ".", (f"debian/rules {target}",))
        options = self.dh_options(rules)
        if options is None:
            return
        self.dh = options
        for step in DH_STEPS:
            if not any(rules.has_target(f"override_dh_auto_{step}{suffix}") for suffix in ("", "-arch", "-indep")):
                self.push("dh_auto", step, options.sourcedir, options.buildsystem or "", (), (f"dh_auto_{step}",))

    def dh_options(self, rules: Makefile) -> DhOptions | None:
        """Return the options of the dh sequencer call in debian/rules, or None without one."""
        for rule in rules.rules:
            for _, line in rule.recipe:
                for text in expand(line, rules.variables):
                    for command in commands(text, "."):
                        if command.words[0] == "dh":
                            return DhOptions().merged(command.words[1:])
        return None

    def visit_dh_auto(self, step: str, sourcedir: str, buildsystem: str, arguments: tuple, chain: tuple) -> None:
        system = buildsystem or self.detect_buildsystem(sourcedir)
        log.debug("dh_auto_%s in %s with build system %s", step, sourcedir, system)
        if system in ("makefile", "autoconf"):
            self.make_step(step, sourcedir, system, arguments, chain)
        if system == "autoconf" and step == "configure":
            for name in ("configure", "configure.ac", "configure.in"):
                self.mark_file(_join(sourcedir, name), chain)
        elif system == "cmake" and step == "configure":
            self.push("cmake", _join(sourcedir, "CMakeLists.txt"), sourcedir, chain)
        elif system == "meson" and step == "configure":
            self.push("meson", _join(sourcedir, "meson.build"), chain)
        elif system in ("pybuild", "python_distutils") and step in ("configure", "build", "install", "clean"):
            self.mark_file(_join(sourcedir, "setup.py"), chain)
        elif system in ("perl_makemaker", "perl_build") and step == "configure":
            for name in ("Makefile.PL", "Build.PL"):
                self.mark_file(_join(sourcedir, name), chain)

    def detect_buildsystem(self, sourcedir: str) -> str | None:
        """Return the build system dh would pick for SOURCEDIR, in debhelper's order of preference."""
        candidates = (
            ("autoconf", ("configure",)), ("perl_build", ("Build.PL",)), ("perl_makemaker", ("Makefile.PL",)),
            ("makefile", MAKEFILE_NAMES), ("pybuild", ("setup.py", "pyproject.toml")),
            ("cmake", ("CMakeLists.txt",)), ("meson", ("meson.build",)),
        )
        for system, names in candidates:
            if any(self.is_file(_join(sourcedir, name)) for name in names):
                return system
        return None

    def make_step(self, step: str, sourcedir: str, system: str, arguments: tuple, chain: tuple) -> None:
        makefile = self.find_makefile(sourcedir)
        if makefile is None or step == "configure":
            return
        parsed = self.makefile(makefile)
        if parsed is None:
            return
        targets = [w for w in arguments if "=" not in w and not w.startswith("-")]
        if system == "autoconf":
            targets = list(AUTOMAKE_HOOKS[step]) + targets
        elif not targets and step == "build":
            targets = [parsed.default_target] if parsed.default_target else []
        elif not targets:
            existing = [t for t in MAKE_STEP_TARGETS[step] if parsed.has_target(t)]
            targets = existing if step == "install" else existing[:1]
        self.make(makefile, targets, sourcedir, chain)

    def make(self, makefile: str, targets, cwd: str, chain: tuple) -> None:
        parsed = self.makefile(makefile)
        if parsed is None:
            return
        self.mark_top_level(parsed, chain)
        if not targets and parsed.default_target:
            targets = [parsed.default_target]
        for target in targets:
            self.push("make", makefile, target, cwd, chain + (f"{makefile} {target}",))
        for subdir in _automake_subdirs(parsed):
            sub = self.find_makefile(_join(posixpath.dirname(makefile) or ".", subdir))
            if sub and posixpath.basename(sub) == "Makefile.am":
                self.make(sub, targets, _join(cwd, subdir), chain)

    # Make targets

    def visit_make(self, makefile: str, target: str, cwd: str, chain: tuple) -> None:
        parsed = self.makefile(makefile)
        if parsed is None:
            return
        for rule in parsed.rules_for(target):
            for prerequisite_text in expand(rule.prerequisites, parsed.variables):
                for prerequisite in prerequisite_text.split():
                    self.push("make", makefile, prerequisite, cwd, chain + (f"{makefile} {prerequisite}",))
            for number, line in rule.recipe:
                self.reach.lines.setdefault(makefile, {}).setdefault(number, chain)
                for text in expand(line, parsed.variables):
                    self.run_line(text, cwd, chain, makefile)

    def run_line(self, text: str, cwd: str, chain: tuple, origin: str) -> None:
        for command in commands(text, cwd):
            self.run_command(command, chain, origin)

    def run_command(self, command: Command, chain: tuple, origin: str) -> None:
        words = command.words
        program = posixpath.basename(words[0])
        if program in ("make", "gmake"):
            self.run_make(words[1:], command.cwd, chain)
        elif program.startswith("dh_auto_") and program[8:] in DH_STEPS:
            options = self.dh.merged(words[1:])
            arguments = tuple(words[words.index("--") + 1 :]) if "--" in words else ()
            self.push("dh_auto", program[8:], options.sourcedir, options.buildsystem or "", arguments, chain + (program,))
        elif program == "cmake":
            source = next((w[2:] or "" for w in words[1:] if w.startswith("-S")), None)
            source = source or next((w for w in words[1:] if not w.startswith("-")), ".")
            directory = _join(command.cwd, source)
            self.push("cmake", _join(directory, "CMakeLists.txt"), directory, chain)
        else:
            script = self.script_in(words, command.cwd, origin)
            if script is not None:
                self.push("script", script, command.cwd, chain + (script,))

    def run_make(self, arguments, cwd: str, chain: tuple) -> None:
        arguments = list(arguments)
        directory, makefile, targets = cwd, None, []
        index = 0
        while index < len(arguments):
            word = arguments[index]
            if word in ("-C", "--directory") and index + 1 < len(arguments):
                directory = _join(directory, arguments[index + 1])
                index += 1
            elif word.startswith("-C") and len(word) > 2:
                directory = _join(directory, word[2:])
            elif word in ("-f", "--file", "--makefile") and index + 1 < len(arguments):
                makefile = arguments[index + 1]
                index += 1
            elif not word.startswith("-") and "=" not in word and not word.isdigit():
                targets.append(word)
            index += 1
        path = _join(directory, makefile) if makefile else self.find_makefile(directory)
        if path is not None and self.is_file(path):
            self.make(path, targets, directory, chain)

    def script_in(self, words, cwd: str, origin: str) -> str | None:
        return script_in(self.package, words, cwd, origin)

    # Whole files

    def visit_script(self, path: str, cwd: str, chain: tuple) -> None:
        self.mark_file(path, chain)
        text = self.text(path)
        if text is None or not _is_shell(path, text):
            return
        for _, line in _logical_lines(text):
            if line.lstrip().startswith("#"):
                continue
            for command in commands(line, cwd):
                script = self.script_in(command.words, cwd, path)
                if script is not None and script != path:
                    self.push("script", script, cwd, chain + (script,))

    def visit_cmake(self, path: str, source_dir: str, chain: tuple) -> None:
        """Walk a CMake file; SOURCE_DIR is the directory of the CMakeLists.txt being processed."""
        text = self.text(path)
        if text is None:
            return
        self.mark_file(path, chain)
        top = self.dh.sourcedir
        variables = _cmake_directories(posixpath.dirname(path) or ".", source_dir, top)
        for match in CMAKE_SUBDIRECTORY.finditer(text):
            sub = _join(source_dir, _cmake_substitute(match.group(1), variables))
            self.push("cmake", _join(sub, "CMakeLists.txt"), sub, chain + (sub,))
        for match in CMAKE_INCLUDE.finditer(text):
            for included in self.cmake_include(_cmake_substitute(match.group(1), variables), source_dir):
                self.push("cmake", included, source_dir, chain + (included,))
        for match in CMAKE_COMMAND.finditer(text):
            self.run_line(_cmake_substitute(match.group(1), variables), ".", chain, path)

    def cmake_include(self, argument: str, source_dir: str) -> list[str]:
        """Return the package files an include() names: a path, or a module found by name."""
        if argument.endswith(".cmake"):
            path = _join(source_dir, argument)
            return [path] if self.is_file(path) else []
        suffix = "/" + argument + ".cmake"
        return sorted(p for p in self.package.files if p.endswith(suffix) and self.is_file(p))[:1]

    def visit_meson(self, path: str, chain: tuple) -> None:
        text = self.text(path)
        if text is None:
            return
        self.mark_file(path, chain)
        here = posixpath.dirname(path) or "."
        for match in MESON_SUBDIR.finditer(text):
            self.push("meson", _join(_join(here, match.group(1)), "meson.build"), chain)

    def mark_file(self, path: str, chain: tuple) -> None:
        if self.is_file(path):
            self.reach.files.setdefault(path, chain)

    def mark_top_level(self, parsed: Makefile, chain: tuple) -> None:
        """Mark the lines outside recipes, which make reads (and runs $(shell) in) whenever it loads the file."""
        recipe_lines = {number for rule in parsed.rules for number, _ in rule.recipe}
        text = self.text(parsed.path) or ""
        lines = self.reach.lines.setdefault(parsed.path, {})
        for number, line in _logical_lines(text):
            if number not in recipe_lines and not line.startswith("\t"):
                lines.setdefault(number, chain)


def script_in(package, words, cwd: str, origin: str) -> str | None:
    """Return the package script a command runs, directly or through an interpreter.

    A relative path is looked up from the command's directory, then from
    the directory of ORIGIN, the file the command is written in.
    """
    candidates = []
    if INTERPRETERS.match(posixpath.basename(words[0])):
        candidates = [w for w in words[1:] if not w.startswith("-")][:1]
    elif "/" in words[0]:
        candidates = [words[0]]
    for candidate in candidates:
        for base in (cwd, posixpath.dirname(origin) or "."):
            path = _join(base, candidate)
            if package.is_file(path):
                return path
    return None


def _cmake_directories(list_dir: str, source_dir: str, top: str) -> dict[str, str]:
    """Return the CMake variables that name source directories, as package paths."""
    return {
        "CMAKE_CURRENT_LIST_DIR": list_dir,
        "CMAKE_CURRENT_SOURCE_DIR": source_dir,
        "CMAKE_SOURCE_DIR": top,
        "PROJECT_SOURCE_DIR": top,
    }


def _cmake_substitute(text: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        text = text.replace("${" + name + "}/", "" if value == "." else value + "/")
        text = text.replace("${" + name + "}", value)
    return text


def _automake_subdirs(parsed: Makefile) -> list[str]:
    if posixpath.basename(parsed.path) != "Makefile.am":
        return []
    return [d for value in parsed.variables.get("SUBDIRS", []) for d in value.split() if d != "." and "$" not in d]


def _is_shell(path: str, text: str) -> bool:
    return path.endswith((".sh", ".bash")) or bool(re.match(r"#!.*\b(ba|da|k|z)?sh\b", text[:100]))


@functools.lru_cache(maxsize=256)
def _parsed_makefile(path: str, text: str) -> Makefile:
    return parse_makefile(path, text)


def script_calls(package) -> list[ScriptCall]:
    """Return every recipe line of every Makefile of the package that runs a package script."""
    calls = []
    for path in package.text_files():
        name = posixpath.basename(path)
        if path != "debian/rules" and name not in MAKEFILE_NAMES + ("Makefile.am",) and not name.endswith(".mk"):
            continue
        parsed = _parsed_makefile(path, package.text(path) or "")
        cwd = posixpath.dirname(path) if path != "debian/rules" else "."
        for rule in parsed.rules:
            for number, line in rule.recipe:
                for text in expand(line, parsed.variables)[:1]:
                    for command in commands(text, cwd or "."):
                        script = script_in(package, command.words, command.cwd, path)
                        if script is not None:
                            calls.append(ScriptCall(path=path, line=number, target=rule.targets[0], script=script))
    return calls


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def build_reach(package) -> BuildReach:
    """Return what the Debian build of PACKAGE runs, computed once per package."""
    cached = _CACHE.get(package)
    if cached is None:
        cached = _Walker(package).run()
        _CACHE[package] = cached
    return cached
