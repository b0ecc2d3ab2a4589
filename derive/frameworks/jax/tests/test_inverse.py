"""The jax space (``jax.lax.conv_transpose``): solve against brute force, explain, port, and the command line."""

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
    (3, 3, box(modes=("SAME_LOWER", "EXPLICIT"))),
    (1, 1, box()),
    (3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
    (3, 7, box(modes=("VALID",))),
    (4, 40, box(p="0..1")),  # unreachable within the box
    (4, 17, box(modes=("SAME",))),  # unreachable: SAME gives multiples of n
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, 3, 12, Bounds(modes=("SAME", "SAME_LOWER")), 6), (None, 3, 3, Bounds(), 6)]


OPEN = [
    (4, 16, Bounds()),
    (5, 2, Bounds()),
    (1, 4, Bounds()),
    (4, 16, Bounds(padding=Range(0, 2))),  # strides stay endless through explicit pads and large kernels
    (4, 16, Bounds(dilation=Range(2, 3))),  # the plain dilation is out of bounds
    (4, 16, Bounds(kernel=Range(1, 3))),
    (4, 16, Bounds(modes=("EXPLICIT",), padding=Range(0, 1))),
]


@pytest.mark.parametrize(("n", "out", "bounds"), OPEN)
def test_open_bounds_walk_is_productive(n, out, bounds):
    """With open or partly open bounds the first page fills at once and agrees with a wide finite box."""
    first_page_of_open_bounds("jax", n, out, bounds)


FIRST = [
    (4, 16, "kernel_size>=1, strides=4, padding='SAME'"),
    (2, 5, "kernel_size=3, strides=2, padding='VALID'"),
    (5, 2, "kernel_size=4, strides=1, padding=[(0, 0)]"),
    (3, 3, "kernel_size>=1, strides=1, padding='SAME'"),
]


@pytest.mark.parametrize(("n", "out", "text"), FIRST)
def test_simplest_answer_first(n, out, text):
    """The first answer is the simplest: the stride equal to the scale factor, SAME, dilation 1."""
    assert solve("jax", n, out, limit=1).answers[0].text == text


def test_page_lists_modes_before_dilations():
    """At one change the modes at dilation 1 (VALID, explicit pads) come before dilated SAME kernels."""
    texts = [a.text for a in solve("jax", 4, 16, limit=4).answers]
    assert texts[1:] == [
        "kernel_size=1..4, strides=4, padding='VALID'",
        "kernel_size=1, strides=4, padding=[(0, 3)]",
        "kernel_size=1, strides=4, padding=[(1, 2)]",
    ]


def test_consistent_padding_is_searched():
    """use_consistent_padding=True reads [(lo, hi)] as forward pads: PyTorch's padding, found by solve."""
    bounds = Bounds(kernel=Range(3, 3), stride=Range(2, 2), dilation=Range(1, 1), modes=("EXPLICIT",))
    texts = [a.text for a in solve("jax", 4, 5, bounds, limit=20).answers]
    assert "kernel_size=3, strides=2, padding=[(2, 2)], use_consistent_padding=True" in texts
    assert "kernel_size=3, strides=2, padding=[(0, 0)]" in texts


# -- explain ------------------------------------------------------------------------------------

EXPLAIN_FORMULA = [
    ({"kernel_size": 3, "strides": 2, "padding": "SAME"}, 6, (5, 6), "n·strides", "3·2 = 6"),
    (
        {"kernel_size": 3, "strides": 2, "padding": "VALID", "rhs_dilation": 2},
        9,
        (9, 10),
        "(n-1)·strides + max(rhs_dilation·(kernel_size-1) + 1, strides)",
        "(3-1)·2 + max(2·(3-1) + 1, 2) = 9",
    ),
    (
        {"kernel_size": 3, "strides": 2, "padding": [(1, 2)]},
        6,
        (6, 7),
        "max(0, (n-1)·strides + lo + hi - kernel_size + 2) for padding=[(lo, hi)]",
        "max(0, (3-1)·2 + 1 + 2 - 3 + 2) = 6",
    ),
    (
        {"kernel_size": 3, "strides": 2, "padding": [(1, 1)], "use_consistent_padding": True},
        5,
        (5, 6),
        "max(0, (n-1)·strides + kernel_size - lo - hi) for padding=[(lo, hi)]",
        "max(0, (3-1)·2 + 3 - 1 - 1) = 5",
    ),
    (
        {"kernel_size": 3, "strides": 1, "padding": "SAME_LOWER"},
        3,
        (3, 3),
        "n (a forward convolution: padding strings other than 'SAME'/'VALID' need strides 1)",
        "3 = 3",
    ),
]


