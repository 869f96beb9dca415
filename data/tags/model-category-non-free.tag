Tag: model-category-non-free
Severity: classification
Check: policy/classification
Explanation: Under the chosen policy profile the model is Non-free: its licence is
 not DFSG-free (the context names it), or no licence was found for it.
 .
 Under the Machine Learning Policy of the Debian Deep Learning Team a model
 under a non-free licence may enter non-free if the licence allows
 redistribution, and a model without a known licence may enter no archive
 area at all. Find the licence and state it in debian/copyright or
 debian/ml-models, or remove the model from the source package.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
