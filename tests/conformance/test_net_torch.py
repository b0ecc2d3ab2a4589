"""derive net on torch models equals eager torch at every swept size (tests/net_zoo.py, run in a subprocess)."""

from __future__ import annotations

import functools

import pytest
import sympy as sp

from ._harness import answer_disagreements, prediction_disagreements, probe

pytestmark = pytest.mark.conformance

# the zoo's names, without importing torch here (tests/net_zoo.py imports it)
HAND = [
    "unet2",
    "unet4",
    "conv_chain",
    "resnet_stem",
    "fcn",
    "pool_ceil",
    "audio1d",
    "asymmetric",
    "vae",
    "flatten_linear",
    "misc",
    "pad_unet",
    "shrink1d",
]
#: BasicUNet's UpCat pads odd sizes in a Python branch on shapes: read per call, as cases
LIBRARY = ["monai_unet", "monai_basicunet", "monai_dynunet", "monai_segresnet", "diffusers_unet2d"]
#: models derive refuses, with the reason
REFUSED = {
    "root_branch": "the model's own forward branches on its input size",
    "many_branches": "module '1' branches on its input size in more than 64 ways",
    "halve_loop": "torch.export fixed dim 'T' to 64",
}

#: sets the issue states, per model and dim: (finite, from, modulus, residues)
KNOWN = {
    ("unet2", "H"): ([], 4, 4, [0]),
    ("unet4", "H"): ([], 16, 16, [0]),
}


@functools.cache
def _records() -> dict[str, list[dict]]:
    rows = probe("probe_net_torch.py", DERIVE_NET_MODELS=",".join(HAND + LIBRARY + list(REFUSED)))
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
    (answer,) = [r["derive"] for r in rows if "derive" in r]
    assert "error" not in answer, answer["error"]
    return answer, [r for r in rows if "values" in r]


@pytest.mark.parametrize("name", HAND + LIBRARY)
def test_each_size_runs_exactly_where_derive_says(name):
    """At every swept size torch runs iff derive's first-failure check passes, with the same shape or message."""
    _, sizes = _model(name)
    bad = prediction_disagreements(sizes, "torch")
    assert bad == [], "\n".join(bad[:15])


@pytest.mark.parametrize("name", HAND + LIBRARY)
def test_stated_sets_condition_and_outputs_match_the_sweep(name):
    """The proved per-dim sets, the joint condition and the output formulas agree with every swept size."""
    answer, sizes = _model(name)
    bad = answer_disagreements(answer, sizes, "torch")
    assert bad == [], "\n".join(bad[:15])


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_models_whose_branches_cannot_be_read_are_refused(name):
    """A model branching on its size where no per-call case split is proved gets one clear line, not one branch's
    answer: a branch in the model's own forward, more branches than derive reads, a dim torch reads as an int."""
    rows = _records().get(name, [])
    (answer,) = [r["derive"] for r in rows if "derive" in r]
    assert REFUSED[name] in answer.get("error", ""), answer
    assert "\n" not in answer["error"]
    # each is a working model: the eager sweep runs at sizes on both sides of its branch
    assert {r["values"][d] % 2 for r in rows if "shape" in r for d in r["values"]} == {0, 1}


def test_monai_basicunet_is_read_as_cases_and_keeps_every_size():
    """MONAI BasicUNet (UpCat pads odd sizes): H, W >= 16 with ⌊H/16⌋·⌊W/16⌋ > 1, output [1, 2, H, W], proved."""
    answer, _ = _model("monai_basicunet")
    for d in ("H", "W"):
        assert answer["dims"][d]["own"] == {"finite": [], "from": 16, "modulus": 1, "residues": [0]}
        assert answer["dims"][d]["joint_proof"] == "proved"
    assert answer["outputs"] == {"conv2d_18": ["1", "2", "H", "W"]}
    assert answer["preserves"] == {"conv2d_18": {"H": "proved", "W": "proved"}}


@pytest.mark.parametrize(("name", "dim"), sorted(KNOWN))
def test_known_sets(name, dim):
    """The U-Nets' sets are the ones the issue states, proved."""
    answer, _ = _model(name)
    got = answer["dims"][dim]
    assert got["proof"] == "proved"
    assert (got["runs"]["finite"], got["runs"]["from"], got["runs"]["modulus"], got["runs"]["residues"]) == KNOWN[
        name, dim
    ]


def test_monai_unet_runs_iff_h_at_least_7_and_h_mod_8_in_0_7():
    """MONAI UNet (strides 2,2,2): with W held at 32 the joint condition is H >= 7 and H mod 8 in {0, 7}."""
    answer, _ = _model("monai_unet")
    H, W = (sp.Symbol(d, integer=True, positive=True) for d in ("H", "W"))
    condition = sp.sympify(answer["condition"], locals={"H": H, "W": W})
    runs = [h for h in range(1, 200) if bool(condition.subs({H: h, W: 32}))]
    assert runs == [h for h in range(1, 200) if h >= 7 and h % 8 in (0, 7)]
