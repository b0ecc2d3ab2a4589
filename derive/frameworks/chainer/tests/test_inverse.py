"""Chainer's deconvolution_1d as a parameter space: solve against brute force, explain, port, and the command line."""

from __future__ import annotations

import pytest

from derive.cli import main
from derive.explain import explain
from derive.inverse import Bounds, space
from derive.solve import solve
from tests.inverse_checks import checked_port, way_ends
from tests.test_queries import box

SP = space("chainer")

BRUTE = [
    (4, 16, box()),
    (2, 5, box()),
    (1, 4, box()),
    (1, 1, box(k="1..3", s="1..4", d="1..2", p="0..3")),  # outsize also reaches 1 where the default is <= 0
    (5, 2, box()),
    (3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
    (3, 4, box(k="3..3", s="1..3", d="1..2", p="0..3")),
    (4, 40, box()),  # unreachable: at most 5·3 + 3·4 + 1 + (5-1) = 32
    (2, 1, box(k="1..2", s="1..3", d="1..1", p="0..0")),  # unreachable: outsize 1 needs a default of at most 3
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, n, out, Bounds(), 12) for n, out in [(3, 12), (1, 5), (6, 2)]]
ENDLESS_ONLY = True  # every answer there is unbounded


FIRST = [
    (
        4,
        16,
        None,
        [
            "ksize=4+2t, stride=4, pad=t  (t >= 0)",
            "ksize=4+2t, stride=4, pad=t, outsize=16  (t >= 0)",  # outsize equal to the default: one change
            "ksize=3+2t, stride=4, pad=t, outsize=16  (t >= 0)",  # the default 15, one below
            "ksize=5+2t, stride=4, pad=t, outsize=16  (t >= 0)",  # the default 17: a cover_all size
        ],
    ),
    (20, 200, None, ["ksize=10+2t, stride=10, pad=t  (t >= 0)"]),
    (
        3,
        4,
        box(k="3", s="2", d="1", p="0..3"),
        ["ksize=3, stride=2, pad=2, outsize=4", "ksize=3, stride=2, pad=1, outsize=4"],
    ),
    (1, 1, box(k="1", s="3", d="1", p="1"), ["ksize=1, stride=3, pad=1, outsize=1"]),  # the default is -1
]


@pytest.mark.parametrize(("n", "out", "bounds", "texts"), FIRST)
def test_simplest_answer_first(n, out, bounds, texts):
    """No outsize first; then outsize=out with the default nearest it, above before below."""
    assert [a.text for a in solve("chainer", n, out, bounds, limit=len(texts)).answers] == texts


def test_nothing_fits_names_the_bounds():
    """A target the bounds block names the knob outside them and the nearest reachable lengths."""
    got = solve("chainer", 2, 1, box(k="1..2", s="1..3", d="1..1", p="0..0"))
    assert not got.answers and "pad=1 (outside 0)" in got.why
    assert [x.length for x in got.nearest] == [2]


DEFAULT = "outsize=None (the default), or outsize={}"

EXPLAIN = [
    (4, {"ksize": 4, "stride": 4}, 16, (16, 19), [f"16: {DEFAULT.format(16)}", "17..19: outsize=17..19"]),
    (3, {"ksize": 3, "stride": 2, "pad": 1, "outsize": 4}, 4, (5, 6), [f"5: {DEFAULT.format(5)}", "6: outsize=6"]),
    (3, {"ksize": 3, "stride": 2, "pad": 1, "outsize": 9}, None, (5, 6), [f"5: {DEFAULT.format(5)}", "6: outsize=6"]),
    (4, {"ksize": 2, "dilate": 3}, 7, (7, 7), [f"7: {DEFAULT.format(7)}"]),
    (1, {"ksize": 1, "stride": 3, "pad": 1}, None, (1, 1), ["1: outsize=1"]),  # the default -1 is refused
]


def test_explain_ways_are_real():
    """Every outsize range explain offers gives its lengths in the model, at both ends; the default its own."""
    for n, kwargs, *_ in EXPLAIN:
        e = explain("chainer", n, **kwargs)
        for way in e.ways:
            assert e.preimage[0] <= way.lengths[0] <= way.lengths[1] <= e.preimage[1]
            ends = way_ends(way, "outsize")
            assert ends
            for _, value, length in ends:
                assert SP.call(n, SP.bind({**kwargs, "outsize": value})) == length
            if "(the default)" in way.settings:
                assert SP.call(n, SP.bind({**kwargs, "outsize": None})) == way.lengths[0]


def test_explain_notes_the_cover_all_sizes():
    """Sizes below the default are accepted too: explain notes them, with what the forward makes of them."""
    e = explain("chainer", 4, ksize=4, stride=4)
    assert e.notes == (
        "outsize=13..15 is accepted too, but chainer.functions.convolution_1d(ksize=4, stride=4) "
        "maps 13..15 back to 3, not 4",
    )
    assert [r.setting for r in e.refusals] == ["outsize=20", "outsize=12"]
    assert e.refusals[0].error == "InvalidType"


def test_explain_formula_with_outsize():
    """With outsize the formula gives the default D and the accepted interval D-s+1..D+s-1."""
    e = explain("chainer", 3, ksize=3, stride=2, pad=1, outsize=4)
    assert e.substituted == "D = 2·(3-1) + 1·(3-1) + 1 - 2·1 = 5: 4..6"


PORTS = [
    (
        "torch",
        "chainer",
        {"kernel_size": 4, "stride": 2, "padding": 1},
        "chainer.functions.deconvolution_1d(ksize=4, stride=2, pad=1)",
    ),
    (
        "chainer",
        "torch",
        {"ksize": 4, "stride": 2, "pad": 1, "dilate": 2},
        "torch.nn.ConvTranspose1d(kernel_size=4, stride=2, padding=1, dilation=2)",
    ),
    ("caffe", "chainer", {"kernel_size": 3, "stride": 2}, "chainer.functions.deconvolution_1d(ksize=3, stride=2)"),
    ("torch", "chainer", {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """A port to or from Chainer is re-proved; an output padding gives a counterexample and a crop."""
    p = checked_port(source, target, kwargs, expected)
    if expected is None:
        assert p.counterexample is not None
        assert p.fix == "y = chainer.functions.deconvolution_1d(ksize=3, stride=2)(x)[..., 1:]" and p.crop == (1, 0)


def test_cli_solve_and_explain(capsys):
    """solve and explain run from the command line with Chainer's own argument names."""
    assert main(["solve", "chainer", "--n", "4", "--out", "16"]) == 0
    assert "ksize=4+2t, stride=4, pad=t, outsize=16" in capsys.readouterr().out
    assert (
        main(["explain", "chainer", "--n", "3", "--ksize", "3", "--stride", "2", "--pad", "1", "--outsize", "4"]) == 0
    )
    assert "D = 2·(3-1) + 1·(3-1) + 1 - 2·1 = 5: 4..6" in capsys.readouterr().out
    assert main(["knobs", "chainer"]) == 0
    assert "  --outsize          target    default None" in capsys.readouterr().out


# A padding mode, a backend, a foreign name or a missing ksize: one error line, exit 2.
CLI_BAD = [
    ["solve", "chainer", "--n", "4", "--out", "16", "--mode", "same"],
    ["solve", "chainer", "--n", "4", "--out", "16", "--backend", "onednn"],
    ["explain", "chainer", "--n", "4", "--kernel-size", "3"],
    ["explain", "chainer", "--n", "4", "--stride", "2"],
]
