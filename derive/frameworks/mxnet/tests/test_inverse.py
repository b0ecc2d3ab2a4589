"""MXNet's Deconvolution as a parameter space: solve against brute force, explain, port, and the command line."""

from __future__ import annotations

import re

import pytest

from derive.cli import main
from derive.explain import explain
from derive.inverse import Bounds, space
from derive.port import port
from derive.solve import solve
from tests.inverse_checks import STANDARD_BRUTE, checked_port, way_ends
from tests.test_queries import box

BACKENDS = [None, "onednn"]

BRUTE = [
    *STANDARD_BRUTE,
    (3, 3, box(k="1..5", s="1..2", d="1..4", p="0..2")),
    (4, 40, box()),  # unreachable: at most 5·3 + 3·4 + 1 + 4 = 32
    (3, 2, box(k="1..2", s="1..3", d="1..2", p="0..0")),  # unreachable: no padding to shrink with
]

# (backend, n, out, bounds, limit): unbounded families checked far out (tests/test_inverses.py)
ENDLESS = [(b, n, out, Bounds(), 8) for b in BACKENDS for n, out in [(3, 12), (1, 5), (6, 2)]]
ENDLESS_ONLY = True  # every answer there is unbounded


FIRST = [
    (
        4,
        16,
        [
            "kernel=4+2t, stride=4, pad=t  (t >= 0)",
            "kernel=3+2t, stride=4, pad=t, adj=1  (t >= 0)",
            "kernel=2+2t, stride=4, pad=t, adj=2  (t >= 0)",
            "kernel=1+2t, stride=4, pad=t, adj=3  (t >= 0)",
            "kernel=2+2t, stride=4, dilate=3, pad=3t  (t >= 0)",  # adj < stride only: no adj=3 with dilate 3
        ],
    ),
    (2, 5, ["kernel=3+2t, stride=2, pad=t  (t >= 0)", "kernel=2+2t, stride=2, pad=t, adj=1  (t >= 0)"]),
    (20, 200, ["kernel=10+2t, stride=10, pad=t  (t >= 0)"]),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("n", "out", "texts"), FIRST)
def test_simplest_answer_first(n, out, texts, backend):
    """The stride equal to the scale factor first, then adj ascending: the same on both backends."""
    got = solve("mxnet", n, out, backend=backend, limit=len(texts))
    assert [a.text for a in got.answers] == texts


EXPLAIN = [
    (None, 4, {"kernel": 4, "stride": 4}, 16, (16, 19), ["16: adj=0, or target_shape=16", "17..19: adj=1..3"]),
    (
        None,
        4,
        {"kernel": 4, "stride": 4, "pad": 1, "target_shape": 14},
        14,
        (14, 17),
        ["14..16: adj=0..2, or target_shape=14..16", "17: adj=3"],
    ),
    # oneDNN builds its kernel from the given pad: target_shape=14 needs pad=1
    (
        "onednn",
        4,
        {"kernel": 4, "stride": 4, "target_shape": 14},
        None,
        (16, 19),
        ["16: adj=0, or target_shape=16", "17..19: adj=1..3"],
    ),
    (None, 4, {"kernel": 3, "stride": 1, "pad": 1, "target_shape": 4}, 4, (4, 4), ["4: adj=0, or target_shape=4"]),
    (None, 3, {"kernel": 3, "stride": 2, "dilate": 3}, 11, (11, 12), ["11: adj=0, or target_shape=11", "12: adj=1"]),
]


def test_explain_ways_are_real():
    """Every adj / target_shape range explain offers gives its lengths in the model, at both ends."""
    for backend, n, kwargs, *_ in EXPLAIN:
        e, sp = explain("mxnet", n, backend=backend, **kwargs), space("mxnet", backend)
        for way in e.ways:
            assert e.preimage[0] <= way.lengths[0] <= way.lengths[1] <= e.preimage[1]
            for knob, value, length in way_ends(way, "adj|target_shape"):
                assert sp.call(n, sp.bind({**kwargs, "target_shape": None, knob: value})) == length


FORMULAS = [
    (None, {"kernel": 4, "stride": 4, "pad": 1, "adj": 2}, "4·(4-1) + 1·(4-1) + 1 - 2·1 + 2 = 16"),
    (None, {"kernel": 4, "stride": 4, "pad": 1, "target_shape": 14}, "o = 4·(4-1) + 1·(4-1) + 1 = 16: 1..16"),
    (None, {"kernel": 3, "stride": 1, "target_shape": 4}, "o = 1·(4-1) + 1·(3-1) + 1 = 6: 2, 4, 6"),
    ("onednn", {"kernel": 4, "stride": 4, "pad": 1, "target_shape": 14}, "o = 4·(4-1) + 1·(4-1) + 1 = 16: 14..16"),
    ("onednn", {"kernel": 4, "stride": 4, "target_shape": 14}, "o = 4·(4-1) + 1·(4-1) + 1 = 16: 16"),
]


