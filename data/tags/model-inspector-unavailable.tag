Tag: model-inspector-unavailable
Severity: warning
Check: models/inspection
Explanation: dl-lint recognised the format of this model file but the
 Python module it needs to read the format's metadata is not installed, so
 tensors, metadata and unsafe content were not checked.
 .
 Install the Debian package named in the context and run dl-lint again.
