"""Report models and datasets that the package downloads instead of shipping.

Reads the downloads that dl_lint.fetches finds in the package's text files
and decides, with dl_lint.buildgraph, where each one runs:

- a step the Debian build reaches from debian/rules: an error, because a
  build must not use the network and the archive would not contain the
  model.  It is info instead when the step first checks for the file and
  the package ships it (with the digest its name carries, if any);
- a build, test, CI or maintenance path that the Debian build does not
  use: info;
- installed program code: a warning naming the model, since software that
  needs a model from outside the archive belongs in contrib, unless
  debian/ml-models declares the download optional (Fetched-From and
  Fetched-Optional) or the package is already in contrib or non-free;
- documentation, comments and messages telling users to download: info.

Makefile recipes that run a downloading script get a hint of their own.
Digests are verified by models/checksums.
"""

from __future__ import annotations

import fnmatch
import posixpath

from dl_lint import buildgraph, fetches, fetchrules

IN_BUILD = "model-download-in-debian-build"
IN_BUILD_SHIPPED = "model-download-in-debian-build-uses-shipped-file"
OUTSIDE_BUILD = "model-download-outside-debian-build"
RUN_TIME = "model-download-at-run-time"
DOCUMENTED = "model-download-documented"
# Source sections whose packages may depend on models outside main.
OUTSIDE_MAIN = ("contrib/", "non-free/", "non-free-firmware/")


def run(package, hints) -> None:
    scan = fetches.scan_package(package)
    reach = buildgraph.build_reach(package)

    decided = {fetch: _decide(package, scan, reach, fetch) for fetch in scan.fetches}
    decided_calls = {call: _decide_call(reach, call, decided) for call in reach.calls}

    for fetch, tag in decided.items():
        if tag is not None:
            hints.emit(tag, f"{fetch.url} ({fetch.description})", path=fetch.path, line=fetch.line)
    for call, tag in decided_calls.items():
        if tag is not None:
            hints.emit(tag, f"{call.target} runs {call.script}", path=call.path, line=call.line)


def _decide(package, scan, reach, fetch) -> str | None:
    """Return the tag for one download, or None when it needs no hint."""
    if fetch.documented:
        return DOCUMENTED
    if reach.chain(fetch.path, fetch.line) is not None:
        return IN_BUILD_SHIPPED if _download_skipped(package, scan, fetch) else IN_BUILD
    if fetch.runs != "run-time":
        return OUTSIDE_BUILD
    if _declared_optional(package, fetch) or _outside_main(package):
        return None
    return RUN_TIME


def _decide_call(reach, call, decided) -> str | None:
    """Return the tag for a Makefile recipe that runs a script which downloads."""
    tags = {tag for fetch, tag in decided.items() if fetch.path == call.script and not fetch.documented and tag}
    if not tags:
        return None
    if reach.chain(call.path, call.line) is None:
        return OUTSIDE_BUILD
    return IN_BUILD_SHIPPED if tags == {IN_BUILD_SHIPPED} else IN_BUILD


def shipped_copies(package, fetch) -> list[str]:
    """Return the package files whose base name is one the download writes."""
    # NOTE: a copy anywhere in the package counts, because the directory
    # the download writes to is not known statically.
    if not fetch.names:
        return []
    return sorted(
        path for path, entry in package.files.items()
        if entry.kind == "file" and any(fnmatch.fnmatchcase(posixpath.basename(path), n) for n in fetch.names)
    )


def _download_skipped(package, scan, fetch) -> bool:
    """Return whether the build step finds a shipped copy and so does not download.

    That needs a check for the file before the download and a shipped file
    of the name the download writes.  Where the name carries a digest, the
    content must have it, because a script that validates the file by its
    name deletes a file that fails and downloads it again.
    """
    if fetch.path not in scan.guarded:
        return False
    copies = shipped_copies(package, fetch)
    if not copies:
        return False
    for path in copies:
        carried = fetchrules.name_digest(path)
        if carried is not None and not fetchrules.digest_matches(carried.digest, package.files[path].sha256):
            return False
    return True


def _declared_optional(package, fetch) -> bool:
    """Return whether debian/ml-models declares this run-time download and gives a reason it is optional."""
    for declaration in package.ml_models[0]:
        sources = declaration.items("Fetched-From")
        if any(_source_matches(source, fetch.url) for source in sources):
            return bool(declaration.get("Fetched-Optional").strip())
    return False


def _source_matches(source: str, url: str) -> bool:
    """Return whether a Fetched-From item (URL, URL glob or hub name) names URL."""
    source = source.strip()
    if not source:
        return False
    if "://" in source:
        return url == source or fnmatch.fnmatchcase(url, source)
    return url.rstrip("/").endswith("/" + source.strip("/"))


def _outside_main(package) -> bool:
    control = package.text("debian/control") or ""
    for line in control.split("\n\n", 1)[0].splitlines():
        if line.lower().startswith("section:"):
            return line.split(":", 1)[1].strip().startswith(OUTSIDE_MAIN)
    return False
