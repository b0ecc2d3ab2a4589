"""``derive explain``'s printed lengths: a number, "refused" or who sets it, never a bare "-", on every framework."""

from __future__ import annotations

import re

import pytest

from derive.cli import main
from derive.explain import explain, length_text
from derive.inverse import covered, space

# a "-" standing where a value belongs: after ':', '=', '(' or ',' and before the end, ',' or ')'
BARE = re.compile(r"(?:^|[:=(,])\s*-\s*(?:$|[,)])")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _cases() -> list[list[str]]:
    """Explain calls over every covered framework and backend: plain, strided, each mode, a refused adjustment
    and a refused target, on one axis and on two."""
    cases = []
    for key in covered():
        inverse = space(key)
        knob = {k.role: k.name for k in inverse.knobs}
        modes = [m for m in inverse.modes if m != "EXPLICIT"]
        # a mode without a default (jax's padding) is required: the first one goes into every call
        plain = [_flag(knob["mode"]), modes[0]] if "mode" in knob and inverse.knob("mode").default is None else []
        variants: list[list[str]] = [plain, [*plain, _flag(knob["stride"]), "2"]]
        if "mode" in knob:
            variants += [[_flag(knob["mode"]), m] for m in modes]
        if "adjust" in knob:
            variants.append([*plain, _flag(knob["stride"]), "2", _flag(knob["adjust"]), "5"])
        if "target" in knob:
            variants.append([*plain, _flag(knob["target"]), "1000"])
        for backend in inverse.backends:
            chosen = [] if backend is None else ["--backend", backend]
            for n in ("2", "3,8"):
                for extra in variants:
                    cases.append(["explain", key, "--n", n, _flag(knob["kernel"]), "3", *chosen, *extra])
    return cases


CASES = _cases()


def test_the_bare_dash_pattern_catches_the_old_output():
    """The pattern flags the line explain printed for TensorFlow without output_shape, and passes real lengths."""
    assert BARE.search("tf.nn.conv2d_transpose(kernel_size=3, strides=1) on n=8: -")
    assert BARE.search("tf.nn.conv2d_transpose(kernel_size=(3, 3)) on n=(8, 8): (-, 8)")
    assert not BARE.search("  (n-1)·stride - 2·padding = (4-1)·2 - 2·0 = 6")
    assert not BARE.search("torch.nn.ConvTranspose1d(kernel_size=3) on n=4: 6")


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_no_line_shows_a_bare_dash_for_a_length(argv, capsys):
    """Every printed line of explain (the head of several axes, each axis) has a length, "refused" or its setter."""
    assert main(argv) in (0, 1)
    out = capsys.readouterr().out.splitlines()
    assert out
    assert [line for line in out if BARE.search(line)] == []


@pytest.mark.parametrize(
    ("framework", "kwargs", "head"),
    [
        ("tensorflow", {"kernel_size": 3}, "on n=8: set by the caller (output_shape)"),
        ("tensorflow", {"kernel_size": 3, "output_shape": 8}, "on n=8: 8"),
        ("torch", {"kernel_size": 3, "stride": 2}, "on n=8: 17"),
        ("torch", {"kernel_size": 3, "stride": 2, "output_padding": 5}, "on n=8: refused"),
    ],
)
def test_the_length_text(framework, kwargs, head):
    """The head line names the length, the refusal, or the argument the caller sets the length with."""
    e = explain(framework, 8, **kwargs)
    assert f"on n=8: {length_text(e)}" == head
