"""Format libraries are imported only when a file of that format is found."""

from __future__ import annotations

import json
import subprocess
import sys

SCRIPT = """
import json, sys
from dl_lint.cli import main
main(["--no-info", sys.argv[1]])
heavy = ["onnx", "h5py", "safetensors", "matplotlib", "dask"]
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def imported_after_lint(path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_plain_package_imports_no_format_library(make_tree):
    tree = make_tree({"src/main.c": "int main(void) { return 0; }\n"})

    assert imported_after_lint(tree) == []


def test_nnue_package_imports_no_format_library(make_tree):
    tree = make_tree({"src/nn-0123456789ab.nnue": bytes.fromhex("202ff37a") + bytes(64)})

    assert imported_after_lint(tree) == []


def test_onnx_package_imports_onnx(make_tree):
    from onnx import TensorProto, helper

    graph = helper.make_graph([], "g", [], [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    tree = make_tree({"model/net.onnx": model.SerializeToString()})

    assert imported_after_lint(tree) == ["onnx"]
