Tag: model-download-documented
Severity: info
Check: models/fetched
Explanation: Documentation, a comment or a message printed by the package
 tells users to download the model or dataset at the URL in the context,
 for example an example program that asks for a model file and names where
 to get it.
 .
 Software that works only with such a model depends on something outside
 the archive, which under the Machine Learning Policy puts it in contrib;
 example programs and optional features may stay in main. If the package
 ships the model, check that the documentation and the shipped file agree;
 if the model is packaged separately, say so in debian/README.Debian.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
