"""The Flax model agrees with flax.linen (and a sample of flax.nnx) on every probed case."""

from __future__ import annotations

import pytest

from derive.frameworks import flax as Fx
from tests.conformance._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def predict(row):
    args = dict(row["args"])
    n = args.pop("n")
    n = tuple(n) if isinstance(n, list) else n
    as_tuple = args.pop("padding_is_tuple", False)
    args = {k: tuple(v) if isinstance(v, list) and k != "padding" else v for k, v in args.items()}
    p = args.get("padding")
    if as_tuple:
        args["padding"] = tuple(p)
    elif isinstance(p, list):  # Flax takes (lo, hi) tuples inside the sequence; JSON made them lists
        args["padding"] = [tuple(x) if isinstance(x, list) else x for x in p]
    fn = Fx.conv_length if row["op"] == "conv" else Fx.conv_transpose_length
    out = fn(n, **args)
    return list(out) if isinstance(out, tuple) else out


def test_flax_matches_model():
    """Every eval_shape, real-run and nnx record equals the model's length or refusal message."""
    rows = probe("flax")
    assert {"eval_shape", "run", "nnx"} <= {r["via"] for r in rows}
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])
