Tag: model-training-data-not-public
Severity: warning
Check: policy/training-data
Explanation: The model's training data is not available to the public: it was
 withdrawn, is private or undisclosed, or is licensed only to members, as
 for LDC corpora. The context names the data.
 .
 The Machine Learning Policy asks that anyone be able to obtain the
 training data, so that the model can be studied and rebuilt. A model
 trained on unavailable data is ToxicCandy and may not enter main.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
