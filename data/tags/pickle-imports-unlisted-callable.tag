Tag: pickle-imports-unlisted-callable
Severity: warning
Check: models/inspection
Explanation: The pickle stream of this model file imports a callable that
 is not on dl-lint's list of callables known to only rebuild data, such as
 containers, NumPy arrays and PyTorch tensors. The context names it, or
 says that the target could not be resolved from the file.
 .
 Loading the file with pickle, torch.load or joblib.load calls it, and
 imports its module. Most such imports are the model's own classes (for
 example a scikit-learn estimator), which run the code of that library.
 Check that the import is expected. A format that stores tensors only, such
 as safetensors or ONNX, avoids the question. The list of known callables
 is data/pickle-safe-imports.
See-Also: https://docs.python.org/3/library/pickle.html
