Tag: copyright-disclaimer-cites-ml-policy
Severity: info
Check: policy/triage
Explanation: The Disclaimer field of debian/copyright mentions the Machine Learning
 Policy: the maintainer reviewed the package's models under it.
 .
 dl-lint still judges every model it finds; the disclaimer is a sign that
 the review's reasoning is written down in the package.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
