"""PaddlePaddle's real conv1d / conv1d_transpose (and 2-D) lengths and refusals against derive's model."""

from __future__ import annotations

import pytest

from derive.frameworks import paddle
from tests.conformance._harness import disagreements, module_predictor, probe

pytestmark = pytest.mark.conformance


predict = module_predictor(paddle)


def test_paddle_agrees_with_model():
    """Every probed Paddle length and refusal message matches the model."""
    rows = probe("paddle")
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_paddle_output_padding_bounded_by_stride_on_cpu():
    """No accepted 1-D conv1d_transpose call has output_padding >= stride, whatever the dilation."""
    rows = probe("paddle")
    accepted = [
        r
        for r in rows
        if r["op"] == "conv_transpose"
        and isinstance(r["args"]["n"], int)
        and "length" in r
        and r["args"].get("output_padding", 0) > 0
    ]
    assert accepted and all(r["args"]["output_padding"] < r["args"]["stride"] for r in accepted)
