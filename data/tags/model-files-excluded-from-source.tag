Tag: model-files-excluded-from-source
Severity: info
Check: policy/triage
Explanation: debian/copyright's Files-Excluded field removes model files from the
 upstream source (the pattern is in the context, with the +ds or +dfsg
 version suffix when there is one).
 .
 This is how maintainers drop ToxicCandy or non-free models under the
 Machine Learning Policy; dl-lint notes the triage and judges the models
 that remain.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
