"""tinygrad's conv_transpose2d as a parameter space: solve against brute force, explain, port, and the command line."""

from __future__ import annotations

import itertools

import pytest

from derive.cli import main
from derive.errors import FrameworkError
from derive.explain import explain
from derive.inverse import Bounds, Budget, Query, Range, space
from derive.port import port
from derive.prover import prove
from derive.solve import solve
from tests.inverse_checks import STANDARD_BRUTE, way_ends
from tests.test_queries import box

BRUTE = [
    *STANDARD_BRUTE,
    # short targets: a pad may not crop more than the whole stretched input (after >= output_padding - length)
    (1, 2, box()),
    (1, 1, box(d="1..5")),
    (2, 1, box(s="1..6", d="1..6")),
    (4, 60, box()),  # unreachable: at most 3·5 + 3·4 + 1 + 4 = 32
    (3, 2, box(k="1..2", s="1..3", d="1..2", p="0..0")),  # unreachable: no padding to shrink with
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, n, out, Bounds(), 12) for n, out in [(3, 12), (1, 5), (6, 2), (4, 16)]]


def test_crop_past_the_input_is_left_out():
    """The model refuses a pair whose after-pad is below output_padding - length; solve never lists it."""
    inverse = space("tinygrad")
    refused = {"kernel_size": 3, "stride": 5, "dilation": 1, "padding": (4, 1), "output_padding": 4}
    with pytest.raises(FrameworkError, match="invalid shrink"):
        inverse.call(1, refused)
    members = [m for a in solve(inverse, 1, 2, box(), limit=None).answers for m in a.family.members()]
    assert refused not in members
    assert {**refused, "padding": (3, 2)} in members  # the same total with after >= 4 - 2


FIRST = [
    (
        4,
        16,
        [
            "kernel_size=4+2t, stride=4, padding=t  (t >= 0)",
            "kernel_size=3+2t, stride=4, padding=t, output_padding=1  (t >= 0)",
            "kernel_size=2+2t, stride=4, padding=t, output_padding=2  (t >= 0)",
            "kernel_size=1+2t, stride=4, padding=t, output_padding=3  (t >= 0)",
            "kernel_size=4, stride=4, padding=(0, 0)",  # the pair form: pairs by total, then before
            "kernel_size=5, stride=4, padding=(0, 1),(1, 0)",
        ],
    ),
    (
        4,
        1,
        ["kernel_size=2+2t, stride=1, padding=2+t  (t >= 0)", "kernel_size=1, stride=1, padding=(0, 3),(1, 2)..(3, 0)"],
    ),
    (20, 200, ["kernel_size=10+2t, stride=10, padding=t  (t >= 0)"]),
]


@pytest.mark.parametrize(("n", "out", "texts"), FIRST)
def test_simplest_answer_first(n, out, texts):
    """The stride equal to the scale factor first, the plain int padding before the pairs."""
    assert [a.text for a in solve("tinygrad", n, out, limit=len(texts)).answers] == texts


def test_dilation_widens_the_output_padding():
    """The space keeps PyTorch's output_padding < max(stride, dilation): 3 at stride 1, dilation 4."""
    got = solve("tinygrad", 3, 10, box(k="2..2", s="1..1", d="4..4", p="0..0"), limit=None)
    assert [a.text for a in got.answers] == [
        "kernel_size=2, stride=1, dilation=4, output_padding=3",
        "kernel_size=2, stride=1, dilation=4, padding=(0, 0), output_padding=3",
    ]


def test_one_input_with_open_strides_is_productive():
    """With n = 1 and bounded pads the walk goes past every stride quickly, as the bounded search orders them."""
    sp, bounds = space("tinygrad"), Bounds(kernel=Range(1, 2), padding=Range(0, 1))
    budget = Budget(10**5)
    lazy = list(itertools.islice(sp.families(Query(1, 5, bounds), budget), 40))
    assert len(lazy) == 40 and not budget.exhausted
    top = max(f.first["stride"] for f in lazy) + 1
    capped = Bounds(bounds.kernel, Range(1, top), bounds.dilation, bounds.padding)
    finite = [f for f in sp.families(Query(1, 5, capped), Budget(10**6)) if f.first["stride"] < top]
    assert lazy == finite[:40]


# -- explain ------------------------------------------------------------------------------------

EXPLAIN = [
    (4, {"kernel_size": 4, "stride": 4}, 16, (16, 19), ["16..19: output_padding=0..3"]),
    (4, {"kernel_size": 3, "stride": 2, "padding": (0, 1)}, 8, (8, 9), ["8..9: output_padding=0..1"]),
    (3, {"kernel_size": 3, "stride": 1, "dilation": 3}, 9, (9, 9), ["9: output_padding=0"]),
    (4, {"kernel_size": 3, "stride": 2, "padding": -1}, 11, (11, 12), ["11..12: output_padding=0..1"]),  # unchecked
]


