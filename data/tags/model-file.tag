Tag: model-file
Severity: info
Check: models/inventory
Explanation: The package contains a trained machine-learning model in the
 format named in the context, with its size and, where the format can be
 read without running anything, its tensor and parameter counts.
 .
 Under the Debian Deep Learning Team's Machine Learning Policy a trained
 model is judged by the licence of the model, of its training data and of
 its training program. dl-lint reports the model here and its category in
 a separate classification hint.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
