"""Report signs that the maintainer already reviewed the models under ML-Policy.

Reads debian/copyright's header: Files-Excluded entries that remove model
files from the upstream source (with the +ds or +dfsg version suffix that
marks such a repack) and a Disclaimer that cites ML-Policy.  These are
info: the review is done, and the models that remain are judged by the
other policy checks.
"""

from __future__ import annotations

from dl_lint import provenance


def run(package, hints) -> None:
    for note in provenance.triage(package):
        hints.emit(note.tag, note.context, path=note.path, line=note.line)
