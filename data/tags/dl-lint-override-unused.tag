Tag: dl-lint-override-unused
Severity: info
Check: dl-lint
Explanation: An override in debian/source/lintian-overrides or
 debian/source/dl-lint-overrides matched no hint that dl-lint emitted.
 .
 The problem it silenced may be gone, or the context no longer matches.
 Remove the override or adjust its context.
