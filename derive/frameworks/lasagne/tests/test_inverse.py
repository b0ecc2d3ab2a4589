"""Lasagne's TransposedConv2DLayer as a parameter space: solve against brute force, explain, port, the CLI."""

from __future__ import annotations

from typing import Any

import pytest

from derive.cli import main
from derive.errors import FrameworkError, ParameterError
from derive.explain import explain
from derive.inverse import Bounds, Query, Range, Space, space
from derive.port import port
from derive.solve import solve
from tests.inverse_checks import checked_port, way_ends
from tests.test_queries import box

SP = space("lasagne")


def brute(inverse: Space, n: int, out: int, b: Bounds) -> list[dict[str, Any]]:
    """tests.test_queries.brute without its dilated-kernel filter: Lasagne's layer has no dilation knob."""
    found = []
    for cfg in inverse.grid(b, out):
        try:
            if inverse.call(n, cfg) == out:
                found.append(cfg)
        except FrameworkError:
            pass
    q = Query(n, out, b)
    return sorted(found, key=lambda c: inverse.key(q, c))


BRUTE = [
    (4, 16, box()),
    (2, 5, box()),
    (1, 4, box()),
    (1, 1, box(k="1..3", s="1..4", d="1", p="0..3")),  # output_size reaches 1 where the default is <= 0
    (5, 2, box()),
    (3, 8, box(k="2..5", s="2..4", d="1", p="1..3")),
    (4, 13, box(modes=("same",))),
    (4, 10, box(modes=("full", "valid"))),
    (2, 3, box(k="4..6", s="1..3", d="1", p="0..1", modes=("EXPLICIT", "full"))),
    (4, 40, box()),  # unreachable: at most 3·5 + 5 = 20, and output_size up to 20 + 5 - 1
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(None, n, out, Bounds(), 12) for n, out in [(3, 12), (1, 5), (6, 2), (4, 13)]]


FIRST = [
    (
        4,
        16,
        None,
        [
            "filter_size=4+2t, stride=4, crop=t  (t >= 0)",
            "filter_size=4+2t, stride=4, crop=t, output_size=16  (t >= 0)",  # output_size equal to L0: one change
            "filter_size=3+2t, stride=4, crop=t, output_size=16  (t >= 0)",  # L0 = 15, one below
            "filter_size=2+2t, stride=4, crop=t, output_size=16  (t >= 0)",
            "filter_size=1+2t, stride=4, crop=t, output_size=16  (t >= 0)",
            "filter_size=4, stride=4, crop='valid'",
        ],
    ),
    (20, 200, None, ["filter_size=10+2t, stride=10, crop=t  (t >= 0)"]),
    (4, 13, Bounds(modes=("same",)), ["filter_size=1,3.., stride=4, crop='same'"]),
    (
        3,
        4,
        box(k="3", s="2", d="1", p="0..3"),
        ["filter_size=3, stride=2, crop=2, output_size=4", "filter_size=3, stride=2, crop='full', output_size=4"],
    ),
]


@pytest.mark.parametrize(("n", "out", "bounds", "texts"), FIRST)
def test_simplest_answer_first(n, out, bounds, texts):
    """An int crop without output_size first; then output_size=out with L0 nearest it, then the crop modes."""
    assert [a.text for a in solve("lasagne", n, out, bounds, limit=len(texts)).answers] == texts


def test_modes_without_the_default_still_fill_a_page():
    """Every answer pays for a crop mode: the walk does not wander the endless strides for none."""
    got = solve("lasagne", 4, 10, Bounds(modes=("full", "valid")))
    assert len(got.answers) == 10
    assert got.answers[0].text == "filter_size=4, stride=2, crop='valid'"


def test_a_dilation_is_refused():
    """Lasagne's layer takes no dilation: bounds that leave out 1 are refused, not answered with nothing."""
    with pytest.raises(ParameterError, match="no dilation"):
        solve("lasagne", 4, 16, Bounds(dilation=Range(2, 3)))
    assert solve("lasagne", 4, 16, Bounds(dilation=Range(1, 3)), limit=1).answers


DEFAULT = "output_size=None (the default), or output_size={}"

EXPLAIN = [
    (4, {"filter_size": 4, "stride": 4}, 16, (16, 19), [f"16: {DEFAULT.format(16)}", "17..19: output_size=17..19"]),
    (4, {"filter_size": 3, "stride": 2, "crop": "same"}, 7, (7, 8), [f"7: {DEFAULT.format(7)}", "8: output_size=8"]),
    (
        3,
        {"filter_size": 3, "stride": 2, "crop": 1, "output_size": 6},
        6,
        (5, 6),
        [f"5: {DEFAULT.format(5)}", "6: output_size=6"],
    ),
    (3, {"filter_size": 3, "stride": 2, "crop": "full"}, 3, (3, 4), [f"3: {DEFAULT.format(3)}", "4: output_size=4"]),
]


