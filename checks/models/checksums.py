"""Verify model files against the sha256 digests their names or manifests carry.

Two sources of an expected digest: the file's own name, by the naming rules
of data/model-checksums (Stockfish calls each network nn-<first 12 hex
digits of its sha256>.nnue), and the digests that download scripts,
SHA256SUMS files and Metalink manifests list for a file name, as collected
by dl_lint.fetches.  The content digest is the sha256 the engine computes
while reading each file.  A manifest's digest is checked only against a
model file of the inventory or a file with a digest-carrying name.
Downloads themselves are reported by models/fetched.
"""

from __future__ import annotations

import posixpath

from dl_lint import fetches, fetchrules

MATCHES = "model-checksum-matches"
MISMATCH = "model-checksum-mismatch"
# Hex digits of a digest shown in a hint's context.
SHOWN_DIGITS = 12


def run(package, hints) -> None:
    for path in sorted(package.files):
        entry = package.files[path]
        carried = fetchrules.name_digest(path)
        if entry.kind != "file" or carried is None or carried.algorithm != "sha256" or entry.sha256 is None:
            continue
        shown = carried.digest[:SHOWN_DIGITS]
        if fetchrules.digest_matches(carried.digest, entry.sha256):
            hints.emit(MATCHES, f"sha256 {shown} in file name", path=path)
        else:
            hints.emit(MISMATCH, f"sha256 {shown} in file name, content {entry.sha256[:SHOWN_DIGITS]}", path=path)

    checked = set()
    for listed in fetches.scan_package(package).digests:
        target = _listed_file(package, listed)
        if target is None or (target, listed.path) in checked:
            continue
        checked.add((target, listed.path))
        actual = package.files[target].sha256
        where = f"{listed.path}:{listed.line}"
        if actual == listed.digest:
            hints.emit(MATCHES, f"sha256 listed in {where}", path=target)
        else:
            hints.emit(MISMATCH, f"sha256 listed in {where} is {listed.digest[:SHOWN_DIGITS]}, content {actual[:SHOWN_DIGITS]}", path=target)


def _listed_file(package, listed) -> str | None:
    """Return the model file a listed digest names, or None.

    The name is looked up beside the file that lists it, then from the top
    of the package, then as a base name that only one file of the package has.
    """
    name = listed.name.removeprefix("./")
    directory = posixpath.dirname(listed.path)
    candidates = [posixpath.normpath(posixpath.join(directory, name)), posixpath.normpath(name)]
    found = next((c for c in candidates if package.is_file(c)), None)
    if found is None:
        basename = posixpath.basename(name)
        matches = [p for p in package.files if posixpath.basename(p) == basename and package.is_file(p)]
        found = matches[0] if len(matches) == 1 else None
    if found is None or package.files[found].sha256 is None:
        return None
    if found not in package.model_paths and fetchrules.name_digest(found) is None:
        return None
    return found
