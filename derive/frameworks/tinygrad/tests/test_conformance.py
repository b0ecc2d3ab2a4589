"""tinygrad's real conv2d / conv_transpose2d lengths and refusals against derive's model."""

from __future__ import annotations

import pytest

from derive.frameworks import tinygrad
from tests.conformance._harness import disagreements, module_predictor, probe

pytestmark = pytest.mark.conformance


predict = module_predictor(tinygrad)


def test_tinygrad_agrees_with_model():
    """Every probed tinygrad length and refusal message matches the model."""
    rows = probe("tinygrad")
    bad = disagreements(rows, predict)
    assert bad == [], "\n".join(bad[:20])


def test_tinygrad_probe_realized_some_cases():
    """The probe really computed a sample of the convolutions, not only their graphs."""
    rows = probe("tinygrad")
    assert sum(1 for r in rows if r.get("realized")) >= 50
    assert {r["op"] for r in rows if "error" in r} == {"conv", "conv_transpose"}
