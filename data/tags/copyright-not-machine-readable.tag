Tag: copyright-not-machine-readable
Severity: info
Check: debian/copyright
Explanation: debian/copyright is not in the machine-readable format (it has no
 Format field in its first paragraph). dl-lint reads it as prose and takes
 a model's licence from a licence name near the model's file name, its
 directory or its format.
 .
 A machine-readable file with a Files paragraph for each model states the
 licence exactly; consider converting it.
See-Also: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
