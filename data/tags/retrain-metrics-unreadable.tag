Tag: retrain-metrics-unreadable
Severity: warning
Check: retrain
Explanation: The Retrain-Metrics file declared in debian/ml-models was not
 written by the Retrain-Command, leaves the package, or is neither CSV with
 a header line nor JSON lines of objects. The curves of the runs could not
 be compared.
 .
 Write one row (CSV) or one JSON object per line for each step or epoch,
 with a column such as "epoch" or "step" and one column per metric.
