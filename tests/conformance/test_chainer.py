"""Chainer's real convolution_1d / deconvolution_1d (and N-d) lengths and refusals against derive's model."""

from __future__ import annotations

import pytest

from derive.frameworks import chainer

from ._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def _tuples(args: dict) -> dict:
    return {key: tuple(v) if isinstance(v, list) else v for key, v in args.items()}


def predict(row: dict):
    """The model's answer for one probe record (N-d records come back as lists)."""
    args = _tuples(row["args"])
    n = args.pop("n")
    fn = chainer.conv_length if row["op"] == "conv" else chainer.conv_transpose_length
    out = fn(n, **args)
    return list(out) if isinstance(out, tuple) else out


def test_chainer_agrees_with_model():
    """Every probed Chainer length and refusal message matches the model."""
    rows = probe("probe_chainer.py")
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_chainer_accepts_outsizes_below_the_default():
    """Chainer accepts outsize values below the default length (they round-trip only with cover_all)."""
    rows = probe("probe_chainer.py")
    below = [
        r
        for r in rows
        if r["op"] == "conv_transpose"
        and isinstance(r["args"]["n"], int)
        and r["args"].get("outsize") is not None
        and r["args"]["stride"] > 1
        and "length" in r
        and r["args"]["outsize"]
        < chainer.get_deconv_outsize(
            r["args"]["n"], r["args"]["ksize"], r["args"]["stride"], r["args"]["pad"], d=r["args"]["dilate"]
        )
    ]
    assert below