@pytest.mark.parametrize(("backend", "kwargs", "substituted"), FORMULAS)
def test_explain_formula(backend, kwargs, substituted):
    """The formula lists the target_shape values each backend accepts (stride 1: o's parity only)."""
    e = explain("mxnet", 4, backend=backend, **kwargs)
    assert e.substituted == substituted
    listed = substituted.rpartition(": ")[2]
    inverse = space("mxnet", backend)
    for value in (int(v) for v in re.findall(r"\d+", listed)):
        assert inverse.call(4, inverse.bind({**kwargs, "target_shape": value})) == value


def test_explain_refusals():
    """adj >= stride and a target above o are refused with MXNet's own messages ("samller" and all)."""
    e = explain("mxnet", 4, kernel=4, stride=4)
    assert [r.setting for r in e.refusals] == ["adj>=4", "target_shape=20"]
    assert e.refusals[0].message.endswith("adj(x) must be samller than stride[0]")
    assert e.refusals[1].message.endswith("too big target shape")


PORTS = [
    (
        "torch",
        "mxnet",
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        "mxnet.nd.Deconvolution(kernel=3, stride=2, pad=1, adj=1)",
    ),
    (
        "mxnet",
        "torch",
        {"kernel": 4, "stride": 2, "dilate": 2, "pad": 1, "adj": 1},
        "torch.nn.ConvTranspose1d(kernel_size=4, stride=2, padding=1, output_padding=1, dilation=2)",
    ),
    (
        "keras",
        "mxnet",
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        "mxnet.nd.Deconvolution(kernel=3, stride=2, pad=1, adj=1)",
    ),
    # torch allows output_padding < dilation; MXNet only adj < stride
    ("torch", "mxnet", {"kernel_size": 3, "stride": 1, "dilation": 2, "output_padding": 1}, None),
]


@pytest.mark.parametrize(("source", "target", "kwargs", "expected"), PORTS)
def test_port_is_reproved(source, target, kwargs, expected):
    """A port to or from MXNet is re-proved; torch's output padding below the dilation has no MXNet twin."""
    p = checked_port(source, target, kwargs, expected)
    if expected is None:
        assert p.counterexample is not None
        # a pad would be needed, and no crop gives the source's samples: the nearest length only
        assert p.fix is None and p.alternative == (
            "mxnet.nd.Deconvolution(kernel=3, stride=1, dilate=2) gives n + 4 (proved), "
            "1 shorter: pad 1 (lengths only: the samples are not proved)"
        )


def test_port_to_onednn_is_proved_too():
    """Without target_shape both backends agree, so the oneDNN port is the same and proved."""
    p = port("torch", "mxnet", target_backend="onednn", kernel_size=4, stride=2, padding=1)
    assert p.proved and p.target == "mxnet.nd.Deconvolution(kernel=4, stride=2, pad=1)"


def test_cli_solve_and_explain(capsys):
    """solve and explain run from the command line with MXNet's own names, on both backends."""
    assert main(["solve", "mxnet", "--n", "4", "--out", "16"]) == 0
    assert main(["solve", "mxnet", "--n", "4", "--out", "16", "--backend", "onednn"]) == 0
    assert "kernel=3+2t, stride=4, pad=t, adj=1" in capsys.readouterr().out
    argv = ["explain", "mxnet", "--n", "4", "--kernel", "4", "--stride", "4", "--target-shape", "14"]
    assert main(argv) == 0
    assert main([*argv, "--backend", "onednn"]) == 1  # oneDNN refuses it without pad=1
    assert "could not create a descriptor" in capsys.readouterr().out
    assert main(["knobs", "mxnet"]) == 0
    assert "  --backend: (none), onednn" in capsys.readouterr().out.splitlines()


# A padding mode, an unknown backend or a foreign argument name: one error line, exit 2.
CLI_BAD = [
    ["solve", "mxnet", "--n", "4", "--out", "16", "--mode", "same"],
    ["solve", "mxnet", "--n", "4", "--out", "16", "--backend", "cudnn"],
    ["explain", "mxnet", "--n", "4", "--kernel", "3", "--output-padding", "1"],
]
