Tag: retrain-reproducible-bit-by-bit
Severity: info
Check: retrain
Explanation: dl-lint ran the model's Retrain-Command from debian/ml-models
 several times, each in a fresh sandboxed copy of the package, and every
 run wrote a model file with the same bytes (and metric files with the
 same values).
 .
 This is the highest level of reproducibility: anyone can check the shipped
 model against its training data and program by comparing a hash. The
 report directory holds each run's model, metrics and logs.
