"""Chainer's real convolution_1d / deconvolution_1d (and N-d) lengths and refusals against derive's model."""

from __future__ import annotations

import pytest

from derive.frameworks import chainer
from tests.conformance._harness import disagreements, module_predictor, probe

pytestmark = pytest.mark.conformance


predict = module_predictor(chainer)


def test_chainer_agrees_with_model():
    """Every probed Chainer length and refusal message matches the model."""
    rows = probe("chainer")
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_chainer_accepts_outsizes_below_the_default():
    """Chainer accepts outsize values below the default length (they round-trip only with cover_all)."""
    rows = probe("chainer")
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
