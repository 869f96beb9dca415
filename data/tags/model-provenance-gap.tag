Tag: model-provenance-gap
Severity: info
Check: policy/classification
Explanation: A question about the model's provenance (licence, training data or
 training program) has no satisfying answer, but the chosen profile does
 not weigh that question for this kind of model: model-like data under the
 default profile, or training data and program under archive-practice. The
 context names the gap.
 .
 The finding is reported so that a later review, or a stricter profile,
 starts from the evidence. Declaring the missing facts in debian/ml-models
 closes the gap.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
