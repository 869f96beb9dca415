Tag: ml-models-invalid-value
Severity: error
Check: debian/ml-models
Explanation: A field of debian/ml-models has an empty or invalid value:
 a choice outside its allowed values, a Tolerance that is not
 "rtol=X atol=Y", or a command spread over several lines. The context names
 the field and what was expected.
