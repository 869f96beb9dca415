Tag: ml-models-unknown-field
Severity: warning
Check: debian/ml-models
Explanation: debian/ml-models has a field dl-lint does not know, or a known
 field spelled with different letter case. It is ignored. The README and
 dl-lint(1) list the fields: Files, License, Training-Data,
 Training-Data-License, Training-Program, Training-Program-License,
 Training-Requires, Retrain-Command, Retrain-Output, Retrain-Metrics,
 Retrain-Timeout, Reproducibility, Tolerance, Test-Fixture and Comment.
