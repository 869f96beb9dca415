Tag: keras-lambda-layer
Severity: warning
Check: models/inspection
Explanation: The Keras model contains a Lambda layer, named in the context.
 A Lambda layer stores its function as marshalled Python bytecode, which
 Keras runs when it loads the model unless its safe mode blocks it.
 .
 The bytecode is not the preferred form of modification of that code, and
 loading it runs it. Replace the Lambda layer with a layer class whose
 source is in the package, and save the model again.
See-Also: https://keras.io/api/layers/core_layers/lambda/
