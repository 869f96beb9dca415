Tag: model-download-at-run-time
Severity: warning
Check: models/fetched
Explanation: Installed program code of the package downloads the model or
 dataset named in the context when it runs, so the software depends on a
 model that is not in the Debian archive.
 .
 Under the Machine Learning Policy, software in main that needs a model from
 outside main belongs in contrib. It may stay in main when the model is
 optional: the software works without it and at most Suggests it.
 .
 Ship the model in a package of its own, disable the download (a patch),
 move the package to contrib, or, when the software works without the
 model, declare the download in debian/ml-models with Fetched-From (the URL
 or hub name, globs allowed), Fetched-License and Fetched-Optional (why the
 software works without it); a declared optional download is not reported.
 The Files field of such a paragraph names where the model lands at run
 time.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
