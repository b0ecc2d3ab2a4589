"""The flax space (``flax.linen.ConvTranspose``): solve against brute force, explain, port, and the command line."""

from __future__ import annotations

import pytest

from derive.cli import main
from derive.explain import explain
from derive.inverse import Bounds, Range
from derive.solve import solve
from tests.inverse_checks import assert_ways_cover, checked_port, first_page_of_open_bounds
from tests.test_queries import box

BRUTE = [
    (4, 16, box()),
    (2, 5, box()),
    (1, 4, box()),  # n = 1: the stride drops out of explicit lengths
    (5, 2, box()),  # shrinking: only explicit pads
    (3, 3, box(modes=("CIRCULAR", "EXPLICIT"))),
    (1, 1, box()),
    (3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
    (6, 6, box(k="1..7", s="1..3", d="1..4", p="0..5")),
    (4, 40, box(p="0..1")),  # unreachable within the box
    (4, 17, box(modes=("SAME", "CIRCULAR"))),  # unreachable: both give multiples of n
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, 3, 12, Bounds(), 8), (None, 5, 2, Bounds(), 8), (None, 4, 9, Bounds(dilation=Range(3, 3)), 8)]


OPEN = [
    (4, 16, Bounds()),
    (5, 2, Bounds()),
    (1, 4, Bounds()),
    (4, 16, Bounds(padding=Range(0, 2))),
    (4, 16, Bounds(dilation=Range(2, 3))),
    (3, 8, Bounds(modes=("EXPLICIT",))),
]


@pytest.mark.parametrize(("n", "out", "bounds"), OPEN)
def test_open_bounds_walk_is_productive(n, out, bounds):
    """With open or partly open bounds the first page fills at once and agrees with a wide finite box."""
    first_page_of_open_bounds("flax", n, out, bounds)


FIRST = [
    (4, 16, "kernel_size>=1, strides=4"),
    (2, 5, "kernel_size=3, strides=2, padding='VALID'"),
    (5, 2, "kernel_size=4+2t, strides=1, padding=t  (t >= 0)"),
    (3, 8, "kernel_size=4, strides=2, padding='VALID'"),
]


@pytest.mark.parametrize(("n", "out", "text"), FIRST)
def test_simplest_answer_first(n, out, text):
    """The first answer is the simplest: the stride equal to the scale factor, the default SAME, dilation 1."""
    assert solve("flax", n, out, limit=1).answers[0].text == text


def test_int_padding_is_a_line_and_pairs_are_unequal():
    """An int padding runs along a line with the kernel; pairs [(lo, hi)] only where lo != hi."""
    texts = [a.text for a in solve("flax", 3, 8, Bounds(modes=("EXPLICIT",)), limit=4).answers]
    assert texts == [
        "kernel_size=2+2t, strides=2, padding=2+t  (t >= 0)",
        "kernel_size=1, strides=2, padding=[(0, 3)]",
        "kernel_size=1, strides=2, padding=[(1, 2)]",
        "kernel_size=1, strides=2, padding=[(2, 1)]",
    ]


# -- explain ------------------------------------------------------------------------------------

EXPLAIN_FORWARD = [
    ({"kernel_size": 3, "strides": 2}, 6, (5, 6), "flax.linen.Conv(kernel_size=3, strides=2)"),
    ({"kernel_size": 4, "strides": 2, "padding": "CIRCULAR"}, 6, (5, 6), None),
    ({"kernel_size": 3, "strides": 2, "padding": "VALID"}, 7, (7, 8), None),
    ({"kernel_size": 3, "strides": 2, "padding": 1}, 5, (5, 6), "flax.linen.Conv(kernel_size=3, strides=2, padding=1)"),
    # the forward pads of a stretched-input pad p are K-1-p: negative ones crop
    (
        {"kernel_size": 3, "strides": 2, "padding": 5},
        13,
        (13, 14),
        "flax.linen.Conv(kernel_size=3, strides=2, padding=-3)",
    ),
    (
        {"kernel_size": 3, "strides": 2, "padding": [(1, 2)]},
        6,
        (6, 7),
        "flax.linen.Conv(kernel_size=3, strides=2, padding=[(1, 0)])",
    ),
    ({"kernel_size": 3, "strides": 2, "padding": 1, "kernel_dilation": 3}, 1, (1, 2), None),
]