@pytest.mark.parametrize(("kwargs", "length", "preimage", "formula", "numbers"), EXPLAIN_FORMULA)
def test_explain(kwargs, length, preimage, formula, numbers):
    """explain gives the length, the rule with the numbers, and the forward preimage, which holds the length."""
    e = explain("jax", 3, **kwargs)
    assert (e.length, e.preimage, e.formula, e.substituted) == (length, preimage, formula, numbers)
    assert preimage[0] <= length <= preimage[1]


def test_explain_ways_cover_the_preimage():
    """The ways cover the preimage in order (jax has no output padding: no setting reaches another length)."""
    for kwargs, *_ in EXPLAIN_FORMULA:
        e = explain("jax", 3, **kwargs)
        assert_ways_cover(e)


def test_explain_names_the_call_itself():
    """The call's own length is not listed as a length no setting gives."""
    e = explain("jax", 3, kernel_size=3, strides=2, padding="SAME")
    assert not any(w.lengths[0] <= 6 <= w.lengths[1] and w.settings.startswith("no setting") for w in e.ways)


def test_explicit_pads_transpose_the_forward_pads():
    """Stretched-input pads (lo, hi) are explained by the forward convolution with pads (K-1-lo, K-1-hi)."""
    e = explain("jax", 3, kernel_size=3, strides=2, padding=[(0, 1)], rhs_dilation=2)
    assert (
        e.forward == "jax.lax.conv_general_dilated(kernel_size=3, window_strides=2, padding=[(4, 3)], rhs_dilation=2)"
    )
    assert e.length == 2 and e.preimage == (2, 3)


REFUSED = [
    ({"kernel_size": 3, "strides": 2, "padding": "SAME_LOWER"}, "String padding is not implemented"),
    ({"kernel_size": 3, "strides": 1, "padding": "same", "use_consistent_padding": True}, "Invalid padding mode: same"),
    ({"kernel_size": 3, "strides": 2, "padding": (1, 1)}, "should be a string or a sequence of (low, high) pairs"),
]


@pytest.mark.parametrize(("kwargs", "message"), REFUSED)
def test_explain_reports_refusals(kwargs, message):
    """Calls JAX refuses are reported with JAX's own message (a bare (lo, hi) pair is one of them)."""
    e = explain("jax", 3, **kwargs)
    assert e.length is None and message in e.refused.message


# -- port ---------------------------------------------------------------------------------------

PORTS = [
    (
        "torch",
        "jax",
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        # 'SAME' has the length but keeps full[0 : 2n]; these pads keep torch's full[1 : 2n + 1]
        "jax.lax.conv_transpose(kernel_size=3, strides=2, padding=[(1, 2)])",
    ),
    (
        "torch",
        "jax",
        {"kernel_size": 3, "stride": 2, "dilation": 2},
        "jax.lax.conv_transpose(kernel_size=3, strides=2, padding='VALID', rhs_dilation=2)",
    ),
    (
        "torch",
        "jax",
        {"kernel_size": 3, "stride": 2, "padding": 3},
        "jax.lax.conv_transpose(kernel_size=3, strides=2, padding=[(3, 3)], use_consistent_padding=True)",
    ),
    (
        "jax",
        "torch",
        {"kernel_size": 3, "strides": 2, "padding": [(5, 0)]},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, output_padding=1)",
    ),
    (
        "jax",
        "torch",
        {"kernel_size": 3, "strides": 2, "padding": [(1, 1)], "use_consistent_padding": True},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, padding=1)",
    ),
    ("jax", "torch", {"kernel_size": 3, "strides": 2, "padding": [(0, 0)]}, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """Ports to and from torch are re-proved and agree with the models; JAX's empty output has no torch twin."""
    p = checked_port(source, target, kwargs, expected, refused_ok=True)
    if expected is None:
        # at n = 1 JAX gives max(0, -1) = 0 where PyTorch refuses: no constant offset fixes that
        assert p.counterexample == {"n": 1, "source": 0, "target": None} and p.alternative is None


# -- command line -------------------------------------------------------------------------------


def test_cli_solve(capsys):
    """derive solve jax answers, simplest first."""
    assert main(["solve", "jax", "--n", "4", "--out", "16"]) == 0
    assert "kernel_size>=1, strides=4, padding='SAME'" in capsys.readouterr().out


def test_cli_takes_explicit_pads_in_brackets(capsys):
    """`--padding "[(1, 2)]"` reaches jax as its list of (lo, hi) pairs."""
    argv = ["explain", "jax", "--n", "4", "--kernel-size", "3", "--strides", "2", "--padding", "[(1, 2)]"]
    assert main(argv) == 0
    assert "padding=[(1, 2)]) on n=4: 8" in capsys.readouterr().out


# A mode JAX does not spell that way, or a missing padding, gives one error line and exit 2.
CLI_BAD = [
    ["solve", "jax", "--n", "4", "--out", "16", "--mode", "same"],
    ["solve", "jax", "--n", "4", "--out", "16", "--mode", "CIRCULAR"],
    ["explain", "jax", "--n", "4", "--kernel-size", "3", "--strides", "2"],
]
