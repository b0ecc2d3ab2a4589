"""The ``derive`` command line. Printing and exit codes live here and nowhere else.

Exit codes: 0 success (or "proved"), 1 refuted / unknown / a claim off its expectation,
2 bad input (one line naming the parameter, the rule and the value; never a traceback).
The ``shape`` command's numeric path imports neither SymPy nor Z3.
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from .errors import DeriveError, ParameterError


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad usage as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        print(f"derive: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


# -- value parsing -------------------------------------------------------------------------


def _int(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ParameterError(name, "must be an integer", text) from None


def _axes(name: str, text: str | None) -> list[str] | None:
    """Split a per-axis list ``4,4`` (one entry per spatial axis)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if any(not p for p in parts):
        raise ParameterError(name, "must be a value or a comma-separated list with one value per axis", text)
    return parts


def _generic_padding(text: str) -> object:
    """``3`` → 3, ``1:2`` → (1, 2), a mode name → itself."""
    if ":" in text:
        lo, _, hi = text.partition(":")
        return (_int("padding", lo), _int("padding", hi))
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _framework_value(name: str, text: str) -> object:
    """A framework argument typed on the command line: int, comma tuple, None, bool or string."""
    lowered = text.lower()
    if lowered == "none":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if "," in text:
        return tuple(_framework_value(name, p) for p in _axes(name, text) or [])
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def _broadcast(columns: dict[str, list[Any] | None]) -> list[dict[str, Any]]:
    """Per-axis argument dicts; single values apply to every axis."""
    given = {k: v for k, v in columns.items() if v is not None}
    axes = max((len(v) for v in given.values()), default=1)
    for k, v in given.items():
        if len(v) not in (1, axes):
            raise ParameterError(
                k, f"must have 1 or {axes} comma-separated values (one per axis)", ",".join(map(str, v))
            )
    return [{k: (v[0] if len(v) == 1 else v[i]) for k, v in given.items()} for i in range(axes)]


# -- shape ---------------------------------------------------------------------------------

GENERIC = ("forward", "transposed", "preimage", "same-padding")


def _shape_generic(args: argparse.Namespace) -> tuple[str, list[Any]]:
    from . import lengths

    if args.n is None or args.kernel is None:
        raise ParameterError("--n" if args.n is None else "--kernel", "is required", None)
    columns = {
        "n": [_int("n", v) for v in _axes("n", args.n) or []],
        "kernel": [_int("kernel", v) for v in _axes("kernel", args.kernel) or []],
        "stride": [_int("stride", v) for v in _axes("stride", args.stride) or []] if args.stride else None,
        "dilation": [_int("dilation", v) for v in _axes("dilation", args.dilation) or []] if args.dilation else None,
        "padding": [_generic_padding(v) for v in _axes("padding", args.padding) or []] if args.padding else None,
        "output_padding": [_int("output_padding", v) for v in _axes("output_padding", args.output_padding) or []]
        if args.output_padding
        else None,
    }
    results: list[Any] = []
    for axis in _broadcast(columns):
        n = axis.pop("n")
        if args.what == "forward":
            axis.pop("output_padding", None)
            results.append(lengths.conv_length(n, **axis))
        elif args.what == "transposed":
            results.append(lengths.transposed_length(n, **axis))
        elif args.what == "preimage":
            axis.pop("output_padding", None)
            iv = lengths.preimage(n, **axis)
            results.append(None if iv.empty else (iv.lower, iv.upper))
        else:
            pad = axis.pop("padding", "same")
            extra = {"same": "end", "same_lower": "start"}.get(pad)
            if extra is None:
                raise ParameterError("padding", "must be same or same_lower for same-padding", pad)
            axis.pop("output_padding", None)
            results.append(lengths.same_padding(n, extra=extra, **axis))
    return args.what, results


