Tag: retrain-output-undeclared
Severity: error
Check: retrain
Explanation: A paragraph of debian/ml-models has a Retrain-Command but dl-lint
 cannot tell which file it writes: there is no Retrain-Output and the Files
 field is a glob or lists several files, or Retrain-Output leaves the
 package. The model was not retrained.
 .
 Add a Retrain-Output field with the path, relative to the top of the
 package, of the file the command writes.
