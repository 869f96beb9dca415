Tag: retrain-reproducibility-claim-not-met
Severity: error
Check: retrain
Explanation: The Reproducibility field of debian/ml-models claims a level
 (bit-by-bit or numerical) that retraining did not reach. The context gives
 the claimed and the observed level.
 .
 Either make training reproducible to the claimed level (fixed seeds,
 deterministic kernels, a fixed SOURCE_DATE_EPOCH for timestamps in the
 model file) or correct the claim.
