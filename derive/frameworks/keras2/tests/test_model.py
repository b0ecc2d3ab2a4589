"""Unit tests of the Keras 2 / tf.keras model: helpers, layers, the TF call, refusals, symbolic use."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import keras2 as K2

DECONV = [
    # (input_length, filter_size, padding, output_padding, stride, dilation, length)
    (3, 3, "valid", None, 2, 1, 7),  # n·s + max(K-s, 0)
    (1, 3, "valid", None, 3, 1, 3),
    (3, 3, "same", None, 2, 1, 6),  # n·s
    (3, 3, "full", None, 2, 1, 3),  # n·s - (s + K - 2)
    (3, 3, "full", 1, 2, 1, 4),  # (n-1)s + K - 2(K-1) + op
    (3, 2, "same", 0, 2, 1, 4),  # (n-1)s + K - 2(K//2) + op
    (3, 3, "same", None, 0, 1, 0),  # the helper's default stride is 0
    (3, 2, "valid", None, 1, 3, 6),  # dilation: K = 4
]


@pytest.mark.parametrize(("n", "k", "padding", "op", "s", "d", "expected"), DECONV)
def test_deconv_output_length(n, k, padding, op, s, d, expected):
    """The conv_utils helper, including 'full' padding."""
    assert K2.deconv_output_length(n, k, padding, op, s, d) == expected


@pytest.mark.parametrize(
    ("n", "k", "padding", "s", "d", "expected"),
    [(2, 5, "valid", 2, 1, -1), (3, 3, "full", 2, 1, 3), (5, 3, "causal", 2, 1, 3), (2, 3, "valid", 1, 1, 0)],
)
def test_conv_output_length(n, k, padding, s, d, expected):
    """The forward helper has no check: it may return 0 or a negative length."""
    assert K2.conv_output_length(n, k, padding, s, d) == expected


def test_helpers_assert_on_unknown_padding():
    """The helpers only ``assert`` the padding: an AssertionError without a message."""
    with pytest.raises(FrameworkError) as info:
        K2.deconv_output_length(3, 3, "causal")
    assert (info.value.error, info.value.message) == ("AssertionError", "")


@pytest.mark.parametrize(
    ("args", "expected"), [((3, 2, 3, "valid"), 7), ((3, 2, 3, "full"), 3), ((3, 2, 3, "same", 1), 6)]
)
def test_classic_deconv_length(args, expected):
    """Classic Keras 2.x ``deconv_length`` (dim_size, stride_size, kernel_size, padding, ...) is code-read."""
    assert K2.deconv_length(*args) == expected
    assert K2.DECONV_LENGTH.confirmed == "code-read"


LAYER = [
    # (n, kernel, strides, padding, output_padding, dilation, compute_output_shape, real TF call)
    (3, 2, 2, "same", None, 1, 6, 6),
    (3, 3, 2, "same", 0, 1, 5, 5),
    (3, 2, 2, "same", 0, 1, 4, "actual = 3, computed = 2 spatial_dim: 2 input: 4"),
    (1, 2, 1, "same", 0, 1, 0, "actual = 1, computed = 0"),
    (3, 3, 1, "valid", None, 2, 7, "Current CPU implementations do not yet support dilation rates larger than 1."),
    (3, 3, 2, "causal", None, 1, "", ""),  # Conv1DTranspose accepts causal, then deconv_output_length asserts
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "op", "d", "shape", "call"), LAYER)
def test_conv1d_transpose(n, k, s, padding, op, d, shape, call):
    """compute_output_shape is the helper's length; the real call also needs TF to accept it."""
    for backend, expected in ((None, shape), ("tensorflow", call)):
        if isinstance(expected, int):
            assert K2.conv_transpose_length(n, k, s, padding, op, d, backend) == expected
            continue
        with pytest.raises(FrameworkError) as info:
            K2.conv_transpose_length(n, k, s, padding, op, d, backend)
        assert expected in info.value.message


LAYER_REFUSALS = [
    (
        dict(n=3, kernel_size=3, strides=2, output_padding=2),
        "Strides must be greater than output padding. Received strides=(2,), output_padding=(2,).",
    ),
    (
        dict(n=3, kernel_size=3, strides=2, output_padding=2, dilation_rate=2),
        "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) and "
        "dilation_rate=(2,)",
    ),
    (
        dict(n=3, kernel_size=3, padding="full"),
        'The `padding` argument must be a list/tuple or one of "valid", "same" (or "causal", only for `Conv1D). '
        "Received: full",
    ),
    (dict(n=(3, 3), kernel_size=3, padding="causal"), K2.CAUSAL_ONLY_CONV1D),
    (dict(n=(3, 3), kernel_size=3, strides=(1, 2), output_padding=(0, 2)), "output_padding=(0, 2)."),
]


