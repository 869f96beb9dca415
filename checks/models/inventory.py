"""List every model the package contains, one info hint each.

Reads the model inventory that the engine builds while reading the source
(format, size, tensors, parameters).  Problems found by the inspectors are
reported by models/inspection; licences and provenance by the policy checks.
"""

from __future__ import annotations


def human_size(size: int) -> str:
    """Return SIZE in bytes as a short binary-prefixed figure."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def describe(model) -> str:
    """Return the short, deterministic context of a model's info hint."""
    words = [model.format, human_size(model.size)]
    if model.compressed:
        words.append(f"{model.compressed}-compressed")
    if len(model.files) > 1:
        words.append(f"{len(model.files)} files")
    details = model.details
    if details is not None and details.tensor_count is not None:
        words.append(f"{details.tensor_count} tensors")
    if details is not None and details.parameters is not None:
        words.append(f"{details.parameters} parameters")
    if model.embedded is not None and model.embedded.encoding == "string-literals":
        words.append(f"{model.embedded.values} bytes in {model.embedded.arrays} string literals")
    elif model.embedded is not None:
        words.append(f"{model.embedded.arrays} arrays")
        words.append(f"{model.embedded.values} values")
    if model.entropy is not None:
        words.append(f"entropy {model.entropy:.2f} bits/byte")
    return ", ".join(words)


TAG_BY_KIND = {
    "model": "model-file",
    "model-like": "model-like-data-file",
    "embedded": "embedded-model-weights",
    "possible": "possible-model-file",
}


def run(package, hints) -> None:
    for model in package.models:
        if model.kind == "container" and not model.is_model:
            hints.emit("tensor-container-file", describe(model), path=model.path)
            continue
        tag = TAG_BY_KIND.get(model.kind, "model-file")
        hints.emit(tag, describe(model), path=model.path)
