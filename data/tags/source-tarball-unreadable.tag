Tag: source-tarball-unreadable
Severity: error
Check: source/members
Explanation: A tarball named by the .dsc is truncated or corrupt, so only
 the members before the damage were checked. The context names the tarball
 and the error.
 .
 Download or rebuild the tarball and check its checksums against the .dsc.
