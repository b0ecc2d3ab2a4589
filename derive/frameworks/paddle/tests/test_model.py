"""Unit tests of the PaddlePaddle model (derive.frameworks.paddle); test_conformance.py checks it against paddle."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import get
from derive.frameworks import paddle as P

META = "(PreconditionNotMet) The meta data must be valid when call the mutable data function."

# (n, kwargs, length) for F.conv1d
FORWARD = [
    (7, {"kernel_size": 3}, 5),
    (7, {"kernel_size": 3, "stride": 2, "padding": 1}, 4),
    (2, {"kernel_size": 5, "stride": 2, "padding": 1}, 1),  # trunc(-1/2) + 1 = 1
    (1, {"kernel_size": 5, "stride": 4}, 0),  # an empty output
    (5, {"kernel_size": 3, "stride": 2, "padding": "same", "dilation": 2}, 3),  # dilation ignored
    (3, {"kernel_size": 3, "padding": (1, 2)}, 4),
    (7, {"kernel_size": 3, "padding": "VALID", "dilation": 2}, 3),
    ((5, 4), {"kernel_size": (3, 2), "stride": (2, 3), "padding": (1, 0)}, (3, 1)),
]

# (n, kwargs, length) for F.conv1d_transpose
TRANSPOSED = [
    (3, {"kernel_size": 3, "stride": 2}, 7),
    (3, {"kernel_size": 3, "stride": 2, "output_padding": 1}, 8),
    (3, {"kernel_size": 3, "stride": 2, "output_size": 8}, 8),
    (5, {"kernel_size": 3, "stride": 2, "padding": "same"}, 9),  # not n*s = 10
    (5, {"kernel_size": 3, "stride": 2, "padding": "same", "dilation": 2}, 9),
    (3, {"kernel_size": 3, "padding": (1, 2)}, 2),
    ((4, 4), {"kernel_size": 3, "stride": (1, 2), "dilation": (3, 1), "output_size": (10, 10)}, (10, 10)),
]

# (n, kwargs, error class, message) for F.conv1d_transpose, in Paddle's order
TRANSPOSED_REFUSALS = [
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_padding": 2},
        "ValueError",
        "(InvalidArgument) output_padding of Op(ConvTransposeOp) should be less than either stride or dilation. "
        "But received output_size = [[]], whose dim 0 is not less than either stride (2)  or dilation (1)",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_padding": 3},
        "ValueError",
        "The size of output_padding should not be greater than stride.But got output_padding=3 and stride=2",
    ),
    (  # the C++ rule would allow it (2 < dilation 3): Python refuses first
        3,
        {"kernel_size": 3, "stride": 1, "dilation": 3, "output_padding": 2},
        "ValueError",
        "The size of output_padding should not be greater than stride.But got output_padding=2 and stride=1",
    ),
    (  # passes Python and InferMeta (1 < dilation 2): the CPU kernel refuses
        3,
        {"kernel_size": 3, "stride": 1, "dilation": 2, "output_padding": 1},
        "ValueError",
        "(InvalidArgument) Output_height and padding(padding_up, padding_down) are inconsistent.",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_size": 9},
        "ValueError",
        "(InvalidArgument) output_size of Op(ConvTransposeOp) should be less than inferred size + stride. "
        "But received output_size = [[9, 1]], whose dim 0 is not less than the inferred output size (7) "
        "+ stride (2) = 9",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_size": 6},
        "ValueError",
        "(InvalidArgument) output_size of Op(ConvTransposeOp) should not be less than the inferred output size. "
        "But received output_size = [[6, 1]], whose dim 0 is less than the inferred output size [7]",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_padding": -1},
        "ValueError",
        "(InvalidArgument) output_padding of Op(ConvTransposeOp) should not be less than the 0. "
        "But received output_padding = [[-1, 0]], whose dim 0 is less than 0",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_padding": 1, "output_size": 7},
        "ValueError",
        "output_padding option is mutually exclusive with output_size",
    ),
    (1, {"kernel_size": 1, "padding": 1}, "RuntimeError", META),
    (
        3,
        {"kernel_size": 3, "padding": (1, -1)},
        "ValueError",
        "Invalid padding, all value should be larger than or equal to 0, but received: [1, -1]",
    ),
    (
        3,
        {"kernel_size": 3, "padding": "full"},
        "ValueError",
        "Unknown padding: 'FULL'. It can only be 'SAME' or 'VALID'.",
    ),
]


@pytest.mark.parametrize(("n", "kwargs", "length"), FORWARD)
def test_forward_lengths(n, kwargs, length):
    """conv_length truncates like Paddle's C++ and ignores dilation under 'same'."""
    assert P.conv_length(n, **kwargs) == length


