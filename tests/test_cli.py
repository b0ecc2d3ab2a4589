"""The command line: outputs, exit codes, JSON, and one-line errors for bad input."""

from __future__ import annotations

import json
import random
import re
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
    assert json.loads(capsys.readouterr().out) == {"query": "preimage", "n": [20], "result": [[191, 200]]}


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
    (["shape", "torch", "conv", "--n", "4", "--kernel-size", "3", "--padding", "²"], "Invalid padding string '²'"),
    (["shape", "torch", "conv", "--n", "4", "--padding", "2"], "'--kernel-size' is required by torch conv"),
    # a framework argument the model requires is named as the flag the command line takes
    (["explain", "jax", "--n", "4", "--kernel-size", "3", "--strides", "2"], "'--padding' is required (got None)"),
    (["port", "jax", "torch", "--kernel-size", "3", "--strides", "2"], "'--padding' is required (got None)"),
    (["shape", "torch", "conv", "--n", "4", "--kernel-size", "²"], "'kernel_size' must be an integer (got '²')"),
    (["shape", "forward", "--n", "4", "--kernel", "²"], "'kernel' must be an integer (got '²')"),
    (["shape", "forward", "--n", "4", "--kernel", "3", "--padding=--5"], "'padding' must be an int"),
    (["shape", "torch", "conv", "--n", "4", "--kernel-size", "3", "--padding=--5"], "Invalid padding string '--5'"),
    (["explain", "torch", "--n", "4", "--kernel-size", "²"], "'kernel_size' must be an integer (got '²')"),
    (["solve", "torch", "--n", "4", "--out", "8", "--padding=--5"], "'--padding' must be an integer or a range"),
    (["solve", "torch", "--n", "4", "--out", "8", "--kernel-size", "²"], "'--kernel' must be an integer or a range"),
    (["port", "keras", "torch", "--kernel-size", "²"], "'kernel_size' must be a positive integer"),
    (["check", "n == n", "--timeout", "nan"], "must be seconds above 0"),
    (["check", "n == n", "--timeout", "inf"], "must be seconds above 0"),
    (["check", "n == n", "--timeout", "0"], "must be seconds above 0"),
    (["check", "floor() == 1"], "'floor' takes 1 argument (0 given)"),
    (["check", "Mod(n) == 1"], "'Mod' takes 2 arguments (1 given)"),
    (["check", "Eq(n)"], "'Eq' takes 2 arguments (1 given)"),
    (["check", "n // 0 == 1"], "divides by zero"),
    (["check", "Mod(n, n - n) == 1"], "divides by zero"),
    (
        ["shape", "torch", "conv-transpose", "--n", "4", "--kernel-size", "3", "--stride", "2", "--padding", "1,1"],
        "'--padding' must have one value per axis of --n (1)",
    ),
    (["shape", "onnx", "conv", "--n", "4,4", "--kernel-shape", "3", "--pads", "1,1,1"], "ONNX's layout for 2 axes: 4"),
    (["shape", "onnx", "conv-transpose", "--n", "4,4", "--kernel-shape", "3", "--pads", "1,1"], "ONNX's layout"),
    # no abbreviations: '--s' is not '--svg', '--kern' not '--kernel'
    (["explain", "torch", "--n", "4", "--kernel-size", "3", "--s", "2"], "'--s' is not an argument of torch"),
    (["shape", "transposed", "--n", "4", "--kern", "3"], "'--kern' is not an argument of derive shape"),
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


