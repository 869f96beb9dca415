Tag: model-category-free
Severity: classification
Check: policy/classification
Explanation: Under the chosen policy profile the model is Free: its licence is
 DFSG-free, its training data is public and under a DFSG-free licence, and
 its training program is in the package (or packaged in Debian) and free.
 The context gives the category and the findings it rests on; the JSON
 output lists every reason with its evidence.
 .
 Under the Machine Learning Policy of the Debian Deep Learning Team a Free
 model may enter main, or contrib when its training needs non-free
 software. No action is needed; a declaration in debian/ml-models keeps the
 verdict stable when upstream files change.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
