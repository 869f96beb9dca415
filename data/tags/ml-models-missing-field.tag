Tag: ml-models-missing-field
Severity: error
Check: debian/ml-models
Explanation: A paragraph of debian/ml-models lacks a required field. Every
 paragraph needs Files, the globs of the model files it describes; without
 it the paragraph applies to nothing.