def test_forward_negative_length_fails_at_allocation():
    """A negative forward length is refused only when the output is allocated."""
    with pytest.raises(FrameworkError) as info:
        P.conv_length(3, 5)
    assert (info.value.error, info.value.message) == ("RuntimeError", META)


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
def test_transposed_lengths(n, kwargs, length):
    """conv_transpose_length gives (n-1)s - lo - hi + K (+ output_padding), or output_size."""
    assert P.conv_transpose_length(n, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "error", "message"), TRANSPOSED_REFUSALS)
def test_transposed_refusals(n, kwargs, error, message):
    """Refusals carry Paddle's exception class and first message line."""
    with pytest.raises(FrameworkError) as info:
        P.conv_transpose_length(n, **kwargs)
    assert (info.value.error, info.value.message) == (error, message)


def test_conv2d_transpose_has_no_python_output_padding_check():
    """For a pair n (conv2d_transpose) output_padding in [stride, dilation) reaches the CPU kernel's check."""
    with pytest.raises(FrameworkError) as info:
        P.conv_transpose_length((4, 4), 3, stride=(1, 2), dilation=(3, 1), output_padding=(2, 1))
    assert info.value.message.startswith("(InvalidArgument) Output_height and padding")


def test_accepted_output_sizes():
    """accepted_lengths is [L0, L0 + s - 1] whatever the dilation."""
    assert P.accepted_lengths(3, 3, stride=2) == (7, 8)
    assert P.accepted_lengths(4, 3, stride=1, dilation=3) == (10, 10)
    assert P.accepted_lengths(5, 3, stride=2, padding="same") == (9, 10)


@pytest.mark.parametrize(
    "kwargs", [{"kernel_size": 0}, {"kernel_size": 3, "stride": 0}, {"kernel_size": 3, "padding": 1.5}]
)
def test_bad_arguments_are_parameter_errors(kwargs):
    """Arguments outside derive's domain raise ParameterError."""
    with pytest.raises(ParameterError):
        P.conv_transpose_length(3, **kwargs)


def test_symbolic_matches_numeric():
    """With SymPy symbols the operations return expressions that agree with the numeric calls."""
    n, k, s, d, p, a = sp.symbols("n k s d p a", integer=True)
    fwd = P.CONV1D(n, kernel_size=k, stride=s, dilation=d, padding=p)
    tr = P.CONV1D_TRANSPOSE(n, kernel_size=k, stride=s, dilation=d, padding=p, output_padding=a)
    same = P.CONV1D_TRANSPOSE(n, kernel_size=k, stride=s, padding="same")
    for nv, kv, sv, dv, pv, av in itertools.product(range(1, 6), range(1, 4), range(1, 4), (1, 2), (0, 1), (0, 1)):
        env = {n: nv, k: kv, s: sv, d: dv, p: pv, a: av}
        for expr, fn, kw in (
            (fwd, P.conv_length, {"dilation": dv, "padding": pv}),
            (tr, P.conv_transpose_length, {"dilation": dv, "padding": pv, "output_padding": av}),
            (same, P.conv_transpose_length, {"padding": "same"}),
        ):
            try:
                want = fn(nv, kv, sv, **kw)
            except FrameworkError:
                continue
            assert int(expr.subs(env)) == want


def test_registry_and_provenance():
    """The module is registered and marks its operations as checked live."""
    assert get("paddle") is P
    assert {op.confirmed for op in (P.CONV1D, P.CONV1D_TRANSPOSE, P.CONV2D, P.CONV2D_TRANSPOSE)} == {"live"}
