"""Unit tests of the TensorFlow model: forward lengths, accepted output shapes, refusals, symbolic use."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkCrashError, FrameworkError, ParameterError
from derive.frameworks import tensorflow as T

FORWARD = [
    # (n, kernel, strides, padding, dilations, length)
    (5, 3, 1, "VALID", 1, 3),
    (5, 3, 2, "SAME", 1, 3),
    (2, 5, 2, "VALID", 1, 0),  # C++ truncation: trunc(-1/2) = 0, not an error
    (3, 5, 2, "VALID", 1, 0),
    (4, 5, 4, "VALID", 1, 0),
    (0, 3, 1, "SAME", 1, 0),
    (3, 3, 1, (1, 1), 1, 3),
    (1, 5, 2, (1, 0), 1, 0),
    (8, 3, 2, "VALID", 2, 2),  # dilation with stride is fine in the forward op
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "d", "expected"), FORWARD)
def test_forward_length(n, k, s, padding, d, expected):
    """``conv_length`` is tf.nn.conv2d's truncating length."""
    assert T.conv_length(n, k, s, padding, d) == expected


FORWARD_REFUSALS = [
    # (call, message fragment, exception class)
    (
        lambda: T.conv_length(1, 5, 2, "VALID"),
        "Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 5, stride: 2]",
        "InvalidArgumentError",
    ),
    (lambda: T.conv_length(0, 3, 1, "VALID"), "Computed output size would be negative: -2", "InvalidArgumentError"),
    (lambda: T.conv_length(3, 2, 1, (-1, 0)), T.NEGATIVE_PADDING, "InvalidArgumentError"),
    (lambda: T.conv_length(3, 2, 1, "valid"), "Value for attr 'padding' of \"valid\"", "InvalidArgumentError"),
    (lambda: T.conv_length(3, 2, 1, "EXPLICIT"), T.EXPLICIT_STRING, "ValueError"),
    (
        lambda: T.conv1d_length(3, 3, 1, (1, 1)),
        "Expected string for argument 'padding' not [[0, 0], [1, 1], [0, 0]].",
        "TypeError",
    ),
    (
        lambda: T.conv1d_length(3, 3, 1, "EXPLICIT"),
        "explicit_paddings attribute must contain 8 values, but got: 0",
        "InvalidArgumentError",
    ),
]


@pytest.mark.parametrize(("call", "message", "error"), FORWARD_REFUSALS)
def test_forward_refusals(call, message, error):
    """Forward refusals carry TensorFlow's own message and exception class."""
    with pytest.raises(FrameworkError) as info:
        call()
    assert message in info.value.message
    assert info.value.error == error


ACCEPTED = [
    # (n, kernel, strides, padding, dilations, device, (lo, hi))
    (3, 3, 2, "VALID", 1, "CPU", (7, 8)),
    (3, 3, 2, "SAME", 1, "CPU", (5, 6)),
    (3, 2, 2, "SAME", 1, "CPU", (5, 6)),  # independent of the kernel
    (0, 3, 2, "VALID", 1, "CPU", (0, 2)),  # n = 0: truncation widens the bottom
    (0, 3, 2, "SAME", 1, "CPU", (0, 0)),
    (3, 3, 2, (1, 1), 1, "CPU", (5, 6)),
    (1, 1, 1, (3, 3), 1, "CPU", (0, -5)),  # empty: pads longer than the output
    (3, 3, 1, "VALID", 2, "GPU", (7, 7)),
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "d", "device", "expected"), ACCEPTED)
def test_accepted_lengths(n, k, s, padding, d, device, expected):
    """``accepted_lengths`` is the interval of output shapes whose forward size is n."""
    assert T.accepted_lengths(n, k, s, padding, d, device) == expected


@pytest.mark.parametrize(
    ("n", "k", "s", "padding"),
    list(itertools.product(range(0, 5), range(1, 5), range(1, 4), ("VALID", "SAME", (1, 0), (2, 3)))),
)
def test_accepted_interval_is_the_forward_preimage(n, k, s, padding):
    """Exactly the output shapes in the interval are accepted, and each maps back to n."""
    lo, hi = T.accepted_lengths(n, k, s, padding)
    for out in range(0, (n + 2) * s + k + 2):
        if lo <= out <= hi:
            assert T.conv_transpose_length(n, k, out, s, padding) == out
            assert T.conv_length(out, k, s, padding) == n
        else:
            with pytest.raises(FrameworkError):
                T.conv_transpose_length(n, k, out, s, padding)


