Tag: model-training-data-non-free
Severity: warning
Check: policy/training-data
Explanation: The model was trained on data under a non-free licence or non-free
 terms, such as a non-commercial or research-only dataset. The context
 names the dataset and its terms; the JSON output gives the file and line
 that say the model was trained on it.
 .
 Under the Machine Learning Policy a model trained on non-free data is
 ToxicCandy, whatever the licence of the model file, and may not enter
 main. Move the model to non-free, remove it from the source package, or
 use a model trained on free data.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
