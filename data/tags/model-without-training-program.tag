Tag: model-without-training-program
Severity: warning
Check: policy/training-program
Explanation: The program that trained the model is not in the package: either none
 was found, or the one named (in the context) lives in another project.
 dl-lint looks at debian/ml-models, source files that write the model or
 say they trained it, Makefile targets, model cards and the usual trainer
 of the model's format.
 .
 Under the Machine Learning Policy a model is Free only when its training
 program is in the package or packaged in Debian. Add the training code
 (debian/missing-sources/ counts) or name the Debian package that provides
 it in the Training-Program field of debian/ml-models.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
