Tag: model-download-in-debian-build
Severity: error
Check: models/fetched
Explanation: A step of the Debian build downloads the model or dataset named
 in the context. dl-lint followed debian/rules to this line: the dh
 build-system steps, the Makefile targets they make and the scripts those
 run.
 .
 Debian packages must build without network access, and a model that the
 build downloads is not in the source package, so nobody can check its
 licence, its training data or its training program as the Machine Learning
 Policy asks. The build fails on the buildds or, worse, ships a different
 model each time.
 .
 Ship the model in the source package (in an extra orig tarball if it is
 large) and make the build use it, or drop the download from the build (a
 patch or an override target in debian/rules). If the step checks for the
 file before downloading, shipping the file is enough.
 .
 The analysis is static: it counts every branch of make conditionals, so a
 download in a branch that no Debian architecture takes is also reported.
See-Also: Debian Policy 4.9, https://salsa.debian.org/deeplearning-team/ml-policy
