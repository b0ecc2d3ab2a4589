"""derive.net.cases on hand-built graphs: a module call read as its branches (no framework needed)."""

from __future__ import annotations

import sympy as sp

import derive.net.frontends.torch  # noqa: F401  (declares the torch-eager table; torch is not imported)
from derive.net.analysis import analyse, first_failure, output_shapes
from derive.net.cases import OP, Case, slot
from derive.net.graph import Graph, Node, Tensor, dim_symbol
from derive.net.rules.torch_eager import Ref

H = dim_symbol("H")
L = slot(0, 2)


def _conv(kernel: int, name: str) -> Graph:
    """One Conv1d of kernel ``kernel`` (no padding) on x: (1, 1, L)."""
    w = Tensor((sp.Integer(1), sp.Integer(1), sp.Integer(kernel)))
    node = Node("conv", "Conv", ("x", "w"), ("y",), {"kernel_shape": [kernel]})
    return Graph(name, (("x", (1, 1, L.name)),), (node,), ("y",), {"w": w}, "onnxruntime")


def _pad(name: str) -> Graph:
    """Pad x: (1, 1, L) by one at the end."""
    pads = Tensor((sp.Integer(6),), tuple(sp.Integer(p) for p in (0, 0, 0, 0, 0, 1)), "int64")
    node = Node("pad", "Pad", ("x", "pads"), ("y",), {})
    return Graph(name, (("x", (1, 1, L.name)),), (node,), ("y",), {"pads": pads}, "onnxruntime")


def _model(cases: tuple[Case, ...]) -> Graph:
    node = Node("block", OP, ("x",), ("y",), {"module": "block (Block)", "cases": cases})
    return Graph("branching", (("x", (1, 1, "H")),), (node,), ("y",), {}, "onnxruntime")


def test_each_case_checks_only_where_it_is_taken():
    """Even L: a kernel-4 conv (needs L >= 4); odd L: kernel 1. The model runs iff H is odd or H >= 4, proved."""
    even = Case(_conv(4, "even"), sp.Eq(sp.Mod(L, 2), 0), {L: (0, 2)})
    odd = Case(_conv(1, "odd"), sp.Eq(sp.Mod(L, 2), 1), {L: (0, 2)})
    answer = analyse(_model((even, odd)))
    runs = answer.dims["H"].runs
    assert answer.dims["H"].proof.status == "proved"
    assert [h for h in range(1, 30) if h in runs] == [h for h in range(1, 30) if h % 2 or h >= 4]
    failure = first_failure(answer.propagated, {"H": 2})
    assert failure is not None and failure.node.startswith("block/")
    assert output_shapes(answer.propagated, {"H": 6}) == {"y": [1, 1, 3]}
    assert output_shapes(answer.propagated, {"H": 7}) == {"y": [1, 1, 7]}
    (dim,) = [d for d in answer.outputs["y"][2:]]
    assert isinstance(dim, sp.Piecewise)


def _aten(name: str, op: str, inputs: tuple[str, ...], *args: object) -> Node:
    """A node as the torch front end writes it (``Ref(i)``: its i-th input)."""
    refs = tuple(Ref(i) for i in range(len(inputs)))
    return Node(name, op, inputs, (name,), {"args": (*refs, *args), "kwargs": {}})


def test_an_output_the_cases_agree_on_is_written_plainly():
    """UpCat in small (torch-eager rules): the upsampled map padded by one where the skip is one longer. The
    Piecewise output (2⌊H/2⌋ or 2⌊H/2⌋ + 1) is written H, the skip's size, since Z3 proves them equal."""
    up, skip = slot(0, 2), slot(1, 2)
    slots = {up: (0, 2), skip: (1, 2)}
    ins = (("u", (1, 1, up.name)), ("s", (1, 1, skip.name)))
    w = {"w": Tensor((sp.Integer(1), sp.Integer(1), sp.Integer(1)))}
    keep = Graph("even", ins, (_aten("y", "aten.conv1d.default", ("u", "w")),), ("y",), w, "torch-eager")
    pad = Graph("odd", ins, (_aten("y", "aten.pad.default", ("u",), (0, 1), "replicate"),), ("y",), {}, "torch-eager")
    cases = (Case(keep, sp.Eq(skip, up), slots), Case(pad, sp.Ne(skip, up), slots))
    nodes = (
        _aten("p", "aten.max_pool1d.default", ("x",), [2]),
        _aten("u", "aten.conv_transpose1d.default", ("p", "wt"), None, [2]),
        Node("block", OP, ("u", "x"), ("y",), {"module": "block (Block)", "cases": cases}),
    )
    wt = {"wt": Tensor((sp.Integer(1), sp.Integer(1), sp.Integer(2)))}
    answer = analyse(Graph("upcat", (("x", (1, 1, "H")),), nodes, ("y",), wt, "torch-eager"))
    assert answer.outputs["y"] == (1, 1, H)
    for h in range(2, 20):
        assert output_shapes(answer.propagated, {"H": h}) == {"y": [1, 1, h]}


def test_a_check_every_case_makes_is_one_check():
    """Two cases running the same conv make its check once, unguarded, with the case's message."""
    first = Case(_conv(3, "a"), L >= 10, {L: (0, 2)})
    second = Case(_conv(3, "b"), L < 10, {L: (0, 2)})
    answer = analyse(_model((first, second)))
    assert len(answer.propagated.checks) == 1
    assert [h for h in range(1, 20) if h in answer.dims["H"].runs] == list(range(3, 20))
