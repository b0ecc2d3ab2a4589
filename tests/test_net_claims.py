"""derive.net.claims and derive.net.latex: a network's answer as catalogue claims, and its layers as LaTeX."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
import sympy as sp

from derive.claims import decide
from derive.net.claims import candidate, network_claims
from derive.net.graph import Graph, Node, Tensor, dim_symbol
from derive.net.latex import layers

NETWORKS = {g.name: g for g in runpy.run_path(str(Path(__file__).parents[1] / "proofs/networks.py"))["NETWORKS"]}


@pytest.mark.parametrize(
    ("network", "statement"),
    [
        ("unet2", "every check of unet2 on H holds exactly when H ≡ 0 mod 4, H ≥ 4"),
        ("unet2", "dim 2 of its output dec1 is the input's H"),
        ("strided_unet", "every check of strided_unet on W holds exactly when W ≡ 0 mod 8, W ≥ 8"),
        ("wav2vec2_features", "on L holds exactly when L ≥ 400"),
        ("wav2vec2_features", "dim 2 of its output conv6 is ⌊(L - 400)/320⌋ + 1"),
        ("resnet_stem", "dim 3 of its output block.add is ⌈W/4⌉"),
    ],
)
def test_each_network_states_its_answer_and_z3_proves_it(network, statement):
    """The claim with this statement exists and the prover proves it for every size."""
    (claim,) = [c for c in network_claims(NETWORKS[network]) if statement in c.statement]
    assert decide(claim).verdict.proved


@pytest.mark.parametrize(
    ("cond", "finite", "start", "modulus", "residues"),
    [
        (lambda v: sp.Eq(v, 4 * sp.floor(v / 4)) & (v >= 4), (), 4, 4, (0,)),
        (lambda v: sp.Eq(sp.Mod(v + 1, 8), 0) | sp.Eq(sp.Mod(v, 8), 0), (), 7, 8, (0, 7)),
        (lambda v: v >= 400, (), 400, 1, (0,)),
        (lambda v: sp.Eq(v, 3) | (v >= 10), (3,), 10, 1, (0,)),
    ],
)
def test_candidate_reads_the_periodic_set_off_a_sweep(cond, finite, start, modulus, residues):
    """The sweep's candidate is the eventually periodic set the condition describes."""
    v = dim_symbol("H")
    s = candidate(cond(v), v)
    assert (s.finite, s.start, s.modulus, s.residues) == (finite, start, modulus, residues)


def test_coupled_dims_get_one_joint_claim():
    """A check over two dims (Flatten -> Gemm) gets one joint claim, proved, and no per-dim set."""
    i = sp.Integer
    g = Graph(
        "flat",
        (("x", (1, 1, "H", "W")),),
        (
            Node("flatten", "Flatten", ("x",), ("f",), {"axis": 1}),
            Node("fc", "Gemm", ("f", "w"), ("y",), {"transB": 1}),
        ),
        ("y",),
        {"w": Tensor((i(10), i(64)))},
        "onnx-spec",
    )
    (claim,) = network_claims(g)
    assert claim.name == "H, W run iff" and claim.statement.endswith("holds exactly when H*W = 64")
    assert decide(claim).verdict.proved


def test_a_coupled_dim_gets_its_own_set_and_the_joint_claim():
    """Dims with checks of their own and a joint one (MONAI-like) get each own set and the split, all proved."""
    i = sp.Integer
    g = Graph(
        "pooled",
        (("x", (1, 1, "H", "W")),),
        (
            Node("pool", "MaxPool", ("x",), ("p",), {"kernel_shape": [2, 2], "strides": [2, 2]}),
            Node("flatten", "Flatten", ("p",), ("f",), {"axis": 1}),
            Node("fc", "Gemm", ("f", "w"), ("y",), {"transB": 1}),
        ),
        ("y",),
        {"w": Tensor((i(10), i(6)))},
        "onnx-spec",
    )
    claims = network_claims(g)
    statements = [c.statement for c in claims]
    assert any("on H alone holds exactly when H ≥ 2" in s for s in statements), statements
    assert any("on H, W holds exactly when" in s for s in statements), statements
    assert all(decide(c).verdict.proved for c in claims)


def test_layers_print_each_shape_folded_and_each_check():
    """The LaTeX rows give every node's output shape with nested floors folded, and the checks it adds."""
    rows = {layer.name: layer for layer in layers(NETWORKS["unet2"])}
    assert rows["x"].op == "input" and rows["x"].shape == ("1", "1", "H", "W")
    assert r"\left\lfloor \frac{H}{4} \right\rfloor" == rows["pool2"].shape[2]
    assert len(rows["cat1"].checks) == 2 and rows["cat1"].checks[0].startswith("H = 4")
    assert rows["enc1"].checks == ()
