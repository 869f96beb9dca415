Tag: model-inspection-failed
Severity: warning
Check: models/inspection
Explanation: The inspector for this model's format stopped with an
 unexpected error, so the file's tensors, metadata and unsafe content were
 not checked. The context gives the error.
 .
 This is most likely a bug in dl-lint triggered by an unusual file. Please
 report it with the output of dl-lint -vv on the package.
