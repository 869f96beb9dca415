Tag: possible-model-file
Severity: info
Check: models/inventory
Explanation: This large binary file has no known format and high entropy,
 as stored model weights often have. dl-lint cannot tell whether it is a
 trained model.
 .
 If it is a model, declare it in debian/ml-models so that its provenance
 can be checked. If it is not, override this hint with a comment saying
 what the file is.
