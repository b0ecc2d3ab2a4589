"""Unit tests of the MXNet model (derive.frameworks.mxnet); test_conformance.py checks it against mxnet 1.9.1."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import get
from derive.frameworks import mxnet as M

ADJ_X = "Check failed: param_.stride[0]-1 >= o_adj[0] ({} vs. {}) : adj(x) must be samller than stride[0]"
ONEDNN = "could not create a descriptor for a dilated deconvolution forward propagation primitive"

# (n, kwargs, length) for mx.nd.Convolution
FORWARD = [
    (7, {"kernel": 3}, 5),
    (7, {"kernel": 3, "stride": 2, "pad": 1}, 4),
    (5, {"kernel": 3, "dilate": 2}, 1),
    (3, {"kernel": 5, "pad": 1}, 1),
    ((5, 4), {"kernel": (3, 2), "stride": (2, 3)}, (2, 1)),
]

# (n, kwargs, length) for mx.nd.Deconvolution (native kernels = shape inference)
TRANSPOSED = [
    (3, {"kernel": 3, "stride": 2}, 7),
    (3, {"kernel": 3, "stride": 2, "adj": 1}, 8),
    (3, {"kernel": 3, "stride": 2, "pad": 1, "adj": 1}, 6),
    (2, {"kernel": 1, "pad": 1}, 0),  # an empty output
    (3, {"kernel": 3, "stride": 2, "target_shape": 6}, 6),  # pad and adj derived: crop 1 = pad 1, adj 1
    (3, {"kernel": 3, "stride": 2, "target_shape": 1}, 1),
    (3, {"kernel": 3, "stride": 2, "target_shape": 0, "adj": 1}, 8),  # 0 means "not set"
    (3, {"kernel": 3, "stride": 1, "target_shape": 5}, 5),
    ((4, 5), {"kernel": 3, "stride": (2, 1), "target_shape": (8, 5)}, (8, 5)),
]

# (n, kwargs, error message) for Deconvolution, native kernels
TRANSPOSED_REFUSALS = [
    (3, {"kernel": 3, "stride": 2, "adj": 2}, ADJ_X.format(1, 2)),
    (
        3,
        {"kernel": 3, "stride": 2, "target_shape": 8},
        "Check failed: o_pad[i] >= target_shape[i] (7 vs. 8) : too big target shape",
    ),
    # stride 1: an odd crop needs adj 1, which the check refuses although a one-sided pad would do
    (3, {"kernel": 3, "stride": 1, "target_shape": 4}, ADJ_X.format(0, 1)),
    (1, {"kernel": 1, "pad": 1}, "Check failed: dim_size_is_known(*it): Shape dim size cannot be a negative value -1"),
    (
        1,
        {"kernel": 1, "pad": 2},
        "Check failed: dim_size >= -1 (-3 vs. -1) : shape dim size must be >= -1, while received -3",
    ),
    (
        (4, 4),
        {"kernel": 3, "stride": 2, "pad": 1, "adj": (0, 2)},
        "Check failed: param_.stride[1]-1 >= o_adj[1] (1 vs. 2) : adj(x) must be samller than stride[1]",
    ),
    (
        (4, 4),
        {"kernel": 3, "stride": 2, "pad": 1, "adj": (2, 0)},
        "Check failed: param_.stride[0]-1 >= o_adj[0] (1 vs. 2) : adj(y) must be samller than stride[0]",
    ),
]


@pytest.mark.parametrize(("n", "kwargs", "length"), FORWARD)
def test_forward_lengths(n, kwargs, length):
    """conv_length gives ⌊(n + 2 pad - K)/s⌋ + 1."""
    assert M.conv_length(n, **kwargs) == length


def test_forward_kernel_too_big():
    """A dilated kernel longer than the padded input is MXNet's 'kernel size exceed input'."""
    with pytest.raises(FrameworkError) as info:
        M.conv_length(2, 5, stride=2, pad=1)
    assert info.value.message == (
        "Check failed: dilated_ksize_x <= AddPad(dshape[2], param_.pad[0]) (5 vs. 4) : kernel size exceed input"
    )


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
def test_transposed_lengths(n, kwargs, length):
    """conv_transpose_length gives s(n-1) + K - 2 pad + adj, or the target_shape."""
    assert M.conv_transpose_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "message"), TRANSPOSED_REFUSALS)
