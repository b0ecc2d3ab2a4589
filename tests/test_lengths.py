"""The generic length model against a brute-force convolution that really slides a window."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from derive import ParameterError, conv_length, effective_kernel, preimage, same_padding, transposed_length
from derive.lengths import forward_map

KERNELS = range(1, 5)
STRIDES = range(1, 5)
DILATIONS = range(1, 4)
PADS = [(0, 0), (1, 1), (2, 0), (0, 2), (3, 1), "valid", "full", "causal"]


def windows(length: int, kernel: int, stride: int, dilation: int, lo: int, hi: int) -> int:
    """Count the window positions of a dilated kernel sliding over a zero-padded list."""
    padded = [0] * lo + [1] * length + [0] * hi
    taps = [i * dilation for i in range(kernel)]
    count = 0
    start = 0
    while start + taps[-1] < len(padded):
        assert all(start + t < len(padded) for t in taps)
        count += 1
        start += stride
    return count


def mode_pads(padding: object, kernel: int, dilation: int) -> tuple[int, int]:
    K = dilation * (kernel - 1) + 1
    return {"valid": (0, 0), "full": (K - 1, K - 1), "causal": (K - 1, 0)}.get(padding, padding)  # type: ignore[arg-type]


def grid():
    return itertools.product(KERNELS, STRIDES, DILATIONS, PADS)


def test_forward_matches_sliding_window():
    """conv_length equals the number of window positions wherever the padded input holds the kernel."""
    for k, s, d, pad in grid():
        lo, hi = mode_pads(pad, k, d)
        for n in range(1, 14):
            if n + lo + hi < effective_kernel(k, d):
                with pytest.raises(ParameterError):
                    conv_length(n, k, s, d, pad)
            else:
                assert conv_length(n, k, s, d, pad) == windows(n, k, s, d, lo, hi), (n, k, s, d, pad)


def test_same_padding_is_the_least_padding_giving_ceil():
    """'same' pads with the least total giving ⌈n/s⌉ windows, its odd unit at the end or the start."""
    for k, s, d in itertools.product(KERNELS, STRIDES, DILATIONS):
        for n in range(1, 14):
            want = -(-n // s)
            total = next(t for t in range(0, 40) if windows(n, k, s, d, 0, t) >= want)
            assert windows(n, k, s, d, 0, total) == want
            assert same_padding(n, k, s, d, "end") == (total // 2, total - total // 2)
            assert same_padding(n, k, s, d, "start") == (total - total // 2, total // 2)
            assert conv_length(n, k, s, d, "same") == want == conv_length(n, k, s, d, "same_lower")


def test_preimage_equals_brute_force_set():
    """The preimage interval is exactly the set of input lengths mapped to n."""
    for k, s, d, pad in [*grid(), *((k, s, d, "same") for k, s, d in itertools.product(KERNELS, STRIDES, DILATIONS))]:
        lo, hi = (0, 0) if pad == "same" else mode_pads(pad, k, d)
        images: dict[int, set[int]] = {}
        for L in range(1, 60):
            if pad != "same" and L + lo + hi < effective_kernel(k, d):
                continue
            images.setdefault(conv_length(L, k, s, d, pad), set()).add(L)
        for n in range(1, 8):
            iv = preimage(n, k, s, d, pad)
            assert set(iv) == images.get(n, set()), (n, k, s, d, pad)


def test_transposed_lengths_are_preimages():
    """Every output padding a < s gives a preimage; a = 0 (fixed pads) or s-1 ('same') gives the extremes."""
    for k, s, d, pad in grid():
        for n in range(1, 8):
            iv = preimage(n, k, s, d, pad)
            lengths = [transposed_length(n, k, s, d, pad, a) for a in range(s)]
            inside = [L for L in lengths if L >= 1]
            assert set(inside) == set(iv), (n, k, s, d, pad)
            if not iv.empty and iv.lower > 1:
                assert transposed_length(n, k, s, d, pad) == iv.lower
    for k, s, d in itertools.product(KERNELS, STRIDES, DILATIONS):
        for n in range(1, 8):
            iv = preimage(n, k, s, d, "same")
            assert transposed_length(n, k, s, d, "same") == iv.upper == n * s
            assert [transposed_length(n, k, s, d, "same", a) for a in range(s)] == list(iv)


SYMBOLIC_CASES = [
    ("conv", lambda n, k, s, d, p: conv_length(n, k, s, d, p)),
    ("transposed", lambda n, k, s, d, p: transposed_length(n, k, s, d, p, 1)),
    ("lower", lambda n, k, s, d, p: preimage(n, k, s, d, p).lower),
    ("upper", lambda n, k, s, d, p: preimage(n, k, s, d, p).upper),
]


@pytest.mark.parametrize(("name", "fn"), SYMBOLIC_CASES)
@pytest.mark.parametrize("pad", [1, (2, 0), "valid", "same", "full", "causal"])
def test_symbolic_equals_numeric(name, fn, pad):
    """The SymPy expression, evaluated at integers, equals the integer call."""
    n, k, s, d = sp.symbols("n k s d", integer=True, positive=True)
    expr = fn(n, k, s, d, pad)
    assert isinstance(expr, sp.Basic)
    checked = 0
    for nv, kv, sv, dv in itertools.product(range(1, 7), range(1, 4), range(1, 4), range(1, 3)):
        try:
            want = fn(nv, kv, sv, dv, pad)
        except ParameterError:  # the padded input is shorter than the kernel: no numeric length
            continue
        assert expr.subs({n: nv, k: kv, s: sv, d: dv}) == want
        checked += 1
    assert checked > 50


@given(
    n=st.integers(1, 10_000),
    k=st.integers(1, 50),
    s=st.integers(1, 50),
    d=st.integers(1, 10),
    lo=st.integers(0, 60),
    hi=st.integers(0, 60),
)
def test_forward_is_a_floor_affine_map(n, k, s, d, lo, hi):
    """Forward lengths follow ⌊(n+lo+hi-K)/s⌋+1, and its inverse interval maps back to the same length."""
    f = forward_map(k, s, d, (lo, hi))
    m = f(n)
    low, high = f.inverse(m)
    assert low <= n <= high and high - low + 1 == s
    assert f(low) == f(high) == m and f(low - 1) == m - 1 and f(high + 1) == m + 1


@given(n=st.integers(1, 10_000), k=st.integers(1, 50), s=st.integers(1, 50), d=st.integers(1, 10))
def test_same_round_trip(n, k, s, d):
    """A 'same' forward convolution inverts every length its transposed convolution produces."""
    for a in (0, s - 1):
        assert conv_length(transposed_length(n, k, s, d, "same", a), k, s, d, "same") == n


BAD = [
    (conv_length, (0, 3), "n"),
    (conv_length, (5, 0), "kernel"),
    (conv_length, (5, 3, 0), "stride"),
    (conv_length, (5, 3, 1, 0), "dilation"),
    (conv_length, (5, 3, 1, 1, -1), "padding"),
    (conv_length, (5, 3, 1, 1, "middle"), "padding"),
    (conv_length, (5, 3, 1, 1, (1, 2, 3)), "padding"),
    (conv_length, (2.5, 3), "n"),
    (conv_length, (True, 3), "n"),
    (transposed_length, (5, 3, 2, 1, 0, -1), "output_padding"),
    (transposed_length, (5, "3"), "kernel"),
    (preimage, (0, 3), "n"),
    (preimage, (5, 3, -2), "stride"),
    (same_padding, (5, 3, 1, 1, "middle"), "extra"),
    (same_padding, (5, 3, 0), "stride"),
]


@pytest.mark.parametrize(("fn", "args", "parameter"), BAD)
def test_bad_input_names_the_parameter(fn, args, parameter):
    """Bad input raises ParameterError (a ValueError) naming the parameter, the rule and the value."""
    with pytest.raises(ValueError) as info:
        fn(*args)
    assert isinstance(info.value, ParameterError)
    assert info.value.parameter == parameter
    assert f"'{parameter}'" in str(info.value) and "got" in str(info.value)


def test_non_integer_symbol_is_refused():
    """A SymPy symbol not declared integer is refused by name."""
    x = sp.Symbol("x")
    with pytest.raises(ParameterError, match="'n'"):
        conv_length(x, 3)
