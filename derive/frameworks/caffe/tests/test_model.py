"""Unit tests of the Caffe model (derive/frameworks/caffe/__init__.py), which is code-read: Caffe is not run here."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import caffe as C
from derive.frameworks import get

# (n, kwargs, length) for the Convolution layer
FORWARD = [
    (7, {"kernel_size": 3}, 5),
    (7, {"kernel_size": 3, "stride": 2, "pad": 1}, 4),
    (5, {"kernel_size": 3, "dilation": 2}, 1),
    (2, {"kernel_size": 5, "stride": 4}, 1),  # padded input short by 3 < s: trunc(-3/4) + 1 = 1
    (1, {"kernel_size": 5, "stride": 4}, 0),  # short by 4 = s: an empty blob
    (1, {"kernel_size": 5, "stride": 3}, 0),
    (4, {"kernel_size": 3, "dilation": 0}, 4),  # dilation is not checked: 0 makes the extent 1
    ((5, 4), {"kernel_size": (3, 2), "stride": 2}, (2, 2)),
    ((5, 4), {"kernel_size": (3,), "stride": (2,), "pad": (1, 0)}, (3, 1)),  # a repeated field given once
]

# (n, kwargs, length) for the Deconvolution layer
TRANSPOSED = [
    (3, {"kernel_size": 3, "stride": 2}, 7),
    (3, {"kernel_size": 4, "stride": 2, "pad": 1}, 6),
    (3, {"kernel_size": 3, "stride": 2, "dilation": 2}, 9),
    (2, {"kernel_size": 1, "pad": 1}, 0),
]

# (n, kwargs, op, message)
REFUSALS = [
    (1, {"kernel_size": 5}, "conv", "Check failed: shape[i] >= 0 (-3 vs. 0)"),
    (1, {"kernel_size": 1, "pad": 1}, "conv_transpose", "Check failed: shape[i] >= 0 (-1 vs. 0)"),
    (
        3,
        {"kernel_size": 0},
        "conv",
        "Check failed: kernel_shape_data[i] > 0 (0 vs. 0) Filter dimensions must be nonzero.",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 0},
        "conv_transpose",
        "Check failed: stride_data[i] > 0 (0 vs. 0) Stride dimensions must be nonzero.",
    ),
]


@pytest.mark.parametrize(("n", "kwargs", "length"), FORWARD)
def test_forward_lengths(n, kwargs, length):
    """conv_length truncates toward zero like Caffe's int arithmetic."""
    assert C.conv_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
def test_transposed_lengths(n, kwargs, length):
    """conv_transpose_length is stride (n-1) + K - 2 pad; there is nothing to choose."""
    assert C.conv_transpose_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "op", "message"), REFUSALS)
def test_refusals_are_fatal_checks(n, kwargs, op, message):
    """Refusals are glog CHECK failures with Caffe's text."""
    fn = C.conv_length if op == "conv" else C.conv_transpose_length
    with pytest.raises(FrameworkError) as info:
        fn(n, **kwargs)
    assert info.value.message == message and "fatal" in info.value.error


@pytest.mark.parametrize("kwargs", [{"kernel_size": 3, "pad": -1}, {"kernel_size": 3, "output_padding": 1}])
def test_unwritable_arguments_are_parameter_errors(kwargs):
    """Negative uint32 fields and arguments Caffe does not have raise ParameterError."""
    with pytest.raises((ParameterError, TypeError)):
        C.conv_transpose_length(3, **kwargs)


def test_symbolic_matches_numeric():
    """With SymPy symbols the operations return expressions that agree with the numeric calls."""
    n, k, s, d, p = sp.symbols("n k s d p", integer=True)
    fwd = C.CONVOLUTION(n, kernel_size=k, stride=s, pad=p, dilation=d)
    tr = C.DECONVOLUTION(n, kernel_size=k, stride=s, pad=p, dilation=d)
    for nv, kv, sv, dv, pv in itertools.product(range(1, 6), range(1, 5), range(1, 4), (1, 2), (0, 1)):
        env = {n: nv, k: kv, s: sv, d: dv, p: pv}
        for expr, fn in ((fwd, C.conv_length), (tr, C.conv_transpose_length)):
            try:
                want = fn(nv, kv, sv, pv, dv)
            except FrameworkError:
                continue
            assert int(expr.subs(env)) == want


def test_registry_and_provenance():
    """The module is registered and says its operations are code-read, with the commit they were read at."""
    assert get("caffe") is C
    assert {C.CONVOLUTION.confirmed, C.DECONVOLUTION.confirmed} == {"code-read"}
    assert "9b891540" in C.CONVOLUTION.source and "9b891540183ddc834a02b2bd81b31afae71b2153" in C.__doc__
