"""Unit tests of the PyTorch model (derive.frameworks.torch); test_conformance.py checks it against torch."""

from __future__ import annotations

import doctest
import itertools

import pytest
import sympy as sp

from derive import lengths
from derive.errors import FrameworkError, ParameterError
from derive.frameworks import get
from derive.frameworks import torch as TO

OP_RULE_1D = (
    "output padding must be smaller than either stride or dilation, but got output_padding_height: 0 "
    "output_padding_width: {op} stride_height: 1 stride_width: {s} dilation_height: 1 dilation_width: {d}"
)

# (n, kwargs, length) for torch.nn.Conv1d / F.conv1d
FORWARD = [
    (7, {"kernel_size": 3}, 5),
    (7, {"kernel_size": 3, "stride": 2, "padding": 1}, 4),
    (8, {"kernel_size": 3, "stride": 2}, 3),
    (5, {"kernel_size": 3, "dilation": 2}, 1),
    (5, {"kernel_size": 5}, 1),
    (0, {"kernel_size": 3, "padding": 2}, None),  # refused: n = 0 (see FORWARD_REFUSALS)
    (7, {"kernel_size": 3, "padding": "valid", "stride": 3}, 2),
    (5, {"kernel_size": 4, "padding": "same"}, 5),
    (1, {"kernel_size": 5, "padding": "same", "dilation": 3}, 1),
    (6, {"kernel_size": 1, "stride": 4, "padding": 3}, 3),
]

# (n, kwargs, api, exception class, message) in torch's check order
FORWARD_REFUSALS = [
    (
        3,
        {"kernel_size": 5},
        "module",
        "RuntimeError",
        "Calculated padded input size per channel: (3). Kernel size: (5). "
        "Kernel size can't be greater than actual input size",
    ),
    (
        2,
        {"kernel_size": 5, "padding": "valid"},
        "functional",
        "RuntimeError",
        "Calculated padded input size per channel: (2). Kernel size: (5).",
    ),
    (
        0,
        {"kernel_size": 3, "padding": "same"},
        "functional",
        "RuntimeError",
        "Calculated padded input size per channel: (2). Kernel size: (3).",
    ),
    (
        0,
        {"kernel_size": 3, "padding": 2},
        "module",
        "RuntimeError",
        "Only zero batch or zero channel inputs are supported, but got input shape: [1, 1, 1, 0]",
    ),
    (3, {"kernel_size": 1, "padding": -1}, "module", "RuntimeError", "negative padding is not supported"),
    (3, {"kernel_size": 1, "stride": 0}, "module", "RuntimeError", "non-positive stride is not supported"),
    (3, {"kernel_size": 1, "dilation": -1}, "module", "RuntimeError", "dilation should be greater than zero"),
    (
        3,
        {"kernel_size": 3, "dilation": 0},
        "module",
        "RuntimeError",
        "dilation should be greater than zero, but got [1, 0]",
    ),
    # order: padding before stride, stride before dilation, the kernel check before dilation 0
    (3, {"kernel_size": 1, "padding": -1, "stride": 0}, "module", "RuntimeError", "negative padding is not supported"),
    (1, {"kernel_size": 3, "stride": 0}, "module", "RuntimeError", "non-positive stride is not supported"),
    (
        0,
        {"kernel_size": 1, "dilation": 0},
        "module",
        "RuntimeError",
        "Calculated padded input size per channel: (0). Kernel size: (1).",
    ),
    # padding strings: the module refuses in its constructor (ValueError), the functional in C++
    (
        5,
        {"kernel_size": 3, "padding": "same", "stride": 2},
        "module",
        "ValueError",
        "padding='same' is not supported for strided convolutions",
    ),
    (
        5,
        {"kernel_size": 3, "padding": "same", "stride": 2},
        "functional",
        "RuntimeError",
        "padding='same' is not supported for strided convolutions",
    ),
    (
        5,
        {"kernel_size": 3, "padding": "foo"},
        "module",
        "ValueError",
        "Invalid padding string 'foo', should be one of {",
    ),
    (
        5,
        {"kernel_size": 3, "padding": "foo", "stride": 0},
        "functional",
        "RuntimeError",
        "Invalid padding string: 'foo'",
    ),
]

