Tag: dl-lint-override-unknown-tag
Severity: warning
Check: dl-lint
Explanation: debian/source/dl-lint-overrides overrides a tag that dl-lint
 does not have. It may have been renamed, or the line has a typing error.
 .
 Overrides of lintian's own tags belong in debian/source/lintian-overrides.
