Tag: source-member-absolute-path
Severity: error
Check: source/members
Explanation: A tarball of the source package contains a member whose name
 is an absolute path. Unpacking it with a careless tool would write outside
 the unpacked source tree.
 .
 dl-lint never unpacks to disk and does not read such members. Rebuild the
 tarball with relative member names.
