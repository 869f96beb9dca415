Tag: model-header-too-large
Severity: warning
Check: models/inspection
Explanation: The model file declares a size or count that is impossible for
 a file of its size or beyond what dl-lint inspects: a header length above
 the format's limit, more tensors or metadata entries than the file could
 hold, arrays or subgraphs nested too deep, a zip archive with too many
 members, or more pickle opcodes or decompressed bytes than dl-lint walks.
 The context names the value.
 .
 dl-lint stops there instead of allocating what the file asks for, so the
 rest of the file was not checked. A valid model rarely does this; the
 file may be corrupt or crafted to exhaust memory in the tools that load
 it.