def _shape_framework(args: argparse.Namespace, extra: list[str]) -> tuple[str, list[Any]]:
    from . import frameworks

    module = frameworks.get(args.what)
    functions = {"conv": "conv_length", "conv-transpose": "conv_transpose_length", "accepted": "accepted_lengths"}
    if args.op not in functions:
        raise ParameterError("operation", f"must be one of {', '.join(functions)}", args.op)
    fn = getattr(module, functions[args.op], None)
    if fn is None:
        raise ParameterError("operation", f"is not modelled for {args.what}", args.op)
    names = [p for p in inspect.signature(fn).parameters if p != "n"]
    kwargs: dict[str, Any] = {}
    # argparse has already consumed the generic model's options; hand them to the framework by name
    for key in ("kernel", "stride", "dilation", "padding", "output_padding"):
        value = getattr(args, key, None)
        if value is not None:
            flag = f"--{key.replace('_', '-')}"
            if key not in names:
                raise ParameterError(flag, f"is not an argument of {args.what} {args.op} (takes {', '.join(names)})", value)
            kwargs[key] = _framework_value(key, value)
    it = iter(extra)
    for token in it:
        if not token.startswith("--"):
            raise ParameterError("argument", "must be --name value", token)
        key = token[2:].replace("-", "_")
        if key not in names:
            raise ParameterError(
                token, f"is not an argument of {args.what} {args.op} (takes {', '.join(names)})", token
            )
        value = next(it, None)
        if value is None:
            raise ParameterError(token, "needs a value", None)
        kwargs[key] = _framework_value(key, value)
    if args.n is None:
        raise ParameterError("--n", "is required", None)
    n_axes = [_int("n", v) for v in _axes("n", args.n) or []]
    n: Any = n_axes[0] if len(n_axes) == 1 else tuple(n_axes)
    result = fn(n, **kwargs)
    return f"{args.what} {args.op}", [result]


