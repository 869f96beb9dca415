Tag: source-member-duplicate
Severity: warning
Check: source/members
Explanation: The source package contains two members with the same path,
 for example twice in one tarball or in two tarballs. Unpacking keeps the
 last one, which dl-lint checks; the earlier copy is ignored.
 .
 Two copies can hide content from a reviewer who reads only the first.
 Rebuild the tarball so that each path occurs once.