@pytest.mark.parametrize(("kwargs", "length", "preimage", "forward"), EXPLAIN_FORWARD)
def test_explain(kwargs, length, preimage, forward):
    """explain gives the length and the forward preimage, which holds the length; the ways cover it."""
    e = explain("flax", 3, **kwargs)
    assert (e.length, e.preimage) == (length, preimage)
    assert preimage[0] <= length <= preimage[1]
    if forward is not None:
        assert e.forward == forward
    assert_ways_cover(e)


FORMULAS = [
    (
        {"kernel_size": 3, "strides": 2, "padding": 1},
        "max(0, (n-1)·strides + 2·padding - kernel_size + 2)",
        "max(0, (3-1)·2 + 2·1 - 3 + 2) = 5",
    ),
    (
        {"kernel_size": 3, "strides": 2, "padding": 1, "kernel_dilation": 3},
        "max(0, (n-1)·strides + 2·padding - kernel_dilation·(kernel_size-1) + 1)",
        "max(0, (3-1)·2 + 2·1 - 3·(3-1) + 1) = 1",
    ),
    ({"kernel_size": 3, "strides": 2, "padding": "CIRCULAR"}, "n·strides", "3·2 = 6"),
]


@pytest.mark.parametrize(("kwargs", "formula", "numbers"), FORMULAS)
def test_explain_formula(kwargs, formula, numbers):
    """The rule is written in Flax's names, then with the call's numbers, ending in the length."""
    e = explain("flax", 3, **kwargs)
    assert (e.formula, e.substituted) == (formula, numbers)


def test_explain_reports_refusals():
    """A bare (lo, hi) is refused with Flax's own message (it wants one int or pair per axis)."""
    e = explain("flax", 3, kernel_size=3, strides=2, padding=(1, 2))
    assert e.length is None and e.refused.message.startswith("Invalid padding format: (1, 2)")


# -- port ---------------------------------------------------------------------------------------

PORTS = [
    (
        "torch",
        "flax",
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        # 'SAME' has the length but keeps full[0 : 2n]; these pads keep torch's full[1 : 2n + 1]
        "flax.linen.ConvTranspose(kernel_size=3, strides=2, padding=[(1, 2)])",
    ),
    (
        "torch",
        "flax",
        {"kernel_size": 3, "stride": 2},
        "flax.linen.ConvTranspose(kernel_size=3, strides=2, padding='VALID')",
    ),
    (
        "flax",
        "torch",
        {"kernel_size": 3, "strides": 2, "padding": 1},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, padding=1)",
    ),
    (
        "flax",
        "torch",
        {"kernel_size": 3, "strides": 2},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, padding=1, output_padding=1)",
    ),
    (
        "flax",
        "jax",
        {"kernel_size": 3, "strides": 2, "padding": "CIRCULAR"},
        "jax.lax.conv_transpose(kernel_size=3, strides=2, padding='SAME')",
    ),
    # 2n - 5 needs pads summing to -4: Flax's pads only add to the length
    ("torch", "flax", {"kernel_size": 3, "stride": 2, "padding": 3}, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """Ports to and from flax are re-proved and agree with the models; a missing one has a counterexample and a fix."""
    p = checked_port(source, target, kwargs, expected, refused_ok=True)
    if expected is None:
        assert p.counterexample["n"] == 8 and p.crop == (1, 1)
        assert p.fix == "y = flax.linen.ConvTranspose(kernel_size=3, strides=2, padding=0)(x)[:, 1:-1]"


# -- command line -------------------------------------------------------------------------------


def test_cli_solve(capsys):
    """derive solve flax answers, simplest first."""
    assert main(["solve", "flax", "--n", "4", "--out", "16"]) == 0
    assert "kernel_size>=1, strides=4" in capsys.readouterr().out


# A mode Flax does not take here, or a missing kernel size, gives one error line and exit 2.
CLI_BAD = [
    ["solve", "flax", "--n", "4", "--out", "16", "--mode", "SAME_LOWER"],
    ["solve", "flax", "--n", "4", "--out", "16", "--mode", "circular"],
    ["explain", "flax", "--n", "4", "--strides", "2"],
]
