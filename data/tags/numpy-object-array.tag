Tag: numpy-object-array
Severity: warning
Check: models/inspection
Explanation: The NumPy array named in the context has an object dtype, so
 the .npy file or .npz member stores it as a pickle. numpy.load opens it
 only with allow_pickle=True, which runs whatever the pickle imports.
 .
 dl-lint walks the pickle without loading it and reports its imports
 separately. Store the data as arrays of a numeric or string dtype instead.
See-Also: https://numpy.org/doc/stable/reference/generated/numpy.load.html
