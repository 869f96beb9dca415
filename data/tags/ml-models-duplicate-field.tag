Tag: ml-models-duplicate-field
Severity: error
Check: debian/ml-models
Explanation: A paragraph of debian/ml-models has the same field twice;
 only the last value is used. Merge the values into one field.
See-Also: deb822(5)
