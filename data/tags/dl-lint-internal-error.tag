Tag: dl-lint-internal-error
Severity: error
Check: dl-lint
Explanation: A dl-lint check failed with an unexpected error on this
 package. The other checks ran; the context names the failed check and the
 error.
 .
 This is a bug in dl-lint, not in the package. Please report it with the
 output of dl-lint -vv on the package.
