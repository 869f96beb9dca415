"""Retrain declared models in a sandbox and compare the runs (dl-lint --retrain).

``runner.retrain_source`` lints a package, retrains every model whose
debian/ml-models paragraph has a Retrain-Command, and adds the retrain
hints.  ``runner.retrain_package`` does the retraining alone and returns a
``RetrainReport``.  The modules: sandbox (copies, isolation, limits),
compare (levels, tolerance, tensors), curves (metrics per step), report and
plots (text, JSON, PNG).
"""
