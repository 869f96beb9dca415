"""Report what the format inspectors found wrong or dangerous in model files.

Reads each inventory record's inspection problem (truncated, corrupt,
oversized headers, inspection impossible) and the problems the inspector
recorded while reading (code-executing pickle imports, Keras Lambda
layers, external data).  The model list itself is models/inventory's.
"""

from __future__ import annotations


def run(package, hints) -> None:
    for model in package.models:
        if model.problem is not None:
            tag, message = model.problem
            hints.emit(tag, message, path=model.path)
        if model.details is None:
            continue
        seen = set()
        for tag, context in model.details.problems:
            if (tag, context) in seen:
                continue
            seen.add((tag, context))
            hints.emit(tag, context, path=model.path)
