Tag: model-file-corrupt
Severity: warning
Check: models/inspection
Explanation: The structure of the model file is invalid for its format,
 for example an unknown pickle opcode, a protobuf field with an invalid wire
 type, a header that is not the expected JSON or dict, or tensor offsets
 that overlap. The context says what was invalid and at which offset.
 .
 The format's own loader rejects such a file, and dl-lint could not check
 the rest of it. Check whether the file is really in the format its name
 suggests, and replace it with a valid copy from upstream.
