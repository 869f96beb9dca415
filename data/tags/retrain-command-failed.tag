Tag: retrain-command-failed
Severity: error
Check: retrain
Explanation: The Retrain-Command of debian/ml-models exited with a non-zero
 status, or was killed by a signal, in the sandbox. The run's standard
 output and error are in the report directory.
 .
 The sandbox has no network, lets the command write only inside its copy
 of the package (HOME and TMPDIR are there too), limits memory and CPU
 time, and passes only PATH, HOME, TMPDIR, LANG, LC_ALL, TZ and
 SOURCE_DATE_EPOCH. A command that downloads data or writes elsewhere fails
 here; Debian Policy does not allow a package build in main to reach the
 network either. A model that cannot be trained from the package has failed
 to train from scratch, which the reproducibility levels count as not
 reproducible.
