Tag: retrain-command-missing
Severity: info
Check: retrain
Explanation: dl-lint was asked to retrain the package's models, but no
 paragraph of debian/ml-models with a Retrain-Command covers this model, so
 its reproducibility was not attempted.
 .
 When the package contains the training data and program, declare how to
 retrain the model with the Retrain-Command, Retrain-Output and, where the
 program writes metrics per step or epoch, Retrain-Metrics fields.
