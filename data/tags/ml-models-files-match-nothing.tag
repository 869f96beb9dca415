Tag: ml-models-files-match-nothing
Severity: warning
Check: debian/ml-models
Explanation: A Files glob of debian/ml-models matches no file of the source
 package, so the declaration describes nothing. The model may have been
 renamed or removed, or the glob has a typing error.
