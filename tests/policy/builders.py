"""Building blocks for the generated source packages of the policy tests."""

from __future__ import annotations

DEP5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

# A Stockfish NNUE network: the version magic, then arbitrary bytes.
NNUE = b"\x20\x2f\xf3\x7a" + bytes(range(256)) * 40


def copyright_file(*paragraphs: tuple[str, str], header: str = "") -> str:
    """Return a DEP-5 debian/copyright with one Files paragraph per (globs, licence)."""
    parts = [DEP5 + "Upstream-Name: demo\n" + header]
    for globs, license_name in paragraphs:
        parts.append(f"Files: {globs}\nCopyright: 2024 Upstream Author\nLicense: {license_name}\n")
    return "\n".join(parts)


def c_weights(name: str = "tiny") -> str:
    """Return a C source file of generated weights that dl-lint counts as an embedded model."""
    values = ",".join(f"{(index * 37 % 200 - 100) / 100:.2f}" for index in range(512))
    return f"/* Auto generated from checkpoint {name}.pth */\nstatic const float {name}_weights[512] = {{{values}}};\n"


ARPA = "\\data\\\nngram 1=3\n\n\\1-grams:\n-1.0 <s>\n-1.0 </s>\n-1.0 hello\n\n\\end\\\n"


def ml_models(**fields: str) -> str:
    """Return a debian/ml-models paragraph with FIELDS (underscores become hyphens)."""
    lines = [f"{name.replace('_', '-')}: {value}" for name, value in fields.items()]
    return "\n".join(lines) + "\n"
