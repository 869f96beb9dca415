Tag: onnx-external-data
Severity: info
Check: models/inspection
Explanation: Tensors of this ONNX model keep their data in another file,
 whose location relative to the model is given in the context. The model
 cannot be loaded without that file.
 .
 dl-lint never opens external data. Make sure the file is part of the
 package and covered by the same licence and provenance statements as the
 model itself.
See-Also: https://onnx.ai/onnx/repo-docs/ExternalData.html
