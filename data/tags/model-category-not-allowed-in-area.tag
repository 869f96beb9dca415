Tag: model-category-not-allowed-in-area
Severity: error
Check: policy/archive-area
Explanation: The package's archive area (from the Section field of debian/control)
 is not one the model's category may enter under the chosen profile. The
 context gives the category, the area and the areas allowed.
 .
 Under the Machine Learning Policy of the Debian Deep Learning Team a
 ToxicCandy model never enters main, a Non-free model enters only non-free
 and only if its licence allows redistribution, and a Free model whose
 training needs non-free software belongs in contrib. Move the package (or
 the model, in a separate source package) to an allowed area, or remove the
 model from the source with a +ds repack.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
