Tag: source-file-unreadable
Severity: error
Check: source/members
Explanation: A file of the source package could not be read, because of a
 permission problem or damaged data, so no check saw its content.
 .
 Make the file readable, or repair the tarball it comes from.
