Tag: copyright-missing-field
Severity: warning
Check: debian/copyright
Explanation: A Files paragraph of debian/copyright has no License field (the context
 names the field), so the files it covers have no licence in the
 machine-readable copyright format.
 .
 A model covered by that paragraph counts as having no licence under the
 Machine Learning Policy. Add the License field.
See-Also: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