@pytest.mark.parametrize(("kwargs", "message"), LAYER_REFUSALS)
@pytest.mark.parametrize("backend", K2.BACKENDS)
def test_layer_refusals(kwargs, message, backend):
    """The layers' own checks, in tf.keras' order (strides with dilation before output_padding)."""
    kwargs = dict(kwargs)
    n = kwargs.pop("n")
    with pytest.raises(FrameworkError) as info:
        K2.conv_transpose_length(n, backend=backend, **kwargs)
    assert message in info.value.message


ATROUS = [
    # Conv2DTranspose with dilation goes through atrous_conv2d_transpose (space_to_batch), CPU included
    ((1, 3), (1, 3), "same", (0, 0), 3, (1, 3)),
    ((1, 3), (1, 2), "same", None, 3, (1, 3)),
    ((1, 3), (1, 2), "valid", (0, 0), 3, (1, 6)),
    ((1, 2), (1, 2), "same", (0, 0), 3, "padded_shape[1]=4 is not divisible by block_shape[1]=3"),
    ((1, 5), (1, 4), "same", (0, 0), 3, "padded_shape[1]=7 is not divisible by block_shape[1]=3"),
    ((1, 3), (1, 2), "same", (0, 0), (1, 3), "Expected the 2 dimensions of the `dilation_rate` argument"),
]


@pytest.mark.parametrize(("n", "k", "padding", "op", "d", "expected"), ATROUS)
def test_conv2d_transpose_dilated(n, k, padding, op, d, expected):
    """The dilated 2-D path works on CPU but needs the padded input to divide by the rate."""
    if isinstance(expected, tuple):
        assert K2.conv_transpose_length(n, k, 1, padding, op, d, "tensorflow") == expected
        return
    with pytest.raises(FrameworkError) as info:
        K2.conv_transpose_length(n, k, 1, padding, op, d, "tensorflow")
    assert expected in info.value.message


@pytest.mark.parametrize(
    ("n", "k", "s", "padding", "d", "expected"),
    [
        (2, 3, 1, "valid", 1, 0),
        (5, 3, 2, "causal", 1, 3),
        (5, 3, 2, "same", 1, 3),
        ((5, 7), (3, 2), (2, 1), "valid", 1, (2, 6)),
    ],
)
def test_forward_length(n, k, s, padding, d, expected):
    """Conv1D/Conv2D compute_output_shape: 0 passes."""
    assert K2.conv_length(n, k, s, padding, d) == expected


def test_forward_negative_is_refused():
    """A negative forward length is refused (the message names the layer, so only its start is modelled)."""
    with pytest.raises(FrameworkError) as info:
        K2.conv_length(2, 5, 2)
    assert info.value.message == K2.DOWNSAMPLING


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: K2.conv_transpose_length(0, 3), "n"),
        (lambda: K2.conv_transpose_length(3, 3, output_padding=-1), "output_padding"),
        (lambda: K2.conv_transpose_length(3, 3, backend="jax"), "backend"),
        (lambda: K2.conv_transpose_length((3, 3, 3), 3), "n"),
        (lambda: K2.deconv_output_length(3, 3, 7), "padding"),
    ],
)
def test_bad_input_is_a_parameter_error(call, parameter):
    """Input outside derive's domain raises ParameterError naming the parameter."""
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.parameter == parameter


n, k, s, d, op = sp.symbols("n k s d op", integer=True)
GRID = list(itertools.product(range(0, 6), range(1, 6), range(1, 5), range(1, 3), range(0, 3)))


@pytest.mark.parametrize(("padding", "with_op"), list(itertools.product(("valid", "same", "full"), (False, True))))
def test_symbolic_helper_matches_numeric(padding, with_op):
    """deconv_output_length with SymPy symbols, substituted, equals the numeric helper."""
    expr = K2.deconv_output_length(n, k, padding, op if with_op else None, s, d)
    assert isinstance(expr, sp.Expr)
    for nv, kv, sv, dv, ov in GRID:
        want = K2.deconv_output_length(nv, kv, padding, ov if with_op else None, sv, dv)
        assert expr.subs({n: nv, k: kv, s: sv, d: dv, op: ov}) == want


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_symbolic_layer_conditions_decide_the_tf_call(padding):
    """Conv1DTranspose's conditions on TF (output_padding 0, stride 1), substituted, match the numeric call."""
    conds = K2.CONV_TRANSPOSE.conditions(
        n, kernel_size=k, strides=1, padding=padding, output_padding=0, backend="tensorflow"
    )
    for nv, kv in itertools.product(range(1, 6), range(1, 6)):
        holds = all(bool(sp.sympify(c.predicate).subs({n: nv, k: kv})) for c in conds)
        try:
            K2.conv_transpose_length(nv, kv, 1, padding, 0, 1, "tensorflow")
            ok = True
        except FrameworkError:
            ok = False
        assert holds == ok, (nv, kv)
