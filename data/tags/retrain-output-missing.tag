Tag: retrain-output-missing
Severity: error
Check: retrain
Explanation: The Retrain-Command of debian/ml-models exited successfully
 but did not write the file named by Retrain-Output (a regular file, not a
 symbolic link). dl-lint removes that file from each copy of the package
 before the command runs, so a shipped file left in place does not count.
 .
 Make the command write its model to the {output} placeholder or to the
 Retrain-Output path.
