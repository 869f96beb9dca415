Tag: model-training-data-license-unknown
Severity: warning
Check: policy/training-data
Explanation: The model was trained on data whose licence dl-lint could not determine:
 a dataset that states no licence, or one named without its terms. The
 context names the dataset.
 .
 Under the Machine Learning Policy only training data under a DFSG-free
 licence makes a Free model. Find the dataset's licence and declare it in
 the Training-Data-License field of debian/ml-models; until then the model
 is ToxicCandy.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
