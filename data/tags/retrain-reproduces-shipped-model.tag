Tag: retrain-reproduces-shipped-model
Severity: info
Check: retrain
Explanation: Retraining with the package's own data and Retrain-Command
 gave the model file the package ships, bit by bit or within the tolerance
 as the context says. The shipped model demonstrably comes from the
 declared training data and program.
