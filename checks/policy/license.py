"""Report models whose own licence is missing or not recognised.

Reads the licence findings of dl_lint.provenance (debian/ml-models,
debian/copyright, format metadata, model cards, LICENSE files) and keeps
the one of highest priority.  Under ML-Policy a model without a licence
cannot be distributed at all; a licence name dl-lint does not know leaves
the model's category undecided.  Non-free licences are not a gap here:
they decide the category, which policy/archive-area compares with the
package's archive area.
"""

from __future__ import annotations

from dl_lint import policy


def run(package, hints) -> None:
    for path, gap in policy.judged_gaps(package, "license"):
        hints.emit(gap.tag, gap.context, path=path)
