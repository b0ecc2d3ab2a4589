"""The Keras 3 model agrees with keras 3.15.1 on each backend (each backend probed in its own process)."""

from __future__ import annotations

import pytest

from derive.frameworks import keras as K
from tests.conformance._harness import disagreements, probe, row_args

pytestmark = pytest.mark.conformance


def predict(row, kernels="eigen"):
    a = row_args(row)
    op = row["op"]
    if op == "conv_shape":
        got = K.conv_length(a["n"], a["kernel_size"], a["strides"], a["padding"], a["dilation_rate"])
    else:
        got = K.conv_transpose_length(
            a["n"],
            a["kernel_size"],
            a["strides"],
            a["padding"],
            a["output_padding"],
            a["dilation_rate"],
            backend=a["backend"],
            api="ops" if op.startswith("ops") else "layer",
            kernels=kernels,
        )
    return list(got) if isinstance(got, tuple) else got


#: (backend, TensorFlow kernels): the tensorflow backend runs once per CPU kernel family, on any x86-64 CPU
RUNS = [("tensorflow", "eigen"), ("tensorflow", "onednn"), ("jax", "eigen"), ("torch", "eigen")]
ONEDNN_OPTS = {"eigen": "0", "onednn": "1"}


@pytest.mark.parametrize(("backend", "kernels"), RUNS)
def test_keras_matches_model(backend, kernels):
    """Every Keras 3 length and refusal on this backend (and TF kernel family) is what the model predicts."""
    rows = probe("keras", KERAS_BACKEND=backend, TF_ENABLE_ONEDNN_OPTS=ONEDNN_OPTS[kernels])
    assert len(rows) > 10000
    assert any(r["args"].get("backend") == backend for r in rows)
    bad = disagreements(rows, lambda row: predict(row, kernels))
    assert bad == [], "\n".join(bad[:20])
