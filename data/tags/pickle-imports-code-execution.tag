Tag: pickle-imports-code-execution
Severity: error
Check: models/inspection
Explanation: The pickle stream of this model file imports a callable that
 can run arbitrary code (for example os.system or builtins.eval) when the
 file is loaded with pickle, torch.load or joblib.load. The context names
 the callable.
 .
 Anyone who loads the file runs that code. dl-lint never loads it; it walks
 the opcodes only. Replace the file with a format that stores tensors only,
 such as safetensors or ONNX, or regenerate it from the training program.
 The list of such callables is data/pickle-dangerous-imports.
See-Also: https://docs.python.org/3/library/pickle.html
