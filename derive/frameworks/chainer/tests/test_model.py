"""Unit tests of the Chainer model (derive.frameworks.chainer); test_conformance.py checks it against chainer."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import chainer as Ch
from derive.frameworks import get

# (n, kwargs, length) for F.convolution_1d
FORWARD = [
    (7, {"ksize": 3}, 5),
    (7, {"ksize": 3, "stride": 2, "pad": 1}, 4),
    (8, {"ksize": 3, "stride": 3}, 2),
    (8, {"ksize": 3, "stride": 3, "cover_all": True}, 3),  # the last partial window counts
    (2, {"ksize": 3, "stride": 2, "cover_all": True}, 1),
    (5, {"ksize": 3, "dilate": 2}, 1),
    ((5, 4), {"ksize": (3, 2), "stride": (2, 3), "pad": (1, 0), "dilate": (1, 2)}, (3, 1)),
]

# (n, kwargs, length) for F.deconvolution_1d
TRANSPOSED = [
    (3, {"ksize": 3, "stride": 2}, 7),
    (3, {"ksize": 3, "stride": 2, "outsize": 8}, 8),
    (3, {"ksize": 3, "stride": 2, "outsize": 6}, 6),  # below the default: round-trips only with cover_all
    (3, {"ksize": 3, "stride": 2, "pad": 1, "dilate": 2}, 7),
    (1, {"ksize": 1, "stride": 3, "pad": 1, "outsize": 0}, 0),  # accepted, empty
]


def _invalid(expect: str, actual: str) -> str:
    return f"Invalid operation is performed in: DeconvolutionND (Forward)\n\nExpect: {expect}\nActual: {actual}"


K = "(in_types[1].shape[2] + (in_types[1].shape[2] - 1) * 0)"

# (n, kwargs, error class, message)
REFUSALS = [
    (3, {"ksize": 5}, "conv", "AssertionError", "Output sizes should be positive."),
    (1, {"ksize": 1, "pad": 1}, "conv_transpose", "AssertionError", "Output sizes should be positive."),
    (
        3,
        {"ksize": 3, "stride": 2, "outsize": 4},
        "conv_transpose",
        "InvalidType",
        _invalid(f"in_types[0].shape[2] <= (4 - {K} + 2 - 1) // 2 + 1", "3 > 2"),
    ),
    (
        3,
        {"ksize": 3, "stride": 2, "outsize": 9},
        "conv_transpose",
        "InvalidType",
        _invalid(f"(9 - {K}) // 2 + 1 <= in_types[0].shape[2]", "4 > 3"),
    ),
    (
        1,
        {"ksize": 3, "pad": 3, "outsize": 0},
        "conv_transpose",
        "InvalidType",
        _invalid(f"(6 - {K}) // 1 + 1 <= in_types[0].shape[2]", "4 > 1"),
    ),
]


@pytest.mark.parametrize(("n", "kwargs", "length"), FORWARD)
def test_forward_lengths(n, kwargs, length):
    """conv_length is get_conv_outsize, with and without cover_all."""
    assert Ch.conv_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
def test_transposed_lengths(n, kwargs, length):
    """conv_transpose_length is get_deconv_outsize, or an accepted outsize."""
    assert Ch.conv_transpose_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "op", "error", "message"), REFUSALS)
def test_refusals_carry_chainer_messages(n, kwargs, op, error, message):
    """Refusals carry Chainer's assertion or type-check text."""
    fn = Ch.conv_length if op == "conv" else Ch.conv_transpose_length
    with pytest.raises(FrameworkError) as info:
        fn(n, **kwargs)
    assert (info.value.error, info.value.message) == (error, message)


@pytest.mark.parametrize(("n", "k", "s", "p", "d"), [(3, 3, 2, 0, 1), (4, 2, 3, 1, 2), (2, 5, 1, 0, 1)])
def test_accepted_outsizes_are_2s_minus_1_around_the_default(n, k, s, p, d):
    """accepted_lengths is [D-s+1, D+s-1] and exactly those outsizes (>= 0) are accepted."""
    lo, hi = Ch.accepted_lengths(n, k, s, p, d)
    default = Ch.conv_transpose_length(n, k, s, p, dilate=d)
    assert (lo, hi) == (default - s + 1, default + s - 1)
    for out in range(max(0, lo - 3), hi + 4):
        try:
            Ch.conv_transpose_length(n, k, s, p, outsize=out, dilate=d)
            assert lo <= out <= hi
        except FrameworkError:
            assert not lo <= out <= hi


@pytest.mark.parametrize("kwargs", [{"ksize": 0}, {"ksize": 3, "pad": -1}, {"ksize": 3, "outsize": -1}])
def test_bad_arguments_are_parameter_errors(kwargs):
    """Arguments Chainer would only trip over inside numpy raise ParameterError."""
    with pytest.raises(ParameterError):
        Ch.conv_transpose_length(3, **kwargs)


def test_symbolic_matches_numeric():
    """With SymPy symbols the operations return expressions that agree with the numeric calls."""
    n, k, s, d, p = sp.symbols("n k s d p", integer=True)
    fwd = Ch.CONVOLUTION_ND(n, ksize=k, stride=s, pad=p, dilate=d, cover_all=True)
    tr = Ch.DECONVOLUTION_ND(n, ksize=k, stride=s, pad=p, dilate=d)
    for nv, kv, sv, dv, pv in itertools.product(range(1, 6), range(1, 4), range(1, 4), (1, 2), (0, 1)):
        env = {n: nv, k: kv, s: sv, d: dv, p: pv}
        for expr, fn, kw in ((fwd, Ch.conv_length, {"cover_all": True}), (tr, Ch.conv_transpose_length, {})):
            try:
                want = fn(nv, kv, sv, pv, dilate=dv, **kw)
            except FrameworkError:
                continue
            assert int(expr.subs(env)) == want


def test_registry_and_provenance():
    """The module is registered and marks its operations as checked live."""
    assert get("chainer") is Ch
    assert {Ch.CONVOLUTION_ND.confirmed, Ch.DECONVOLUTION_ND.confirmed} == {"live"}
