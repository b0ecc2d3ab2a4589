"""Unit tests of the tinygrad model (derive.frameworks.tinygrad); test_conformance.py checks it against tinygrad."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import get
from derive.frameworks import tinygrad as TG

KERNEL_ASSERT = "kernel size cannot be greater than actual input size"

# (n, kwargs, length) for x.conv2d(w, ...)
FORWARD = [
    (7, {"kernel_size": 3}, 5),
    (7, {"kernel_size": 3, "stride": 2, "padding": 1}, 4),
    (8, {"kernel_size": 3, "stride": 2}, 3),
    (5, {"kernel_size": 3, "dilation": 2}, 1),
    (3, {"kernel_size": 5, "padding": 1}, 1),
    (5, {"kernel_size": 2, "padding": (0, 1), "stride": 2}, 3),
    (6, {"kernel_size": 1, "padding": (-2, 0)}, 4),  # a negative pad crops
    ((5, 4), {"kernel_size": (3, 2), "stride": (2, 3), "padding": (1, 0, 2, 2)}, (4, 2)),  # flat: last axis first
    ((5, 4), {"kernel_size": 3, "padding": (1, 0)}, (5, 2)),  # one per axis, in axis order
]

# (n, kwargs, length) for x.conv_transpose2d(w, ...)
TRANSPOSED = [
    (3, {"kernel_size": 3, "stride": 2}, 7),
    (3, {"kernel_size": 3, "stride": 2, "output_padding": 1}, 8),
    (3, {"kernel_size": 3, "stride": 2, "output_padding": 4}, 11),  # never checked against the stride
    (3, {"kernel_size": 3, "stride": 2, "padding": (0, 2)}, 5),
    (3, {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": -1}, 4),
    (4, {"kernel_size": 3, "stride": 1, "dilation": 3, "padding": -1}, 12),
    ((5, 4), {"kernel_size": 3, "stride": (2, 3), "padding": (1, 0, 2, 2)}, (7, 11)),
]

# (n, kwargs, op, error class, message)
REFUSALS = [
    (3, {"kernel_size": 5}, "conv", "AssertionError", KERNEL_ASSERT),
    (3, {"kernel_size": 5, "padding": (3, -3)}, "conv", "AssertionError", KERNEL_ASSERT),
    (
        3,
        {"kernel_size": 1, "padding": (-4, 0)},
        "conv",
        "ValueError",
        "invalid shrink ((0, 1), (0, 1), (4, -1)) for (1, 1, 3)",
    ),
    (1, {"kernel_size": 1, "padding": (0, 1)}, "conv_transpose", "AssertionError", KERNEL_ASSERT),
    (
        1,
        {"kernel_size": 1, "padding": (2, 0), "output_padding": 4},
        "conv_transpose",
        "ValueError",
        "invalid shrink ((0, 1), (0, 1), (2, -1)) for (1, 1, 1)",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "padding": 5},
        "conv_transpose",
        "ValueError",
        "invalid shrink ((0, 1), (0, 1), (3, -1)) for (1, 1, 5)",
    ),
    (
        3,
        {"kernel_size": 3, "padding": (1, 2, 3)},
        "conv_transpose",
        "ValueError",
        "Padding must be an int or a sequence of length 1 or 2, but got padding=(1, 2, 3) with dims=1.",
    ),
    (
        (3, 3),
        {"kernel_size": 3, "padding": (0, 0, -9, 0)},
        "conv",
        "ValueError",
        "invalid shrink ((0, 1), (0, 1), (9, -6), (0, 3)) for (1, 1, 3, 3)",
    ),
]


def _fn(op: str):
    return TG.conv_length if op == "conv" else TG.conv_transpose_length


@pytest.mark.parametrize(("n", "kwargs", "length"), FORWARD)
def test_forward_lengths(n, kwargs, length):
    """conv_length gives tinygrad's ceil((n + lo + hi - d(k-1))/s)."""
    assert TG.conv_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
def test_transposed_lengths(n, kwargs, length):
    """conv_transpose_length gives (n-1)s + K - lo - hi + output_padding, output_padding unchecked."""
    assert TG.conv_transpose_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "op", "error", "message"), REFUSALS)
def test_refusals_carry_tinygrad_messages(n, kwargs, op, error, message):
    """Refusals raise FrameworkError with tinygrad's exception class and text."""
    with pytest.raises(FrameworkError) as info:
        _fn(op)(n, **kwargs)
    assert (info.value.error, info.value.message) == (error, message)


@pytest.mark.parametrize(
    "kwargs",
    [{"kernel_size": 0}, {"kernel_size": 3, "stride": 0}, {"kernel_size": 3, "dilation": 0}, {"kernel_size": 1.5}],
)
def test_bad_arguments_are_parameter_errors(kwargs):
    """Out-of-domain arguments tinygrad would crash on raise ParameterError, not a length."""
    with pytest.raises(ParameterError):
        TG.conv_transpose_length(4, **kwargs)


def test_symbolic_matches_numeric():
    """With SymPy symbols the operations return expressions that agree with the numeric calls."""
    n, k, s, d, p, a = sp.symbols("n k s d p a", integer=True)
    fwd = TG.CONV2D(n, kernel_size=k, stride=s, dilation=d, padding=p)
    tr = TG.CONV_TRANSPOSE2D(n, kernel_size=k, stride=s, dilation=d, padding=p, output_padding=a)
    assert isinstance(fwd, sp.Expr) and isinstance(tr, sp.Expr)
    for nv, kv, sv, dv, pv, av in itertools.product(range(1, 6), range(1, 4), range(1, 4), (1, 2), (0, 1), (0, 3)):
        env = {n: nv, k: kv, s: sv, d: dv, p: pv, a: av}
        try:
            assert int(fwd.subs(env)) == TG.conv_length(nv, kv, sv, dv, pv)
        except FrameworkError:
            pass
        try:
            assert int(tr.subs(env)) == TG.conv_transpose_length(nv, kv, sv, dv, pv, av)
        except FrameworkError:
            pass


def test_symbolic_conditions_are_sympy_booleans():
    """conditions() states the shrink and kernel requirements as SymPy relations with tinygrad's messages."""
    n, k, s = sp.symbols("n k s", integer=True, positive=True)
    conds = TG.CONV_TRANSPOSE2D.conditions(n, kernel_size=k, stride=s)
    assert [c.message for c in conds][1] == KERNEL_ASSERT
    assert all(isinstance(c.predicate, sp.Basic) or c.predicate is True for c in conds)


def test_registry_and_provenance():
    """The module is registered and marks both operations as checked live."""
    assert get("tinygrad") is TG
    assert {TG.CONV2D.confirmed, TG.CONV_TRANSPOSE2D.confirmed} == {"live"}
