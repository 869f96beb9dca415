"""Retraining a real package: sentencepiece 0.1.97 trains its test model from a novel it ships.

The package has no debian/ml-models, so the test adds one that trains
python/test/test_model.model from data/botchan.txt with the sentencepiece
Python module (PyPI or Debian package python3-sentencepiece).
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from ..conftest import CORPUS

TREE = CORPUS / "unpacked" / "sentencepiece-0.1.97"

ML_MODELS = """\
Files: python/test/test_model.model
Training-Data: data/botchan.txt
Training-Program: src/spm_train_main.cc
Retrain-Command: mkdir -p build && python3 -c 'import sentencepiece as s; s.SentencePieceTrainer.train(input="data/botchan.txt", model_prefix="build/m", vocab_size=1000)' && cp build/m.model {output}
Retrain-Output: python/test/test_model.model
Reproducibility: bit-by-bit
"""

pytestmark = [
    pytest.mark.skipif(not TREE.is_dir(), reason=f"corpus tree {TREE} not found"),
    pytest.mark.skipif(importlib.util.find_spec("sentencepiece") is None, reason="sentencepiece Python module not installed"),
]


def test_sentencepiece_bit_by_bit(tmp_path, retrain, box):
    tree = shutil.copytree(TREE, tmp_path / "sentencepiece-0.1.97", symlinks=True)
    (tree / "debian" / "ml-models").write_text(ML_MODELS)

    outcome = retrain(tree, box)

    shipped = outcome.model["shipped-comparison"]
    assert ("retrain-reproducible-bit-by-bit", "python/test/test_model.model", "debian/ml-models:4") in outcome.tags()
    assert ("retrain-compared-as-bytes", "python/test/test_model.model sentencepiece", "debian/ml-models:5") in outcome.tags()
    assert ("retrain-command-missing", "python/test/test_ja_model.model", "python/test/test_ja_model.model") in outcome.tags()
    assert outcome.model["runs"][0]["sha256"] == outcome.model["runs"][1]["sha256"]
    assert shipped["method"] == "bytes"
    assert shipped["reason"] == "dl-lint reads no tensors from sentencepiece files"
