"""Report models without a free training program in the package, or needing non-free software.

Reads the training-program findings of dl_lint.provenance: debian/ml-models
(Training-Program, Training-Requires), source files that write the model or
say they trained it, Makefile targets, programs a model card names, the
usual trainer of the format, and CUDA-only training code.  ML-Policy asks
for the training program in the package (or packaged in Debian); training
that needs non-free software moves a Free model to contrib.
"""

from __future__ import annotations

from dl_lint import policy


def run(package, hints) -> None:
    for path, gap in policy.judged_gaps(package, "training-program"):
        hints.emit(gap.tag, gap.context, path=path)
