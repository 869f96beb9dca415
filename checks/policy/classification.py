"""Classify every model under the policy profile: one classification hint each.

Reads dl_lint.policy's verdict per model (category Free, ToxicCandy,
Non-free, model-like data or test fixture, with its short reason) under
the profile chosen with --profile.  Gaps in the questions the profile
does not weigh for the model (all of them for model-like data under
ml-policy; data and program under archive-practice) are reported here as
info; the judged gaps are the warnings of policy/license,
policy/training-data and policy/training-program, and the archive area is
policy/archive-area's.
"""

from __future__ import annotations

from dl_lint import policy, provenance


def run(package, hints) -> None:
    profile = policy.load_profile(package.profile)
    classifications = policy.classify_package(package)
    records = provenance.for_package(package)

    for path, classification in sorted(classifications.items()):
        hints.emit(classification.tag, classification.context, path=path)
        if classification.kind == "fixture":
            continue
        for gap in policy.gaps(records[path], profile):
            if not profile.judges(classification.kind, gap.question):
                hints.emit("model-provenance-gap", gap.summary, path=path)
