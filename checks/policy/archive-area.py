"""Compare each model's category with the archive area of the package.

Reads the area from the Section of debian/control (main, contrib/...,
non-free/...) and the areas the profile lets each category enter: under
ML-Policy a ToxicCandy model never enters main, a Free model whose
training needs non-free software belongs in contrib, and a model whose
licence is unknown may enter no area.  Malformed debian/control is
debian/control's to report; model-like data and test fixtures are judged
only by profiles that say so.
"""

from __future__ import annotations

from dl_lint import control, policy


def run(package, hints) -> None:
    profile = policy.load_profile(package.profile)
    area, _defects = control.parse(package.text(control.PATH))
    classifications = policy.classify_package(package)

    for path, classification in sorted(classifications.items()):
        if classification.kind not in profile.judged_kinds or area.area in classification.areas:
            continue
        allowed = ", ".join(classification.areas) or "none"
        hints.emit("model-category-not-allowed-in-area", f"{classification.category} in {area.area} (allowed: {allowed})", path=path)
