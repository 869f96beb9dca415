Tag: retrain-reproducible-numerically
Severity: info
Check: retrain
Explanation: dl-lint ran the model's Retrain-Command from debian/ml-models
 several times, each in a fresh sandboxed copy of the package. The model
 files differ in their bytes, but every tensor of every run agrees with
 the first run within the tolerance (the Tolerance field, or rtol=1e-5
 atol=1e-8 without one), and so do the metric curves and final metrics.
 .
 Numerical reproducibility is what can be asked of training that adds
 floating-point numbers in a varying order (parallel reductions, GPU
 kernels). The report lists the largest absolute and relative difference
 of every tensor.
