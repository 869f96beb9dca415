Tag: model-category-toxiccandy
Severity: classification
Check: policy/classification
Explanation: Under the chosen policy profile the model is ToxicCandy: its own licence
 is DFSG-free, but its training data is missing, non-free, of unknown
 licence or not public, or its training program is not in the package. The
 context names the gap that decided.
 .
 The Machine Learning Policy of the Debian Deep Learning Team keeps
 ToxicCandy models out of main, because nobody can study or rebuild such a
 model from free sources. Ship it in non-free, remove it (a +ds repack with
 Files-Excluded), or document free training data and a free training
 program in debian/ml-models if they exist.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
