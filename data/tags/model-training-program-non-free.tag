Tag: model-training-program-non-free
Severity: warning
Check: policy/training-program
Explanation: The model's training program is available, but under a non-free
 licence (the context names it).
 .
 Under the Machine Learning Policy the training program must be free for
 the model to be Free; otherwise the model is ToxicCandy. Use a free
 trainer or move the model to non-free.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
