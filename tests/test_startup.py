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
