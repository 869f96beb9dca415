Tag: model-checksum-matches
Severity: info
Check: models/checksums
Explanation: The sha256 digest of the model file agrees with the digest
 that its name carries (Stockfish names each network
 nn-<first 12 hex digits of its sha256>.nnue) or that a download script,
 SHA256SUMS file or Metalink manifest of the package lists for it, as the
 context says.
 .
 The shipped file is the one upstream published under that name, so its
 provenance is the provenance upstream documents for it.
