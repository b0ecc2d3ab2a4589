"""The command line: outputs, exit codes, JSON, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from derive.cli import main

ROOT = Path(__file__).parent.parent

SHAPES = [
    (["shape", "transposed", "--n", "20", "--kernel", "3", "--stride", "10", "--padding", "same"], "200"),
    (["shape", "preimage", "--n", "20", "--kernel", "3", "--stride", "10", "--padding", "same"], "191..200"),
    (["shape", "forward", "--n", "200", "--kernel", "3", "--stride", "10", "--padding", "same"], "20"),
    (["shape", "forward", "--n", "7", "--kernel", "3", "--stride", "2"], "3"),
    (["shape", "forward", "--n", "7", "--kernel", "3", "--stride", "2", "--padding", "1:0"], "3"),
    (["shape", "forward", "--n", "7", "--kernel", "3", "--dilation", "2", "--padding", "full"], "11"),
    (["shape", "transposed", "--n", "3", "--kernel", "3", "--stride", "2", "--output-padding", "1"], "8"),
    (["shape", "preimage", "--n", "3", "--kernel", "3", "--stride", "2"], "7..8"),
    (["shape", "preimage", "--n", "1", "--kernel", "1", "--padding", "3"], "none"),
    (["shape", "same-padding", "--n", "5", "--kernel", "4", "--stride", "1"], "1:2"),
    (["shape", "same-padding", "--n", "5", "--kernel", "4", "--padding", "same_lower"], "2:1"),
    (["shape", "transposed", "--n", "4,4", "--kernel", "4", "--stride", "4"], "16 16"),
    (["shape", "forward", "--n", "4,9", "--kernel", "3,1", "--stride", "1,3"], "2 3"),
]


@pytest.mark.parametrize(("argv", "expected"), SHAPES, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_shape_prints_the_length(argv, expected, capsys):
    """`derive shape` prints the model's length, interval or padding and exits 0."""
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == expected


