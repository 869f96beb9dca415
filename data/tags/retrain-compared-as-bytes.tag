Tag: retrain-compared-as-bytes
Severity: info
Check: retrain
Explanation: dl-lint reads the tensors of NumPy, safetensors, ONNX and HDF5
 files without running code. The retrained model is in another format (the
 context names it), so its runs were compared as bytes only: identical
 bytes are bit-by-bit reproducible, and any other difference counts as not
 reproducible, because it cannot be measured against a tolerance. Pickled
 formats (PyTorch, joblib) are never unpickled to compare them.
