Tag: model-like-data-file
Severity: info
Check: models/inventory
Explanation: The package contains learned data that predates neural
 networks, such as a hidden Markov acoustic model, an n-gram language model
 or a boosted cascade classifier.
 .
 The Machine Learning Policy calls this model-like data. It was produced
 from training data by a training program, like any model, but profiles may
 treat it more leniently than a neural network.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
