Tag: source-checksum-mismatch
Severity: error
Check: source/members
Explanation: The checksum of a file named by the .dsc differs from the one
 the .dsc records. The file may be damaged or replaced.
 .
 Fetch the file again or regenerate the .dsc with dpkg-source.
