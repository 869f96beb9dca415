Tag: model-download-in-debian-build-uses-shipped-file
Severity: info
Check: models/fetched
Explanation: A step of the Debian build can download the model named in the
 context, but it first checks whether the file is present, and the package
 ships a file of the name the download writes. Where that name carries a
 digest of the file, the shipped file has that digest, so a step that
 validates the file by its name keeps it and does not download.
 .
 Nothing needs to change while the shipped file stays valid. If the file is
 updated without renaming it, the step will find the digest wrong, delete the
 file and download again during the build; dl-lint then reports
 model-download-in-debian-build and model-checksum-mismatch.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
