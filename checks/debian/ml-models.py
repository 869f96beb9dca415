"""Validate debian/ml-models, the maintainer's declaration of model provenance.

Reads the parsed file (syntax, unknown or duplicate fields, invalid values,
missing Files) and matches its Files globs against the package.  What the
declarations mean for each model is judged by the policy checks.
"""

from __future__ import annotations

from dl_lint import mlmodels


def run(package, hints) -> None:
    declarations, defects = package.ml_models
    for defect in defects:
        hints.emit(defect.tag, defect.context, path=mlmodels.PATH, line=defect.line)

    for declaration in declarations:
        if declaration.get("Fetched-From"):
            continue  # Files names where a downloaded model lands, not a package file
        for glob in declaration.files:
            pattern = mlmodels.glob_to_regex(glob)
            if not any(pattern.match(path) for path in package.files):
                hints.emit("ml-models-files-match-nothing", glob, path=mlmodels.PATH, line=declaration.field_lines["Files"])
