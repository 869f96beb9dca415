Tag: control-syntax-error
Severity: warning
Check: debian/control
Explanation: A line of debian/control is not a deb822 field, or a continuation line
 has no field to continue. The context quotes the line.
 .
 dl-lint skips the line and reads the rest, but the Section field that
 gives the package's archive area may be the one lost.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
