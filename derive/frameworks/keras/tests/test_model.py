"""Unit tests of the Keras 3 model: lengths per backend, layer checks, refusals, symbolic use."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import keras as K

LENGTHS = [
    # (n, kernel, strides, padding, output_padding, dilation, length): Keras' own formula
    (3, 2, 2, "same", 0, 1, 4),  # (n-1)s + K mod 2 + op
    (3, 2, 1, "same", 0, 1, 2),
    (3, 2, 2, "same", None, 1, 6),  # n·s
    (3, 3, 2, "same", 0, 1, 5),
    (3, 3, 2, "same", 1, 1, 6),
    (1, 3, 3, "valid", None, 1, 3),  # (n-1)s + max(K, s)
    (3, 3, 2, "valid", None, 1, 7),
    (3, 3, 2, "valid", 1, 1, 8),
    (1, 2, 1, "same", 0, 1, 0),  # a zero-length output
    (3, 3, 1, "valid", None, 2, 7),
    (3, 2, 1, "SAME", None, 3, 3),  # padding is case-insensitive
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "op", "d", "expected"), LENGTHS)
@pytest.mark.parametrize("backend", [None, "jax", "torch"])
def test_length_on_backends_that_follow_keras(n, k, s, padding, op, d, expected, backend):
    """compute_output_shape, JAX and torch (v3.15 crops) all give Keras' length."""
    assert K.conv_transpose_length(n, k, s, padding, op, d, backend=backend) == expected


TF_BACKEND = [
    # (n, kernel, strides, padding, output_padding, dilation, length or message)
    (3, 2, 2, "same", None, 1, 6),
    (3, 3, 2, "same", 0, 1, 5),
    (3, 2, 2, "same", 0, 1, "actual = 3, computed = 2 spatial_dim: 2 input: 4 filter: 2 output: 3 stride: 2"),
    (3, 2, 1, "same", 0, 1, "actual = 3, computed = 2 spatial_dim: 2 input: 2 filter: 2"),
    (1, 2, 1, "same", 0, 1, "actual = 1, computed = 0 spatial_dim: 2 input: 0"),
    (3, 3, 1, "valid", None, 2, "Current CPU implementations do not yet support dilation rates larger than 1."),
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "op", "d", "expected"), TF_BACKEND)
def test_tensorflow_backend(n, k, s, padding, op, d, expected):
    """On TensorFlow the layer raises where TF's accepted set excludes Keras' length."""
    if isinstance(expected, int):
        assert K.conv_transpose_length(n, k, s, padding, op, d, backend="tensorflow") == expected
        return
    with pytest.raises(FrameworkError) as info:
        K.conv_transpose_length(n, k, s, padding, op, d, backend="tensorflow")
    assert expected in info.value.message


LAYER_REFUSALS = [
    # (kwargs, message fragment): the layer's own checks, on every backend
    (
        dict(n=3, kernel_size=3, strides=2, output_padding=2),
        "`output_padding` must be strictly less than `strides` for all dimensions. At dimension 0, `output_padding` "
        "is 2 but `strides` is 2. Received: output_padding=(2,), strides=(2,)",
    ),
    (
        dict(n=3, kernel_size=3, strides=2, dilation_rate=2),
        "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: strides=(2,) and "
        "dilation_rate=(2,)",
    ),
    (dict(n=3, kernel_size=3, strides=2, output_padding=2, dilation_rate=2), "`output_padding` must be strictly"),
    (dict(n=3, kernel_size=3, padding="full"), K.LAYER_PADDING),
    (dict(n=3, kernel_size=3, padding="causal"), K.LAYER_PADDING),
    (dict(n=(3, 4), kernel_size=3, strides=(1, 2), output_padding=(0, 2)), "At dimension 1,"),
    (dict(n=(3, 4), kernel_size=3, strides=(1, 2), dilation_rate=(2, 1)), "strides=(1, 2) and dilation_rate=(2, 1)"),
]


@pytest.mark.parametrize(("kwargs", "message"), LAYER_REFUSALS)
@pytest.mark.parametrize("backend", K.BACKENDS)
def test_layer_refusals(kwargs, message, backend):
    """Conv*DTranspose refuses with Keras' message whatever the backend."""
    kwargs = dict(kwargs)
    n = kwargs.pop("n")
    with pytest.raises(FrameworkError) as info:
        K.conv_transpose_length(n, backend=backend, **kwargs)
    assert message in info.value.message
    assert info.value.error == "ValueError"


