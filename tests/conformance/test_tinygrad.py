"""tinygrad's real conv2d / conv_transpose2d lengths and refusals against derive's model."""

from __future__ import annotations

import pytest

from derive.frameworks import tinygrad

from ._harness import disagreements, probe

pytestmark = pytest.mark.conformance


def _tuples(args: dict) -> dict:
    return {key: tuple(v) if isinstance(v, list) else v for key, v in args.items()}


def predict(row: dict):
    """The model's answer for one probe record (2-D records come back as lists)."""
    args = _tuples(row["args"])
    n = args.pop("n")
    fn = tinygrad.conv_length if row["op"] == "conv" else tinygrad.conv_transpose_length
    out = fn(n, **args)
    return list(out) if isinstance(out, tuple) else out


def test_tinygrad_agrees_with_model():
    """Every probed tinygrad length and refusal message matches the model."""
    rows = probe("probe_tinygrad.py")
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_tinygrad_probe_realized_some_cases():
    """The probe really computed a sample of the convolutions, not only their graphs."""
    rows = probe("probe_tinygrad.py")
    assert sum(1 for r in rows if r.get("realized")) >= 50
    assert {r["op"] for r in rows if "error" in r} == {"conv", "conv_transpose"}
