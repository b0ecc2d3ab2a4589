"""MXNet 1.9's real Convolution / Deconvolution lengths and refusals against derive's model.

Run twice: with oneDNN (the pip build's default) and with MXNet's own CPU kernels
(``MXNET_MKLDNN_ENABLED=0``); they differ only when ``target_shape`` is given.
"""

from __future__ import annotations

import pytest

from derive.frameworks import mxnet
from tests.conformance._harness import disagreements, probe, row_args

pytestmark = pytest.mark.conformance


def predict(row: dict):
    """The model's answer for one probe record (2-D records come back as lists)."""
    args = row_args(row)
    n = args.pop("n")
    if row["op"] == "conv":
        out = mxnet.conv_length(n, **args)
    else:
        out = mxnet.conv_transpose_length(n, **args, onednn=row["backend"] == "onednn")
    return list(out) if isinstance(out, tuple) else out


@pytest.mark.parametrize("mkldnn", ["1", "0"], ids=["onednn", "native"])
def test_mxnet_agrees_with_model(mkldnn: str):
    """Every probed MXNet length and refusal message matches the model, on both CPU backends."""
    rows = probe("mxnet", MXNET_MKLDNN_ENABLED=mkldnn)
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_mxnet_stride_one_target_parity():
    """With stride 1, MXNet refuses a target_shape whose crop is odd (the 'samller' check)."""
    rows = probe("mxnet", MXNET_MKLDNN_ENABLED="0")
    odd = [
        r
        for r in rows
        if r["op"] == "conv_transpose"
        and r["args"].get("stride") == 1
        and isinstance(r["args"]["n"], int)
        and r["args"].get("target_shape") is not None
        and (r["args"]["n"] + r["args"]["dilate"] * (r["args"]["kernel"] - 1) - r["args"]["target_shape"]) % 2 == 1
        and r["args"]["target_shape"] <= r["args"]["n"] + r["args"]["dilate"] * (r["args"]["kernel"] - 1)
    ]
    assert odd and all("adj(x) must be samller than stride[0]" in r.get("error", "") for r in odd)
