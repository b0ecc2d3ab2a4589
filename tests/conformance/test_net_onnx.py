"""derive net on the zoo's exported ONNX files equals onnxruntime at every swept size (one subprocess for all)."""

from __future__ import annotations

import functools

import pytest

from ._harness import answer_disagreements, prediction_disagreements, probe
from .test_net_torch import HAND, LIBRARY

pytestmark = pytest.mark.conformance

#: every zoo model whose library is installed here; BasicUNet too (its exported graph is the branch it traced)
MODELS = [m for m in dict.fromkeys([*HAND, *LIBRARY, "monai_basicunet"]) if m not in ("misc",)]
#: models torch's TorchScript exporter refuses, with its message (a genuine exporter refusal, checked live)
EXPORT_REFUSED = {"misc": "ONNX export of operator adaptive_avg_pool2d, input size not accessible"}

#: sets derive states for the exported files (the issue's U-Net and MONAI UNet sets), per model and dim
KNOWN = {
    ("unet2", "H"): ([], 4, 4, [0]),
    ("unet4", "H"): ([], 16, 16, [0]),
    ("monai_unet", "H"): ([], 7, 8, [0, 7]),
}


@functools.cache
def _records() -> dict[str, list[dict]]:
    rows = probe("probe_net_onnx.py", DERIVE_NET_MODELS=",".join(MODELS + list(EXPORT_REFUSED)))
    by: dict[str, list[dict]] = {}
    for r in rows:
        if "model" in r:
            by.setdefault(r["model"], []).append(r)
    return by


def _model(name: str) -> tuple[dict, list[dict]]:
    rows = _records().get(name, [])
    gone = [r["unavailable"] for r in rows if "unavailable" in r]
    if gone:
        pytest.skip(gone[0])
    refused = [r["export_error"] for r in rows if "export_error" in r]
    assert not refused, f"the exporter refused {name}: {refused[0]}"
    (head,) = [r for r in rows if "derive" in r]
    assert "error" not in head["derive"], head["derive"]["error"]
    return head["derive"], [r for r in rows if "values" in r]


@pytest.mark.parametrize("name", MODELS)
def test_onnxruntime_runs_exactly_where_derive_says(name):
    """At every swept size onnxruntime runs iff derive says so, with derive's shape, or fails with its message."""
    _, sizes = _model(name)
    assert sizes
    bad = prediction_disagreements(sizes, "onnxruntime")
    assert bad == [], "\n".join(bad[:15])


@pytest.mark.parametrize("name", MODELS)
def test_stated_sets_and_output_formulas_match_the_sweep(name):
    """The joint condition, each proved per-dim set and the output formula agree with onnxruntime at every size."""
    answer, sizes = _model(name)
    bad = answer_disagreements(answer, sizes, "onnxruntime")
    assert bad == [], "\n".join(bad[:15])


@pytest.mark.parametrize(("name", "dim"), sorted(KNOWN))
def test_known_sets_of_the_exported_files(name, dim):
    """The exported U-Nets and MONAI UNet get the issue's sets on onnxruntime, proved."""
    answer, _ = _model(name)
    got = answer["dims"][dim]
    assert got["proof"] == "proved"
    assert (got["runs"]["finite"], got["runs"]["from"], got["runs"]["modulus"], got["runs"]["residues"]) == KNOWN[
        name, dim
    ]


@pytest.mark.parametrize("name", sorted(EXPORT_REFUSED))
def test_models_the_exporter_refuses(name):
    """A model torch's ONNX exporter cannot export is reported with the exporter's own message."""
    rows = _records().get(name, [])
    if any("unavailable" in r for r in rows):
        pytest.skip(rows[0]["unavailable"])
    refused = [r["export_error"] for r in rows if "export_error" in r]
    assert refused and EXPORT_REFUSED[name] in refused[0], rows[:1]


def test_the_sweep_covers_every_model_at_every_size():
    """Every exported model was swept over its whole range (nothing silently dropped)."""
    records = _records()
    for name in MODELS:
        rows = records.get(name, [])
        if any("unavailable" in r for r in rows):
            continue
        assert any("brute_seconds" in r for r in rows), name
        assert all("predicted" in r for r in rows if "values" in r), name
