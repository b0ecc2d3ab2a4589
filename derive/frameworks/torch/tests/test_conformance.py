"""The torch model against the installed PyTorch (derive/frameworks/torch/tests/probe.py)."""

from __future__ import annotations

import re

import pytest

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import torch as TO
from tests.conformance._harness import disagreements, probe

pytestmark = pytest.mark.conformance

SCRIPT = "torch"


def _tuples(args: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in args.items()}


def predict(row: dict):
    """The model's answer for one probe record (a list for N-d lengths, as the probe writes them)."""
    op = row["op"].split(":")[-1]
    args = _tuples(row["args"])
    n = args.pop("n")
    api = "module" if op[0].isupper() else "functional"
    base = re.sub(r"\d+d$", "", op).lower()
    if base == "conv":
        got = TO.conv_length(n, api=api, **args)
    elif base in ("conv_transpose", "convtranspose"):
        got = TO.conv_transpose_length(n, api=api, **args)
    else:
        raise AssertionError(f"unknown op {op}")
    return list(got) if isinstance(got, tuple) else got


def _rows(prefix: str | None) -> list[dict]:
    rows = probe(SCRIPT)
    if prefix is None:
        return [r for r in rows if ":" not in r["op"]]
    return [r for r in rows if r["op"].startswith(prefix + ":")]


def _show(bad: list[str]) -> str:
    return f"{len(bad)} disagreements, first 20:\n" + "\n".join(bad[:20])


def test_model_matches_torch():
    """Every probed call (batch 1, one channel) gives torch's length, or torch's refusal text."""
    rows = _rows(None)
    assert len(rows) > 50_000
    bad = disagreements(rows, predict)
    assert bad == [], _show(bad)


def test_refusals_raise_torch_exception_class():
    """Each modelled refusal names the exception class torch raises (RuntimeError, ValueError, TypeError)."""
    bad = []
    for row in _rows(None):
        if "error" not in row:
            continue
        try:
            predict(row)
        except FrameworkError as e:
            if not row["error"].startswith(e.error + ":"):
                bad.append(f"{row['op']} {row['args']}: torch {row['error'][:60]!r}, model {e.error}")
    assert bad == [], _show(bad)


def test_batched_calls_accept_every_modelled_length():
    """With batch 2 and 2 channels (always oneDNN) torch gives every length the model gives.

    Outside the model, such calls may also accept what the batch-1 model refuses (zero-length
    outputs, some dilation-0 calls), never the reverse.
    """
    bad, extra = [], 0
    for row in _rows("batched"):
        try:
            want = predict(row)
        except (FrameworkError, ParameterError):
            extra += "length" in row
            continue
        if row.get("length") != want:
            bad.append(f"{row['op']} {row['args']}: torch {row.get('length', row.get('error'))!r}, model {want!r}")
    print(f"batched calls accepted beyond the batch-1 model: {extra}")
    assert bad == [], _show(bad)


def test_meta_device_gives_the_same_lengths_where_cpu_accepts():
    """torch's shape-only path (device='meta') agrees on every length the model (and CPU) gives."""
    rows = _rows("meta")
    assert rows
    accepted, bad = 0, []
    for row in rows:
        try:
            want = predict(row)
        except (FrameworkError, ParameterError):
            continue  # meta skips most checks (documented in the model's report), not compared
        accepted += 1
        if row.get("length") != want:
            bad.append(f"{row['op']} {row['args']}: meta {row.get('length', row.get('error'))!r}, model {want!r}")
    assert accepted > 1000
    assert bad == [], _show(bad)
