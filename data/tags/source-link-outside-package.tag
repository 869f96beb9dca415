Tag: source-link-outside-package
Severity: warning
Check: source/members
Explanation: A symbolic or hard link in the source package points outside
 the package, by an absolute target or by "..". Tools that follow it read
 or write files that are not part of the package.
 .
 dl-lint does not follow links. Replace the link with the file it stands
 for, or point it inside the package.
