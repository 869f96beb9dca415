# Run only dl-lint's tags: lintian --include-dir DIR --profile dl-lint PKG.dsc
# The vendor profiles (debian/main and those extending it) enable the tags
# of every loaded check, so dl-lint's tags need no profile of their own there.
Profile: dl-lint/main
Enable-Tags-From-Check: dl-lint
