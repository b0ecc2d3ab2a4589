"""Unit tests of the JAX lax model (derive.frameworks.jax)."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import jax as J

n_, k_, s_, d_ = sp.symbols("n k s d", integer=True, positive=True)

# (n, kernel_size, window_strides, padding, lhs_dilation, rhs_dilation, length) -- values seen in jax 0.10.2
FORWARD = [
    (5, 3, 1, "VALID", None, None, 3),
    (2, 5, 2, "VALID", None, None, 0),  # 0 instead of an error
    (5, 3, 2, "SAME", None, None, 3),
    (5, 3, 2, "same_lower", None, None, 3),  # strings are case-insensitive
    (5, 3, 1, [(-2, -3)], None, None, 0),
    (5, 3, 1, [(-1, -1)], 2, None, 5),  # lhs dilation stretches to 9
    (8, 3, 2, [(1, 2)], None, 3, 3),
]

# (n, kernel_size, strides, padding, extra, length)
TRANSPOSE = [
    (3, 3, 2, "SAME", {}, 6),
    (3, 3, 2, "VALID", {}, 7),
    (3, 1, 2, "VALID", {}, 6),  # (n-1)s + max(K, s)
    (3, 5, 2, "VALID", {}, 9),
    (3, 3, 2, [(0, 0)], {}, 3),  # pads of the stretched input: smaller than VALID
    (3, 3, 2, [(-2, -2)], {}, 0),
    (3, 3, 2, [(1, 1)], {"use_consistent_padding": True}, 5),  # PyTorch's length
    (3, 3, 2, [(0, 0)], {"use_consistent_padding": True}, 7),
    (3, 3, 1, "same", {}, 3),  # other strings: a forward conv, stride 1 only
    (3, 3, 1, "valid", {}, 1),
    (3, 3, 2, "SAME", {"transpose_kernel": True}, 6),
    (4, 2, 3, "SAME", {"rhs_dilation": 2}, 12),
]

NEG = "Negative padding is larger than the size of the corresponding dimension: got padding="
STRING = "String padding is not implemented for transposed convolution using this op."
REFUSALS = [
    (lambda: J.conv_transpose_length(3, 3, 2, [(-3, -3)]), f"{NEG}((-3, -3),) for lhs_shape[2:]=(np.int64(5),)"),
    (lambda: J.conv_transpose_length(3, 3, 2, [(5, 5)], use_consistent_padding=True), f"{NEG}((-3, -3),)"),
    (lambda: J.conv_length(5, 3, 1, [(-3, -3)]), f"{NEG}((-3, -3),) for lhs_shape[2:]=(np.int64(5),)"),
    (lambda: J.conv_length(5, 3, 1, "SAME", lhs_dilation=2), STRING),
    (lambda: J.conv_transpose_length(3, 3, 2, "same"), STRING),
    (lambda: J.conv_transpose_length(3, 3, 2, "SAME_LOWER"), STRING),
    (lambda: J.conv_transpose_length(3, 3, 1, "FOO"), "Unrecognized padding type: expected 'VALID', 'SAME', or"),
    (lambda: J.conv_transpose_length(3, 3, 2, "same", use_consistent_padding=True), "Invalid padding mode: same"),
    (lambda: J.conv_length(5, 3, 1, (1, 2)), "should be a string or a sequence of (low, high) pairs, got (1, 2)"),
    (
        lambda: J.conv_length(5, 3, 1, [(1, 2), (0, 0)]),
        "Wrong number of explicit pads for convolution: expected 1, got 2.",
    ),
    (
        lambda: J.conv_transpose_length((3, 4), 3, 2, [(-3, -3), (0, 0)]),
        f"{NEG}((-3, -3), (0, 0)) for lhs_shape[2:]=(np.int64(5), np.int64(7))",
    ),
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "ld", "rd", "expected"), FORWARD)
def test_forward_lengths(n, k, s, padding, ld, rd, expected):
    """conv_general_dilated lengths match JAX, including 0 for a window that does not fit."""
    assert J.conv_length(n, k, s, padding, lhs_dilation=ld, rhs_dilation=rd) == expected


@pytest.mark.parametrize(("n", "k", "s", "padding", "extra", "expected"), TRANSPOSE)
def test_transpose_lengths(n, k, s, padding, extra, expected):
    """conv_transpose lengths match JAX for every kind of padding."""
    assert J.conv_transpose_length(n, k, s, padding, **extra) == expected


@pytest.mark.parametrize(("call", "message"), REFUSALS)
def test_refusals_carry_jax_messages(call, message):
    """Calls JAX refuses raise FrameworkError with JAX's own text."""
    with pytest.raises(FrameworkError) as info:
        call()
    assert message in info.value.message
    assert info.value.framework == "jax"


