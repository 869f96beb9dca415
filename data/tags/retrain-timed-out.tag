Tag: retrain-timed-out
Severity: error
Check: retrain
Explanation: A run of the Retrain-Command of debian/ml-models did not finish
 within its time limit and was killed. The limit is the smaller of the
 Retrain-Timeout field and the --retrain-timeout option, and 600 seconds
 when neither is given; the context gives the limit that applied.
 .
 Declare a realistic Retrain-Timeout, or give a longer --retrain-timeout
 when retraining on a faster or more patient machine.