# (n, kwargs, length) for torch.nn.ConvTranspose1d / F.conv_transpose1d
TRANSPOSED = [
    (3, {"kernel_size": 3, "stride": 2}, 7),
    (3, {"kernel_size": 3, "stride": 2, "output_padding": 1}, 8),
    (3, {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1}, 6),
    (3, {"kernel_size": 3, "dilation": 3, "output_padding": 2}, 11),  # op < dilation is enough
    (3, {"kernel_size": 3, "stride": 3, "padding": 4}, 1),  # padding beyond d(k-1) is fine while L >= 1
    (1, {"kernel_size": 3, "padding": 1}, 1),
    (20481, {"kernel_size": 1, "padding": 10240}, 1),
]

TRANSPOSED_REFUSALS = [
    (
        3,
        {"kernel_size": 3, "stride": 2, "output_padding": 2},
        "functional",
        "RuntimeError",
        OP_RULE_1D.format(op=2, s=2, d=1),
    ),
    (3, {"kernel_size": 3, "output_padding": 1}, "module", "RuntimeError", OP_RULE_1D.format(op=1, s=1, d=1)),
    (
        1,
        {"kernel_size": 1, "padding": 1},
        "module",
        "RuntimeError",
        "Given input size per channel: (1 x 1). Calculated output size per channel: (1 x -1). Output size is too small",
    ),
    (
        1,
        {"kernel_size": 2, "stride": 2, "padding": 1},
        "module",
        "RuntimeError",
        "Given input size per channel: (1 x 1). Calculated output size per channel: (1 x 0). Output size is too small",
    ),
    (3, {"kernel_size": 3, "padding": -1}, "module", "RuntimeError", "negative padding is not supported"),
    (
        3,
        {"kernel_size": 3, "output_padding": -1, "stride": 0},
        "module",
        "RuntimeError",
        "negative output_padding is not supported",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 0, "dilation": -1},
        "module",
        "RuntimeError",
        "non-positive stride is not supported",
    ),
    (0, {"kernel_size": 3, "dilation": -1}, "module", "RuntimeError", "dilation should be greater than zero"),
    (
        0,
        {"kernel_size": 3, "dilation": 0, "output_padding": 4},
        "module",
        "RuntimeError",
        "Only zero batch or zero channel inputs are supported, but got input shape: [1, 1, 1, 0]",
    ),
    (
        3,
        {"kernel_size": 3, "dilation": 0, "output_padding": 3},
        "module",
        "RuntimeError",
        "dilation should be greater than zero, but got dilation_height: 1, dilation_width: 0",
    ),
    (
        1,
        {"kernel_size": 1, "padding": 3, "output_padding": 1},
        "module",
        "RuntimeError",
        OP_RULE_1D.format(op=1, s=1, d=1),
    ),
    # past oneDNN's size threshold: its own text for a negative length
    (
        20481,
        {"kernel_size": 1, "padding": 10241},
        "functional",
        "RuntimeError",
        "could not construct a memory descriptor using a format tag",
    ),
    (
        3,
        {"kernel_size": 3, "padding": "same"},
        "functional",
        "TypeError",
        "conv_transpose1d(): argument 'padding' must be tuple of ints, not str",
    ),
    (
        3,
        {"kernel_size": 3, "padding": "same", "stride": 2},
        "module",
        "TypeError",
        "conv_transpose1d(): argument 'padding' (position 5) must be tuple of ints, "
        "but found element of type str at pos 0",
    ),
    (
        3,
        {"kernel_size": 3, "padding": "valid", "output_size": 5},
        "module",
        "TypeError",
        "unsupported operand type(s) for -: 'int' and 'str'",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": 7},
        "module",
        "ValueError",
        "requested an output size of [7], but valid sizes range from [5] to [6] (for an input of torch.Size([3]))",
    ),
    (
        3,
        {"kernel_size": 3, "stride": 0, "output_size": 5},
        "module",
        "ValueError",
        "requested an output size of [5], but valid sizes range from [3] to [2] (for an input of torch.Size([3]))",
    ),
    # the output_size range ignores dilation: 11 is refused although output_padding=2 < dilation works
    (
        3,
        {"kernel_size": 3, "dilation": 3, "output_size": 11},
        "module",
        "ValueError",
        "requested an output size of [11], but valid sizes range from [9] to [9] (for an input of torch.Size([3]))",
    ),
    # the Python range check comes before every C++ check
    (
        3,
        {"kernel_size": 3, "padding": -1, "output_size": 8},
        "module",
        "ValueError",
        "requested an output size of [8], but valid sizes range from [7] to [7]",
    ),
    (
        3,
        {"kernel_size": 3, "padding": -1, "output_size": 7},
        "module",
        "RuntimeError",
        "negative padding is not supported",
    ),
    (
        1,
        {"kernel_size": 2, "stride": 2, "padding": 1, "output_size": 0},
        "module",
        "RuntimeError",
        "Given input size per channel: (1 x 1). Calculated output size per channel: (1 x 0). Output size is too small",
    ),
]

