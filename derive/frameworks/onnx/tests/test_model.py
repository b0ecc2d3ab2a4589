"""Unit tests of the ONNX model (derive.frameworks.onnx): the spec and three implementations."""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from derive.errors import FrameworkError, ParameterError
from derive.frameworks import onnx as O

n_, k_, s_ = sp.symbols("n k s", integer=True, positive=True)
ERR = "error"

# (n, kernel_shape, attributes, {implementation: length or ERR}) -- onnx 1.23.2, onnxruntime 1.32.0
TRANSPOSE = [
    (3, 3, {"strides": 2, "auto_pad": "SAME_UPPER"}, dict(spec=6, shape_inference=6, reference=6, onnxruntime=6)),
    (
        3,
        3,
        {"strides": 2, "auto_pad": "SAME_UPPER", "output_padding": 1},
        dict(spec=6, shape_inference=7, reference=6, onnxruntime=6),
    ),
    (3, 1, {"strides": 3, "auto_pad": "SAME_UPPER"}, dict(spec=9, shape_inference=7, reference=9, onnxruntime=7)),
    (
        3,
        1,
        {"strides": 3, "auto_pad": "SAME_LOWER", "output_padding": 1},
        dict(spec=9, shape_inference=8, reference=9, onnxruntime=8),
    ),
    (3, 3, {"strides": 2, "output_shape": 6}, dict(spec=6, shape_inference=6, reference=ERR, onnxruntime=6)),
    (3, 3, {"strides": 2, "output_shape": 2}, dict(spec=2, shape_inference=ERR, reference=ERR, onnxruntime=2)),
    (3, 3, {"strides": 2, "output_shape": 9}, dict(spec=ERR, shape_inference=9, reference=ERR, onnxruntime=ERR)),
    (3, 3, {"strides": 2, "output_padding": 5}, dict(spec=ERR, shape_inference=12, reference=ERR, onnxruntime=ERR)),
    (
        3,
        3,
        {"strides": 1, "dilations": 3, "output_padding": 2},
        dict(spec=11, shape_inference=11, reference=ERR, onnxruntime=ERR),
    ),
    (3, 3, {"strides": 2, "pads": [4, 4]}, dict(spec=ERR, shape_inference=-1, reference=ERR, onnxruntime=ERR)),
    (3, 3, {"strides": 2, "pads": [3, 4]}, dict(spec=ERR, shape_inference=0, reference=0, onnxruntime=ERR)),
    (
        3,
        3,
        {"strides": 2, "pads": [1, 1], "auto_pad": "SAME_UPPER"},
        dict(spec=ERR, shape_inference=ERR, reference=5, onnxruntime=ERR),
    ),
    (3, 3, {"strides": 2, "pads": [-1, 0]}, dict(spec=ERR, shape_inference=ERR, reference=8, onnxruntime=ERR)),
    (3, 3, {"strides": 2, "dilations": 2}, dict(spec=9, shape_inference=9, reference=9, onnxruntime=9)),
]

CASES = [(n, k, attrs, impl, want) for n, k, attrs, table in TRANSPOSE for impl, want in table.items()]

MESSAGES = [
    (
        {"strides": 2, "output_padding": 5},
        "onnxruntime",
        "output_padding[0] (5) must be less than max(stride, dilation) (2)",
    ),
    ({"strides": 2, "pads": [4, 4]}, "onnxruntime", "Computed output dimension is <= 0 for dim 0. Input shape: {3}"),
    (
        {"strides": 2, "output_shape": 9},
        "onnxruntime",
        "Expected input size 4 but got 3 (output_size=9, kernel=3, stride=2",
    ),
    ({"strides": 2, "output_shape": 0}, "onnxruntime", "Explicit output size must be positive. Got: 0"),
    (
        {"strides": 2, "pads": [1, 1], "auto_pad": "VALID"},
        "shape_inference",
        "The pads attribute cannot be used simultaneously",
    ),
    ({"strides": 2, "output_padding": -1}, "onnxruntime", "Attribute output_padding must not contain negative values"),
    ({"strides": 2, "output_shape": 6}, "reference", "sliding blocks [np.int64(2)] = 2, but got input.size(2)=3."),
    ({"strides": 2, "pads": [4, 4]}, "reference", "negative dimensions are not allowed"),
    ({"strides": 2, "output_padding": 2}, "spec", 'Each padding value in "output_padding" must be less than'),
]

