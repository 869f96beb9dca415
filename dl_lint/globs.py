"""Glob patterns of debian/copyright, debian/ml-models and override contexts.

Globs are compiled with fnmatch.translate, whose patterns use atomic
groups (Python 3.11 and later), so a glob with many stars runs in time
linear in the text.  A naive translation of "*" to ".*" backtracks
exponentially on a crafted glob such as "*a*a*a*a*b".
"""

from __future__ import annotations

import fnmatch
import functools
import re


def _escape_brackets(glob: str) -> str:
    # DEP-5 and lintian have no character classes: "[" is an ordinary character.
    return glob.replace("[", "[[]")


@functools.lru_cache(maxsize=4096)
def dep5_regex(glob: str, *, directories: bool = False) -> re.Pattern[str]:
    """Compile a DEP-5 Files glob: "*" matches any text including "/", "?" one character.

    With DIRECTORIES, a glob naming a directory also matches the files below it.
    """
    glob = glob.strip()
    if glob.startswith("./"):
        glob = glob[2:]
    pattern = fnmatch.translate(_escape_brackets(glob))
    if directories:
        pattern = f"(?:{pattern[:-2]})(?:/.*)?\\Z" if pattern.endswith("\\Z") else pattern
    return re.compile(pattern)


@functools.lru_cache(maxsize=4096)
def override_regex(context: str) -> re.Pattern[str]:
    """Compile a lintian override context: "*" matches any text, a backslash escapes the next character."""
    parts = []
    index = 0
    while index < len(context):
        char = context[index]
        if char == "\\" and index + 1 < len(context):
            escaped = context[index + 1]
            parts.append(f"[{escaped}]" if escaped in "*?[" else escaped)
            index += 2
            continue
        if char == "?":
            parts.append("[?]")
        elif char == "[":
            parts.append("[[]")
        else:
            parts.append(char)
        index += 1
    return re.compile(fnmatch.translate("".join(parts)))
