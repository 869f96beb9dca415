Tag: tensor-container-file
Severity: info
Check: models/inventory
Explanation: This file is in a generic array or object storage format
 (NumPy, HDF5, pickle, safetensors) that often holds model weights, but
 dl-lint found no model structure in it.
 .
 It may be test data or a dataset. If it holds trained parameters,
 declare it in debian/ml-models.
