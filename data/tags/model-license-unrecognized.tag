Tag: model-license-unrecognized
Severity: warning
Check: policy/license
Explanation: The model's licence, as the context quotes it with the file and line it
 comes from, is not in dl-lint's licence table, so its DFSG status is
 unknown and the model is judged as if it had no known licence.
 .
 Use the SPDX identifier or the Debian short name of the licence in
 debian/copyright or debian/ml-models. If the licence is genuinely new,
 it needs a review against the DFSG before the model can be classified.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
