"""derive.net.analysis on hand-built graphs: PeriodicSet, exact_set, analyse, attempt and the text formulas."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.errors import DeriveError, ParameterError
from derive.net.analysis import PeriodicSet, _decompose, analyse, exact_set, formula, readable
from derive.net.graph import Graph, Node, Tensor, dim_symbol

H = dim_symbol("H")
W = dim_symbol("W")

SETS = [
    # (set, members among 1..20)
    (PeriodicSet((), 4, 4, (0,)), [4, 8, 12, 16, 20]),
    (PeriodicSet((1,), 2, 2, (0,)), [1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]),
    (PeriodicSet((), 7, 8, (0, 7)), [7, 8, 15, 16]),
    (PeriodicSet((3,), None, 1, ()), [3]),
]


@pytest.mark.parametrize(("s", "members"), SETS)
def test_periodic_set_members_and_condition(s, members):
    """Membership and the SymPy condition agree with the listed members on 1..20."""
    assert [v for v in range(1, 21) if v in s] == members
    assert [v for v in range(1, 21) if bool(s.condition(H).subs(H, v))] == members


def test_nearest_and_smallest_outside():
    """nearest gives the closest members (ties: the smaller), smallest_outside the least non-member."""
    s = PeriodicSet((), 7, 8, (0, 7))
    assert s.nearest(100) == [96, 103, 104]
    assert s.smallest_outside() == 1
    assert PeriodicSet((), 1, 1, (0,)).smallest_outside() is None


EXACT = [
    (sp.Eq(sp.Mod(H, 4), 0), ((), 4, 4, (0,))),
    (sp.And(H >= 7, sp.Or(sp.Eq(sp.Mod(H, 8), 0), sp.Eq(sp.Mod(H, 8), 7))), ((), 7, 8, (0, 7))),
    (sp.Eq(2 * sp.floor((H - 1) / 2) + 2, H) | sp.Eq(H, 1), ((1,), 2, 2, (0,))),
    (sp.floor((H - 3) / 2) + 1 >= 1, ((), 3, 1, (0,))),
]


@pytest.mark.parametrize(("cond", "want"), EXACT)
def test_exact_set_is_proved(cond, want):
    """exact_set finds the set and Z3 proves it equal to the condition for every H >= 1."""
    runs, proof = exact_set(cond, H)
    assert proof.status == "proved"
    assert (runs.finite, runs.start, runs.modulus, runs.residues) == want


def _conv_graph(stride: int, dims: tuple = (1, 1, "H")) -> Graph:
    """x -> Conv(k=3, stride) -> ConvTranspose(k=stride, stride) -> Add(x): a 1-D skip connection."""
    w = Tensor((sp.Integer(1), sp.Integer(1), sp.Integer(3)))
    wt = Tensor((sp.Integer(1), sp.Integer(1), sp.Integer(stride)))
    nodes = (
        Node("down", "Conv", ("x", "w"), ("c",), {"kernel_shape": [3], "strides": [stride], "pads": [1, 1]}),
        Node("up", "ConvTranspose", ("c", "wt"), ("u",), {"kernel_shape": [stride], "strides": [stride]}),
        Node("skip", "Add", ("x", "u"), ("y",)),
    )
    return Graph("skip", (("x", dims),), nodes, ("y",), {"w": w, "wt": wt}, "onnxruntime")


def test_analyse_a_skip_connection():
    """Stride 4: H runs iff H = 1 or H ≡ 0 mod 4 (Add broadcasts H = 1), proved; the first failure is the Add."""
    a = analyse(_conv_graph(4))
    h = a.dims["H"]
    assert h.proof.status == "proved" and h.runs == PeriodicSet((1,), 4, 4, (0,))
    assert (h.first_failure.node, h.first_failure.op, h.first_failure.values["H"]) == ("skip", "Add", 2)
    assert "2 by 4" in h.first_failure.message
    doc = a.to_json()
    assert doc["dims"]["H"]["runs"] == {"finite": [1], "from": 4, "modulus": 4, "residues": [0]}
    assert "H: runs iff" in a.text() and "(proved)" in a.text()


def test_attempt_fails_with_nearest_and_runs_with_shape():
    """attempt at a failing size gives the node and the nearest sizes that run; at a running one the output shape."""
    a = analyse(_conv_graph(4))
    bad = a.attempt({"H": 10})
    assert bad.failure.node == "skip" and bad.nearest == {"H": [4, 8, 12]}
    assert bad.text().startswith("10 fails at skip (") and bad.text().endswith("nearest that run: 4, 8, 12")
    good = a.attempt({"H": 12})
    assert good.failure is None and good.outputs == {"y": [1, 1, 12]}
    with pytest.raises(ParameterError):
        a.attempt({"Z": 3})


def test_no_symbolic_dim_is_refused():
    """A graph with fixed dims only is a DeriveError (a ValueError), not an empty answer."""
    with pytest.raises(DeriveError, match="no symbolic dim"):
        analyse(_conv_graph(4, (1, 1, 8)))
    assert issubclass(DeriveError, ValueError)


FORMULAS = [
    (8 * sp.ceiling(H / 8), "8⌈H/8⌉"),
    (sp.floor((H - 3) / 2) + 1, "⌊(H - 3)/2⌋ + 1"),
    (sp.And(H >= 7, sp.Eq(sp.Mod(H, 8), 0)), "H ≥ 7 and H mod 8 = 0"),
    (sp.Piecewise((2 * sp.floor((H - 1) / 2) + 2, sp.Eq(H, 1)), (H, True)), "(2 if H = 1 else H)"),
    (2 * sp.floor((H - 1) / 2) + 2, "2⌈H/2⌉"),
    (sp.floor((H - 1) / 4) + 1, "⌈H/4⌉"),
    (sp.floor((H + 7) / 8), "⌈H/8⌉"),
    (sp.floor((H - 400) / 320) + 1, "⌊(H - 400)/320⌋ + 1"),
    ((sp.floor((H - 1) / 8) + 1) * (sp.floor((W - 1) / 8) + 1) > 1, "⌈H/8⌉·⌈W/8⌉ > 1"),
    (sp.floor((sp.floor((H - 1) / 2) + 1 - 1) / 2) + 1, "⌈H/4⌉"),
]


@pytest.mark.parametrize(("e", "text"), FORMULAS)
def test_formula_text(e, text):
    """The text output's formulas use ⌊⌋, ⌈⌉, mod, ≥ and implicit products."""
    assert formula(e) == text


@pytest.mark.parametrize(("e", "text"), FORMULAS)
def test_readable_keeps_the_value(e, text):
    """The floors rewritten as ceilings for reading are the same function of the sizes (H, W in 1..40)."""
    for h in range(1, 41):
        for w in (1, 7, 8, 9, 40):
            at = {H: h, W: w}
            assert readable(e).subs(at) == e.subs(at)


def test_coupled_dims_split_into_own_sets_and_the_joint_checks_left():
    """Each coupled dim gets the set of its own checks; a joint check the others imply is dropped, proved."""
    conjuncts = [
        sp.Eq(sp.Mod(H, 4), 0),
        H >= 4,
        sp.Eq(sp.Mod(W, 4), 0),
        sp.floor(H / 2) * sp.floor(W / 2) > 1,  # implied by the next one and the sets
        sp.floor(H / 4) * sp.floor(W / 4) > 1,
    ]
    owns, cross, proof = _decompose(conjuncts, [H, W], 10.0)
    assert proof.status == "proved"
    assert owns == {"H": PeriodicSet((), 4, 4, (0,)), "W": PeriodicSet((), 4, 4, (0,))}
    assert [formula(c) for c in cross] == ["⌊H/4⌋·⌊W/4⌋ > 1"]