def test_explain_starts_without_argparse_json_sympy_or_z3():
    """`python -m derive explain` reads its command line without argparse and answers without json, SymPy or Z3."""
    code = (
        "import sys, runpy; sys.argv=['derive','explain','torch','--n','4','--kernel-size','3','--stride','2'];\n"
        "try:\n runpy.run_module('derive', run_name='__main__')\nexcept SystemExit: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('argparse','json','sympy','z3')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.splitlines()[0] == "torch.nn.ConvTranspose1d(kernel_size=3, stride=2) on n=4: 9"
    assert out.splitlines()[-1] == "[]"


#: words the fast commands' lines are drawn from: the command's options, framework flags and values, then odd
#: ones (abbreviations, help, negative numbers, empty, '--', '=' forms, spaces)
PLAIN_TOKENS = {
    "explain": ["torch", "keras", "--n", "4", "4,5", "--json", "--backend", "jax", "--svg", "f.svg",
                "--kernel-size", "3", "--strides", "--stride", "--output-padding"],
    "shape": ["transposed", "torch", "conv-transpose", "accepted", "--n", "4", "4,5", "--json", "--kernel", "3",
              "--stride", "--padding", "same", "--dilation", "--output-padding", "--kernel-size", "--strides"],
}  # fmt: skip
ODD_TOKENS = ["--s", "--ba", "--jso", "--he", "-h", "--help", "-1", "", "--", "--n=4", "x y", "--kernel size", "-x",
              "--no", "-", "--ke", "--out", "--pad"]  # fmt: skip


@pytest.mark.parametrize("command", ["explain", "shape"])
def test_fast_path_reads_as_argparse_does(command):
    """The fast reader gives argparse's namespace and leftovers on 4,000 generated lines, or leaves them to it."""
    from derive.cli import _fast_args, build_parser

    rng = random.Random(13)
    parser = build_parser(command)
    read = 0
    for _ in range(4000):
        pool = PLAIN_TOKENS[command] + ODD_TOKENS * rng.randint(0, 1)
        argv = [command, *rng.choices(pool, k=rng.randint(0, 8))]
        fast = _fast_args(argv)
        if fast is None:
            continue
        read += 1
        args, extra = parser.parse_known_args(argv)  # the fast reader takes only lines argparse accepts
        assert (vars(fast[0]), fast[1]) == (vars(args), extra), argv
    assert read > 600  # the plain lines are common among them: the comparison is not vacuous


def test_fast_path_knows_every_option():
    """The fast reader's positionals, options and flags are exactly the ones each command's parser declares."""
    from derive.cli import _FAST, _subparser, build_parser

    whole = build_parser()
    for command, (positionals, options, flags) in _FAST.items():
        sub = _subparser(whole, command)
        assert set(sub._option_string_actions) == {*options, *flags, "-h", "--help"}
        assert all(sub._option_string_actions[flag].nargs == 0 for flag in flags)
        assert all(sub._option_string_actions[option].nargs is None for option in options)
        declared = [a.dest + ("?" if a.nargs == "?" else "") for a in sub._actions if not a.option_strings]
        assert declared == [p.replace("-", "_") for p in positionals]
        assert sub.get_default("extra") is True


def test_one_subcommand_parser_is_the_whole_ones():
    """build_parser(COMMAND), what main declares for one run, gives that subcommand the whole parser's help."""
    from derive.cli import _COMMANDS, _subparser, build_parser

    whole = build_parser()
    for name in _COMMANDS:
        assert _subparser(build_parser(name), name).format_help() == _subparser(whole, name).format_help()


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


# -- issue 14: every framework, every axis, one JSON layout per command ------------------------

PER_AXIS = [
    ("torch", "accepted", ["--kernel-size", "3", "--stride", "2"]),
    ("torch", "conv-transpose", ["--kernel-size", "3", "--stride", "2", "--output-padding", "1,0"]),
    ("paddle", "accepted", ["--kernel-size", "3", "--stride", "2"]),
    ("onnx", "accepted", ["--kernel-shape", "3", "--strides", "2"]),
    ("onnx", "conv-transpose", ["--kernel-shape", "3,2", "--strides", "2"]),
    ("chainer", "accepted", ["--ksize", "3", "--stride", "2"]),
    ("mxnet", "accepted", ["--kernel", "3", "--stride", "2"]),
    ("keras", "conv-transpose", ["--kernel-size", "3", "--strides", "2", "--padding", "same"]),
]


def _printed(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out.strip()


@pytest.mark.parametrize(("framework", "op", "flags"), PER_AXIS, ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_shape_framework_answers_each_axis_as_its_own_call(framework, op, flags, capsys):
    """`--n 4,5` (and comma-listed flags) print what the one-axis calls print, axis by axis, for every framework."""
    both = _printed(["shape", framework, op, "--n", "4,5", *flags], capsys)
    alone = []
    for i, n in enumerate(("4", "5")):
        own = [v.split(",")[i] if "," in v else v for v in flags]
        alone.append(_printed(["shape", framework, op, "--n", n, *own], capsys))
    assert both == " ".join(alone)


def test_onnx_pads_take_onnx_layout_for_several_axes(capsys):
    """`--pads 1,2,0,3` for two axes is ONNX's begins then ends: axis 0 (1, 0), axis 1 (2, 3)."""
    op = ["shape", "onnx", "conv-transpose", "--kernel-shape", "3"]
    both = _printed([*op, "--n", "4,4", "--pads", "1,2,0,3"], capsys)
    axis0 = _printed([*op, "--n", "4", "--pads", "1,0"], capsys)
    axis1 = _printed([*op, "--n", "4", "--pads", "2,3"], capsys)
    assert both == f"{axis0} {axis1}" == "5 1"


def test_shape_accepted_per_axis_torch(capsys):
    """Issue 14's torch case: 4 and 5 with kernel 3, stride 2 accept 9..10 and 11..12 (not one mixed range)."""
    assert _printed(["shape", "torch", "accepted", "--n", "4,5", "--kernel-size", "3", "--stride", "2"], capsys) == (
        "9..10 11..12"
    )


def test_shape_accepted_without_a_top(capsys):
    """TensorFlow's oneDNN accepts every output_shape for an empty input: the interval has no top, printed 0..∞ and
    [0, null] in JSON (it was refused as '----n' must have one value per axis)."""
    call = ["shape", "tensorflow", "accepted", "--kernel-size", "3", "--strides", "2", "--padding", "VALID"]
    assert _printed([*call, "--n", "0,1", "--kernels", "onednn"], capsys) == "0..∞ 2..4"
    assert main([*call, "--n", "0", "--kernels", "onednn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["result"] == [[0, None]]
    assert _printed([*call, "--n", "0", "--kernels", "eigen"], capsys) == "0..2"


@pytest.mark.parametrize("framework", ["keras", "keras2"])
def test_solve_max_bounds_only_the_knobs_a_framework_has(framework, capsys):
    """`solve keras --max 8 --all` answers (Keras has no integer padding for --max to bound) and lists 4n first."""
    assert main(["solve", framework, "--n", "4", "--out", "16", "--max", "8", "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "  kernel_size=1..4, strides=4  [4*n for every n]"
    assert out[-1].startswith("  (all ") and "within the bounds" in out[-1]


def _documented_keys() -> dict[str, tuple[list[str], dict[str, list[str]]]]:
    """The README's JSON table: each command's keys and, per nested list, its entries' keys."""
    readme = (ROOT / "README.md").read_text()
    table = {}
    for command, keys, entries in re.findall(r"^\| `(\w+)` \|(.*?)\|(.*?)\|$", readme, flags=re.M):
        top = re.findall(r"`(\w+)`", keys.split("(")[0] if command == "prove" else keys)
        nested = {}
        for part in entries.split(";"):
            name, colon, rest = part.partition(":")
            if colon and "`" in rest and not rest.strip().startswith("a length"):
                nested[name.strip(" `")] = re.findall(r"`(\w+)`", rest)
        table[command] = (top, nested)
    return table


JSON_RUNS = [
    ("shape", ["shape", "torch", "accepted", "--n", "4,5", "--kernel-size", "3", "--stride", "2"]),
    ("check", ["check", "floor(n/s) == ceiling(n/s)"]),
    ("prove", ["prove", "proofs/generic.py", "-k", "generic/explicit-pads/forward-is-monotone", "--jobs", "1"]),
    ("solve", ["solve", "torch", "--n", "4,5", "--out", "8,10", "--limit", "2"]),
    ("solve", ["solve", "torch", "--out", "2*n", "--limit", "1"]),
    ("solve", ["solve", "caffe", "--n", "4", "--out", "1000", "--stride", "1", "--kernel", "1..2"]),
    ("explain", ["explain", "keras", "--n", "4,4", "--kernel-size", "3", "--strides", "2"]),
    ("port", ["port", "keras", "torch", "--kernel-size", "3", "--strides", "2", "--padding", "same"]),
    ("knobs", ["knobs", "tensorflow"]),
    ("knobs", ["knobs"]),
]


def _entries(value: object, name: str) -> list[dict]:
    """Every dict in a list under the key ``name``, at any depth."""
    if isinstance(value, list):
        return [e for v in value for e in _entries(v, name)]
    if not isinstance(value, dict):
        return []
    own = [e for e in value.get(name, []) if isinstance(e, dict)] if isinstance(value.get(name), list) else []
    return own + [e for v in value.values() for e in _entries(v, name)]


@pytest.mark.parametrize(("command", "argv"), JSON_RUNS, ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_json_has_the_documented_schema(command, argv, capsys, monkeypatch):
    """Every command's --json has exactly the keys the README's table documents, whatever the answer."""
    monkeypatch.chdir(ROOT)
    top, nested = _documented_keys()[command]
    _exit_code([*argv, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert list(out) == top
    for name, keys in nested.items():
        entries = _entries(out, name)
        assert entries, name
        assert all(list(e) == keys for e in entries), name


@pytest.mark.parametrize("check", [False, True])
def test_docs_json_has_one_layout(check, tmp_path, monkeypatch):
    """`derive docs --json` writing and `--check` give the README's keys (but the run's seconds) alike."""
    from types import SimpleNamespace

    from derive import cli, document

    monkeypatch.setattr(document, "render", lambda inputs, title=None: {"main.tex": "x"})
    monkeypatch.setattr(document, "differences", lambda files, out: ["main.tex"])
    monkeypatch.setattr(document, "write", lambda files, out: [out / "main.tex"])
    inputs = SimpleNamespace(report=SimpleNamespace(results=[]), proofs=[], ok=True)
    _, facts, _ = cli.write_documents(inputs, tmp_path, tmp_path / "d.pdf", True, check)
    top, _ = _documented_keys()["docs"]
    assert [*facts, "seconds"] == top


def test_knobs_json_matches_the_text(capsys):
    """`knobs --json` holds what `knobs` prints: the call, each flag with role and default, modes and backends."""
    assert main(["knobs", "keras", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["frameworks"]
    assert entry["operation"] == "keras.layers.Conv1DTranspose" and entry["modes"] == ["valid", "same"]
    flags = {k["flag"]: (k["role"], k["required"], k["default"]) for k in entry["knobs"]}
    assert flags["--kernel-size"] == ("kernel", True, None) and flags["--strides"] == ("stride", False, 1)
    assert entry["backends"] == [None, "tensorflow", "jax", "torch"]


LAYERS = [
    (["explain", "keras", "--n", "4,4", "--kernel-size", "4", "--strides", "4"],
     "keras.layers.Conv2DTranspose(filters, kernel_size=(4, 4), strides=(4, 4)) on n=(4, 4): (16, 16)"),
    (["explain", "torch", "--n", "4,5", "--kernel-size", "3,4", "--stride", "2", "--output-padding", "1,0"],
     "torch.nn.ConvTranspose2d(in_channels, out_channels, kernel_size=(3, 4), stride=(2, 2), output_padding=(1, 0))"
     " on n=(4, 5): (10, 12)"),
    (["explain", "tensorflow", "--n", "4,5", "--kernel-size", "3", "--strides", "2"],
     "tf.nn.conv2d_transpose(kernel_size=(3, 3), strides=(2, 2)) on n=(4, 5): set by the caller (output_shape)"),
    (["solve", "keras", "--n", "4,4", "--out", "16,16", "--limit", "1"],
     "  e.g. keras.layers.Conv2DTranspose(filters, kernel_size=(1, 1), strides=(4, 4))"),
    (["solve", "torch", "--n", "4,5", "--out", "16,16", "--limit", "1"],
     "e.g. torch.nn.ConvTranspose2d(in_channels, out_channels, kernel_size=(4, 4), stride=(4, 3))"),
    (["solve", "keras", "--n", "4,4", "--out", "3,16", "--limit", "1"],
     "e.g. none: one keras.layers.Conv2DTranspose takes one padding for every axis, and these axes need different "
     "ones"),
    (["explain", "onnx", "--n", "4,4", "--kernel-shape", "3", "--pads", "1,2,1,2"],
     "onnx ConvTranspose(kernel_shape=(3, 3), strides=(1, 1), pads=(1, 2, 1, 2)) on n=(4, 4): (4, 2)"),
    (["solve", "flax", "--n", "4,4,4", "--out", "8,8,8", "--limit", "1"],
     "  e.g. flax.linen.ConvTranspose(features, kernel_size=(1, 1, 1), strides=(2, 2, 2))"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "line"), LAYERS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_several_axes_print_the_layer_asked_for(argv, line, capsys):
    """`--n 4,4` prints the 2-D layer as a call to paste: its channels, one value per axis (not Conv1DTranspose)."""
    main(argv)
    out = capsys.readouterr().out.splitlines()
    assert line in out
    assert "(axis 0, 1)" not in "\n".join(out)


@pytest.mark.parametrize("command", ["shape", "check", "prove", "docs", "solve", "explain", "knobs", "port"])
def test_every_subcommand_takes_json_and_runs_its_own_function(command):
    """Each subcommand declares --json (one shared option) and the function it runs (set_defaults), no if-chain."""
    from derive.cli import _subparser, build_parser

    sub = _subparser(build_parser(), command)
    assert "--json" in sub._option_string_actions
    assert callable(sub.get_default("func")) and sub.get_default("extra") in (True, False)
