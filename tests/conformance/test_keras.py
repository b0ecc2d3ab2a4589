"""The Keras 3 model agrees with keras 3.15.1 on each backend (each backend probed in its own process)."""

from __future__ import annotations

import pytest

from derive.frameworks import keras as K

from ._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def _t(v):
    return tuple(v) if isinstance(v, list) else v


def predict(row):
    a = {key: _t(v) for key, v in row["args"].items()}
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
        )
    return list(got) if isinstance(got, tuple) else got


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_keras_matches_model(backend):
    """Every Keras 3 length and refusal on this backend is what the model predicts."""
    rows = probe("probe_keras.py", KERAS_BACKEND=backend)
    assert len(rows) > 10000
    assert any(r["args"].get("backend") == backend for r in rows)
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])