# (n, kwargs, result) for per-axis tuples: the 2-D and 3-D operations
ND = [
    ("conv", (5, 6), {"kernel_size": 3, "padding": "same"}, (5, 6)),
    ("conv", (7, 8), {"kernel_size": (3, 1), "stride": (2, 3), "padding": (1, 0)}, (4, 3)),
    ("conv", (4, 4, 4), {"kernel_size": 2, "dilation": (1, 2, 3)}, (3, 2, 1)),
    ("conv_transpose", (3, 4), {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (6, 8)}, (6, 8)),
    ("conv_transpose", (2, 3), {"kernel_size": 3, "stride": (1, 2), "output_padding": (0, 1)}, (4, 8)),
    # 4x4 kernels run through oneDNN even at batch 1: a zero length is returned, not refused
    ("conv_transpose", (1, 1), {"kernel_size": 4, "padding": 2}, (0, 0)),
]

ND_REFUSALS = [
    (
        "conv",
        (3, 2),
        {"kernel_size": (2, 3)},
        "Calculated padded input size per channel: (3 x 2). Kernel size: (2 x 3).",
    ),
    ("conv", (3, 3), {"kernel_size": 3, "dilation": (0, 1)}, "dilation should be greater than zero, but got [0, 1]"),
    ("conv", (6, 6), {"kernel_size": 4, "dilation": (0, 1)}, "non-positive dilation is not supported"),
    (
        "conv",
        (0, 3),
        {"kernel_size": 1, "padding": (1, 0)},
        "Only zero batch or zero channel inputs are supported, but got input shape: [1, 1, 0, 3]",
    ),
    (
        "conv",
        (3, 3),
        {"kernel_size": 3, "padding": "same", "stride": (1, 2)},
        "padding='same' is not supported for strided convolutions",
    ),
    (
        "conv_transpose",
        (2, 3),
        {"kernel_size": 3, "padding": (2, 0)},
        "Given input size per channel: (2 x 3). Calculated output size per channel: (0 x 5). Output size is too small",
    ),
    (
        "conv_transpose",
        (3, 3, 3),
        {"kernel_size": 3, "stride": (1, 2, 2), "output_padding": (0, 2, 0)},
        "output padding must be smaller than either stride or dilation, but got output_padding_depth: 0 "
        "output_padding_height: 2 output_padding_width: 0 stride_depth: 1 stride_height: 2 stride_width: 2 "
        "dilation_depth: 1 dilation_height: 1 dilation_width: 1",
    ),
    (
        "conv_transpose",
        (3, 3, 3),
        {"kernel_size": 3, "dilation": (1, 0, 1)},
        "dilation should be greater than zero, but got dilation_depth: 1, dilation_height: 0, dilation_width: 1",
    ),
    (
        "conv_transpose",
        (3, 4),
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_size": (7, 9)},
        "requested an output size of [7, 9], but valid sizes range from [5, 7] to [6, 8] "
        "(for an input of torch.Size([3, 4]))",
    ),
    (
        "conv_transpose",
        (3, 3),
        {"kernel_size": 3, "padding": "same"},
        "conv_transpose2d(): argument 'padding' (position 5) must be tuple of ints, "
        "but found element of type str at pos 0",
    ),
]

