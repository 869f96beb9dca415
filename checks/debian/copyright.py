"""Report defects of debian/copyright that hide a model's licence.

Reads debian/copyright as dl_lint.copyright parses it: lines that are not
deb822 fields, duplicate fields, Files paragraphs without a License; each
with its line, while the rest of the file is still used.  For a package
with models, a copyright file that is not machine-readable (DEP-5) is
noted too, because dl-lint then has to find licences in its prose.
"""

from __future__ import annotations

from dl_lint import copyright as dep5
from dl_lint import provenance


def run(package, hints) -> None:
    parsed = provenance.copyright_file(package)
    if parsed is None:
        return

    for defect in parsed.defects:
        hints.emit(defect.tag, defect.context, path=dep5.PATH, line=defect.line)
    if not parsed.machine_readable and any(model.is_model for model in package.models):
        hints.emit("copyright-not-machine-readable", "", path=dep5.PATH)
