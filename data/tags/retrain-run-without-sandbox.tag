Tag: retrain-run-without-sandbox
Severity: warning
Check: retrain
Explanation: The user passed --allow-no-sandbox and bwrap could not isolate
 the retrain commands (the context gives the reason), so they ran with the
 user's full rights: with network access and able to write anywhere the
 user may. Resource limits, the scrubbed environment and a fresh copy of
 the package still applied. Results that depend on the network are not
 evidence of reproducibility.