def test_shape_json(capsys):
    """--json gives the query and its result as JSON."""
    assert (
        main(["shape", "preimage", "--n", "20", "--kernel", "3", "--stride", "10", "--padding", "same", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == {"query": "preimage", "n": "20", "result": [191, 200]}


CHECKS = [
    (["check", "ceiling(n/s) == floor((n+s-1)/s)"], 0, "proved"),
    (["check", "floor(n/s) == ceiling(n/s)"], 1, "refuted: n=1, s=2"),
    (["check", "x // y * y + x % y == x", "--assume", "y != 0"], 0, "proved"),
    (["check", "x // y * y + x % y == x", "--assume", "y > -3"], 0, "proved [assuming y != 0]"),
    (["check", "a < s -> ((n-1)*s + a) // s + 1 == n"], 0, "proved"),
    (["check", "a < s or a < d -> ((n-1)*s + a) // s + 1 == n"], 1, "refuted: a=1, d=2, n=1, s=1"),
    (["check", "1 <= n - 1 < n"], 1, "refuted: n=1"),
    (["check", "(a < s -> ((n-1)*s + a) // s + 1 == n) and (s == 1 -> a % s == 0)"], 0, "proved"),
    (["check", "n >= 1 -> (s >= 2 -> n < n*s)"], 0, "proved"),
    (["check", "Max(n, s) >= n and Min(n, s) <= s", "--box", "--cvc5"], 0, "proved"),
]


@pytest.mark.parametrize(
    ("argv", "code", "first_line"), CHECKS, ids=lambda v: " ".join(v) if isinstance(v, list) else str(v)
)
def test_check_prints_the_verdict(argv, code, first_line, capsys):
    """`derive check` prints the verdict and exits 0 only when proved."""
    assert main(argv) == code
    assert capsys.readouterr().out.splitlines()[0] == first_line


def test_check_json(capsys):
    """--json reports status, counterexample, domains and (on request) the SMT-LIB2 query."""
    assert main(["check", "floor(n/s) == ceiling(n/s)", "--json", "--smt2"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "refuted" and out["counterexample"] == {"n": 1, "s": 2}
    assert out["domains"] == {"n": "positive integer", "s": "positive integer"}
    assert "(check-sat)" in out["smt2"]


def _exit_code(argv: list[str]) -> int:
    """main()'s return value, or the code of the SystemExit argparse raises for usage errors."""
    try:
        return main(argv)
    except SystemExit as e:
        return int(e.code or 0)


BAD = [
    (["shape", "forward", "--n", "5", "--kernel", "3", "--stride", "0"], "'stride' must be a positive integer (got 0)"),
    (["shape", "forward", "--n", "x", "--kernel", "3"], "'n' must be an integer (got 'x')"),
    (["shape", "forward", "--n", "5", "--kernel", "3", "--padding", "middle"], "'padding' must be"),
    (["shape", "transposed", "--n", "5", "--kernel", "3", "--output-padding", "-1"], "'output_padding' must be a non"),
    (["shape", "forward", "--n", "2", "--kernel", "5"], "'n' padded length"),
    (["shape", "forward", "--kernel", "5"], "'--n' is required"),
    (["shape", "forward", "--n", "4,4,4", "--kernel", "3,3"], "'kernel' must have 1 or 3"),
    (["shape", "forward", "extra", "--n", "4", "--kernel", "3"], "'operation' takes no operation"),
    (["shape", "nosuch", "conv", "--n", "4"], "'framework' must be one of"),
    (["shape", "forward", "--n", "4", "--kernel", "3", "--bogus", "1"], "'--bogus' is not an argument"),
    (["check", "n +"], "'proposition' must be a Python-syntax expression"),
    (["check", "n == 1.5"], "'proposition' may contain only integer constants"),
    (["check", "(n > 1 -> n > 0"], "'proposition' has unbalanced brackets"),
    (
        ["explain", "jax", "--n", "4", "--kernel-size", "3", "--strides", "2", "--padding", "[(1, x)]"],
        "'--padding' must be brackets of integers",
    ),
    (["check", "n > 1 ->"], "'proposition' has '->' without a side"),
    (["check", "__import__('os')"], "'proposition' contains unsupported syntax"),
    (["check", "n > 1", "--timeout", "soon"], "invalid float value"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize(("argv", "message"), BAD, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    """Bad input prints one line naming parameter, rule and value, exits 2, and shows no traceback."""
    assert _exit_code(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) >= 1 and all(line.startswith("derive: error: ") for line in err)
    assert message in err[-1]
    assert "Traceback" not in "\n".join(err)


def test_console_script_fast_path_imports_neither_sympy_nor_z3():
    """`python -m derive shape` answers without importing SymPy or Z3 (the fast numeric path)."""
    code = (
        "import sys, runpy; sys.argv=['derive','shape','transposed','--n','20','--kernel','3','--stride','10',"
        "'--padding','same'];\ntry:\n runpy.run_module('derive', run_name='__main__')\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sympy','z3')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.splitlines() == ["200", "[]"]


def test_module_entry_point_exit_codes():
    """`python -m derive` returns the CLI's exit code and prints errors without a traceback."""
    run = subprocess.run(
        [sys.executable, "-m", "derive", "shape", "forward", "--n", "5", "--kernel", "3", "--stride", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == "derive: error: 'stride' must be a positive integer (got 0)"


@pytest.mark.parametrize(
    ("framework", "lines"),
    [
        ("torch", ["  --output-padding   adjust    default 0        < stride or < dilation"]),
        ("tensorflow", ["  --output-shape     target    required         the forward conv maps it back to n"]),
        ("keras", ["  padding modes: valid, same", "  --backend: (none), tensorflow, jax, torch"]),
    ],
)
def test_knobs_lists_what_the_queries_take(framework, lines, capsys):
    """`derive knobs FRAMEWORK` prints each argument with its role, default and rule, the modes and backends."""
    assert main(["knobs", framework]) == 0
    out = capsys.readouterr().out.splitlines()
    assert all(line in out for line in lines)
