Tag: model-checksum-mismatch
Severity: error
Check: models/checksums
Explanation: The sha256 digest of the model file differs from the digest
 that its name carries or that a file of the package lists for it; the
 context gives both, shortened to 12 hex digits.
 .
 The file is not the one upstream published under that name: it was
 corrupted, truncated, replaced or regenerated. Programs that validate a
 model by its name reject it, and upstream build scripts such as
 Stockfish's net.sh then delete it and download another one during the
 build.
 .
 Replace the file with the published one, or rename it after its digest and
 update the names that refer to it.
