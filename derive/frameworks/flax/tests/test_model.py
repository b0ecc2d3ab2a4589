"""Unit tests of the Flax model (derive.frameworks.flax)."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import flax as Fx

n_, k_, s_ = sp.symbols("n k s", integer=True, positive=True)

# (n, kernel_size, strides, padding, extra, length) -- values seen in flax 0.12.8
TRANSPOSE = [
    (5, 3, 2, None, {}, 10),  # the default padding is 'SAME': n·s
    (5, 3, 2, "VALID", {}, 11),
    (5, 3, 2, "CIRCULAR", {}, 10),
    (5, 3, 2, 1, {}, 9),  # an int pads the stretched input: (n-1)s + 2p - K + 2
    (5, 4, 2, 1, {}, 8),
    (5, 3, 2, [(1, 2)], {}, 10),
    (5, 3, 2, [2], {}, 11),
    (3, 3, 1, "same", {}, 3),
    (5, 3, 2, "SAME", {"kernel_dilation": 2}, 10),
    (5, 4, 2, "CIRCULAR", {"transpose_kernel": True}, 10),
]

# (n, kernel_size, strides, padding, extra, length)
FORWARD = [
    (5, 3, 2, None, {}, 3),
    (5, 3, 2, "VALID", {}, 2),
    (5, 3, 1, "CAUSAL", {}, 5),
    (5, 3, 2, "CIRCULAR", {}, 3),
    (1, 5, 1, "REFLECT", {}, 1),
    (5, 3, 1, 1, {"input_dilation": 2}, 9),
    (5, 3, 2, [(-1, 0)], {"kernel_dilation": 2}, 0),
]

STRING = "String padding is not implemented for transposed convolution using this op."
REFUSALS = [
    (
        lambda: Fx.conv_transpose_length(3, 3, 2, (1, 2)),
        "Invalid padding format: (1, 2), should be str, int, or a sequence of len 1",
    ),
    (lambda: Fx.conv_transpose_length(3, 3, 2, "CAUSAL"), STRING),
    (lambda: Fx.conv_transpose_length(3, 3, 1, "CAUSAL"), "Unrecognized padding type: expected 'VALID', 'SAME', or"),
    (lambda: Fx.conv_transpose_length(3, 3, 2, [(-6, 0)]), "Negative padding is larger than the size"),
    (lambda: Fx.conv_length((3, 3), (3, 3), 1, "CAUSAL"), "Causal padding is only implemented for 1D convolutions."),
    (lambda: Fx.conv_length(5, 3, 1, "CIRCULAR", input_dilation=2), STRING),
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "extra", "expected"), TRANSPOSE)
def test_transpose_lengths(n, k, s, padding, extra, expected):
    """ConvTranspose lengths match Flax (default SAME, ints as stretched-input pads, CIRCULAR n·s)."""
    kw = {} if padding is None else {"padding": padding}
    assert Fx.conv_transpose_length(n, k, s, **kw, **extra) == expected


@pytest.mark.parametrize(("n", "k", "s", "padding", "extra", "expected"), FORWARD)
def test_forward_lengths(n, k, s, padding, extra, expected):
    """Conv lengths match Flax, including its own CIRCULAR / REFLECT / CAUSAL padding."""
    kw = {} if padding is None else {"padding": padding}
    assert Fx.conv_length(n, k, s, **kw, **extra) == expected


@pytest.mark.parametrize(("call", "message"), REFUSALS)
def test_refusals_carry_flax_messages(call, message):
    """Calls Flax refuses raise FrameworkError with Flax's (or lax's) own text."""
    with pytest.raises(FrameworkError) as info:
        call()
    assert message in info.value.message


def test_nd_calls():
    """N-d: an int padding applies to every axis, a sequence gives one int or pair per axis."""
    assert Fx.conv_transpose_length((5, 4), (3, 3), 2, [1, (0, 2)]) == (9, 7)
    assert Fx.conv_transpose_length((5, 4), (3, 3), (2, 1), 1) == (9, 4)
    assert Fx.conv_length((5, 4), (3, 2), (2, 1), "REFLECT") == (3, 4)


def test_bad_input_is_a_parameter_error():
    """A non-integer kernel or padding value is derive's ParameterError."""
    with pytest.raises(ParameterError):
        Fx.conv_transpose_length(3, 1.5, 2)
    with pytest.raises(ParameterError):
        Fx.conv_transpose_length(3, 3, 2, [(0.5, 1)])


@pytest.mark.parametrize("padding", ["SAME", "VALID", "CIRCULAR", 1, [(0, 2)]])
def test_symbolic_transpose_matches_numeric(padding):
    """Symbolic ConvTranspose lengths substitute to the numeric ones wherever Flax accepts the call."""
    expr = Fx.conv_transpose_length(n_, k_, s_, padding)
    for n, k, s in itertools.product(range(1, 5), range(1, 5), range(1, 4)):
        try:
            want = Fx.conv_transpose_length(n, k, s, padding)
        except FrameworkError:
            continue
        assert expr.subs({n_: n, k_: k, s_: s}) == want


@pytest.mark.parametrize("padding", ["SAME", "VALID", "CIRCULAR", "CAUSAL", 2])
def test_symbolic_forward_matches_numeric(padding):
    """Symbolic Conv lengths substitute to the numeric ones."""
    expr = Fx.conv_length(n_, k_, s_, padding)
    for n, k, s in itertools.product(range(1, 6), range(1, 5), range(1, 4)):
        assert expr.subs({n_: n, k_: k, s_: s}) == Fx.conv_length(n, k, s, padding)