TRANSPOSE_REFUSALS = [
    (
        dict(n=3, kernel_size=3, output_shape=9, strides=2, padding="VALID"),
        "Size of out_backprop doesn't match computed: actual = 3, computed = 4 spatial_dim: 2 input: 9 filter: 3 "
        "output: 3 stride: 2 dilation: 1",
    ),
    (dict(n=3, kernel_size=3, output_shape=7, strides=1, padding="VALID", dilations=2), T.CPU_DILATION),
    (dict(n=3, kernel_size=3, output_shape=-1, strides=1, padding="VALID", dilations=2), T.CPU_DILATION),
    (dict(n=3, kernel_size=3, output_shape=-1, strides=1, padding="VALID"), "Dimension -1 must be >= 0"),
    (dict(n=3, kernel_size=3, output_shape=-1, strides=1, padding=(-1, 0)), T.NEGATIVE_PADDING),
    (
        dict(n=1, kernel_size=5, output_shape=1, strides=2, padding="VALID"),
        "Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 5, stride: 2]",
    ),
    (dict(n=3, kernel_size=3, output_shape=5, strides=1, padding="same"), 'of "same" is not in the list'),
]


@pytest.mark.parametrize(("kwargs", "message"), TRANSPOSE_REFUSALS)
def test_transpose_refusals(kwargs, message):
    """The first failing check, in TensorFlow's order, gives TensorFlow's message."""
    n = kwargs.pop("n")
    with pytest.raises(FrameworkError, match=None) as info:
        T.conv_transpose_length(n, **kwargs)
    assert message in info.value.message


def test_conv1d_transpose_refuses_explicit_padding():
    """tf.nn.conv1d_transpose hands a padding list to the op unconverted: a TypeError."""
    with pytest.raises(FrameworkError) as info:
        T.conv1d_transpose_length(3, 3, 5, 2, (1, 1))
    assert info.value.error == "TypeError"
    assert "Expected string for argument 'padding' not [[0, 0], [1, 1], [0, 0]]." in info.value.message
    with pytest.raises(FrameworkError):
        T.conv_transpose_length((3,), 3, (5,), 2, [(1, 1)])


def test_gpu_lifts_the_dilation_refusal():
    """``device="GPU"`` accepts dilations > 1 with the same accepted set (K = d(k-1)+1)."""
    assert T.conv_transpose_length(3, 3, 7, 1, "VALID", 2, device="GPU") == 7


def test_3d_dilation_message_is_singular():
    """The 3-D CPU kernel words its dilation refusal differently ("implementation does")."""
    with pytest.raises(FrameworkError) as info:
        T.conv_transpose_length((1, 1, 3), 3, (1, 1, 7), 1, "VALID", (1, 1, 2))
    assert info.value.message == T.CPU_DILATION_3D


def test_nd_reports_the_first_failing_axis():
    """An N-d call checks H before W, and whole-call checks (dilation) before any axis."""
    with pytest.raises(FrameworkError) as info:
        T.conv_transpose_length((3, 3), 3, (9, 9), 1, "VALID")
    assert "spatial_dim: 1 " in info.value.message
    with pytest.raises(FrameworkError) as info:
        T.conv_transpose_length((3, 3), 3, (5, 9), 1, "VALID")
    assert "spatial_dim: 2 " in info.value.message
    with pytest.raises(FrameworkError) as info:
        T.conv_transpose_length((3, 3), 2, (-1, 4), 1, "VALID", (1, 2))
    assert info.value.message == T.CPU_DILATION
    assert T.conv_transpose_length((3, 3), (3, 1), (5, 3), 1, "VALID") == (5, 3)
    assert T.accepted_lengths((3, 3), (3, 1), (1, 2), "VALID") == ((5, 5), (5, 6))


BAD_INPUT = [
    (lambda: T.conv_transpose_length(-1, 3, 5), "n"),
    (lambda: T.conv_transpose_length(3, 0, 5), "kernel_size"),
    (lambda: T.conv_transpose_length(3, 3, None), "output_shape"),
    (lambda: T.conv_transpose_length(3, 3, 5, device="TPU"), "device"),
    (lambda: T.conv_transpose_length(3, 3, 5, 1, 7), "padding"),
    (lambda: T.conv_transpose_length((3, 3), 3, (5, 5), 1, (1, 1)), "padding"),
    (lambda: T.conv_length(3, 3, 1, None), "padding"),
    (lambda: T.conv_length(3, 3, 0, "VALID"), "strides"),
]


@pytest.mark.parametrize(("call", "parameter"), BAD_INPUT)
def test_bad_input_is_a_parameter_error(call, parameter):
    """Input outside derive's domain raises ParameterError naming the parameter."""
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.parameter == parameter


n, k, s, d, lo, hi = sp.symbols("n k s d lo hi", integer=True)
GRID = list(itertools.product(range(0, 6), range(1, 5), range(1, 4), range(1, 3)))


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_symbolic_forward_matches_numeric(padding):
    """The symbolic forward length, substituted, equals the numeric one wherever TF accepts the input."""
    expr = T.conv_length(n, k, s, padding, d)
    assert isinstance(expr, sp.Expr)
    for nv, kv, sv, dv in GRID:
        try:
            want = T.conv_length(nv, kv, sv, padding, dv)
        except FrameworkError:
            continue
        assert expr.subs({n: nv, k: kv, s: sv, d: dv}) == want


