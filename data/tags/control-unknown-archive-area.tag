Tag: control-unknown-archive-area
Severity: warning
Check: debian/control
Explanation: The Section field of debian/control has an area prefix that is none of
 main, contrib, non-free and non-free-firmware (the context quotes it).
 .
 dl-lint cannot tell which archive area the package is meant for, so it
 assumes main when comparing the models' categories with the area.
See-Also: https://salsa.debian.org/deeplearning-team/ml-policy
