Tag: copyright-duplicate-field
Severity: warning
Check: debian/copyright
Explanation: A paragraph of debian/copyright has the same field twice (named in the
 context). The second one is ignored, as python-debian does.
 .
 If it was the License field of a paragraph covering a model, the model
 may be judged under the wrong licence. Merge the two fields.
See-Also: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
