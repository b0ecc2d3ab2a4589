"""Unit tests of the Lasagne model (derive.frameworks.lasagne); test_conformance.py checks it against Theano."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import get
from derive.frameworks import lasagne as Las

# (n, kwargs, length) for Conv2DLayer along one axis
FORWARD = [
    (7, {"filter_size": 3}, 5),
    (7, {"filter_size": 3, "stride": 2, "pad": 1}, 4),
    (7, {"filter_size": 3, "stride": 2, "pad": "same"}, 4),
    (3, {"filter_size": 3, "stride": 2, "pad": "full"}, 3),
    (5, {"filter_size": 3, "pad": "valid"}, 3),
    ((5, 4), {"filter_size": (3, 2), "stride": (2, 3), "pad": (1, 0)}, (3, 1)),
]

# (n, kwargs, length) for TransposedConv2DLayer along one axis
TRANSPOSED = [
    (3, {"filter_size": 3, "stride": 2}, 7),
    (3, {"filter_size": 3, "stride": 2, "crop": "valid"}, 7),  # 'valid' crops nothing: the largest output
    (3, {"filter_size": 3, "stride": 2, "crop": "full"}, 3),  # 'full' crops k-1: the smallest
    (3, {"filter_size": 3, "stride": 2, "crop": "same"}, 5),
    (3, {"filter_size": 3, "stride": 2, "output_size": 8}, 8),
    (3, {"filter_size": 3, "stride": 2, "crop": 1, "output_size": 6}, 6),
]

# (n, kwargs, op, error class, message)
REFUSALS = [
    (3, {"filter_size": 4, "pad": "same"}, "conv", "NotImplementedError", "`same` padding requires odd filter size."),
    (
        3,
        {"filter_size": 2, "crop": "same"},
        "conv_transpose",
        "NotImplementedError",
        "`same` padding requires odd filter size.",
    ),
    (3, {"filter_size": 5}, "conv", "AssertionError", "There is a negative shape in the graph!"),
    (2, {"filter_size": 3}, "conv", "ValueError", "CorrMM: impossible output shape"),  # length 0, trunc agrees
    (
        2,
        {"filter_size": 5, "stride": 2, "pad": 1},
        "conv",
        "ValueError",
        "CorrMM shape inconsistency:",
    ),  # trunc gives 1
    (
        1,
        {"filter_size": 3, "crop": "full"},
        "conv_transpose",
        "AssertionError",
        "There is a negative shape in the graph!",
    ),
    (
        2,
        {"filter_size": 3, "crop": "full"},
        "conv_transpose",
        "ValueError",
        "CorrMM backprop wrt. inputs: impossible output shape",
    ),
    (
        3,
        {"filter_size": 3, "stride": 2, "output_size": 9},
        "conv_transpose",
        "ValueError",
        "CorrMM shape inconsistency:",
    ),
    (
        3,
        {"filter_size": 3, "stride": 2, "output_size": 6},
        "conv_transpose",
        "ValueError",
        "CorrMM shape inconsistency:",
    ),
    (3, {"filter_size": 3, "pad": "half"}, "conv", "ValueError", "Invalid pad: half"),
]


@pytest.mark.parametrize(("n", "kwargs", "length"), FORWARD)
def test_forward_lengths(n, kwargs, length):
    """conv_length is Lasagne's conv_output_length."""
    assert Las.conv_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
def test_transposed_lengths(n, kwargs, length):
    """conv_transpose_length is conv_input_length, or an accepted output_size."""
    assert Las.conv_transpose_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "op", "error", "message"), REFUSALS)
def test_refusals_carry_theano_messages(n, kwargs, op, error, message):
    """Refusals carry Lasagne's or Theano's exception class and first message line."""
    fn = Las.conv_length if op == "conv" else Las.conv_transpose_length
    with pytest.raises(FrameworkError) as info:
        fn(n, **kwargs)
    assert (info.value.error, info.value.message) == (error, message)


def test_accepted_output_sizes():
    """accepted_lengths is [max(1, L0), L0 + s - 1], the forward rule's preimage of n."""
    assert Las.accepted_lengths(3, 3, stride=2) == (7, 8)
    assert Las.accepted_lengths(1, 3, stride=3, crop="full") == (1, 1)


@pytest.mark.parametrize(
    "kwargs", [{"filter_size": 0}, {"filter_size": 3, "crop": -1}, {"filter_size": 3, "output_size": 0}]
)
def test_bad_arguments_are_parameter_errors(kwargs):
    """Arguments outside derive's domain raise ParameterError."""
    with pytest.raises(ParameterError):
        Las.conv_transpose_length(3, **kwargs)


def test_symbolic_matches_numeric():
    """With SymPy symbols the operations return expressions that agree with the numeric calls."""
    n, k, s, p = sp.symbols("n k s p", integer=True)
    fwd = Las.CONV2D_LAYER(n, filter_size=k, stride=s, pad=p)
    tr = Las.TRANSPOSED_CONV2D_LAYER(n, filter_size=k, stride=s, crop=p)
    for nv, kv, sv, pv in itertools.product(range(1, 7), range(1, 5), range(1, 4), (0, 1, 2)):
        env = {n: nv, k: kv, s: sv, p: pv}
        for expr, fn in ((fwd, Las.conv_length), (tr, Las.conv_transpose_length)):
            try:
                want = fn(nv, kv, sv, pv)
            except FrameworkError:
                continue
            assert int(expr.subs(env)) == want


def test_registry_and_provenance():
    """The module is registered and marks its operations as checked live."""
    assert get("lasagne") is Las
    assert {Las.CONV2D_LAYER.confirmed, Las.TRANSPOSED_CONV2D_LAYER.confirmed} == {
        "live, outside CI (Lasagne 0.2.dev1 at 5d3c63cb is on no package registry)"
    }
