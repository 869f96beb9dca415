Tag: ml-models-syntax-error
Severity: error
Check: debian/ml-models
Explanation: A line of debian/ml-models is neither a "Field: value" line
 nor a continuation line starting with a space, so it was ignored. The
 file uses deb822 syntax, like debian/copyright.
See-Also: deb822(5)
