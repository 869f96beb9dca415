Tag: model-file-truncated
Severity: warning
Check: models/inspection
Explanation: The model file ends before the end its own structure declares:
 a header, a length-prefixed field, a pickle stream or the tensor data runs
 past the last byte. The context gives the offset where the data ran out.
 .
 A truncated model cannot be loaded, and dl-lint could not check the rest
 of it. This often comes from an interrupted download or a Git LFS file
 that was never fetched. Replace the file with a complete copy from
 upstream.
