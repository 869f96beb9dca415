Tag: retrain-curves-diverge
Severity: warning
Check: retrain
Explanation: The metrics that the Retrain-Command writes per step or epoch
 (the Retrain-Metrics file of debian/ml-models) differ between runs beyond
 the tolerance, or the runs wrote different numbers of points or columns.
 The context names the metrics file and the diverging columns.
 .
 Curves show where runs part: curves that diverge from the first step
 point to a different initialisation, curves that drift apart later to a
 varying data order or accumulated rounding. curves.png in the report
 directory draws every run and its difference from the first. Columns
 that measure the clock (time, seconds, elapsed, timestamp and the like)
 are not compared.