def _format(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return f"{value[0]}..{value[1]}"
    return str(value)


def cmd_shape(args: argparse.Namespace, extra: list[str]) -> int:
    if args.what in GENERIC:
        if extra:
            raise ParameterError(extra[0], "is not an argument of derive shape " + args.what, extra[0])
        label, results = _shape_generic(args)
    else:
        label, results = _shape_framework(args, extra)
    if args.json:
        print(json.dumps({"query": label, "n": args.n, "result": results if len(results) > 1 else results[0]}))
    elif args.what == "same-padding":
        print(" ".join(f"{lo}:{hi}" for lo, hi in results))
    else:
        print(" ".join(_format(r) for r in results))
    return 0


# -- check ---------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    import sympy as sp

    from . import parsing
    from .prover import prove

    names = parsing.free_names(args.proposition)
    constrained = {n for a in args.assume for n in parsing.free_names(a)}
    for a in args.assume:
        extra_names = set(parsing.free_names(a)) - set(names)
        names += sorted(extra_names)
    symbols = {
        n: sp.Symbol(n, integer=True) if n in constrained else sp.Symbol(n, integer=True, positive=True) for n in names
    }
    prop = parsing.parse(args.proposition, symbols)
    assumptions = [parsing.parse(a, symbols) for a in args.assume]
    opinions = [o for o, on in (("box", args.box), ("cvc5", args.cvc5)) if on]
    verdict = prove(prop, assumptions, timeout=args.timeout, second_opinions=opinions)
    if args.json:
        print(
            json.dumps(
                {
                    "proposition": str(prop),
                    "assumptions": [str(a) for a in assumptions],
                    "domains": {n: ("integer" if n in constrained else "positive integer") for n in names},
                    "status": verdict.status.value,
                    "counterexample": verdict.counterexample,
                    "reason": verdict.reason,
                    "side_conditions": [f"{c} != 0" for c in verdict.side_conditions],
                    "second_opinions": verdict.second_opinions,
                    "seconds": round(verdict.seconds, 4),
                    "smt2": verdict.smt2 if args.smt2 else None,
                }
            )
        )
    else:
        print(verdict)
        for name, opinion in verdict.second_opinions.items():
            print(f"  {name}: {opinion}")
        if args.smt2:
            print(verdict.smt2)
    return 0 if verdict.proved else 1


# -- prove ---------------------------------------------------------------------------------


def cmd_prove(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import catalogue

    claims = catalogue.select(catalogue.load(catalogue.discover(args.paths)), args.k)
    if not claims:
        raise ParameterError("-k", "selects no claim", args.k)
    show_progress = not args.json and sys.stderr.isatty()

    def progress(done: int, total: int, result: Any) -> None:
        if show_progress:
            print(f"\r[{done}/{total}] {result.claim.id[:70]:70}", end="", file=sys.stderr, flush=True)

    report = catalogue.run(claims, jobs=args.jobs, progress=progress)
    if show_progress:
        print("\r" + " " * 80 + "\r", end="", file=sys.stderr)
    if args.smt2:
        catalogue.write_smt2(report, Path(args.smt2))
    if args.json:
        print(json.dumps(catalogue.as_json(report), indent=1))
    else:
        for line in catalogue.summary_lines(report):
            print(line)
        bad = [r for r in report.results if not r.ok]
        proved = sum(r.verdict.proved for r in report.results)
        refuted = sum(r.verdict.refuted for r in report.results)
        print(
            f"\n{len(report.results)} claims: {proved} proved, {refuted} refuted (each with its iff), "
            f"{len(bad)} off expectation, in {report.seconds:.1f}s"
        )
        for r in bad:
            print(f"OFF: {r.claim.id}: expected {r.claim.expect.value}, got {r.verdict}")
    return 0 if report.ok else 1


# -- entry ---------------------------------------------------------------------------------


def build_parser() -> _Parser:
    parser = _Parser(prog="derive", description="Shape arithmetic of convolutions and transposed convolutions.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    shape = sub.add_parser(
        "shape",
        help="lengths from the generic model or a framework model",
        description="Generic model: derive shape {forward,transposed,preimage,same-padding} --n N --kernel K "
        "[--stride S] [--dilation D] [--padding P|LO:HI|valid|same|same_lower|full|causal] [--output-padding A]. "
        "Framework: derive shape FRAMEWORK {conv,conv-transpose,accepted} --n N --<framework-argument> VALUE ... "
        "Comma lists give one value per axis (--n 4,4).",
    )
    shape.add_argument("what", help="forward, transposed, preimage, same-padding, or a framework name")
    shape.add_argument("op", nargs="?", help="for a framework: conv, conv-transpose or accepted")
    shape.add_argument("--n", help="input length (comma list for several axes)")
    shape.add_argument("--kernel")
    shape.add_argument("--stride")
    shape.add_argument("--dilation")
    shape.add_argument("--padding")
    shape.add_argument("--output-padding")
    shape.add_argument("--json", action="store_true", help="machine-readable output")

    check = sub.add_parser(
        "check",
        help="prove a proposition over the integers",
        description="Free names are positive integers, except names an --assume mentions, which are integers "
        "constrained only by the assumptions.",
    )
    check.add_argument("proposition", help='e.g. "ceiling(n/s) == floor((n+s-1)/s)"')
    check.add_argument("--assume", action="append", default=[], help="a hypothesis (repeatable)")
    check.add_argument("--timeout", type=float, default=10.0, help="solver seconds (default 10)")
    check.add_argument("--box", action="store_true", help="second opinion: exhaustive check on a small box")
    check.add_argument("--cvc5", action="store_true", help="second opinion: cvc5 on the same SMT-LIB2")
    check.add_argument("--smt2", action="store_true", help="print the SMT-LIB2 query")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    prove = sub.add_parser(
        "prove",
        help="run the proof catalogue (every script in proofs/ by default)",
        description="Decide every claim of the given proof scripts; exit 0 when every verdict matches its expectation.",
    )
    prove.add_argument("paths", nargs="*", help="proof scripts or directories (default: proofs/)")
    prove.add_argument("-k", metavar="PATTERN", help="only claims whose id or statement contains PATTERN (or glob)")
    prove.add_argument("--json", action="store_true", help="machine-readable report")
    prove.add_argument("--smt2", metavar="DIR", help="write each decided query as SMT-LIB2 into DIR")
    prove.add_argument("--jobs", type=int, default=None, help="worker processes (default: all cores)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args, extra = parser.parse_known_args(argv)
        if args.command == "shape":
            if args.what in GENERIC and args.op is not None:
                raise ParameterError("operation", f"takes no operation after '{args.what}'", args.op)
            if args.what not in GENERIC and args.op is None:
                raise ParameterError("what", f"must be one of {', '.join(GENERIC)} or a framework name", args.what)
            return cmd_shape(args, extra)
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if args.command == "check":
            return cmd_check(args)
        if args.command == "prove":
            return cmd_prove(args)
    except DeriveError as e:
        print(f"derive: error: {e}", file=sys.stderr)
        return 2
    return 2
