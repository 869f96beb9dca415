Tag: copyright-syntax-error
Severity: warning
Check: debian/copyright
Explanation: A line of debian/copyright is not a deb822 field, a continuation line
 has no field to continue, or a paragraph has neither Files nor License.
 The context quotes the line.
 .
 dl-lint skips the line and reads the rest of the file, but the licence of
 a model may be the one lost. Fix the syntax as the machine-readable
 copyright format describes.
See-Also: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
