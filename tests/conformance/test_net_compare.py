"""derive net --compare on the 2-level U-Net: eager and onnxruntime (derived) against what real torch.export says."""

from __future__ import annotations

import functools

import pytest

from ._harness import probe

pytestmark = pytest.mark.conformance


@functools.cache
def _unet2() -> dict:
    (row,) = [r for r in probe("probe_net_compare.py", DERIVE_NET_MODELS="unet2") if r.get("model") == "unet2"]
    return row


@pytest.mark.parametrize("dim", ["H", "W"])
def test_eager_and_onnxruntime_accept_every_multiple_of_4(dim):
    """Eager torch and the exported ONNX on onnxruntime both run iff H ≡ 0 mod 4, H ≥ 4 (proved)."""
    got = _unet2()["compare"]["dims"][dim]
    for side in ("eager", "onnxruntime"):
        assert got[side]["how"] == "proved"
        assert got[side]["runs"] == {"finite": [], "from": 4, "modulus": 4, "residues": [0]}


@pytest.mark.parametrize("dim", ["H", "W"])
def test_torch_export_rejects_4(dim):
    """torch.export suggests dim = 4·_{dim} (_{dim} ≥ 1), but its program, exported with that fix, starts at 8."""
    got = _unet2()["compare"]
    side = got["dims"][dim]["export"]
    assert side["how"] == "export's program"
    assert side["runs"] == {"finite": [], "from": 8, "modulus": 4, "residues": [0]}
    assert f"{dim} = 4*_{dim}" in got["export_fix"]
    assert f"_{dim} = Dim('_{dim}', min=1, max=oo)" in got["export_fix"]


def test_the_difference_is_size_4_only():
    """Eager and onnxruntime each differ from export at 4 alone (they run there), no residue; they agree."""
    dims = _unet2()["compare"]["dims"]
    for dim in ("H", "W"):
        diffs = {tuple(d["between"]): d for d in dims[dim]["differences"]}
        assert set(diffs) == {("eager", "export"), ("onnxruntime", "export")}
        for d in diffs.values():
            assert d["sizes"] == [4] and d["only_first"] == [4] and d["residues"] == []
    text = _unet2()["text"]
    assert "eager vs export: differ at H = 4 (eager only: 4)" in text
    assert "H ≡ 0 mod 4, H ≥ 8 (export's program" in text
