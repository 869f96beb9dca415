Tag: control-duplicate-field
Severity: warning
Check: debian/control
Explanation: A paragraph of debian/control has the same field twice (named in the
 context); the second one is ignored.
 .
 If it is the Section field, the archive area dl-lint compares with the
 models' categories may be the wrong one.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
