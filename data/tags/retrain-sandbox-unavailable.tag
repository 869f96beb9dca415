Tag: retrain-sandbox-unavailable
Severity: error
Check: retrain
Explanation: Retraining runs the package's own commands, and dl-lint runs
 them only inside a bubblewrap sandbox (no network, the whole file system
 read-only but the run's copy of the package). bwrap is missing or cannot
 create its namespaces here; the context gives the reason. Nothing was run.
 .
 Install the bubblewrap package and allow unprivileged user namespaces, or,
 for a package you trust, pass --allow-no-sandbox.
