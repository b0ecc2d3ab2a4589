"""Property-based fuzz: bad input gives a ValueError subclass (library) or exit 2 with one line (CLI), never more.

Every public length function of every framework model and of :mod:`derive.lengths`, the queries
(explain, solve, port) and the proposition parser get generated bad values; every subcommand gets
generated bad flags. The CLI runs in-process (``derive.cli.main``), so the whole file stays fast.
Hypothesis runs derandomized, so CI sees the same inputs on every run. ``FOUND`` keeps the cases
the fuzz found (each was a traceback once).
"""

from __future__ import annotations

import builtins
import contextlib
import inspect
import io
import math
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import frameworks, lengths
from derive.cli import main
from derive.errors import DeriveError


def fuzz(examples: int) -> settings:
    """Reproducible settings: the same inputs on every run, no deadline (the first solver call warms Z3)."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))  # fmt: skip


# -- bad values ------------------------------------------------------------------------------

ASCII_INT = re.compile(r"\s*[+-]?[0-9]+\s*")
# integers Python's int() takes but an ASCII-only parser must not (and str.isdigit's '²')
UNICODE_DIGITS = ["²", "³", "¹", "٣", "۴", "४", "৩", "𝟙", "①", "Ⅻ", "１"]
# names no framework spells as a padding mode
BAD_MODES = ["sane", "VALIDD", "", " ", "same same", "causal?", "full2", "none1", "-", "--5", "1e3", "0x3", "nan"]

non_integers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not float(x).is_integer() or math.isinf(x)),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 2.5, 1e300, 3.0 + 0j, "3", "²", b"3"]),
    st.sampled_from(UNICODE_DIGITS),
    st.text(alphabet="0123456789²³٣ .,_+-eE", min_size=1, max_size=6).filter(lambda s: not ASCII_INT.fullmatch(s)),
)
# a value no positive-integer parameter takes
bad_positive = st.one_of(non_integers, st.integers(max_value=0), st.integers(max_value=-1).map(lambda x: x * 10**40))
bad_padding = st.one_of(non_integers, st.sampled_from(BAD_MODES), st.text(alphabet="xyzq?!²", min_size=1, max_size=5))

# -- the library -----------------------------------------------------------------------------

# a valid value for each parameter name the public functions use (kind: which bad values it gets)
VALID: dict[str, tuple[Any, str]] = {}
for names, value, kind in [
    ("n size input_length dim_size", 8, "positive"),
    ("kernel_size kernel kernel_shape ksize filter_size filter k", 3, "positive"),
    ("stride strides window_strides s stride_size", 1, "positive"),
    ("dilation dilations dilation_rate dilate rhs_dilation kernel_dilation d", 1, "positive"),
    ("padding pad pads crop p", 0, "padding"),
    ("output_padding adj", 0, "padding"),
]:
    for name in names.split():
        VALID[name] = (value, kind)
# required values where the parameter's default is not enough
REQUIRED: dict[str, Any] = {"padding": {"jax": "VALID", "keras2": "valid", "tensorflow": "SAME"}, "output_shape": 8}
# effective_kernel is the formula K = d(k-1)+1 of any integers (torch's model asks it of dilation 0)
INTEGER_ONLY = {"lengths.effective_kernel"}
SKIP_FIRST = {"a", "op", "index", "op_rank", "rank"}  # internals that take a spec mapping or an operation


def _library() -> list[tuple[str, Callable[..., Any], dict[str, Any], list[str]]]:
    """(label, function, a valid call's keyword arguments, the parameters to corrupt) for each public function."""
    modules = [(name, frameworks.get(name)) for name in frameworks.NAMES] + [("lengths", lengths)]
    out = []
    for label, module in modules:
        for fname, fn in sorted(vars(module).items()):
            if fname.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            params = inspect.signature(fn).parameters
            if not params or next(iter(params)) in SKIP_FIRST:
                continue
            kwargs: dict[str, Any] = {}
            for p in params.values():
                if p.default is not inspect.Parameter.empty:
                    continue
                need = REQUIRED.get(p.name)
                need = need.get(label) if isinstance(need, dict) else need
                kwargs[p.name] = VALID[p.name][0] if need is None else need
            bad = [p for p in params if p in VALID]
            out.append((f"{label}.{fname}", fn, kwargs, bad))
            if out[-1][0] in INTEGER_ONLY:
                out[-1] = (*out[-1][:3], [f"{p}:integer" for p in bad])
    return out


LIBRARY = _library()


def test_library_baselines_are_valid() -> None:
    """Every fuzzed function accepts its unchanged baseline call, so a refusal below is the bad value's."""
    for label, fn, kwargs, _ in LIBRARY:
        try:
            fn(**kwargs)
        except DeriveError as e:  # pragma: no cover - a wrong baseline
            pytest.fail(f"{label}({kwargs}) refused: {e}")
    assert len(LIBRARY) >= 40


def _refuses(fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """The call raises a DeriveError (a ValueError) and nothing else, and returns nothing."""
    try:
        got = fn(**kwargs)
    except DeriveError:
        return
    except Exception as e:
        pytest.fail(f"{fn.__module__}.{fn.__name__}(**{kwargs!r}) raised {type(e).__name__}: {e}")
    pytest.fail(f"{fn.__module__}.{fn.__name__}(**{kwargs!r}) returned {got!r}")


@st.composite
def library_calls(draw: st.DrawFn) -> tuple[Callable[..., Any], dict[str, Any]]:
    _, fn, kwargs, bad = draw(st.sampled_from(LIBRARY))
    name, _, integer = draw(st.sampled_from(bad)).partition(":")
    kind = integer or VALID[name][1]
    value = draw({"padding": bad_padding, "integer": non_integers}.get(kind, bad_positive))
    if name in ("n", "size", "input_length", "dim_size") and isinstance(value, int):
        value = min(value, -1)  # an empty input (n = 0) is legal in some frameworks (XLA)
    if name in ("output_padding", "adj") and isinstance(value, str) and value.lower() == "none":
        value = "none?"
    return fn, {**kwargs, name: value}


@fuzz(4000)
@given(library_calls())
def test_library_refuses_bad_values(call: tuple[Callable[..., Any], dict[str, Any]]) -> None:
    """Each public length function refuses a bad value with a DeriveError, never another exception."""
    fn, kwargs = call
    _refuses(fn, kwargs)


# -- the queries and the proposition parser ---------------------------------------------------


def _explain(**kw: Any) -> Any:
    from derive.explain import explain

    return explain(kw.pop("framework", "torch"), kw.pop("n", 8), **{"kernel_size": 3, **kw})


def _solve(**kw: Any) -> Any:
    from derive.solve import solve

    return solve(kw.pop("framework", "torch"), kw.pop("n", 4), kw.pop("out", 8), **{"limit": 1, **kw})


def _port(**kw: Any) -> Any:
    from derive.port import port

    return port(kw.pop("source", "keras"), kw.pop("target", "torch"), **{"kernel_size": 3, **kw})


def _prove(**kw: Any) -> Any:
    from derive.prover import prove

    return prove(kw.pop("proposition", "n >= 1"), kw.pop("assumptions", []), **{"timeout": 1.0, **kw})


def _parse(text: Any) -> Any:
    import sympy as sp

    from derive.parsing import parse

    return parse(text, {"n": sp.Symbol("n", integer=True)})


QUERIES: list[tuple[Callable[..., Any], str, st.SearchStrategy[Any]]] = [
    (_explain, "n", bad_positive),
    # explain explains a framework's own refusal (stride=0): only values no framework could take
    (_explain, "kernel_size", non_integers),
    (_explain, "stride", non_integers),
    (_explain, "framework", st.sampled_from(["nosuch", "", "torch2", "²"])),
    (_explain, "backend", st.sampled_from(["nosuch", "", "cuda", "²"])),
    (_solve, "n", bad_positive),
    (_solve, "out", bad_positive),
    (_solve, "limit", st.one_of(st.integers(max_value=0), non_integers)),
    (_solve, "framework", st.sampled_from(["nosuch", "", "²"])),
    (_port, "kernel_size", bad_positive),
    (_port, "strides", bad_positive),
    (_port, "padding", bad_padding),
    (_port, "target", st.sampled_from(["nosuch", "", "²"])),
    (_prove, "timeout", st.one_of(st.sampled_from([float("nan"), float("inf"), 0, -1, 1e9, "1"]), st.none())),
    (_prove, "proposition", st.sampled_from(["", "n ==", "__import__('os')", "floor()", "Mod(n)", "Eq(n)", "n.real"])),
    (_parse, "text", st.one_of(st.sampled_from(["", "lambda: 1", "n; n", "f(n) == 1", "n if n else 1"]), st.none())),
]  # fmt: skip


@fuzz(600)
@given(st.data())
def test_queries_refuse_bad_values(data: st.DataObject) -> None:
    """explain, solve, port, prove and the parser refuse a bad value with a DeriveError."""
    fn, name, values = data.draw(st.sampled_from(QUERIES))
    value = data.draw(values)
    if name in ("n", "out") and isinstance(value, int):
        value = min(value, -1)
    _refuses(fn, {name: value} if fn is not _parse else {"text": value})


# -- the CLI ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _no_eval(typed: list[str]) -> Iterator[None]:
    """Fail on eval/exec of any text the user typed (imports and dataclasses exec their own code)."""
    seen: list[str] = []
    real_eval, real_exec = builtins.eval, builtins.exec
    words = [t for t in typed if len(t) >= 3 and not t.startswith("-")]

    def guard(real: Callable[..., Any]) -> Callable[..., Any]:
        def checked(source: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(source, bytes):
                source = source.decode(errors="replace")
            if isinstance(source, str) and any(w in source for w in words):
                seen.append(source)
                raise AssertionError(f"{real.__name__} called on typed text {source!r}")
            return real(source, *args, **kwargs)

        return checked

    builtins.eval, builtins.exec = guard(real_eval), guard(real_exec)
    try:
        yield
    finally:
        builtins.eval, builtins.exec = real_eval, real_exec
    assert not seen, seen


def run(argv: list[str], typed: list[str] | None = None) -> tuple[int, str, str]:
    """``derive ARGV`` in-process: (exit code, stdout, stderr); ``typed``: the values no eval/exec may see."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _no_eval(typed or []), \
            warnings.catch_warnings(record=True) as caught:  # fmt: skip
        warnings.simplefilter("always")  # a warning is a line on the user's stderr
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 2
    warned = "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)
    return code, out.getvalue(), warned + err.getvalue()


def _refused(argv: list[str], typed: str) -> None:
    """Exit 2 with one line on stderr; or, for a value the framework itself refuses, explain's report of it."""
    code, out, err = run(argv, [typed])
    assert "Traceback" not in err + out, (argv, err)
    if code == 1 and not err and argv[0] in ("explain", "shape") and "refuse" in out:
        return  # e.g. torch's own TypeError for padding='0x3': the answer explain exists to give
    assert code == 2, (argv, code, out, err)
    assert err.count("\n") == 1 and err.startswith("derive: error: "), (argv, err)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


# each subcommand: a valid call and the flags that get a bad value (kind: which bad values)
COMMANDS: dict[str, tuple[list[str], dict[str, str]]] = {
    "shape-forward": (
        ["shape", "forward", "--n", "8", "--kernel", "3"],
        {"--n": "n", "--kernel": "positive", "--stride": "positive", "--dilation": "positive", "--padding": "padding"},
    ),
    "shape-transposed": (
        ["shape", "transposed", "--n", "8", "--kernel", "3"],
        {"--n": "n", "--kernel": "positive", "--stride": "positive", "--output-padding": "padding"},
    ),
    "shape-preimage": (["shape", "preimage", "--n", "8", "--kernel", "3"], {"--n": "n", "--stride": "positive"}),
    "shape-torch": (
        ["shape", "torch", "conv-transpose", "--n", "8", "--kernel-size", "3"],
        {
            "--n": "n",
            "--kernel-size": "positive",
            "--stride": "positive",
            "--padding": "padding",
            "--output-padding": "padding",
            "--dilation": "positive",
        },
    ),
    "shape-keras": (
        ["shape", "keras", "conv", "--n", "8", "--kernel-size", "3"],
        {"--n": "n", "--strides": "positive", "--padding": "padding", "--dilation-rate": "positive"},
    ),
    "explain-torch": (
        ["explain", "torch", "--n", "8", "--kernel-size", "3"],
        {
            "--n": "n",
            "--kernel-size": "positive",
            "--stride": "positive",
            "--padding": "padding",
            "--output-padding": "padding",
            "--dilation": "positive",
        },
    ),
    "explain-tensorflow": (
        ["explain", "tensorflow", "--n", "8", "--kernel-size", "3"],
        {"--n": "n", "--strides": "positive", "--padding": "padding", "--backend": "padding"},
    ),
    "explain-onnx": (
        ["explain", "onnx", "--n", "8", "--kernel-shape", "3"],
        {"--n": "n", "--strides": "positive", "--auto-pad": "padding", "--pads": "padding"},
    ),
    "explain-mxnet": (
        ["explain", "mxnet", "--n", "8", "--kernel", "3"],
        {"--n": "n", "--stride": "positive", "--pad": "padding", "--adj": "padding"},
    ),
    "solve": (
        ["solve", "torch", "--n", "4", "--out", "8", "--max", "3", "--limit", "1"],
        {
            "--n": "n",
            "--out": "n",
            "--kernel": "range",
            "--stride": "range",
            "--max": "positive",
            "--limit": "positive",
            "--mode": "padding",
            "--backend": "padding",
            "--kernel-size": "positive",
        },
    ),
    "port": (
        ["port", "keras", "torch", "--kernel-size", "3", "--strides", "2"],
        {
            "--kernel-size": "positive",
            "--strides": "positive",
            "--padding": "padding",
            "--from-backend": "padding",
            "--to-backend": "padding",
        },
    ),
    "check": (["check", "n == n", "--timeout", "1"], {"--timeout": "timeout", "--assume": "expression"}),
    "prove": (["prove", "/nonexistent/proofs"], {"-k": "any", "--jobs": "positive"}),
    "docs": (["docs", "/nonexistent/proofs", "--no-pdf"], {"--jobs": "positive", "--out": "any"}),
    "knobs": (["knobs"], {"": "framework"}),
}

bad_n = st.one_of(
    non_integers.map(_text),
    st.integers(max_value=0).map(str),
    st.sampled_from(["4,", ",4", "4,,4", "--5", "4 4", "--"]),
).filter(lambda t: _not_valid("n")(t))
bad_range = st.sampled_from(
    ["0..x", "3..1", "...", "1..²", "٣", " 4", "1_0", "²..3", "0", "-2..2", "1...3", "nan", "1..inf"]
)
bad_timeout = st.sampled_from(["nan", "inf", "-inf", "0", "-1", "1e9", "x", "²", "", "1e400"])


def _not_valid(kind: str) -> Callable[[str], bool]:
    """On the command line '3' or '3,4' is a fine stride (and '0' a fine padding): keep only values bad there."""
    least = 0 if kind == "padding" else 1
    return lambda t: not all(ASCII_INT.fullmatch(p) and int(p) >= least for p in t.split(","))


KIND = {
    "n": bad_n,
    "positive": st.one_of(bad_positive.map(_text), st.sampled_from(["1,", ",", "3,,3", "--5", "[3.5]", "(3,"])).filter(
        _not_valid("positive")
    ),
    "padding": st.one_of(bad_padding.map(_text), st.sampled_from(["--5", "1,", "[x]", "[(1, 2.5)]", "[]"])).filter(
        _not_valid("padding")
    ),
    "range": bad_range,
    "timeout": bad_timeout,
    "framework": st.sampled_from(["nosuch", "tor ch", "²", "", "TORCH2", "keras4"]),
    "any": st.text(max_size=8),
    "expression": st.sampled_from(["", "n ==", "__import__('os')", "n.real == 1", "lambda: 1", "floor()"]),
}


@st.composite
def cli_calls(draw: st.DrawFn) -> tuple[list[str], str]:
    base, flags = COMMANDS[draw(st.sampled_from(sorted(COMMANDS)))]
    flag = draw(st.sampled_from(sorted(flags)))
    value = draw(KIND[flags[flag]])
    if flag == "":  # a positional argument
        return [*base, value], value
    value = _text(value)
    if value.startswith("-") or draw(st.booleans()):
        return [*base, f"{flag}={value}"], value  # argparse would read '-5' as a flag
    return [*base, flag, value], value


def test_cli_baselines_are_valid() -> None:
    """Every fuzzed subcommand's baseline is accepted (prove and docs: refused only for the missing path)."""
    for label, (argv, _) in COMMANDS.items():
        code, _, err = run(argv)
        if label in ("prove", "docs"):
            assert code == 2 and "'path'" in err, (label, err)
        else:
            assert code in (0, 1), (label, code, err)


@fuzz(5000)
@given(cli_calls())
def test_cli_refuses_bad_flags(call: tuple[list[str], str]) -> None:
    """Every subcommand refuses a bad flag value with exit 2 and one line on stderr."""
    _refused(*call)


# -- check: random proposition text ----------------------------------------------------------

TOKENS = [
    "n", "s", "k", "p", "x", " ", "+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "(", ")",
    ",", "0", "1", "2", "10", "²", "٣", "1.5", "1e3", "nan", "inf", "and", "or", "not", "->", "<->", "True",
    "floor(", "ceiling(", "Mod(", "Eq(", "Max(", "Min(", "Abs(", "Piecewise(", "Implies(", "sqrt(", "log(",
    "__import__(", "'os'", ".", "system", "__class__", "lambda", ":", "[", "]", "{", "}", "open(", "eval(",
    "exec(", "getattr(", "globals()", ";", "\\", "\"", "#", "if", "else", "for", "in", "@", "=", "|", "&", "^", "~",
]  # fmt: skip
#: text that must never reach an evaluator: any of it is refused as unsupported syntax or an unknown name
DANGER = ["__", "lambda", "open(", "eval(", "exec(", "getattr(", "globals(", ".system", "'os'"]

propositions = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12).map("".join)


@fuzz(1500)
@given(propositions)
def test_check_never_runs_or_crashes_on_text(text: str) -> None:
    """Any proposition text: an answer (exit 0/1, nothing on stderr) or exit 2 with one line; never executed."""
    code, out, err = run(["check", text, "--timeout", "0.5"], [text])
    assert "Traceback" not in out + err, (text, err)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("derive: error: "), (text, err)
    else:
        assert code in (0, 1) and not err, (text, code, err)
    if any(d in text for d in DANGER):
        assert code == 2, (text, code, out)


# -- the cases the fuzz found (each was a traceback or a silent acceptance once) --------------

FOUND_LIBRARY = [
    ("torch", "conv_transpose_length", {"n": 8, "kernel_size": 3, "stride": "1e3"}),
    ("torch", "conv_length", {"n": 8, "kernel_size": 3, "dilation": "৩"}),
    ("torch", "same_padding", {"n": 8, "kernel_size": 3, "dilation": "४"}),
    ("tinygrad", "conv_transpose_length", {"n": 8, "kernel_size": 3, "output_padding": "²"}),
    ("paddle", "conv_transpose_length", {"n": 8, "kernel_size": 3, "output_padding": "৩"}),
    ("mxnet", "accepted_lengths", {"n": -542, "kernel": 3}),
    ("paddle", "accepted_lengths", {"n": -8266, "kernel_size": 3}),
    ("chainer", "accepted_lengths", {"n": -302, "ksize": 3}),
    ("lasagne", "accepted_lengths", {"n": -37549951, "filter_size": 3}),
    ("chainer", "get_conv_outsize", {"size": b"3", "k": 3, "s": 1, "p": 0}),
    ("chainer", "get_deconv_outsize", {"size": 2.5, "k": 3, "s": 1, "p": 0}),
    ("keras2", "conv_formula", {"n": 8, "kernel": 3, "padding": "１", "stride": 1, "dilation": 1}),
    (
        "keras2",
        "deconv_formula",
        {"n": 8, "kernel": 3, "padding": "valid", "output_padding": 0, "stride": "04³_", "dilation": 1},
    ),
    ("keras2", "conv_formula", {"n": 8, "kernel": -31570, "padding": "valid", "stride": 1, "dilation": 1}),
    ("lengths", "effective_kernel", {"kernel": float("nan")}),
    ("lengths", "fixed_padding", {"padding": 0, "kernel": 3, "dilation": "²"}),
    ("lengths", "fixed_padding", {"padding": 0, "kernel": -3}),
]
FOUND_QUERIES = [
    (_solve, {"limit": float("nan")}),  # was: every family, never stopping at the limit
    (_solve, {"limit": 3 + 0j}),
]  # fmt: skip


@pytest.mark.parametrize(("fn", "kwargs"), FOUND_QUERIES)
def test_found_query_cases(fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """Each bad query the fuzz once found gives a DeriveError."""
    _refuses(fn, kwargs)


@pytest.mark.parametrize(("framework", "function", "kwargs"), FOUND_LIBRARY)
def test_found_library_cases(framework: str, function: str, kwargs: dict[str, Any]) -> None:
    """Each bad call the fuzz once found gives a DeriveError."""
    module = lengths if framework == "lengths" else frameworks.get(framework)
    _refuses(getattr(module, function), kwargs)


FOUND_CLI = [
    ["explain", "torch", "--n", "4", "--kernel-size", "3", "--stride", "1e3"],
    ["explain", "tensorflow", "--n=--", "--kernel-size", "3"],
    ["check", "n == n", "--timeout=--"],
    ["check", "1in == 1"],  # Python's SyntaxWarning was a second line on stderr
    ["knobs", ""],
    ["solve", "torch", "--n", "4", "--out", "8", "--kernel", "٣"],
    ["solve", "torch", "--n", "4", "--out", "8", "--kernel", " 4"],
    ["solve", "torch", "--n", "4", "--out", "8", "--kernel", "1_0"],
    ["solve", "torch", "--n", "4", "--out", "8", "--kernel-size", "۴"],
    ["shape", "forward", "--n", "8", "--kernel", "3", "--padding="],
    ["shape", "transposed", "--n", "8", "--kernel", "3", "--output-padding="],
    ["shape", "forward", "--n", "8", "--kernel", "3", "--stride="],
]


@pytest.mark.parametrize("argv", FOUND_CLI, ids=" ".join)
def test_found_cli_cases(argv: list[str]) -> None:
    """Each bad command line the fuzz once found exits 2 with one line."""
    _refused(argv, "")