# calls outside the model: (function, args, kwargs, parameter named in the ParameterError)
OUTSIDE = [
    (TO.conv_length, (3,), {"kernel_size": 0}, "kernel_size"),
    (TO.conv_transpose_length, (-1,), {"kernel_size": 3}, "n"),
    (TO.conv_length, (3.0,), {"kernel_size": 3}, "n"),
    (TO.conv_length, (3,), {"kernel_size": True}, "kernel_size"),
    (TO.conv_length, (3,), {"kernel_size": 3, "padding": 1.5}, "padding"),
    (TO.conv_length, (3,), {"kernel_size": 3, "padding": "same", "dilation": -1}, "dilation"),
    (TO.conv_length, (3,), {"kernel_size": 3, "api": "jit"}, "api"),
    (TO.conv_transpose_length, (3,), {"kernel_size": 3, "output_size": 5, "api": "functional"}, "output_size"),
    (TO.conv_transpose_length, (3,), {"kernel_size": 3, "padding": ""}, "padding"),
    (TO.conv_transpose_length, (20481,), {"kernel_size": 3, "dilation": 0}, "dilation"),
    (TO.conv_length, ((3, 4),), {"kernel_size": (3, 3, 3)}, "arguments"),
    (TO.conv_length, ((3, 4, 5, 6),), {"kernel_size": 1}, "arguments"),
]


def _refusal(call) -> FrameworkError:
    with pytest.raises(FrameworkError) as info:
        call()
    return info.value


@pytest.mark.parametrize(("n", "kwargs", "length"), [c for c in FORWARD if c[2] is not None])
@pytest.mark.parametrize("api", TO.APIS)
def test_conv_length(n, kwargs, length, api):
    """Forward lengths are ⌊(n + lo + hi − d(k−1) − 1)/s⌋ + 1 for modules and functionals alike."""
    assert TO.conv_length(n, api=api, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "api", "error", "message"), FORWARD_REFUSALS)
def test_conv_refusals(n, kwargs, api, error, message):
    """Forward refusals carry torch's class and text, first failing check first."""
    e = _refusal(lambda: TO.conv_length(n, api=api, **kwargs))
    assert (e.framework, e.error) == ("torch", error)
    assert message in e.message


@pytest.mark.parametrize(("n", "kwargs", "length"), TRANSPOSED)
@pytest.mark.parametrize("api", TO.APIS)
def test_conv_transpose_length(n, kwargs, length, api):
    """Transposed lengths are (n−1)s − 2p + d(k−1) + output_padding + 1."""
    assert TO.conv_transpose_length(n, api=api, **kwargs) == length


@pytest.mark.parametrize(("n", "kwargs", "api", "error", "message"), TRANSPOSED_REFUSALS)
def test_conv_transpose_refusals(n, kwargs, api, error, message):
    """Transposed refusals carry torch's class and text (1-D messages show the fake height axis)."""
    e = _refusal(lambda: TO.conv_transpose_length(n, api=api, **kwargs))
    assert e.error == error
    assert message in e.message


def test_output_size_ignores_output_padding():
    """With output_size the module's own output_padding attribute is ignored (even an invalid one)."""
    assert TO.conv_transpose_length(3, 3, stride=2, output_padding=5, output_size=8) == 8


@pytest.mark.parametrize(
    ("n", "kwargs", "interval"),
    [
        (3, {"kernel_size": 3, "stride": 2, "padding": 1}, (5, 6)),
        (3, {"kernel_size": 3, "dilation": 3}, (9, 9)),
        (3, {"kernel_size": 3, "stride": 3, "padding": 4}, (1, 3)),
        (1, {"kernel_size": 2, "stride": 2, "padding": 1}, (1, 1)),  # L0 = 0 is refused by the kernel
        (20481, {"kernel_size": 1, "stride": 2, "padding": 20481}, (0, 0)),  # L0 = -1; oneDNN returns length 0
        ((3, 4), {"kernel_size": 3, "stride": 2, "padding": 1}, ((5, 7), (6, 8))),
    ],
)
def test_accepted_lengths(n, kwargs, interval):
    """accepted_lengths is every output_size the module returns unchanged."""
    assert TO.accepted_lengths(n, **kwargs) == interval