# (n, kernel_shape, attributes, {implementation: length or ERR})
FORWARD = [
    (2, 3, {"strides": 2}, dict(spec=ERR, shape_inference=1, reference=0, onnxruntime=ERR)),
    (1, 5, {"strides": 2}, dict(spec=ERR, shape_inference=-1, reference=ERR, onnxruntime=ERR)),
    (5, 4, {"strides": 2, "auto_pad": "SAME_LOWER"}, dict(spec=3, shape_inference=3, reference=3, onnxruntime=3)),
    (
        5,
        3,
        {"strides": 2, "pads": [1, 1], "auto_pad": "VALID"},
        dict(spec=ERR, shape_inference=3, reference=2, onnxruntime=ERR),
    ),
    (
        5,
        3,
        {"strides": 2, "dilations": 2, "auto_pad": "SAME_UPPER"},
        dict(spec=3, shape_inference=3, reference=3, onnxruntime=ERR),
    ),
    (5, 3, {"strides": 2, "pads": [-1, 0]}, dict(spec=ERR, shape_inference=ERR, reference=ERR, onnxruntime=ERR)),
]
FORWARD_CASES = [(n, k, attrs, impl, want) for n, k, attrs, table in FORWARD for impl, want in table.items()]


@pytest.mark.parametrize(("n", "k", "attrs", "implementation", "expected"), CASES)
def test_transpose_lengths(n, k, attrs, implementation, expected):
    """ConvTranspose lengths (or refusals) per implementation, where they disagree with the spec."""
    if expected == ERR:
        with pytest.raises(FrameworkError):
            O.conv_transpose_length(n, k, implementation=implementation, **attrs)
    else:
        assert O.conv_transpose_length(n, k, implementation=implementation, **attrs) == expected


@pytest.mark.parametrize(("attrs", "implementation", "message"), MESSAGES)
def test_refusal_messages(attrs, implementation, message):
    """Refusals carry the implementation's own text (the spec quotes its sentence)."""
    with pytest.raises(FrameworkError) as info:
        O.conv_transpose_length(3, 3, implementation=implementation, **attrs)
    assert message in info.value.message


@pytest.mark.parametrize(("n", "k", "attrs", "implementation", "expected"), FORWARD_CASES)
def test_forward_lengths(n, k, attrs, implementation, expected):
    """Conv: shape inference truncates toward zero and never refuses a short input."""
    if expected == ERR:
        with pytest.raises(FrameworkError):
            O.conv_length(n, k, implementation=implementation, **attrs)
    else:
        assert O.conv_length(n, k, implementation=implementation, **attrs) == expected


ACCEPTED = [
    ("spec", {}, (1, 7)),
    ("spec", {"output_padding": 1}, (1, 8)),
    ("shape_inference", {}, (3, None)),
    ("reference", {}, (7, 8)),
    ("reference", {"pads": [1, 1]}, (5, 6)),
    ("reference", {"auto_pad": "SAME_UPPER"}, (0, None)),
    ("onnxruntime", {}, (1, 8)),
]


@pytest.mark.parametrize(("implementation", "attrs", "expected"), ACCEPTED)
def test_accepted_output_shapes(implementation, attrs, expected):
    """The output_shape interval each implementation accepts (n=3, k=3, s=2)."""
    assert O.accepted_lengths(3, 3, 2, implementation=implementation, **attrs) == expected


def test_accepted_lengths_are_what_the_call_accepts():
    """conv_transpose_length(output_shape=L) succeeds exactly on accepted_lengths (finite cases)."""
    for impl, (n, k, s, a) in itertools.product(
        ("spec", "reference", "onnxruntime"), [(3, 3, 2, 0), (2, 4, 3, 1), (4, 1, 3, 2)]
    ):
        lo, hi = O.accepted_lengths(n, k, s, output_padding=a, implementation=impl)
        for out in range(0, (n + 2) * s + k):
            try:
                got = O.conv_transpose_length(n, k, s, output_padding=a, output_shape=out, implementation=impl)
            except FrameworkError:
                assert not lo <= out <= hi, (impl, n, k, s, a, out)
            else:
                assert got == out and lo <= out <= hi, (impl, n, k, s, a, out)


