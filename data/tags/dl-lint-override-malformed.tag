Tag: dl-lint-override-malformed
Severity: warning
Check: dl-lint
Explanation: A line of debian/source/lintian-overrides or
 debian/source/dl-lint-overrides does not follow lintian's override syntax,
 "[source-name source: ]tag [context]", so it overrides nothing.
See-Also: lintian(1)
