"""Caffe's Deconvolution as a parameter space: solve against brute force, explain, port, and the command line."""

from __future__ import annotations

import re

import pytest

from derive.cli import main
from derive.explain import explain
from derive.inverse import Bounds, space
from derive.solve import solve
from tests.inverse_checks import STANDARD_BRUTE, checked_port
from tests.test_queries import box

SP = space("caffe")

BRUTE = [
    *STANDARD_BRUTE,
    (2, 1, box(k="1..4", s="1..3", d="1..2", p="0..3")),
    (4, 40, box()),  # unreachable: at most 5·3 + 3·4 + 1 = 28
    (3, 2, box(k="1..2", s="1..3", d="1..2", p="0..0")),  # unreachable: no padding to shrink with
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, n, out, Bounds(), 8) for n, out in [(3, 12), (1, 5), (6, 2)]]
ENDLESS_ONLY = True  # every answer there is unbounded


FIRST = [
    (4, 16, 1, ["kernel_size=4+2t, stride=4, pad=t  (t >= 0)"]),
    (2, 5, 1, ["kernel_size=3+2t, stride=2, pad=t  (t >= 0)"]),
    (5, 2, 1, ["kernel_size=2+2t, stride=1, pad=2+t  (t >= 0)"]),
    (20, 200, 1, ["kernel_size=10+2t, stride=10, pad=t  (t >= 0)"]),
    (
        4,
        16,
        2,
        ["kernel_size=4+2t, stride=4, pad=t  (t >= 0)", "kernel_size=2+2t, stride=4, pad=3t, dilation=3  (t >= 0)"],
    ),
]


@pytest.mark.parametrize(("n", "out", "limit", "texts"), FIRST)
def test_simplest_answer_first(n, out, limit, texts):
    """The stride equal to the scale factor comes first; with no output padding the next change is the dilation."""
    assert [a.text for a in solve("caffe", n, out, limit=limit).answers] == texts


def test_nothing_fits_names_the_bounds():
    """A target the bounds block names the knobs outside them and the nearest reachable length."""
    got = solve("caffe", 4, 40, box(k="1..3", s="1..3", d="1..3", p="0..3"))
    assert not got.answers and "kernel_size=10 (outside 1..3)" in got.why
    assert [x.length for x in got.nearest] == [16]


THE_CALL = "the call as written"
NONE = "not from this call: caffe Deconvolution has no output padding or output size (change the padding)"

EXPLAIN = [
    (4, {"kernel_size": 4, "stride": 4}, 16, (16, 19), ["16: " + THE_CALL, "17..19: " + NONE.format("them")]),
    (3, {"kernel_size": 3, "stride": 2, "pad": 1}, 5, (5, 6), ["5: " + THE_CALL, "6: " + NONE.format("it")]),
    (4, {"kernel_size": 3, "dilation": 2}, 8, (8, 8), ["8: " + THE_CALL]),
    # n = 1: Caffe's forward truncates toward zero, so lengths below the call's also map back to 1
    (
        1,
        {"kernel_size": 4, "stride": 4},
        4,
        (1, 7),
        ["1..3: " + NONE.format("them"), "4: " + THE_CALL, "5..7: " + NONE.format("them")],
    ),
    (2, {"kernel_size": 3, "stride": 2, "pad": 3}, None, None, []),  # -1: a fatal glog check
]


def test_explain_ways_are_real():
    """The way named after the call is the model's length; the lengths said to be out of reach exclude it."""
    for n, kwargs, length, _, _ in EXPLAIN:
        e = explain("caffe", n, **kwargs)
        for way in e.ways:
            lo, hi = way.lengths
            if way.settings == THE_CALL:
                assert lo == hi == SP.call(n, SP.bind(kwargs))
            else:
                assert length is None or not lo <= length <= hi


def test_explain_refusal_and_formula():
    """A negative length is Caffe's fatal Blob check, with the formula's numbers showing why."""
    e = explain("caffe", 2, kernel_size=3, stride=2, pad=3)
    assert e.refused.message == "Check failed: shape[i] >= 0 (-1 vs. 0)"
    assert e.substituted == "2·(2-1) + 1·(3-1) + 1 - 2·3 = -1"


PORTS = [
    (
        "torch",
        "caffe",
        {"kernel_size": 4, "stride": 2, "padding": 1},
        "caffe Deconvolution(kernel_size=4, stride=2, pad=1)",
    ),
    (
        "caffe",
        "torch",
        {"kernel_size": 3, "stride": 2, "dilation": 2},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, dilation=2)",
    ),
    (
        "keras",
        "caffe",
        {"kernel_size": 4, "strides": 2, "padding": "same"},
        "caffe Deconvolution(kernel_size=4, stride=2, pad=1)",
    ),
    ("torch", "caffe", {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """A port to or from Caffe is re-proved; an output padding Caffe lacks gives a counterexample and a crop fix."""
    p = checked_port(source, target, kwargs, expected)
    if expected is None:
        assert p.counterexample is not None
        # torch keeps full[1 : 2n+1]: caffe pad=0 keeps full[0 : 2n+1], so the first sample goes
        assert p.fix == "y = caffe Deconvolution(kernel_size=3, stride=2)(x)[..., 1:]" and p.crop == (1, 0)


def test_cli_solve_and_explain(capsys):
    """solve and explain run from the command line with Caffe's own argument names."""
    assert main(["solve", "caffe", "--n", "4", "--out", "16"]) == 0
    assert "kernel_size=4+2t, stride=4, pad=t" in capsys.readouterr().out
    assert main(["explain", "caffe", "--n", "4", "--kernel-size", "4", "--stride", "4", "--pad", "0"]) == 0
    assert re.search(r"\d+\.\.19: not from this call: caffe Deconvolution has no output", capsys.readouterr().out)
    assert main(["knobs", "caffe"]) == 0
    roles = [line.split()[1] for line in capsys.readouterr().out.splitlines()[1:]]
    assert roles == ["kernel", "stride", "padding", "dilation"]  # no adjust, no target


# A padding mode, a backend or an output padding Caffe does not have: one error line, exit 2.
CLI_BAD = [
    ["solve", "caffe", "--n", "4", "--out", "16", "--mode", "same"],
    ["solve", "caffe", "--n", "4", "--out", "16", "--backend", "cudnn"],
    ["explain", "caffe", "--n", "4", "--kernel-size", "3", "--output-padding", "1"],
]
