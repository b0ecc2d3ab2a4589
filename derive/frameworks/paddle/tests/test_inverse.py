"""Paddle's conv1d_transpose as a parameter space: solve against brute force, explain, port, and the command line."""

from __future__ import annotations

import itertools
import json

import pytest

from derive.cli import main
from derive.explain import explain
from derive.inverse import Bounds, Budget, Pads, Query, Range, space
from derive.port import port
from derive.solve import solve
from tests.inverse_checks import assert_port_holds, way_ends
from tests.test_queries import box

BRUTE = [
    (4, 16, box()),
    (2, 5, box()),
    (1, 4, box()),
    (5, 2, box()),
    (4, 1, box()),
    (3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
    (3, 8, box(modes=("SAME", "VALID"))),
    (5, 9, box(modes=("SAME",))),
    (1, 4, box(modes=("SAME",))),  # one input: 1 + output_padding, so stride >= 4
    (4, 16, box(p="0..2", modes=("EXPLICIT",))),
    (4, 60, box()),  # unreachable: at most 3·5 + 3·4 + 1 + 4 = 32
    (3, 2, box(k="1..2", s="1..3", d="1..2", p="0..0")),  # unreachable: no padding to shrink with
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, n, out, Bounds(), 12) for n, out in [(3, 12), (1, 5), (6, 2), (4, 16)]]


FIRST = [
    (
        4,
        16,
        None,
        [
            "kernel_size=4+2t, stride=4, padding=t  (t >= 0)",
            "kernel_size=3+2t, stride=4, padding=t, output_padding=1  (t >= 0)",
            "kernel_size=2+2t, stride=4, padding=t, output_padding=2  (t >= 0)",
            "kernel_size=1+2t, stride=4, padding=t, output_padding=3  (t >= 0)",
            "kernel_size=4, stride=4, padding=(0, 0)",  # the pair form: pairs by total, then before
            "kernel_size=5, stride=4, padding=(0, 1),(1, 0)",
            "kernel_size=6, stride=4, padding=(0, 2),(1, 1)..(2, 0)",
        ],
    ),
    (4, 2, None, ["kernel_size=1+2t, stride=1, padding=1+t  (t >= 0)"]),
    (20, 200, None, ["kernel_size=10+2t, stride=10, padding=t  (t >= 0)"]),
    (
        4,
        16,
        ("SAME", "VALID"),
        [
            "kernel_size>=4, stride=4, padding='SAME'",
            "kernel_size=4, stride=4, padding='VALID'",
            "kernel_size=3, stride=4, padding='SAME', output_padding=1",
        ],
    ),
    # 'SAME' is not n·stride: 5 -> 9 at stride 2, whatever the kernel
    (5, 9, ("SAME",), ["kernel_size>=1, stride=2, padding='SAME'"]),
]


@pytest.mark.parametrize(("n", "out", "modes", "texts"), FIRST)
def test_simplest_answer_first(n, out, modes, texts):
    """The stride equal to the scale factor first, the plain int padding before pairs and modes."""
    got = solve("paddle", n, out, Bounds(modes=modes), limit=len(texts))
    assert [a.text for a in got.answers] == texts


@pytest.mark.parametrize(
    ("out", "bounds"),
    [
        (5, Bounds(modes=("SAME",))),
        (5, Bounds(kernel=Range(1, 2), padding=Range(0, 0))),
        (1, Bounds(padding=Range(0, 1))),
    ],
)
def test_one_input_with_open_strides_is_productive(out, bounds):
    """With n = 1 the stride only caps output_padding: the walk goes past every stride quickly, in order.

    The first families equal those of the same search with the strides bounded (far enough out).
    """
    inverse = space("paddle")
    budget = Budget(10**5)
    lazy = list(itertools.islice(inverse.families(Query(1, out, bounds), budget), 40))
    assert len(lazy) == 40 and not budget.exhausted
    top = max(f.first["stride"] for f in lazy) + 1
    capped = Bounds(bounds.kernel, Range(1, top), bounds.dilation, bounds.padding, bounds.modes)
    finite = [f for f in inverse.families(Query(1, out, capped), Budget(10**6)) if f.first["stride"] < top]
    assert lazy == finite[:40]


def test_pair_families_step_per_side():
    """A pair family runs (before + t, after - t): plain pairs the model takes, printed and serialised as pairs."""
    fam = next(a.family for a in solve("paddle", 4, 16, limit=8).answers if a.count == 3)
    members = list(fam.members())
    assert [m["padding"] for m in members] == [(0, 2), (1, 1), (2, 0)]
    assert all(space("paddle").call(4, m) == 16 for m in members)
    assert json.loads(json.dumps(fam.first))["padding"] == [0, 2]
    assert Pads(1, 2) + Pads(1, -1) * 3 == (4, -1) and repr(Pads(1, 2)) == "(1, 2)"


# -- explain ------------------------------------------------------------------------------------