def test_explain_ways_are_real():
    """Every output_size range explain offers gives its lengths in the model, at both ends; the default its own."""
    for n, kwargs, *_ in EXPLAIN:
        e = explain("lasagne", n, **kwargs)
        for way in e.ways:
            assert e.preimage[0] <= way.lengths[0] <= way.lengths[1] <= e.preimage[1]
            ends = way_ends(way, "output_size")
            assert ends
            for _, value, length in ends:
                assert SP.call(n, SP.bind({**kwargs, "output_size": value})) == length
            if "(the default)" in way.settings:
                assert SP.call(n, SP.bind({**kwargs, "output_size": None})) == way.lengths[0]


@pytest.mark.parametrize(
    ("n", "kwargs", "message"),
    [
        (4, {"filter_size": 4, "stride": 2, "crop": "same"}, "`same` padding requires odd filter size."),
        (2, {"filter_size": 5, "stride": 1, "crop": "full"}, "There is a negative shape in the graph!"),
    ],
)
def test_explain_names_the_refusal(n, kwargs, message):
    """An even filter with crop='same', or a 'full' crop longer than the input: no length, Lasagne's own message."""
    e = explain("lasagne", n, **kwargs)
    assert e.length is None and e.refused.message == message


def test_explain_formula_per_crop():
    """The formula spells the crop a mode stands for; with output_size it gives L0 and the accepted sizes."""
    assert explain("lasagne", 3, filter_size=3, stride=2, crop="full").substituted == "(3-1)·2 - 2·(3-1) + 3 = 3"
    e = explain("lasagne", 3, filter_size=3, stride=2, crop=1, output_size=6)
    assert e.substituted == "L0 = (3-1)·2 - 2·1 + 3 = 5: accepted 5..6"


PORTS = [
    (
        "torch",
        "lasagne",
        {"kernel_size": 4, "stride": 2, "padding": 1},
        "lasagne.layers.TransposedConv2DLayer(filter_size=4, stride=2, crop=1)",
    ),
    (
        "lasagne",
        "torch",
        {"filter_size": 3, "stride": 2, "crop": "same"},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, padding=1)",
    ),
    (
        "lasagne",
        "onnx",
        {"filter_size": 4, "stride": 2, "crop": "valid"},
        "onnx ConvTranspose(kernel_shape=4, strides=2, pads=(0, 0))",
    ),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """A port to or from Lasagne is re-proved and agrees with both models for n = 1..29."""
    checked_port(source, target, kwargs, expected)


def test_an_output_padding_has_no_port():
    """A fixed output_size cannot follow n: torch's output_padding gives a counterexample and a crop."""
    p = port("torch", "lasagne", kernel_size=3, stride=2, padding=1, output_padding=1)
    assert p.target is None and p.counterexample is not None
    assert p.fix is None and p.alternative == (  # lasagne's window is not modelled: the length only
        "lasagne.layers.TransposedConv2DLayer(filter_size=3, stride=2) gives 2*n + 1 (proved), "
        "1 longer: crop 1 (lengths only: the samples are not proved)"
    )


def test_a_dilated_kernel_has_no_port():
    """Lasagne's layer takes no dilation: a dilated torch call has no port and no alternative."""
    p = port("torch", "lasagne", kernel_size=3, stride=2, dilation=2)
    assert p.target is None and p.alternative is None


def test_cli_solve_and_explain(capsys):
    """solve and explain run from the command line with Lasagne's own argument names and crop modes."""
    assert main(["solve", "lasagne", "--n", "4", "--out", "16"]) == 0
    assert "filter_size=4+2t, stride=4, crop=t  (t >= 0)" in capsys.readouterr().out
    assert main(["solve", "lasagne", "--n", "4", "--out", "13", "--mode", "same"]) == 0
    assert "filter_size=1,3.., stride=4, crop='same'" in capsys.readouterr().out
    argv = ["explain", "lasagne", "--n", "3", "--filter-size", "3", "--stride", "2", "--crop", "1"]
    assert main([*argv, "--output-size", "6"]) == 0
    assert "L0 = (3-1)·2 - 2·1 + 3 = 5: accepted 5..6" in capsys.readouterr().out


# A mode Lasagne does not spell, a dilation, a backend or a foreign name: one error line, exit 2.
CLI_BAD = [
    ["solve", "lasagne", "--n", "4", "--out", "16", "--mode", "SAME"],
    ["solve", "lasagne", "--n", "4", "--out", "16", "--dilation", "2..3"],
    ["solve", "lasagne", "--n", "4", "--out", "16", "--backend", "theano"],
    ["explain", "lasagne", "--n", "4", "--kernel-size", "3"],
]
