Tag: onnx-external-data-outside-package
Severity: error
Check: models/inspection
Explanation: Tensors of this ONNX model keep their data in a file whose
 location is an absolute path or climbs out of the model's directory with
 "..". Loading the model reads whatever file is found at that path on the
 user's system, outside the package.
 .
 dl-lint never opens external data. Store the tensor data in the model or
 beside it, and regenerate the model with a relative location such as
 model.onnx.data.
See-Also: https://onnx.ai/onnx/repo-docs/ExternalData.html
