"""The TensorFlow model agrees with tensorflow-cpu on every probed case (lengths and refusal messages)."""

from __future__ import annotations

import pytest

from derive.frameworks import tensorflow as T

from ._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def _pairs(padding):
    return padding if isinstance(padding, str) else tuple(tuple(p) for p in padding)


def _pad(padding):
    return padding if isinstance(padding, str) else tuple(padding)


def predict(row):
    a, op = row["args"], row["op"]
    if op == "conv1d":
        return T.CONV1D(
            a["n"],
            kernel_size=a["kernel_size"],
            stride=a["stride"],
            padding=_pad(a["padding"]),
            dilations=a["dilations"],
        )
    if op == "conv2d":
        return T.CONV2D(
            a["n"],
            kernel_size=a["kernel_size"],
            strides=a["strides"],
            padding=_pad(a["padding"]),
            dilations=a["dilations"],
        )
    if op == "conv2d_nd":
        n = tuple(a["n"])
        return list(
            T.conv_length(n, tuple(a["kernel_size"]), tuple(a["strides"]), _pairs(a["padding"]), tuple(a["dilations"]))
        )
    kw = dict(
        kernel_size=a["kernel_size"],
        output_shape=a["output_shape"],
        strides=a["strides"],
        padding=_pad(a["padding"]) if op != "conv_transpose" else _pairs(a["padding"]),
        dilations=a["dilations"],
    )
    if op == "conv1d_transpose":
        return T.conv1d_transpose_length(a["n"], **kw)
    if op == "conv2d_transpose":
        return T.conv_transpose_length(a["n"], **kw)
    if op == "conv_transpose":
        kw = {key: tuple(v) if isinstance(v, list) and key != "padding" else v for key, v in kw.items()}
        return list(T.conv_transpose_length(tuple(a["n"]), **kw))
    raise AssertionError(f"unknown op {op}")


def test_tensorflow_matches_model():
    """Every TensorFlow length and refusal in the probe grid is what the model predicts."""
    rows = probe("probe_tensorflow.py")
    assert len(rows) > 20000
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_probe_covers_every_refusal_class():
    """The probe met each refusal the model knows (so none of them is modelled from source alone)."""
    rows = probe("probe_tensorflow.py")
    errors = " ".join(r["error"] for r in rows if "error" in r)
    for text in (
        "Size of out_backprop doesn't match computed",
        "Computed output size would be negative",
        T.CPU_DILATION,
        T.CPU_DILATION_3D,
        T.NEGATIVE_PADDING,
        T.EXPLICIT_STRING,
        "Dimension -1 must be >= 0",
        "Expected string for argument 'padding'",
        "is not in the list of allowed values",
        "explicit_paddings attribute must contain 8 values",
    ):
        assert text in errors, text
