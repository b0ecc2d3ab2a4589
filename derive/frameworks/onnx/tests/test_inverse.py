"""ONNX ConvTranspose as a parameter space, per implementation: solve against brute force, explain, port, the CLI."""

from __future__ import annotations

import pytest

from derive.cli import main
from derive.explain import explain
from derive.inverse import Bounds, Range, space
from derive.port import port
from derive.solve import solve
from tests.inverse_checks import checked_port, way_ends
from tests.test_queries import box

BRUTE = [
    (None, 4, 16, box()),
    (None, 2, 5, box()),
    (None, 1, 4, box()),
    (None, 5, 2, box()),
    (None, 3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
    (None, 4, 40, box()),  # unreachable: at most 5·3 + (3-1)·4 + 1 + 4 = 28
    ("shape_inference", 4, 16, box()),
    ("shape_inference", 3, 9, box(p="0..2", modes=("SAME_UPPER", "VALID"))),
    ("shape_inference", 1, 1, box(k="1..3", s="1..4", d="1..2", p="0..3")),
    ("reference", 2, 6, box(k="1..6", s="1..6", d="1..5", p="0..2")),
    ("reference", 3, 3, box(d="1..4")),
    ("onnxruntime", 1, 1, box(k="1..3", s="1..4", d="1..2", p="0..3")),
    ("onnxruntime", 3, 7, box(modes=("SAME_LOWER",))),
    ("onnxruntime", 2, 5, box(modes=("NOTSET", "VALID"))),
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(b, n, out, Bounds(), 12) for b in space("onnx").backends for n, out in [(3, 12), (1, 5), (6, 2)]]


FIRST = [
    (
        None,
        4,
        16,
        None,
        [
            "kernel_shape=4+2t, strides=4, pads=(t, t)  (t >= 0)",
            "kernel_shape=3+2t, strides=4, pads=(t, t), output_padding=1  (t >= 0)",
            "kernel_shape=2+2t, strides=4, pads=(t, t), output_padding=2  (t >= 0)",
            "kernel_shape=1+2t, strides=4, pads=(t, t), output_padding=3  (t >= 0)",
            "kernel_shape=5, strides=4, pads=(0, 1),(1, 0)",  # an odd total: every split
            "kernel_shape=6, strides=4, pads=(0, 2)",  # an even total: split around (1, 1)
        ],
    ),
    (None, 4, 16, Bounds(modes=("SAME_UPPER",)), ["kernel_shape>=1, strides=4, auto_pad='SAME_UPPER'"]),
    (
        "shape_inference",
        4,
        17,
        Bounds(modes=("SAME_UPPER",)),
        [
            "kernel_shape>=4, strides=4, output_padding=1, auto_pad='SAME_UPPER'",
            "kernel_shape=3, strides=4, output_padding=2, auto_pad='SAME_UPPER'",
        ],
    ),
    ("onnxruntime", 4, 15, Bounds(modes=("SAME_LOWER",)), ["kernel_shape=3, strides=4, auto_pad='SAME_LOWER'"]),
    ("reference", 3, 7, Bounds(modes=("VALID",)), ["kernel_shape=3, strides=2, auto_pad='VALID'"]),
    (
        None,
        4,
        16,
        box(k="7", s="4", d="1", p="0..4"),
        [
            "kernel_shape=7, strides=4, pads=(2, 2), output_padding=1",
            "kernel_shape=7, strides=4, pads=(3, 3), output_padding=3",
            "kernel_shape=7, strides=4, pads=(0, 3),(1, 2)..(3, 0)",
        ],
    ),
]


@pytest.mark.parametrize(("backend", "n", "out", "bounds", "texts"), FIRST)
def test_simplest_answer_first(backend, n, out, bounds, texts):
    """Symmetric pads come first, then one change: an output padding, an asymmetric pair, a mode."""
    got = solve("onnx", n, out, bounds, backend=backend, limit=len(texts))
    assert [a.text for a in got.answers] == texts


@pytest.mark.parametrize(
    ("backend", "first"),
    [
        (None, None),  # the spec's SAME_* is n·strides: 7 is no multiple of 3
        ("shape_inference", "kernel_shape>=2, strides=2, output_padding=1, auto_pad='SAME_UPPER'"),
        ("reference", None),
        ("onnxruntime", "kernel_shape=1, strides=3, auto_pad='SAME_UPPER'"),
    ],
)
def test_the_implementations_disagree_on_same(backend, first):
    """SAME_UPPER from 3 to 7: shape inference adds the output padding, onnxruntime clamps, the spec cannot."""
    got = solve("onnx", 3, 7, Bounds(modes=("SAME_UPPER",)), backend=backend, limit=1)
    assert [a.text for a in got.answers] == ([] if first is None else [first])


def test_modes_without_the_default_still_fill_a_page():
    """Every answer pays for a mode other than NOTSET: the walk does not wander the endless strides for none."""
    got = solve("onnx", 1, 7, Bounds(modes=("SAME_UPPER", "VALID")))
    assert len(got.answers) == 10 and not got.complete


def test_refused_knobs():
    """A dilation range without 1 is fine (dilated kernels); a mode ONNX does not spell is refused."""
    got = solve("onnx", 4, 16, Bounds(dilation=Range(2, 3)), limit=1)
    assert got.answers[0].text == "kernel_shape=2+2t, strides=4, pads=(3t, 3t), dilations=3  (t >= 0)"
    with pytest.raises(Exception, match="must be among NOTSET, SAME_UPPER, SAME_LOWER, VALID"):
        solve("onnx", 4, 16, Bounds(modes=("SAME",)))


EXPLAIN = [
    (
        None,
        4,
        {"kernel_shape": 4, "strides": 4},
        16,
        (16, 19),
        ["16: output_padding=0, or output_shape=16", "17..19: output_padding=1..3"],
    ),
    (
        None,
        4,
        {"kernel_shape": 3, "strides": 2, "pads": (1, 1)},
        7,
        (7, 8),
        ["7..8: output_padding=0..1, or output_shape=7..8"],
    ),
    (
        "shape_inference",
        3,
        {"kernel_shape": 3, "strides": 2, "auto_pad": "SAME_UPPER"},
        6,
        (5, 6),
        ["5: output_shape=5", "6: output_padding=0, or output_shape=6"],
    ),
    (
        "onnxruntime",
        3,
        {"kernel_shape": 1, "strides": 3, "auto_pad": "SAME_UPPER"},
        7,
        (7, 9),
        ["7..9: output_padding=0..2, or output_shape=7..9"],
    ),
    (
        "reference",
        4,
        {"kernel_shape": 4, "strides": 4, "output_shape": 18},
        18,
        (16, 19),
        ["16..19: output_padding=0..3, or output_shape=16..19"],
    ),
    (
        None,  # the spec derives pads from output_shape: 18 would need negative ones
        4,
        {"kernel_shape": 4, "strides": 4, "output_shape": 18},
        None,
        (16, 19),
        ["16: output_padding=0, or output_shape=16", "17..19: output_padding=1..3"],
    ),
]


def test_explain_ways_are_real():
    """Every output_padding / output_shape range explain offers gives its lengths in the model, at both ends."""
    for backend, n, kwargs, *_ in EXPLAIN:
        e = explain("onnx", n, backend=backend, **kwargs)
        inverse = space("onnx", backend)
        cfg = inverse.bind({k: v for k, v in kwargs.items() if k != "output_shape"})
        for way in e.ways:
            assert e.preimage[0] <= way.lengths[0] <= way.lengths[1] <= e.preimage[1]
            ends = way_ends(way, "output_padding|output_shape")
            assert ends
            for knob, value, length in ends:
                assert inverse.call(n, {**cfg, knob: value}) == length


def test_explain_formula_per_implementation():
    """The formula is the implementation's own: SAME_UPPER is n·strides in the spec, a min() in the others."""
    call = {"kernel_shape": 3, "strides": 2, "auto_pad": "SAME_UPPER", "output_padding": 1}
    assert explain("onnx", 3, **call).substituted == "3·2 = 6"
    si = explain("onnx", 3, backend="shape_inference", **call)
    assert si.substituted == "2·(3-1) + 1 + min(1·(3-1) + 1, 2) = 7" and si.length == 7
    ort = explain("onnx", 3, backend="onnxruntime", **call)
    assert ort.substituted == "2·(3-1) + min(1 + 1·(3-1) + 1, 2) = 6" and ort.length == 6


PORTS = [
    (
        "torch",
        "onnx",
        {},
        {"kernel_size": 4, "stride": 2, "padding": 1},
        "onnx ConvTranspose(kernel_shape=4, strides=2, pads=(1, 1))",
    ),
    (
        "torch",
        "onnx",
        {"target_backend": "onnxruntime"},
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        "onnx ConvTranspose(kernel_shape=3, strides=2, pads=(1, 1), output_padding=1)",
    ),
    (
        "onnx",
        "torch",
        {},
        {"kernel_shape": 3, "strides": 2, "pads": (0, 1)},
        "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, padding=1, output_padding=1)",
    ),
    (
        "onnx",
        "torch",
        {},
        {"kernel_shape": 4, "strides": 2, "auto_pad": "SAME_UPPER"},
        "torch.nn.ConvTranspose1d(kernel_size=4, stride=2, padding=1)",
    ),
    (
        "onnx",
        "torch",
        {"source_backend": "shape_inference"},
        {"kernel_shape": 1, "strides": 3, "auto_pad": "SAME_UPPER"},
        "torch.nn.ConvTranspose1d(kernel_size=1, stride=3)",
    ),
]


@pytest.mark.parametrize(("source", "target", "backends", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, backends, kwargs, expected):
    """A port to or from ONNX is re-proved and agrees with both models for n = 1..29."""
    checked_port(source, target, kwargs, expected, **backends)


NO_PORTS = [
    (
        "onnx",
        "torch",
        {},
        {"kernel_shape": 2, "strides": 1, "pads": (0, 1)},  # torch pads both sides alike; output_padding < 1
        None,  # a fix instead: see test_no_port_gives_a_fix
    ),
    (
        "torch",
        "onnx",
        {"target_backend": "reference"},  # the reference refuses output_padding >= strides
        {"kernel_size": 3, "stride": 1, "dilation": 3, "output_padding": 2},
        "onnx ConvTranspose(kernel_shape=3, strides=1, pads=(0, 0), dilations=3) gives n + 6 (proved), "
        "2 shorter: pad 2 (lengths only: the samples are not proved)",
    ),
]


@pytest.mark.parametrize(("source", "target", "backends", "kwargs", "alternative"), NO_PORTS)
def test_no_port_gives_a_counterexample_and_an_alternative(source, target, backends, kwargs, alternative):
    """Where no setting matches for every n, port names where it fails and the nearest proved alternative."""
    p = port(source, target, **backends, **kwargs)
    assert p.target is None and p.counterexample is not None
    assert p.alternative == alternative


def test_no_port_gives_a_fix():
    """onnx pads (0, 1) keep full[0 : n]: torch padding=0 keeps full[0 : n + 1], so one sample goes at the end."""
    p = port("onnx", "torch", kernel_shape=2, strides=1, pads=(0, 1))
    assert p.target is None and p.crop == (0, 1)
    assert p.fix == "y = torch.nn.ConvTranspose1d(kernel_size=2, stride=1)(x)[..., :-1]"


def test_cli_solve_explain_and_port(capsys):
    """solve, explain and port run from the command line with ONNX's attribute names and --backend."""
    assert main(["solve", "onnx", "--n", "4", "--out", "16"]) == 0
    assert "kernel_shape=4+2t, strides=4, pads=(t, t)  (t >= 0)" in capsys.readouterr().out
    assert main(["solve", "onnx", "--n", "3", "--out", "7", "--mode", "SAME_UPPER", "--backend", "onnxruntime"]) == 0
    assert "kernel_shape=1, strides=3, auto_pad='SAME_UPPER'" in capsys.readouterr().out
    assert main(["explain", "onnx", "--n", "4", "--kernel-shape", "3", "--strides", "2", "--pads", "[1, 1]"]) == 0
    assert "pads=[1, 1]) on n=4: 7" in capsys.readouterr().out
    assert main(["port", "torch", "onnx", "--kernel-size", "4", "--stride", "2", "--padding", "1"]) == 0
    assert "onnx ConvTranspose(kernel_shape=4, strides=2, pads=(1, 1))" in capsys.readouterr().out


# A mode ONNX does not spell, an unknown backend, a foreign name or a missing kernel_shape: one line, exit 2.
CLI_BAD = [
    ["solve", "onnx", "--n", "4", "--out", "16", "--mode", "same"],
    ["solve", "onnx", "--n", "4", "--out", "16", "--backend", "tensorflow"],
    ["explain", "onnx", "--n", "4", "--kernel-size", "3"],
    ["explain", "onnx", "--n", "4", "--strides", "2"],
]
