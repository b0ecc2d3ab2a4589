"""The JAX model agrees with jax.lax on every probed case (eval_shape over the grid, real runs on a sample)."""

from __future__ import annotations

import pytest

from derive.frameworks import jax as J
from tests.conformance._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def _padding(p):
    # JSON turns JAX's [(lo, hi)] into [[lo, hi]]; a bare [lo, hi] (a refusal case) stays as it was
    if isinstance(p, list) and all(isinstance(x, list) for x in p):
        return [tuple(x) for x in p]
    return p


def predict(row):
    args = dict(row["args"])
    n = args.pop("n")
    n = tuple(n) if isinstance(n, list) else n
    args = {k: tuple(v) if isinstance(v, list) and k != "padding" else v for k, v in args.items()}
    args["padding"] = _padding(args["padding"])
    fn = J.conv_length if row["op"] == "conv" else J.conv_transpose_length
    out = fn(n, **args)
    return list(out) if isinstance(out, tuple) else out


def test_jax_matches_model():
    """Every eval_shape and real-run record equals the model's length or refusal message."""
    rows = probe("jax")
    assert {r["via"] for r in rows} == {"eval_shape", "run"}
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])