def test_spec_pads_side_of_the_odd_unit():
    """Derived pads: the odd unit goes to the end for SAME_UPPER, to the start for NOTSET and SAME_LOWER."""
    assert O.transpose_pads(3, 3, 2, output_shape=6) == (1, 0)
    assert O.transpose_pads(3, 3, 2, output_shape=6, auto_pad="SAME_UPPER") == (0, 1)
    assert O.transpose_pads(3, 3, 2, auto_pad="SAME_LOWER") == (1, 0)
    assert O.transpose_pads(3, 1, 3, auto_pad="SAME_UPPER") == (-1, -1)  # K < s: negative pads


def test_nd_and_the_reference_product_check():
    """N-d calls are per axis, except the reference evaluator, which compares block products."""
    assert O.conv_transpose_length((3, 4), [3, 2], [2, 1], pads=[1, 0, 0, 1]) == (6, 4)
    assert O.conv_transpose_length((2, 3), [1, 1], output_shape=[3, 2], implementation="reference") == (3, 2)
    with pytest.raises(FrameworkError, match="sliding blocks"):
        O.conv_transpose_length(2, 1, output_shape=3, implementation="reference")
    with pytest.raises(FrameworkError, match=r"dim 1\. Input shape: \{3,3\}"):
        O.conv_transpose_length((3, 3), [3, 3], [2, 2], pads=[0, 4, 0, 4], implementation="onnxruntime")


@pytest.mark.parametrize(
    "call",
    [
        lambda: O.conv_transpose_length(3, 3, implementation="tvm"),
        lambda: O.conv_transpose_length(3, 3, auto_pad="SAME"),
        lambda: O.conv_transpose_length(3, 3, pads=[1]),
        lambda: O.conv_transpose_length(3, 0),
        lambda: O.conv_length(3, 3, strides=[1, 1]),
    ],
)
def test_bad_input_is_a_parameter_error(call):
    """Unknown implementations or auto_pad values and malformed attributes are ParameterError."""
    with pytest.raises(ParameterError):
        call()


@pytest.mark.parametrize("implementation", O.IMPLEMENTATIONS)
@pytest.mark.parametrize(
    "attrs", [{}, {"auto_pad": "SAME_UPPER"}, {"auto_pad": "VALID", "output_padding": 1}, {"pads": [1, 0]}]
)
def test_symbolic_transpose_matches_numeric(implementation, attrs):
    """Symbolic ConvTranspose lengths substitute to the numeric ones wherever the call is accepted."""
    expr = O.conv_transpose_length(n_, k_, s_, implementation=implementation, **attrs)
    for n, k, s in itertools.product(range(1, 5), range(1, 5), range(1, 4)):
        try:
            want = O.conv_transpose_length(n, k, s, implementation=implementation, **attrs)
        except FrameworkError:
            continue
        assert expr.subs({n_: n, k_: k, s_: s}) == want


@pytest.mark.parametrize("implementation", O.IMPLEMENTATIONS)
@pytest.mark.parametrize("attrs", [{}, {"auto_pad": "SAME_LOWER"}, {"pads": [2, 1]}])
def test_symbolic_forward_matches_numeric(implementation, attrs):
    """Symbolic Conv lengths substitute to the numeric ones (truncation included for shape inference)."""
    expr = O.conv_length(n_, k_, s_, implementation=implementation, **attrs)
    for n, k, s in itertools.product(range(1, 6), range(1, 6), range(1, 4)):
        try:
            want = O.conv_length(n, k, s, implementation=implementation, **attrs)
        except FrameworkError:
            continue
        assert expr.subs({n_: n, k_: k, s_: s}) == want


def test_conditions_are_sympy():
    """conditions() gives onnxruntime's checks as SymPy Booleans."""
    conds = O.CONV_TRANSPOSE["onnxruntime"].conditions(n_, kernel_shape=k_, strides=s_, output_padding=1)
    op_rule = next(c for c in conds if c.requirement.rule.startswith("output_padding <"))
    assert op_rule.predicate.subs({s_: 1}) == sp.false
    assert op_rule.predicate.subs({s_: 2}) == sp.true
