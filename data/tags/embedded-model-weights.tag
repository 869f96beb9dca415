Tag: embedded-model-weights
Severity: info
Check: models/inventory
Explanation: This C or C++ source file consists mostly of large numeric
 arrays that hold the parameters of a trained model, typically written by a
 script from a training checkpoint, or of long string literals that encode
 a serialized model (for example base64 data that the program decodes into
 a detector). The context gives the number of arrays and of values, or of
 string bytes.
 .
 Weights compiled into a program are still a trained model: the policy
 asks for their training data and training program like for a model file.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
