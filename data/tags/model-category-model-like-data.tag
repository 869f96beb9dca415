Tag: model-category-model-like-data
Severity: classification
Check: policy/classification
Explanation: The file is model-like data: a learned artefact that predates deep
 learning, such as an HMM acoustic model, an n-gram language model, a
 boosted cascade or a dictionary with learned costs. The context summarises
 its licence, training data and training program.
 .
 The Machine Learning Policy keeps an allowlist for some such data, and
 the default profile reports it apart from neural networks, without the
 errors meant for them. The strict profile (--profile strict) judges it
 like any model. Documenting its training data and program in
 debian/ml-models still helps reviewers.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