def test_transposed_refusals(n, kwargs, message):
    """Refusals carry MXNet's CHECK text, 'samller' typo included."""
    with pytest.raises(FrameworkError) as info:
        M.conv_transpose_length(n, **kwargs)
    assert info.value.message == message and info.value.error == "MXNetError"


@pytest.mark.parametrize(
    ("n", "kwargs", "accepted"),
    [
        (3, {"kernel": 3, "stride": 2, "target_shape": 6}, False),  # oneDNN keeps pad 0: trunc((6-3)/2)+1 = 2
        (3, {"kernel": 3, "stride": 2, "target_shape": 6, "pad": 1, "adj": 1}, True),
        (3, {"kernel": 3, "stride": 2, "target_shape": 8 - 1}, True),
        (1, {"kernel": 2, "stride": 2, "target_shape": 1}, True),  # trunc((1-2)/2)+1 = 1
        (3, {"kernel": 3, "stride": 2, "adj": 1}, True),
    ],
)
def test_onednn_uses_the_given_pad(n, kwargs, accepted):
    """The oneDNN model accepts a target_shape only where trunc((t + 2 pad - K)/s) + 1 == n."""
    if accepted:
        assert M.conv_transpose_length(n, **kwargs, onednn=True) == M.conv_transpose_length(n, **kwargs)
    else:
        with pytest.raises(FrameworkError, match="dilated deconvolution forward propagation primitive"):
            M.conv_transpose_length(n, **kwargs, onednn=True)
        assert M.conv_transpose_length(n, **kwargs) == kwargs["target_shape"]


def test_accepted_targets():
    """accepted_lengths is the hull 1..s(n-1)+K; with stride 1 only one parity in it is accepted."""
    assert M.accepted_lengths(3, 3, stride=2) == (1, 7)
    lo, hi = M.accepted_lengths(3, 3, stride=1)
    ok = []
    for t in range(lo, hi + 1):
        try:
            ok.append(M.conv_transpose_length(3, 3, stride=1, target_shape=t))
        except FrameworkError:
            pass
    assert ok == [1, 3, 5]


@pytest.mark.parametrize(
    "kwargs", [{"kernel": 0}, {"kernel": 3, "stride": 0}, {"kernel": 3, "pad": -1}, {"kernel": 3, "target_shape": -2}]
)
def test_bad_arguments_are_parameter_errors(kwargs):
    """Values MXNet's TShape parameters cannot meaningfully hold raise ParameterError."""
    with pytest.raises(ParameterError):
        M.conv_transpose_length(3, **kwargs)


def test_symbolic_matches_numeric():
    """With SymPy symbols the operations return expressions that agree with the numeric calls."""
    n, k, s, d, p, a, t = sp.symbols("n k s d p a t", integer=True)
    fwd = M.CONVOLUTION(n, kernel=k, stride=s, dilate=d, pad=p)
    tr = M.DECONVOLUTION(n, kernel=k, stride=s, dilate=d, pad=p, adj=a)
    assert isinstance(fwd, sp.Expr) and isinstance(tr, sp.Expr)
    assert M.DECONVOLUTION(n, kernel=k, stride=s, target_shape=t) == t
    for nv, kv, sv, dv, pv, av in itertools.product(range(1, 6), range(1, 4), range(1, 4), (1, 2), (0, 1), (0, 1)):
        env = {n: nv, k: kv, s: sv, d: dv, p: pv, a: av}
        for expr, fn, args in (
            (fwd, M.conv_length, (nv, kv, sv, dv, pv)),
            (tr, M.conv_transpose_length, (nv, kv, sv, dv, pv, av)),
        ):
            try:
                want = fn(*args)
            except FrameworkError:
                continue
            assert int(expr.subs(env)) == want


def test_registry_and_provenance():
    """The module is registered and marks its operations as checked live."""
    assert get("mxnet") is M
    assert {op.confirmed for op in (M.CONVOLUTION, M.DECONVOLUTION, M.DECONVOLUTION_ONEDNN)} == {"live"}
