"""The Keras 2 / tf.keras model agrees with tf-keras 2.21 on TensorFlow (CPU) on every probed case."""

from __future__ import annotations

import pytest

from derive.frameworks import keras2 as K2
from tests.conformance._harness import disagreements, probe, row_args

pytestmark = pytest.mark.conformance


def predict(row, kernels="eigen"):
    a = row_args(row)
    op = row["op"]
    if op == "deconv_output_length":
        return K2.deconv_output_length(
            a["n"], a["filter_size"], a["padding"], a["output_padding"], a["stride"], a["dilation"]
        )
    if op == "conv_output_length":
        return K2.conv_output_length(a["n"], a["filter_size"], a["padding"], a["stride"], a["dilation"])
    if op == "conv":
        got = K2.conv_length(
            a["n"], a["kernel_size"], a["strides"], a["padding"], a["dilation_rate"], a["backend"], kernels
        )
    else:
        got = K2.conv_transpose_length(
            a["n"],
            a["kernel_size"],
            a["strides"],
            a["padding"],
            a["output_padding"],
            a["dilation_rate"],
            backend=a["backend"],
            kernels=kernels,
        )
    return list(got) if isinstance(got, tuple) else got


@pytest.mark.parametrize(("kernels", "opts"), [("eigen", "0"), ("onednn", "1")])
def test_keras2_matches_model(kernels, opts):
    """Every tf.keras length and refusal in the probe grid is what the model of these TF kernels predicts."""
    rows = probe("keras2", TF_ENABLE_ONEDNN_OPTS=opts)
    assert len(rows) > 20000
    bad = disagreements(rows, lambda row: predict(row, kernels))
    assert bad == [], "\n".join(bad[:20])


def test_probe_covers_every_refusal_class():
    """The probe met each refusal the layer model knows, on the real TensorFlow call."""
    rows = probe("keras2", TF_ENABLE_ONEDNN_OPTS="0")
    errors = " ".join(r["error"] for r in rows if "error" in r)
    for text in (
        "Size of out_backprop doesn't match computed",
        "Current CPU implementations do not yet support dilation rates larger than 1.",
        "is not divisible by block_shape",
        "Expected the 2 dimensions of the `dilation_rate` argument",
        "Strides must be greater than output padding",
        "`strides > 1` not supported in conjunction with `dilation_rate > 1`",
        K2.CAUSAL_ONLY_CONV1D,
        K2.DOWNSAMPLING,
        "AssertionError",
        'The `padding` argument must be a list/tuple or one of "valid"',
    ):
        assert text in errors, text