def test_nd_is_per_axis():
    """An N-d call returns the tuple of per-axis lengths."""
    assert J.conv_length((5, 6), (3, 2), (1, 2), [(1, 1), (0, 0)]) == (5, 3)
    assert J.conv_transpose_length((3, 4), (3, 1), (2, 3), "SAME") == (6, 12)


@pytest.mark.parametrize(
    "call",
    [
        lambda: J.conv_length(0, 3, 1, "VALID"),
        lambda: J.conv_length(5, 3, 0, "VALID"),
        lambda: J.conv_transpose_length(3, 2.0, 1, "SAME"),
        lambda: J.conv_transpose_length(3, 3, 1, 7),
        lambda: J.CONV_TRANSPOSE(3, kernel_size=3, padding="SAME", bogus=1),
    ],
)
def test_bad_input_is_a_parameter_error(call):
    """Non-integers, out-of-range values and unknown keywords are derive's ParameterError."""
    with pytest.raises(ParameterError):
        call()


def test_transpose_padding_sides():
    """_conv_transpose_padding: SAME puts the larger half first, or K-1 first when s > K-1."""
    assert J.transpose_padding(3, 2, "SAME") == (2, 1)
    assert J.transpose_padding(1, 3, "SAME") == (0, 2)
    assert J.transpose_padding(3, 2, "VALID") == (2, 2)
    assert J.transpose_padding(3, 2, (1, 0)) == (1, 2)


SYMBOLIC = [
    ("SAME", {}),
    ("VALID", {}),
    ([(1, 0)], {}),
    ([(1, 2)], {"use_consistent_padding": True}),
]


@pytest.mark.parametrize(("padding", "extra"), SYMBOLIC)
def test_symbolic_transpose_matches_numeric(padding, extra):
    """A symbolic call returns SymPy whose values equal the numeric calls on a small grid."""
    expr = J.conv_transpose_length(n_, k_, s_, padding, rhs_dilation=d_, **extra)
    assert isinstance(expr, sp.Expr)
    for n, k, s, d in itertools.product(range(1, 5), range(1, 4), range(1, 4), range(1, 3)):
        try:
            want = J.conv_transpose_length(n, k, s, padding, rhs_dilation=d, **extra)
        except FrameworkError:
            continue
        assert expr.subs({n_: n, k_: k, s_: s, d_: d}) == want


@pytest.mark.parametrize("padding", ["SAME", "SAME_LOWER", "VALID", [(2, 1)], [(-1, 0)]])
def test_symbolic_forward_matches_numeric(padding):
    """Symbolic forward lengths substitute to the numeric ones wherever JAX accepts the call."""
    expr = J.conv_length(n_, k_, s_, padding, rhs_dilation=d_)
    for n, k, s, d in itertools.product(range(1, 6), range(1, 4), range(1, 4), range(1, 3)):
        try:
            want = J.conv_length(n, k, s, padding, rhs_dilation=d)
        except FrameworkError:
            continue
        assert expr.subs({n_: n, k_: k, s_: s, d_: d}) == want


def test_symbolic_conditions():
    """conditions() returns the negative-padding requirement as a SymPy relation."""
    conds = J.CONV_TRANSPOSE.conditions(n_, kernel_size=k_, strides=s_, padding=[(-3, -3)])
    rel = conds[-1].predicate
    assert rel.subs({n_: 3, s_: 2}) == sp.false
    assert rel.subs({n_: 4, s_: 2}) == sp.true
