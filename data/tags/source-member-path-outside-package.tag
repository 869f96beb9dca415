Tag: source-member-path-outside-package
Severity: error
Check: source/members
Explanation: A tarball of the source package contains a member whose name
 contains "..", so unpacking it could write outside the unpacked source
 tree.
 .
 dl-lint never unpacks to disk and does not read such members. Rebuild the
 tarball with plain relative member names.
