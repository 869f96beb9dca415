Tag: retrain-differs-from-shipped
Severity: warning
Check: retrain
Explanation: The model file the package ships differs from the model the
 package's own Retrain-Command trained from the package's own data, beyond
 the tolerance.
 .
 Under the Machine Learning Policy a model is free software only when its
 training data and program are available and free; if they do not produce
 the shipped model, the shipped model was made some other way (other data,
 other code, other settings) and its provenance is not what debian/ml-models
 declares. Rebuild the shipped file with the declared command, or declare
 what it was really trained from.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
