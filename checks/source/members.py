"""Report damaged or hostile entries of the source package itself.

Reads the defects the engine recorded while reading the tree or the
tarballs: absolute and parent-relative member paths, symbolic links that
leave the package, unreadable tarballs and members, checksum mismatches
against the .dsc.  dl-lint never follows such links nor writes members out.
"""

from __future__ import annotations


def run(package, hints) -> None:
    for problem in package.problems:
        hints.emit(problem.tag, problem.context, path=problem.path or None)