EXPLAIN = [
    (4, {"kernel_size": 4, "stride": 4}, 16, (16, 19), ["16..19: output_padding=0..3, or output_size=16..19"]),
    (
        5,
        {"kernel_size": 3, "stride": 2, "padding": "SAME"},
        9,
        (9, 10),
        ["9..10: output_padding=0..1, or output_size=9..10"],
    ),
    # 'SAME' takes its pads from the input: 16..19, while the forward 'SAME' maps 13..16 back to 4
    (
        4,
        {"kernel_size": 4, "stride": 4, "padding": "SAME"},
        16,
        (13, 16),
        [
            "13..15: no output_padding or output_size of this call gives them",
            "16: output_padding=0, or output_size=16",
        ],
    ),
    (
        4,
        {"kernel_size": 3, "stride": 2, "padding": (0, 1)},
        8,
        (8, 9),
        ["8..9: output_padding=0..1, or output_size=8..9"],
    ),
    # output_padding < stride on CPU, whatever the dilation
    (3, {"kernel_size": 3, "stride": 1, "dilation": 3}, 9, (9, 9), ["9: output_padding=0, or output_size=9"]),
    (
        3,
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": 6},
        6,
        (5, 6),
        ["5..6: output_padding=0..1, or output_size=5..6"],
    ),
    (
        2,
        {"kernel_size": 3, "stride": 2, "padding": "valid"},
        5,
        (5, 6),
        ["5..6: output_padding=0..1, or output_size=5..6"],
    ),
]


def test_explain_ways_are_real():
    """Every output_padding / output_size range explain offers gives its lengths in the model, at both ends."""
    inverse = space("paddle")
    for n, kwargs, *_ in EXPLAIN:
        e = explain("paddle", n, **kwargs)
        cfg = {**inverse.bind(kwargs), "output_size": None}
        for way in e.ways:
            for knob, value, length in way_ends(way, "output_padding|output_size"):
                assert inverse.call(n, {**cfg, "output_padding": 0, knob: value}) == length


def test_explain_texts_and_refusals():
    """The formula names Paddle's arguments; refusals carry Paddle's own messages."""
    e = explain("paddle", 5, kernel_size=3, stride=2, padding="SAME")
    assert e.formula == "(n-1)·stride + min(kernel_size, n - (⌈n/stride⌉-1)·stride) + output_padding"
    assert e.substituted == "(5-1)·2 + min(3, 5 - (3-1)·2) + 0 = 9"
    pair = explain("paddle", 4, kernel_size=3, stride=2, padding=(0, 1))
    assert pair.substituted == "(4-1)·2 - 0 - 1 + 1·(3-1) + 1 + 0 = 8"
    dilated = explain("paddle", 3, kernel_size=3, stride=1, dilation=3)
    assert "are inconsistent" in dilated.refusals[0].message  # the CPU kernel, not InferMeta
    bad = explain("paddle", 3, kernel_size=3, stride=2, padding="full")
    assert bad.refused is not None and "It can only be 'SAME' or 'VALID'" in bad.refused.message and not bad.ways


# -- port ---------------------------------------------------------------------------------------

PORTS = [
    ("torch", "paddle", {"kernel_size": 4, "stride": 2, "padding": 1}, "kernel_size=4, stride=2, padding=1"),
    (
        "torch",
        "paddle",
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        "kernel_size=3, stride=2, padding=1, output_padding=1",
    ),
    (
        "paddle",
        "torch",
        {"kernel_size": 4, "stride": 2, "padding": (1, 2)},
        "kernel_size=4, stride=2, padding=2, output_padding=1",
    ),
    ("keras", "paddle", {"kernel_size": 4, "strides": 2, "padding": "same"}, "kernel_size=4, stride=2, padding=1"),
    # torch allows output_padding up to the dilation; Paddle's CPU kernel does not
    ("torch", "paddle", {"kernel_size": 3, "stride": 1, "dilation": 3, "output_padding": 2}, None),
    # Paddle's 'SAME' length depends on n's parity: 2n at even n, 2n - 1 at odd n
    ("paddle", "torch", {"kernel_size": 3, "stride": 2, "padding": "SAME"}, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """Every port answer is re-checked by the prover; a missing port comes with a counterexample."""
    p = port(source, target, **kwargs)
    dst = space(target)
    if expected is None:
        assert p.target is None and p.counterexample is not None
        return
    assert p.target == f"{dst.operation}({expected})"
    assert_port_holds(p, source, target, kwargs)


def test_port_without_answer_offers_the_nearest():
    """torch's output_padding=2 at stride 1 has no Paddle twin: a proved setting 2 shorter, then pad 2."""
    p = port("torch", "paddle", kernel_size=3, stride=1, dilation=3, output_padding=2)
    assert p.counterexample["n"] == 8 and p.counterexample["source"] == 16
    assert p.alternative.startswith("paddle.nn.functional.conv1d_transpose(kernel_size=3, stride=1, dilation=3)")
    assert p.alternative.endswith("2 shorter: pad 2 (lengths only: the samples are not proved)")


# -- command line -------------------------------------------------------------------------------


def test_cli_solve(capsys):
    """`derive solve paddle` lists the simplest families first and exits 0; --all counts every configuration."""
    assert main(["solve", "paddle", "--n", "4", "--out", "16"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  kernel_size=4+2t, stride=4, padding=t  (t >= 0)  [4*n for every n]"
    assert main(["solve", "paddle", "--n", "5", "--out", "9", "--mode", "SAME", "--max", "4", "--all"]) == 0
    assert "(all 1 within the bounds: 4 configurations)" in capsys.readouterr().out


# Unknown modes and arguments give one error line and exit 2.
CLI_BAD = [
    ["solve", "paddle", "--n", "4", "--out", "16", "--mode", "same"],  # modes as Paddle spells them
    ["solve", "paddle", "--n", "4", "--out", "16", "--mode", "FULL"],
    ["explain", "paddle", "--n", "4", "--strides", "2", "--kernel-size", "3"],
]
