Tag: model-download-outside-debian-build
Severity: info
Check: models/fetched
Explanation: A script, Makefile target, test, example, CI job or download
 manifest of the package downloads the model or dataset named in the
 context, but the Debian build does not run it: dl-lint followed
 debian/rules, the dh build-system steps, the Makefile targets they make and
 the scripts those run, and did not reach this line.
 .
 Such a path shows where upstream gets a model. Under the Machine Learning
 Policy that model is judged like a shipped one when it is shipped, and if
 the package needs it but does not ship it, users have to fetch it from
 outside the archive.
 .
 Nothing needs to change for the build. Check that the model the path
 downloads is either shipped (and declared in debian/ml-models) or not
 needed, and that no Debian patch makes the build run the path.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