def test_accepted_lengths_agree_with_the_module_call():
    """Exactly the sizes in accepted_lengths come back from conv_transpose_length(output_size=...)."""
    for n, k, s, p, d in itertools.product(range(1, 5), range(1, 4), range(1, 4), range(0, 4), range(1, 3)):
        L0 = (n - 1) * s - 2 * p + d * (k - 1) + 1
        try:
            lo, hi = TO.accepted_lengths(n, k, s, p, d)
        except FrameworkError:
            lo, hi = 1, 0
        for size in range(L0 - 2, L0 + s + 2):
            try:
                got = TO.conv_transpose_length(n, k, s, p, 0, d, output_size=size)
            except FrameworkError:
                got = None
            assert (got == size) == (lo <= size <= hi), (n, k, s, p, d, size)


@pytest.mark.parametrize(
    ("n", "kwargs", "message"),
    [
        (3, {"kernel_size": 3, "stride": 0}, "valid sizes range from [3] to [2]"),
        (1, {"kernel_size": 1, "padding": 1}, "Calculated output size per channel: (1 x -1)"),
        (3, {"kernel_size": 3, "padding": -1}, "negative padding is not supported"),
    ],
)
def test_accepted_lengths_refuse_when_nothing_is_accepted(n, kwargs, message):
    """When no output_size works, accepted_lengths raises what torch says for output_size = L0."""
    assert message in _refusal(lambda: TO.accepted_lengths(n, **kwargs)).message


@pytest.mark.parametrize(("kind", "n", "kwargs", "result"), ND)
def test_per_axis_tuples(kind, n, kwargs, result):
    """Per-axis tuples give the 2-D/3-D lengths, each axis by the 1-D rule."""
    fn = TO.conv_length if kind == "conv" else TO.conv_transpose_length
    assert fn(n, **kwargs) == result


@pytest.mark.parametrize(("kind", "n", "kwargs", "message"), ND_REFUSALS)
def test_per_axis_refusals(kind, n, kwargs, message):
    """N-d refusals use torch's N-d texts (one entry per axis, 'x'-joined or per-axis fields)."""
    fn = TO.conv_length if kind == "conv" else TO.conv_transpose_length
    assert message in _refusal(lambda: fn(n, **kwargs)).message


@pytest.mark.parametrize(("fn", "args", "kwargs", "parameter"), OUTSIDE)
def test_outside_the_model(fn, args, kwargs, parameter):
    """Calls outside the model raise ParameterError naming the parameter, never a guess."""
    with pytest.raises(ParameterError) as info:
        fn(*args, **kwargs)
    assert info.value.parameter == parameter


@pytest.mark.parametrize(
    ("kernel_size", "dilation", "split"), [(3, 1, (1, 1)), (4, 1, (1, 2)), (2, 3, (1, 2)), (3, 0, (0, 0))]
)
def test_same_padding(kernel_size, dilation, split):
    """'same' pads ⌊d(k−1)/2⌋ on the left and the rest on the right."""
    assert TO.same_padding(7, kernel_size, dilation=dilation) == split


def test_same_padding_is_the_generic_split():
    """Torch's 'same' split equals derive.lengths.same_padding (stride 1, extra at the end)."""
    for n, k, d in itertools.product(range(1, 9), range(1, 6), range(1, 4)):
        assert TO.same_padding(n, k, 1, d) == lengths.same_padding(n, k, 1, d, extra="end")


def test_same_padding_refuses_strides():
    """'same' with a stride other than 1 raises torch's RuntimeError."""
    e = _refusal(lambda: TO.same_padding(7, 3, stride=2))
    assert (e.error, e.message) == ("RuntimeError", "padding='same' is not supported for strided convolutions")


def test_forward_matches_generic_model():
    """Where torch accepts, its forward length is derive.lengths.conv_length's."""
    for n, k, s, p, d in itertools.product(range(1, 9), range(1, 6), range(1, 5), range(0, 4), range(1, 4)):
        try:
            got = TO.conv_length(n, k, s, p, d)
        except FrameworkError:
            continue
        assert got == lengths.conv_length(n, k, s, d, p)