def test_ops_has_no_layer_checks():
    """keras.ops.conv_transpose skips the output_padding and dilation checks (TF still refuses)."""
    assert K.conv_transpose_length(3, 3, 2, "valid", 3, api="ops", backend="jax") == 10
    assert K.conv_transpose_length(3, 3, 2, "same", 3, api="ops", backend="torch") == 8
    assert K.conv_transpose_length(3, 3, 2, "valid", None, 2, api="ops") == 9
    with pytest.raises(FrameworkError) as info:
        K.conv_transpose_length(3, 3, 2, "valid", 3, api="ops", backend="tensorflow")
    assert "computed = 4" in info.value.message
    with pytest.raises(FrameworkError) as info:
        K.conv_transpose_length(3, 3, 2, "causal", api="ops")
    assert info.value.message == "The `padding` argument must be one of 'valid', 'same'. Received: padding=causal"


def test_nd_layer():
    """A tuple n is the N-D layer; TF reports its first failing axis."""
    assert K.conv_transpose_length((3, 4), (2, 3), (2, 1), "same", (0, 0)) == (4, 4)
    with pytest.raises(FrameworkError) as info:
        K.conv_transpose_length((3, 4), (3, 2), (1, 2), "same", (0, 0), backend="tensorflow")
    assert "spatial_dim: 2 " in info.value.message


FORWARD = [
    (5, 3, 2, "valid", 1, 2),
    (5, 3, 2, "same", 1, 3),
    (5, 3, 2, "causal", 1, 3),
    (3, 3, 1, "valid", 1, 1),
    (9, 3, 1, "valid", 3, 3),
]


@pytest.mark.parametrize(("n", "k", "s", "padding", "d", "expected"), FORWARD)
def test_forward_length(n, k, s, padding, d, expected):
    """``conv_length`` is compute_conv_output_shape."""
    assert K.conv_length(n, k, s, padding, d) == expected


def test_forward_refusals():
    """Too-short valid inputs, causal in 2-D and strides with dilation are refused."""
    with pytest.raises(FrameworkError) as info:
        K.conv_length(2, 3)
    assert info.value.message == K.ZERO_OR_NEGATIVE
    with pytest.raises(FrameworkError):
        K.conv_length((5, 5), 3, 1, "causal")
    with pytest.raises(FrameworkError) as info:
        K.conv_length(9, 3, 2, "valid", 2)
    assert K.STRIDES_AND_DILATION in info.value.message


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda: K.conv_transpose_length(0, 3), "n"),
        (lambda: K.conv_transpose_length(3, 3, output_padding=-1), "output_padding"),
        (lambda: K.conv_transpose_length(3, 3, backend="numpy"), "backend"),
        (lambda: K.conv_transpose_length(3, 3, api="functional"), "api"),
        (lambda: K.conv_transpose_length(3, 3, padding=(1, 1)), "padding"),
        (lambda: K.conv_length(5, 3, backend="jax"), "backend"),
    ],
)
def test_bad_input_is_a_parameter_error(call, parameter):
    """Input outside derive's domain raises ParameterError naming the parameter."""
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.parameter == parameter


n, k, s, d = sp.symbols("n k s d", integer=True)
GRID = list(itertools.product(range(1, 6), range(1, 6), range(1, 5), range(1, 3)))


@pytest.mark.parametrize(("padding", "op"), [("valid", None), ("valid", 1), ("same", None), ("same", 0), ("same", 2)])
def test_symbolic_length_matches_numeric(padding, op):
    """The symbolic transposed length, substituted, equals the numeric one (ops API: no layer checks)."""
    expr = K.OPS_CONV_TRANSPOSE(n, kernel_size=k, strides=s, padding=padding, output_padding=op, dilation_rate=d)
    assert isinstance(expr, sp.Expr)
    for nv, kv, sv, dv in GRID:
        want = K.conv_transpose_length(nv, kv, sv, padding, op, dv, api="ops")
        assert expr.subs({n: nv, k: kv, s: sv, d: dv}) == want


@pytest.mark.parametrize(("padding", "op"), [("valid", None), ("same", None), ("same", 0), ("same", 1)])
def test_symbolic_tensorflow_conditions_decide_acceptance(padding, op):
    """On the TF backend the conditions, substituted, hold exactly when the numeric call succeeds."""
    conds = K.CONV_TRANSPOSE.conditions(
        n, kernel_size=k, strides=s, padding=padding, output_padding=op, backend="tensorflow"
    )
    for nv, kv, sv, _ in GRID:
        holds = all(bool(sp.sympify(c.predicate).subs({n: nv, k: kv, s: sv})) for c in conds)
        try:
            K.conv_transpose_length(nv, kv, sv, padding, op, backend="tensorflow")
            ok = True
        except FrameworkError:
            ok = False
        assert holds == ok, (nv, kv, sv)