@pytest.mark.parametrize("padding", ["VALID", "SAME", (lo, hi)])
def test_symbolic_accepted_interval_matches_numeric(padding):
    """The symbolic accepted interval, substituted, equals the numeric one (GPU: any dilation)."""
    low, high = T.CONV2D_TRANSPOSE.accepted_lengths(
        n, kernel_size=k, strides=s, padding=padding, dilations=d, device="GPU"
    )
    for (nv, kv, sv, dv), (lv, hv) in itertools.product(GRID[::3], ((0, 0), (1, 2))):
        values = {n: nv, k: kv, s: sv, d: dv, lo: lv, hi: hv}
        numeric_padding = padding if isinstance(padding, str) else (lv, hv)
        want = T.accepted_lengths(nv, kv, sv, numeric_padding, dv, "GPU")
        assert (low.subs(values), high.subs(values)) == want


def test_symbolic_conditions_decide_acceptance():
    """The transposed op's conditions, substituted, hold exactly when the numeric call succeeds."""
    out = sp.Symbol("out", integer=True)
    conds = T.CONV2D_TRANSPOSE.conditions(n, kernel_size=k, output_shape=out, strides=s, padding="VALID")
    assert T.CONV2D_TRANSPOSE(n, kernel_size=k, output_shape=out, strides=s, padding="VALID") == out
    for nv, kv, sv, _ in GRID[::2]:
        for ov in range(-1, (nv + 1) * sv + kv):
            values = {n: nv, k: kv, s: sv, out: ov}
            holds = all(bool(sp.sympify(c.predicate).subs(values)) for c in conds)
            try:
                T.conv_transpose_length(nv, kv, ov, sv, "VALID")
                ok = True
            except FrameworkError:
                ok = False
            assert holds == ok, (nv, kv, sv, ov)


# ---------------------------------------------------------------------------------------------
# oneDNN kernels (confirmed live: derive/frameworks/tensorflow/tests/test_conformance.py with TF_ENABLE_ONEDNN_OPTS=1)

MISMATCH = "Size of out_backprop doesn't match computed"
ONEDNN_CASES = [
    # (n, kernel, output_shape, strides, padding, dilations), Eigen's outcome, oneDNN's: a length, a text in
    # the refusal, or "crash" (the process aborts)
    ((3, 3, 9, 2, "VALID", 2), T.CPU_DILATION, 9),
    ((1, 3, 2, 2, "VALID", 1), MISMATCH, 2),
    ((0, 3, 9, 2, "VALID", 1), MISMATCH, 9),
    ((3, 3, 0, 2, "VALID", 1), MISMATCH, 0),
    ((3, 3, 9, 2, "VALID", 1), MISMATCH, T.ONEDNN_PRIMITIVE),
    ((3, 3, -1, 2, "SAME", 1), "Dimension -1 must be >= 0", "crash"),
]


def _outcome(call, kernels):
    try:
        return T.conv1d_transpose_length(*call, kernels=kernels)
    except FrameworkCrashError:
        return "crash"
    except FrameworkError as e:
        return e.message


@pytest.mark.parametrize(("call", "eigen", "onednn"), ONEDNN_CASES)
def test_onednn_differs_from_eigen(call, eigen, onednn):
    """oneDNN accepts dilation, truncates its check, returns empty tensors unchecked and aborts on a negative shape."""
    for kernels, want in (("eigen", eigen), ("onednn", onednn)):
        got = _outcome(call, kernels)
        assert got == want if isinstance(want, int) or want == "crash" else want in got, (kernels, got)


def test_onednn_forward_returns_the_input_shape_when_empty():
    """oneDNN's Conv2D gives an empty output the input's shape (n = 1 < K: 1, where Eigen gives 0)."""
    assert T.conv1d_length(1, 2, 1, "VALID", kernels="eigen") == 0
    assert T.conv1d_length(1, 2, 1, "VALID", kernels="onednn") == 1
    assert T.conv_length((2, 7), (3, 2), (1, 3), "VALID", kernels="onednn") == (2, 7)


def test_kernels_is_checked():
    """An unknown kernel family is one ParameterError naming it."""
    with pytest.raises(ParameterError, match="'kernels' must be one of eigen, onednn, xla"):
        T.conv1d_transpose_length(3, 3, 7, 2, "VALID", kernels="mkl")


def test_docstring_examples():
    """The module's examples (every one names its kernels or holds on all of them) give what they show."""
    import doctest

    assert doctest.testmod(T).failed == 0