def test_transposed_matches_generic_model():
    """Torch's transposed length is derive.lengths.transposed_length with symmetric padding."""
    for n, k, s, p, d in itertools.product(range(1, 9), range(1, 6), range(1, 5), range(0, 4), range(1, 4)):
        for op in range(max(s, d)):
            try:
                got = TO.conv_transpose_length(n, k, s, p, op, d)
            except FrameworkError:
                continue
            assert got == lengths.transposed_length(n, k, s, d, p, op)


N, K, S, P, D, OP, X = sp.symbols("n k s p d a x", integer=True)
GRID = list(itertools.product(range(1, 6), range(1, 4), range(1, 4), range(0, 3), range(1, 4)))


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("conv", {"kernel_size": K, "stride": S, "padding": P, "dilation": D}),
        ("conv", {"kernel_size": K, "stride": 1, "padding": "same", "dilation": D}),
        ("conv_transpose", {"kernel_size": K, "stride": S, "padding": P, "output_padding": OP, "dilation": D}),
    ],
)
def test_symbolic_calls_equal_numeric_calls(kind, kwargs):
    """A SymPy call returns an expression whose value is the numeric call's, wherever torch accepts."""
    fn = TO.conv_length if kind == "conv" else TO.conv_transpose_length
    expr = fn(N, **kwargs)
    assert isinstance(expr, sp.Basic)
    for n, k, s, p, d in GRID:
        for a in range(3) if kind == "conv_transpose" else [0]:
            values = {N: n, K: k, S: s, P: p, D: d, OP: a}
            numeric = {key: (int(v.xreplace(values)) if isinstance(v, sp.Basic) else v) for key, v in kwargs.items()}
            try:
                want = fn(n, **numeric)
            except FrameworkError:
                continue
            assert expr.xreplace(values) == want


def test_symbolic_conditions_decide_numeric_refusals():
    """Operation.conditions gives SymPy predicates that are false exactly where the numeric call refuses."""
    conditions = TO.CONV_TRANSPOSE1D_FUNCTIONAL.conditions(
        N, kernel_size=K, stride=S, padding=P, output_padding=OP, dilation=D
    )
    assert [c.requirement.rule for c in conditions][-2:] == [
        "output_padding < stride or output_padding < dilation",
        "output length >= 1 (oneDNN: >= 0)",
    ]
    for n, k, s, p, d in GRID:
        for a in range(4):
            values = {N: n, K: k, S: s, P: p, D: d, OP: a}
            holds = all(
                bool(c.predicate.xreplace(values)) if isinstance(c.predicate, sp.Basic) else c.predicate
                for c in conditions
            )
            try:
                TO.conv_transpose_length(n, k, s, p, a, d, api="functional")
                refused = False
            except FrameworkError:
                refused = True
            assert holds != refused, values


def test_symbolic_output_size_and_interval():
    """The module with a symbolic output_size returns it; accepted_lengths returns SymPy bounds."""
    assert TO.conv_transpose_length(N, K, S, P, output_size=X) == X
    lo, hi = TO.accepted_lengths(N, K, S, P, D)
    L0 = (N - 1) * S - 2 * P + D * (K - 1) + 1
    assert sp.simplify(hi - (L0 + S - 1)) == 0
    assert lo == sp.Max(1, L0)


def test_operations_are_data():
    """The four operations are registered with torch's keyword names, in signature order."""
    assert get("pytorch") is TO
    assert [op.name for op in TO.OPERATIONS] == [
        "torch.nn.Conv1d",
        "torch.nn.functional.conv1d",
        "torch.nn.ConvTranspose1d",
        "torch.nn.functional.conv_transpose1d",
    ]
    assert [name for name, _ in TO.CONV_TRANSPOSE1D.defaults] == [
        "kernel_size",
        "stride",
        "padding",
        "output_padding",
        "dilation",
        "output_size",
    ]
    assert TO.CONV_TRANSPOSE1D(3, kernel_size=3, stride=2, padding=1, output_size=6) == 6
    assert TO.CONV_TRANSPOSE1D.accepted_lengths(3, kernel_size=3, stride=2, padding=1) == (5, 6)


def test_docstring_examples():
    """The module's >>> examples run."""
    assert doctest.testmod(TO).failed == 0
