"""Report models whose training data is not named, not free or not public.

Reads the training-data findings of dl_lint.provenance: debian/ml-models,
datasets named in model cards, debian/ documents and copyright comments,
dataset names in the model's path, and data files of the package read by
a linked training program, each judged with data/datasets and
data/licenses.  ML-Policy counts a model as Free only when its training
data is public and under a DFSG-free licence; otherwise it is ToxicCandy.
"""

from __future__ import annotations

from dl_lint import policy


def run(package, hints) -> None:
    for path, gap in policy.judged_gaps(package, "training-data"):
        hints.emit(gap.tag, gap.context, path=path)
