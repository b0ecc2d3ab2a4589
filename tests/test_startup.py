"""``derive explain`` and ``derive shape`` start light: the standard-library modules they skip stay unloaded (what
bench/startup.py times, guarded here without timing), and what stands in for those modules agrees with them."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from derive import registry
from derive.cli import _parameters

ROOT = Path(__file__).parent.parent
#: modules the fast commands must not load: dataclasses and inspect (derive._record stands in), typing (type hints
#: import it only for checkers), re, argparse (cli._fast_args reads the line), and the solvers
HEAVY = ("dataclasses", "inspect", "typing", "re", "argparse", "sympy", "z3")
COMMANDS = [
    (["explain", "torch", "--n", "4", "--kernel-size", "3", "--stride", "2"], "torch.nn.ConvTranspose1d"),
    (["explain", "torch", "--n", "4,5", "--kernel-size", "3", "--stride", "2", "--output-size", "10"], "axis 1:"),
    (["explain", "torch", "--n", "4", "--kernel-size", "3", "--padding", "5"], "refused"),
    (["shape", "forward", "--n", "10", "--kernel", "3", "--stride", "2"], "4"),
    (["shape", "preimage", "--n", "4", "--kernel", "3", "--stride", "2"], "9..10"),
    (["shape", "torch", "conv-transpose", "--n", "4", "--kernel-size", "3", "--stride", "2"], "9"),
    (["shape", "torch", "accepted", "--n", "4", "--kernel-size", "3", "--stride", "2"], "9..10"),
]
#: per framework: an explain and a shape call (its command line after the key, and how its first line starts)
FRAMEWORK_COMMANDS = {
    "torch": (
        ("--n 4 --kernel-size 3 --stride 2", "torch.nn.ConvTranspose1d("),
        ("conv-transpose --n 3 --kernel-size 3 --stride 2 --padding 1 --output-padding 1", "6"),
    ),
    # the machine's kernels (derive.machine) are read on both paths
    "tensorflow": (
        ("--n 4 --kernel-size 3 --strides 2", "tf.nn.conv2d_transpose("),
        ("conv-transpose --n 3 --kernel-size 3 --output-shape 7 --strides 2 --padding VALID", "7"),
    ),
    "keras": (
        ("--n 20 --kernel-size 3 --strides 10 --padding same --backend tensorflow", "keras.layers.Conv1DTranspose("),
        ("conv-transpose --n 20 --kernel-size 3 --strides 10 --padding same", "200"),
    ),
    "keras2": (
        ("--n 6 --kernel-size 3 --strides 2 --padding same", "tf.keras.layers.Conv1DTranspose("),
        ("conv --n 26 --kernel-size 7 --strides 2", "10"),
    ),
    "jax": (
        ("--n 6 --kernel-size 3 --strides 2 --padding SAME", "jax.lax.conv_transpose("),
        ("conv --n 6 --kernel-size 3 --window-strides 2 --padding SAME", "3"),
    ),
    "flax": (
        ("--n 6 --kernel-size 3 --strides 2 --padding 1", "flax.linen.ConvTranspose("),
        ("conv-transpose --n 6 --kernel-size 3 --strides 2", "12"),
    ),
    "onnx": (
        ("--n 4 --kernel-shape 4 --strides 4 --backend onnxruntime", "onnx ConvTranspose("),
        ("accepted --n 4 --kernel-shape 4 --strides 4", "1..16"),
    ),
    "caffe": (
        ("--n 3 --kernel-size 3 --stride 2 --pad 1", "caffe Deconvolution("),
        # --pad: a prefix of shape's own --padding, passed on as argparse passes it (no abbreviations)
        ("conv-transpose --n 4 --kernel-size 3 --stride 2 --pad 1", "7"),
    ),
    "mxnet": (
        ("--n 4 --kernel 4 --stride 4 --pad 1 --target-shape 14", "mxnet.nd.Deconvolution("),
        ("conv-transpose --n 4 --kernel 4 --stride 4 --adj 1", "17"),
    ),
    "paddle": (
        ("--n 5 --kernel-size 3 --stride 2 --padding SAME", "paddle.nn.functional.conv1d_transpose("),
        ("conv-transpose --n 5 --kernel-size 3 --stride 2 --padding SAME", "9"),
    ),
    "chainer": (
        ("--n 4 --ksize 4 --stride 4", "chainer.functions.deconvolution_1d("),
        ("conv --n 16 --ksize 4 --stride 4 --cover-all true", "4"),
    ),
    "lasagne": (
        ("--n 4 --filter-size 3 --stride 2 --crop same", "lasagne.layers.TransposedConv2DLayer("),
        ("conv --n 16 --filter-size 3 --stride 2 --pad full", "9"),
    ),
    "tinygrad": (
        ("--n 4 --kernel-size 3 --stride 2 --padding 0,1", "tinygrad.Tensor.conv_transpose2d("),
        ("conv-transpose --n 4 --kernel-size 3 --stride 2 --padding 0,1", "8"),
    ),
}
COMMANDS += [
    ([command, key, *line.split()], shown)
    for key, calls in FRAMEWORK_COMMANDS.items()
    for command, (line, shown) in zip(("explain", "shape"), calls, strict=True)
]


def test_every_framework_has_fast_commands():
    """Each registered framework has an explain and a shape call in the fresh-interpreter check."""
    assert list(FRAMEWORK_COMMANDS) == list(registry.NAMES)


@pytest.mark.parametrize(("argv", "shown"), COMMANDS, ids=[" ".join(a[:3]) for a, _ in COMMANDS])
def test_fast_commands_load_no_heavy_module(argv, shown):
    """A fresh interpreter runs the command and has loaded none of dataclasses, inspect, typing, re, argparse, SymPy
    or Z3."""
    code = (
        "import sys\nfrom derive.cli import main\n"
        f"code = main({argv!r})\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}), code)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = run.stdout.splitlines()
    assert any(line.startswith(shown) for line in lines[:-1]), run.stdout + run.stderr
    assert lines[-1] in ("[] 0", "[] 1"), lines[-1]


FUNCTIONS = [
    pytest.param(getattr(model, name), id=f"{f.key}-{name}")
    for f in registry.FRAMEWORKS
    for model in [importlib.import_module(f.model)]
    for name in ("conv_length", "conv_transpose_length", "accepted_lengths")
    if hasattr(model, name)
]


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_parameters_read_as_inspect_reads_them(fn):
    """``derive shape``'s reading of a length function's parameters (names, and those without a default) is
    ``inspect.signature``'s."""
    parameters = inspect.signature(fn).parameters.values()
    required = [p.name for p in parameters if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD]
    assert _parameters(fn) == ([p.name for p in parameters], required)
