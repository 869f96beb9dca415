Tag: retrain-not-reproducible
Severity: warning
Check: retrain
Explanation: dl-lint ran the model's Retrain-Command from debian/ml-models
 several times, each in a fresh sandboxed copy of the package, and the runs
 disagree: some tensor or metric point is outside the tolerance, tensors
 appear, vanish or change shape or dtype, or the files differ in a format
 whose tensors dl-lint cannot read. The context says which.
 .
 A model that cannot be trained again to the same numbers cannot be
 checked against its training data and program. Common causes are an
 unseeded random generator (weights, data order, dropout), a seed taken
 from the clock, or non-deterministic library kernels. Fix the seeds, or
 declare the observed level in the Reproducibility field.
