"""The ONNX model agrees with onnx shape inference, the onnx reference evaluator and onnxruntime."""

from __future__ import annotations

import pytest

from derive.frameworks import onnx as O
from tests.conformance._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def _predict(implementation):
    def predict(row):
        args = dict(row["args"])
        n = args.pop("n")
        n = tuple(n) if isinstance(n, list) else n
        fn = O.conv_length if row["op"] == "Conv" else O.conv_transpose_length
        out = fn(n, implementation=implementation, **args)
        return list(out) if isinstance(out, tuple) else out

    return predict


@pytest.mark.parametrize("implementation", ["shape_inference", "reference", "onnxruntime"])
def test_onnx_matches_model(implementation):
    """Every ConvTranspose and Conv record equals the model's length or refusal under that implementation."""
    rows = probe("onnx", DERIVE_ONNX_IMPL=implementation)
    bad = disagreements(rows, _predict(implementation))
    assert bad == [], "\n".join(bad[:20])
