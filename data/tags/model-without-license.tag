Tag: model-without-license
Severity: error
Check: policy/license
Explanation: No licence was found for the model: no debian/ml-models License field,
 no debian/copyright paragraph or statement naming it, no licence in its
 format metadata, model card or a LICENSE file in its directory.
 .
 A file without a licence cannot be redistributed, so under the Machine
 Learning Policy the model may enter no archive area. Find the licence
 upstream and state it in debian/copyright (a Files paragraph for the model)
 or in the License field of debian/ml-models.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
