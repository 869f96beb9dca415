Tag: model-training-requires-non-free-software
Severity: warning
Check: policy/training-program
Explanation: Training the model needs non-free software: the context names it and
 where that was seen, either a Training-Requires field of debian/ml-models
 or training code that runs only on CUDA.
 .
 The Machine Learning Policy places a Free model whose training needs
 non-free software in contrib, not main, as for any program that needs
 non-free software to build. Provide a CPU code path or move the package to
 contrib.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
