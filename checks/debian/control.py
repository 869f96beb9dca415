"""Report defects of debian/control that hide the package's archive area.

Reads debian/control as dl_lint.control parses it and reports each
defect with its line.  The defects are lines that are not deb822 fields,
duplicate fields, and a Section whose area prefix is not main, contrib,
non-free or non-free-firmware.  The
area itself is compared with the models' categories by policy/archive-area.
"""

from __future__ import annotations

from dl_lint import control


def run(package, hints) -> None:
    text = package.text(control.PATH)
    if text is None:
        return

    _area, defects = control.parse(text)
    for defect in defects:
        hints.emit(defect.tag, defect.context, path=control.PATH, line=defect.line)
