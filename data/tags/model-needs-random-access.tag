Tag: model-needs-random-access
Severity: info
Check: models/inspection
Explanation: The format of this model file (HDF5, or a zip archive such as
 .npz, .keras or a PyTorch archive) can only be read with random access,
 and the file was read from a compressed tarball as a forward-only stream
 too large to buffer in memory. Its tensors, metadata and unsafe content
 were not checked.
 .
 Run dl-lint on the unpacked source tree to inspect the file.
