Tag: model-without-training-data
Severity: warning
Check: policy/training-data
Explanation: Nothing names the data the model was trained on: no Training-Data field
 in debian/ml-models, no dataset in its model card, in debian/ documents or
 in debian/copyright, no data file read by a training program linked to it.
 .
 Under the Machine Learning Policy a model whose training data is unknown
 is ToxicCandy and may not enter main. Find out from upstream what the
 model was trained on and declare it with Training-Data and
 Training-Data-License in debian/ml-models.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