def test_explain_ways_are_real():
    """Every output_padding range explain offers gives its lengths in the model, at both ends."""
    inverse = space("tinygrad")
    for n, kwargs, *_ in EXPLAIN:
        e = explain("tinygrad", n, **kwargs)
        for way in e.ways:
            ends = way_ends(way, "output_padding")
            assert ends
            for _, value, length in ends:
                assert inverse.call(n, inverse.bind({**kwargs, "output_padding": value})) == length


def test_explain_texts_notes_and_refusals():
    """Output paddings tinygrad never checks are noted; a crop past the input is refused with tinygrad's text."""
    e = explain("tinygrad", 3, kernel_size=3, stride=1, dilation=3)
    assert e.substituted == "(3-1)·1 + 3·(3-1) + 1 - 2·0 + 0 = 9"
    assert e.notes[0].startswith("output_padding=1..3 is accepted too but gives 10..12")
    assert not e.refusals
    negative = explain("tinygrad", 4, kernel_size=3, stride=2, padding=-1)
    assert negative.substituted == "(4-1)·2 + 1·(3-1) + 1 - 2·(-1) + 0 = 11"
    cropped = explain("tinygrad", 4, kernel_size=1, stride=1, padding=3)
    assert cropped.refused is not None and cropped.refused.message.startswith("invalid shrink")


# -- port ---------------------------------------------------------------------------------------

PORTS = [
    ("torch", "tinygrad", {"kernel_size": 4, "stride": 2, "padding": 1}, "kernel_size=4, stride=2, padding=1"),
    (
        "torch",
        "tinygrad",
        {"kernel_size": 3, "stride": 1, "padding": 1, "output_padding": 2, "dilation": 3},
        "kernel_size=3, stride=1, dilation=3, padding=1, output_padding=2",  # the same window, not only the length
    ),
    (
        "tinygrad",
        "torch",
        {"kernel_size": 4, "stride": 2, "padding": (1, 2)},
        "kernel_size=4, stride=2, padding=2, output_padding=1",
    ),
    # 2n - 2 is refused at n = 1 by both
    ("tinygrad", "torch", {"kernel_size": 4, "stride": 2, "padding": (1, 3)}, "kernel_size=4, stride=2, padding=2"),
    ("tinygrad", "keras", {"kernel_size": 4, "stride": 2, "padding": 1}, "kernel_size=4, strides=2, padding='same'"),
    # the pair keeps paddle's samples (full[0 : 2n]); padding=1, output_padding=1 has the length, one sample later
    (
        "paddle",
        "tinygrad",
        {"kernel_size": 3, "stride": 2, "padding": (0, 1)},
        "kernel_size=3, stride=2, padding=(0, 1)",
    ),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """Every port answer is re-checked by the prover and agrees with both models on many lengths."""
    p = port(source, target, **kwargs)
    src, dst = space(source), space(target)
    assert p.target == f"{dst.operation}({expected})"
    assert prove(p.verdict.proposition, p.verdict.assumptions).proved
    for n in range(2, 30):
        assert dst.call(n, p.configuration) == src.call(n, src.bind(kwargs))


def test_port_without_answer_offers_the_fix():
    """An odd pad total at stride 1 has no torch twin (its output padding is 0): the fix is padding 0, crop 1 at the
    end (a pair keeps full[before : ...], confirmed live by tests/conformance/test_port_alignment_side.py)."""
    p = port("tinygrad", "torch", kernel_size=3, stride=1, padding=(0, 1))
    assert p.target is None and p.counterexample is not None
    assert p.crop == (0, 1) and p.fix == "y = torch.nn.ConvTranspose1d(kernel_size=3, stride=1)(x)[..., :-1]"


# -- command line -------------------------------------------------------------------------------


def test_cli_solve(capsys):
    """`derive solve tinygrad` lists the simplest families first and exits 0."""
    assert main(["solve", "tinygrad", "--n", "4", "--out", "16"]) == 0
    first = capsys.readouterr().out.splitlines()[1]
    assert first == "  kernel_size=4+2t, stride=4, padding=t  (t >= 0)  [4*n for every n]"


# A mode for a framework without modes, or an unknown argument, gives one error line and exit 2.
CLI_BAD = [
    ["solve", "tinygrad", "--n", "4", "--out", "16", "--mode", "SAME"],  # no padding modes
    ["explain", "tinygrad", "--n", "4", "--strides", "2", "--kernel-size", "3"],
    ["port", "torch", "tinygrad", "--kernel-size", "3", "--output-size", "6"],
]
