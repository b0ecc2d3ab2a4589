"""The ``derive`` command line. Printing and exit codes live here and nowhere else.

Exit codes: 0 success (or "proved"), 1 refuted / unknown / a claim off its expectation,
2 bad input (one line naming the parameter, the rule and the value; never a traceback).
The ``shape`` command's numeric path imports neither SymPy nor Z3.
"""

from __future__ import annotations

import os
import sys

from .errors import DeriveError, ParameterError

# argparse and json load where they are used, and typing and inspect nowhere: `derive explain` and `derive shape`
# start without them (their command lines are read by _fast_args), see bench/startup.py and tests/test_startup.py
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, NoReturn


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse's parser that reports bad usage as one line and exit code 2 (argparse imported here)."""
    import argparse

    class _Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # no abbreviations: '--s 2' must not silently mean '--svg 2' (explain's framework flags pass through)
            kwargs.setdefault("allow_abbrev", False)
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> NoReturn:
            print(f"derive: error: {message} (see '{self.prog} --help')", file=sys.stderr)
            raise SystemExit(2)

        def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
            # argparse drops the value '--' of '--n=--' and hands the command an empty list
            if action.nargs is None and arg_strings == ["--"]:
                return self._get_value(action, "--")
            return super()._get_values(action, arg_strings)

    return _Parser


def _dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` (json imported here: the text output starts without it)."""
    import json

    return json.dumps(value, **options)


# -- value parsing -------------------------------------------------------------------------


def _is_integer(text: str) -> bool:
    """ASCII digits with an optional sign: ``int()`` alone also takes '٣', ' 4' and '1_0', ``isdigit`` '²'."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    return digits != "" and all("0" <= c <= "9" for c in digits)


def _int(name: str, text: str) -> int:
    if not isinstance(text, str) or not _is_integer(text.strip()):
        raise ParameterError(name, "must be an integer", text)
    return int(text.strip())


def _axes(name: str, text: str | None) -> list[str] | None:
    """Split a per-axis list ``4,4`` (one entry per spatial axis)."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if any(not p for p in parts):
        raise ParameterError(name, "must be a value or a comma-separated list with one value per axis", text)
    return parts


def _seconds(text: str) -> float:
    """``--timeout``: seconds, finite and above 0 (argparse reports a refusal as one line)."""
    import argparse

    from .prover import MAX_TIMEOUT

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid float value: {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:  # also nan
        raise argparse.ArgumentTypeError(f"must be seconds above 0 and at most {MAX_TIMEOUT:g} (got {text!r})")
    return value


def _generic_padding(text: str) -> object:
    """``3`` → 3, ``1:2`` → (1, 2), a mode name → itself."""
    if ":" in text:
        lo, _, hi = text.partition(":")
        return (_int("padding", lo), _int("padding", hi))
    if _is_integer(text):
        return int(text)
    return text


def _framework_value(name: str, text: str) -> object:
    """A framework argument typed on the command line: int, comma tuple, None, bool, string or bracketed literal.

    A bracketed value is taken as written, e.g. jax's explicit pads ``--padding "[(1, 2)]"``.
    """
    lowered = text.lower()
    if text.strip()[:1] in "[(" and text.strip():
        import ast

        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            value = None
        if not _nested_ints(value):
            raise ParameterError(name, "must be brackets of integers, e.g. [(1, 2)]", text)
        return value
    if lowered == "none":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if "," in text:
        return _Column(_framework_value(name, p) for p in _axes(name, text) or [])
    if _is_integer(text):
        return int(text)
    return text


class _Column(tuple):
    """A comma list typed on the command line (``1,0``): one value per axis, unlike a bracketed literal."""


def _nested_ints(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return bool(value) and all(_nested_ints(v) for v in value)
    return isinstance(value, int) and not isinstance(value, bool)


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

    def column(name: str, text: str | None, parse: Any = _int) -> list[Any] | None:
        # a flag given empty ('--padding=') is a bad value, not a missing one
        return None if text is None else [parse(name, v) for v in _axes(name, text) or []]

    columns = {
        "n": column("n", args.n),
        "kernel": column("kernel", args.kernel),
        "stride": column("stride", args.stride),
        "dilation": column("dilation", args.dilation),
        "padding": column("padding", args.padding, lambda _, v: _generic_padding(v)),
        "output_padding": column("output_padding", args.output_padding),
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
            results.append(None if iv.empty else _Interval(iv.lower, iv.upper))
        else:
            pad = axis.pop("padding", "same")
            extra = {"same": "end", "same_lower": "start"}.get(pad)
            if extra is None:
                raise ParameterError("padding", "must be same or same_lower for same-padding", pad)
            axis.pop("output_padding", None)
            results.append(lengths.same_padding(n, extra=extra, **axis))
    return args.what, results


def _parameters(fn: Any) -> tuple[list[str], list[str]]:
    """A framework's length function's parameter names, and the ones without a default, read off its code object
    (``inspect.signature`` costs ``derive shape`` its start-up; tests/test_cli.py checks the two agree)."""
    code = fn.__code__
    positional = code.co_varnames[: code.co_argcount]
    keyword = code.co_varnames[code.co_argcount : code.co_argcount + code.co_kwonlyargcount]
    required = positional[: len(positional) - len(fn.__defaults__ or ())]
    required += tuple(name for name in keyword if name not in (fn.__kwdefaults__ or {}))
    return [*positional, *keyword], list(required)


def _shape_framework(args: argparse.Namespace, extra: list[str]) -> tuple[str, list[Any]]:
    from . import frameworks

    module = frameworks.get(args.what)
    functions = {"conv": "conv_length", "conv-transpose": "conv_transpose_length", "accepted": "accepted_lengths"}
    if args.op not in functions:
        raise ParameterError("operation", f"must be one of {', '.join(functions)}", args.op)
    fn = getattr(module, functions[args.op], None)
    if fn is None:
        raise ParameterError("operation", f"is not modelled for {args.what}", args.op)
    parameters, required = _parameters(fn)
    names = [p for p in parameters if p != "n"]
    kwargs: dict[str, Any] = {}
    # argparse has already consumed the generic model's options; hand them to the framework by name
    for key in ("kernel", "stride", "dilation", "padding", "output_padding"):
        value = getattr(args, key, None)
        if value is not None:
            flag = f"--{key.replace('_', '-')}"
            if key not in names:
                raise ParameterError(
                    flag, f"is not an argument of {args.what} {args.op} (takes {', '.join(names)})", value
                )
            kwargs[key] = _framework_value(key, value)
    for token, value in _flags(extra, "--name value"):
        key = token[2:].replace("-", "_")
        if key not in names:
            raise ParameterError(
                token, f"is not an argument of {args.what} {args.op} (takes {', '.join(names)})", token
            )
        kwargs[key] = _framework_value(key, value)
    ns = _lengths("--n", args.n)
    missing = [name for name in required if name != "n" and name not in kwargs]
    if missing:
        flags = ", ".join(f"--{name.replace('_', '-')}" for name in missing)
        raise ParameterError(flags, f"is required by {args.what} {args.op}", None)
    # one 1-D call per axis (every framework, every operation): comma lists are split as explain splits them
    results: list[Any] = []
    for n, row in zip(ns, _per_axis(kwargs, len(ns)), strict=True):
        result = fn(n, **row)
        _one_axis(result, row, len(ns), pair=args.op == "accepted")
        results.append(_Interval(*result) if args.op == "accepted" else result)
    return f"{args.what} {args.op}", results


def _one_axis(result: Any, row: dict[str, Any], axes: int, pair: bool = False) -> None:
    """Refuse a value the framework read as several axes (torch's padding=(1, 1) is ConvTranspose2d's)."""
    values = result if pair and isinstance(result, tuple) else (result,)
    # an accepted interval may have no top (TensorFlow's oneDNN accepts every output_shape for n = 0)
    if all(v is None or isinstance(v, int) or (pair and v == _UNBOUNDED) for v in values):
        return
    key, value = next(((k, v) for k, v in row.items() if isinstance(v, (tuple, list))), ("n", None))
    flag = f"--{key.replace('_', '-')}"
    raise ParameterError(flag, f"must have one value per axis of --n ({axes}), as a comma list", value)


def _flags(extra: list[str], label: str) -> list[tuple[str, str]]:
    """``--name value`` and ``--name=value`` tokens as (``--name``, value) pairs."""
    pairs = []
    it = iter(extra)
    for token in it:
        if not token.startswith("--") or token == "--":
            raise ParameterError("argument", f"must be {label}", token)
        name, eq, value = token.partition("=")
        if not eq:
            value = next(it, None)
            if value is None:
                raise ParameterError(token, "needs a value", None)
        if len(name) < 3:
            raise ParameterError("argument", f"must be {label}", token)
        pairs.append((name, value))
    return pairs


_UNBOUNDED = float("inf")


class _Interval(tuple):
    """An interval of lengths, printed ``lo..hi`` (and as a list in JSON)."""

    def __new__(cls, lo: int, hi: int) -> _Interval:
        return super().__new__(cls, (lo, hi))


def _format(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, _Interval):
        if value[1] == _UNBOUNDED:
            return f"{value[0]}..∞"
        return f"{value[0]}..{value[1]}" if value[0] <= value[1] else "none"
    return str(value)


def _json_value(value: Any) -> Any:
    """One axis's result in JSON: a length, ``[lo, hi]`` (hi null: no top), or null for an empty interval."""
    if isinstance(value, _Interval) and value[0] > value[1]:
        return None
    if isinstance(value, _Interval) and value[1] == _UNBOUNDED:
        return [value[0], None]  # no top: JSON has no infinity
    return list(value) if isinstance(value, tuple) else value


def cmd_shape(args: argparse.Namespace, extra: list[str]) -> int:
    if args.what in GENERIC and args.op is not None:
        raise ParameterError("operation", f"takes no operation after '{args.what}'", args.op)
    if args.what not in GENERIC and args.op is None:
        raise ParameterError("what", f"must be one of {', '.join(GENERIC)} or a framework name", args.what)
    if args.what in GENERIC:
        if extra:
            raise ParameterError(extra[0], "is not an argument of derive shape " + args.what, extra[0])
        label, results = _shape_generic(args)
    else:
        label, results = _shape_framework(args, extra)
    if args.json:
        ns = [_int("n", v) for v in _axes("n", args.n) or []]
        print(_dumps({"query": label, "n": ns, "result": [_json_value(r) for r in results]}))
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
            _dumps(
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

    if args.docs and args.k:
        raise ParameterError("--docs", "cannot be combined with -k (the documents cover the whole catalogue)", args.k)
    loaded = catalogue.load_catalogue(catalogue.discover(args.paths))
    claims = catalogue.select(loaded.claims, args.k)
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
    docs_ok, docs_facts, docs_lines = True, None, []
    if args.docs:
        from . import document

        inputs = document.collect(args.paths, report=report, catalogue=loaded)
        docs_ok, docs_facts, docs_lines = write_documents(inputs, Path(args.docs), Path(args.pdf), args.no_pdf, False)
    if args.json:
        print(_dumps({**catalogue.as_json(report), "docs": docs_facts}, indent=1))  # null without --docs
    else:
        import shutil  # here, not at the top: the fast commands start without it

        width = None if args.wide else shutil.get_terminal_size((100, 24)).columns
        for line in catalogue.summary_lines(report, width):
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
        for line in docs_lines:
            if not line.startswith("OFF: "):
                print(line)
    return 0 if report.ok and docs_ok else 1


# -- docs ----------------------------------------------------------------------------------


def write_documents(
    inputs: Any, out: Any, pdf: Any, no_pdf: bool, check: bool, title: str | None = None
) -> tuple[bool, dict[str, Any], list[str]]:
    """Write (or, with ``check``, compare) the documents of ``inputs``; returns ok, a JSON summary and text lines.

    ``title``: a document of its own (see :func:`derive.document.render`)."""
    from . import document

    if out.exists() and not out.is_dir():
        raise ParameterError("--out", "must be a directory", str(out))
    files = document.render(inputs, title)
    results = inputs.report.results
    steps = [line for p in inputs.proofs for line in p.steps]
    facts: dict[str, Any] = {
        "claims": len(results),
        "off_expectation": [r.claim.id for r in results if not r.ok],
        "steps": len(steps),
        "steps_proved": sum(1 for line in steps if line.verdict is not None and line.verdict.proved),
    }
    lines: list[str] = []
    if check:
        stale = document.differences(files, out)
        lines += [f"stale: {out / name}" for name in stale]
        lines.append(
            f"{len(files) - len(stale)} of {len(files)} files up to date" + ("; run 'derive docs'" * bool(stale))
        )
        ok = not stale and inputs.ok
        nothing = {"files": [], "pdf": None, "pdf_status": "not asked", "latex_problems": []}  # one layout
        return ok, {"ok": ok, "stale": list(stale), **nothing, **facts}, lines
    written = document.write(files, out)
    build = None if no_pdf else document.build_pdf(out, pdf)
    ok = inputs.ok and (build is None or build.status != "failed") and not (build and build.problems)
    facts = {
        "ok": ok,
        "stale": [],
        "files": [str(p) for p in written],
        "pdf": str(build.pdf) if build and build.pdf else None,
        "pdf_status": "not asked" if build is None else build.status,
        "latex_problems": list(build.problems) if build else [],
        **facts,
    }
    lines.append(f"wrote {len(written)} files in {out}: {', '.join(p.name for p in written)}")
    if build is not None:
        lines.append({"skipped": document.TEX_HINT, "built": f"built {build.pdf}"}.get(build.status, "LaTeX failed"))
        lines += [f"LaTeX: {problem}" for problem in build.problems[:20]]
    lines.append(
        f"{facts['claims']} theorems, {len(facts['off_expectation'])} off expectation; "
        f"{facts['steps']} derivation steps, {facts['steps_proved']} proved"
    )
    lines += [f"OFF: {claim_id}" for claim_id in facts["off_expectation"]]
    return ok, facts, lines


def cmd_docs(args: argparse.Namespace) -> int:
    import time
    from pathlib import Path

    from . import document

    start = time.perf_counter()
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ParameterError("--out", "must be a directory", str(out))
    inputs = document.collect(args.paths, jobs=args.jobs)
    ok, facts, lines = write_documents(inputs, out, Path(args.pdf), args.no_pdf, args.check)
    seconds = time.perf_counter() - start
    if args.json:
        print(_dumps({**facts, "seconds": round(seconds, 2)}))
    else:
        print("\n".join(lines) + ("" if args.check else f"; in {seconds:.1f}s"))
    return 0 if ok else 1


# -- solve, explain, port ------------------------------------------------------------------


def _layer_kwargs(extra: list[str], label: str) -> dict[str, Any]:
    """``--kernel-size 3 --strides 2`` (the framework's own names) as keyword arguments."""
    kwargs: dict[str, Any] = {}
    for token, value in _flags(extra, f"--name value (a {label} argument)"):
        kwargs[token[2:].replace("-", "_")] = _framework_value(token, value)
    return kwargs


def _lengths(name: str, text: str | None) -> list[int]:
    if text is None:
        raise ParameterError(name, "is required", None)
    return [_int(name.lstrip("-"), v) for v in _axes(name, text) or []]


def _per_axis(kwargs: dict[str, Any], axes: int) -> list[dict[str, Any]]:
    """One keyword dict per axis of --n.

    A comma list (``--padding 1,0``) gives one value per axis (one axis: the list is that axis's value, e.g.
    onnx's ``--pads 1,2``; several: onnx's ``--pads 1,0,2,0`` is ONNX's begins-then-ends); a bracketed list of
    one entry per axis (``--padding "[(1, 2), (0, 0)]"``) is split too; any other value is shared by every axis.
    """
    rows: list[dict[str, Any]] = [{} for _ in range(axes)]
    for key, value in kwargs.items():
        if key == "pads" and axes > 1 and isinstance(value, _Column):
            # ONNX's own layout: every axis's begin, then every axis's end (x1_begin, x2_begin, x1_end, x2_end)
            if len(value) != 2 * axes:
                rule = f"takes ONNX's layout for {axes} axes: {2 * axes} values, each axis's begin then each end"
                raise ParameterError("--pads", rule, value)
            value = [(value[i], value[i + axes]) for i in range(axes)]
        split = axes > 1 and (isinstance(value, _Column) or (isinstance(value, list) and len(value) == axes))
        if split and len(value) not in (1, axes):
            raise ParameterError(
                f"--{key.replace('_', '-')}", f"must have 1 or {axes} comma-separated values (one per axis)", value
            )
        for i, row in enumerate(rows):
            row[key] = _plain(value[i] if split and len(value) == axes else value[0] if split else value)
    return rows


def _plain(value: Any) -> Any:
    """A comma list as the plain tuple a framework call takes."""
    return tuple(value) if isinstance(value, _Column) else value


def _bounds(args: argparse.Namespace) -> Any:
    from .inverse import Bounds, Range, space
    from .solve import parse_range

    high = None if args.max is None else _int("max", args.max)
    if high is not None and high < 1:
        raise ParameterError("--max", "must be a positive integer", args.max)
    has = space(args.framework, args.backend).has
    ranges = {}
    for role, low in (("kernel", 1), ("stride", 1), ("dilation", 1), ("padding", 0)):
        text = getattr(args, role)
        if text is not None:
            ranges[role] = parse_range(f"--{role}", text, low)
        elif high is not None and has(role):  # --max bounds the knobs the framework has (keras: no int padding)
            ranges[role] = Range(low, high)
    modes = tuple(args.mode) if args.mode else None
    return Bounds(**ranges, modes=modes)


def _paste(answers: Sequence[Any]) -> str:
    """The simplest member of each axis's first family as one call to paste (the N-d layer for several)."""
    from .calls import NoCallError, call, rank_name

    try:
        return call(answers[0].space, [a.first for a in answers])
    except NoCallError as e:
        layer = rank_name(answers[0].space.operation, len(answers))
        return f"none: one {layer} takes one {e.name} for every axis, and these axes need different ones"


def _solution_lines(sol: Any, axes: str, marks: list[tuple[str | None, bool]] | None = None,
                    rank: int = 1, example: str | None = None) -> list[str]:  # fmt: skip
    """The lines of one axis group; ``example`` is the call to paste (None: the caller prints it)."""
    from .calls import rank_name

    head = f"{rank_name(sol.operation, rank)}{axes}: n={sol.n} -> {sol.out}"
    if not sol.answers:
        out = [f"{head}: nothing fits", f"  why: {sol.why}"]
        out += [f"  nearest: {x.length} with {x.text}" for x in sol.nearest]
        return out
    marks = marks or [(None, False)] * len(sol.answers)
    every = sol.out % sol.n == 0
    out = [f"{head}, simplest first"]
    for a, (length, proved) in zip(sol.answers, marks, strict=True):
        if length is None:
            mark = ""
        elif proved:
            mark = f"  [{length} for every n]"
        else:
            mark = f"  [{length}: {sol.out} only at n={sol.n}]" if every else f"  [{length}]"
        out.append(f"  {a.text}{mark}")
    if example:
        out.append(f"  e.g. {example}")
    if sol.capped is not None:
        out.append(f"  (the open search gave up before its first answer: these are the simplest with every open "
                   f"knob <= {sol.capped})")  # fmt: skip
    if sol.complete:
        total = sol.configurations
        counted = "" if total is None else f": {total} configuration{'s' * (total != 1)}"
        out.append(f"  (all {len(sol.answers)} within the bounds{counted})")
    else:
        out.append("  ... more: raise --limit, or bound the knobs and use --all")
    return out


def _answer_json(a: Any, length: str | None, every_n: bool) -> dict[str, Any]:
    return {
        "text": a.text,
        "fixed": dict(a.family.fixed),
        "free": [{"knob": k, "start": s, "step": t} for k, s, t in a.family.free],
        "count": a.count,
        "first": a.first,
        "length": length,
        "every_n": every_n,
    }


def _solution_json(sol: Any, marks: list[tuple[str | None, bool]]) -> dict[str, Any]:
    """One axis of ``solve --json`` (the layout the README documents; a formula --out has the same keys)."""
    return {
        "framework": sol.framework,
        "operation": sol.operation,
        "n": sol.n,
        "out": sol.out,
        "domain": None,
        "answers": [_answer_json(a, length, proved) for a, (length, proved) in zip(sol.answers, marks, strict=True)],
        "complete": sol.complete,
        "capped": sol.capped,
        "why": sol.why,
        "nearest": [{"length": x.length, "configuration": x.configuration} for x in sol.nearest],
    }


def cmd_solve(args: argparse.Namespace, extra: list[str] | None = None) -> int:
    from . import solve as S

    if args.all and args.limit is not None:
        raise ParameterError("--all", "contradicts --limit (all answers, or the first N)", args.limit)
    limit = None if args.all else (10 if args.limit is None else _int("limit", args.limit))
    ranges, modes = S.native_ranges(args.framework, args.backend, extra or [])
    for role, text in ranges.items():
        if getattr(args, role) is not None:
            raise ParameterError(f"--{role}", "is given twice (as itself and by the framework's name)", text)
        setattr(args, role, text)
    if args.padding is not None and args.padding[:1].isalpha():
        modes.append(args.padding)  # --padding same: the framework's padding mode, as explain and port take it
        args.padding = None
    args.mode = (args.mode or []) + modes or None
    if args.out is not None and any(c.isalpha() for c in args.out):
        return _solve_every(args, limit)
    ns, outs = _lengths("--n", args.n), _lengths("--out", args.out)
    sols = S.solve_axes(args.framework, tuple(ns), tuple(outs), _bounds(args), limit=limit, backend=args.backend)
    if args.json:
        print(_dumps({"axes": [_solution_json(s, S.every_n(s)) for s in sols]}, default=str))
    else:
        groups: dict[int, list[int]] = {}
        for i, sol in enumerate(sols):
            groups.setdefault(id(sol), []).append(i)
        # one group for every axis: its simplest member on each; groups that differ: one call after them all
        together = len(groups) == 1 and sols[0].answers
        for i, sol in enumerate(sols):
            axes = groups[id(sol)]
            if axes[0] != i:
                continue
            label = f" (axis {', '.join(map(str, axes))})" if len(groups) > 1 else " (each axis)" * (len(sols) > 1)
            example = _paste([sol.answers[0]] * len(sols)) if together else None
            print("\n".join(_solution_lines(sol, label, S.every_n(sol), len(sols), example)))
        if not together and all(s.answers for s in sols):
            print(f"e.g. {_paste([s.answers[0] for s in sols])}")
    return 0 if all(s.answers for s in sols) else 1


def _solve_every(args: argparse.Namespace, limit: int | None) -> int:
    """``solve --out "2*n"``: the settings proved to give the formula for every n, simplest first."""
    from . import solve as S

    if args.n is not None:
        raise ParameterError("--n", "has no meaning with a formula --out (it holds for every n)", args.n)
    if "," in args.out:
        raise ParameterError("--out", "takes one formula (every axis answers the same)", args.out)
    sol = S.solve_every(args.framework, args.out, _bounds(args), limit=limit, backend=args.backend)
    if args.json:
        axis = {
            "framework": sol.framework,
            "operation": sol.operation,
            "n": None,
            "out": str(sol.out),
            "domain": sol.domain,
            "answers": [_answer_json(e.answer, str(sol.out), True) for e in sol.answers],
            "complete": sol.complete,
            "capped": None,
            "why": None if sol.answers else f"none of the {sol.tried} families that give it at one n does for every n",
            "nearest": [],
        }
        print(_dumps({"axes": [axis]}, default=str))
        return 0 if sol.answers else 1
    head = f"{sol.operation}: length {sol.out} for every n ({sol.domain}), proved for each family"
    if not sol.answers:
        print(f"{head}: nothing fits (of the {sol.tried} families that give it at one n, none does for every n)")
        return 1
    print(head + ", simplest first")
    for e in sol.answers:
        print(f"  {e.answer.text}")
    print(f"  e.g. {_paste([sol.answers[0].answer])}")
    if not sol.complete or (limit is not None and len(sol.answers) == limit):
        print("  ... more: raise --limit, or bound the knobs and use --all")
    return 0


def cmd_explain(args: argparse.Namespace, extra: list[str]) -> int:
    from . import explain as E

    ns = _lengths("--n", args.n)
    kwargs = _layer_kwargs(extra, f"{args.framework} transposed convolution")
    rows = _per_axis(kwargs, len(ns))
    found = [E.explain(args.framework, n, backend=args.backend, **row) for n, row in zip(ns, rows, strict=True)]
    for e, row in zip(found, rows, strict=True):
        _one_axis(e.length, row, len(ns))
    if args.svg:
        from . import figures

        figures.write_svg(figures.explain_figure(args.framework, ns, rows, args.backend), args.svg)
    if args.json:
        print(_dumps({"axes": [E.as_json(e) for e in found]}))
    else:
        if len(found) > 1:
            print(_nd_head(args, rows, found))
        for i, e in enumerate(found):
            if len(found) > 1:
                print(f"axis {i}:")
            print("\n".join(E.lines(e)))
    return 0 if all(e.refused is None for e in found) else 1


def _nd_head(args: argparse.Namespace, rows: list[dict[str, Any]], found: list[Any]) -> str:
    """The layer of several axes as asked, with its lengths: ``...Conv2DTranspose(...) on n=(4, 4): (16, 16)``."""
    from .calls import NoCallError, call, rank_name
    from .explain import length_text
    from .inverse import space

    inverse = space(args.framework, args.backend)
    texts = [length_text(e) for e in found]
    caller = all(e.length is None and not e.refused for e in found)  # tensorflow: the caller passes the length
    shown = texts[0] if caller else "(" + ", ".join(texts) + ")"
    try:
        text = call(inverse, [inverse.bind(row) for row in rows])
    except NoCallError as e:
        text = f"{rank_name(inverse.operation, len(rows))} (no one call: the axes need different values of {e.name})"
    return f"{text} on n=({', '.join(str(e.n) for e in found)}): {shown}"


def cmd_port(args: argparse.Namespace, extra: list[str]) -> int:
    from .port import lines, port

    kwargs = {k: _plain(v) for k, v in _layer_kwargs(extra, f"{args.source} transposed convolution").items()}
    p = port(args.source, args.target, source_backend=args.from_backend, target_backend=args.to_backend, **kwargs)
    if args.json:
        print(
            _dumps(
                {
                    "source": p.source,
                    "target": p.target,
                    "configuration": p.configuration,
                    "length": p.length,
                    "domain": p.domain,
                    "status": None if p.verdict is None else p.verdict.status.value,
                    "counterexample": p.counterexample,
                    "alternative": p.alternative,
                    "alignment": p.alignment,
                    "samples_status": None if p.samples is None else p.samples.status.value,
                    "source_window": p.source_window,
                    "target_window": p.target_window,
                    "fix": p.fix,
                    "fix_configuration": p.fix_configuration,
                    "crop": p.crop,
                    "notes": list(p.notes),
                },
                default=str,
            )
        )
    else:
        print("\n".join(lines(p)))
    return 0 if p.aligned else 1


def knob_lines(framework: str) -> list[str]:
    """What solve, explain and port take for one framework: its call, knobs, modes and backends."""
    from .inverse import space

    inverse = space(framework)
    out = [f"{inverse.framework}: {inverse.operation} (forward: {inverse.forward_operation})"]
    for k in inverse.knobs:
        flag = "--" + k.name.replace("_", "-")
        required = k.role == "kernel" or (k.role == "target" and inverse.needs_target)
        default = "required" if required else f"default {k.default!r}"
        out.append(f"  {flag:<18} {k.role:<9} {default:<16} {k.rule}")
    if inverse.modes:
        out.append(f"  padding modes: {', '.join(inverse.modes)}")
    if inverse.backends != (None,):
        out.append(f"  --backend: {', '.join('(none)' if b is None else b for b in inverse.backends)}")
    return out


def knobs_json(framework: str) -> dict[str, Any]:
    """``knobs_lines`` as data: one entry of ``derive knobs --json``."""
    from .inverse import space

    inverse = space(framework)
    knobs = []
    for k in inverse.knobs:
        required = k.role == "kernel" or (k.role == "target" and inverse.needs_target)
        knobs.append({"flag": "--" + k.name.replace("_", "-"), "name": k.name, "role": k.role,
                      "required": required, "default": None if required else k.default, "rule": k.rule})  # fmt: skip
    return {
        "framework": inverse.framework,
        "operation": inverse.operation,
        "forward_operation": inverse.forward_operation,
        "knobs": knobs,
        "modes": list(inverse.modes),
        "backends": list(inverse.backends),
    }


def cmd_knobs(args: argparse.Namespace) -> int:
    from .inverse import covered

    names = [args.framework] if args.framework is not None else list(covered())  # '' is no framework
    if args.json:
        print(_dumps({"frameworks": [knobs_json(name) for name in names]}, default=str))
    else:
        print("\n".join(line for name in names for line in knob_lines(name)))
    return 0


# -- entry ---------------------------------------------------------------------------------


BACKEND_HELP = (
    "backend or implementation: keras/keras2 tensorflow|jax|torch (default: Keras' own shape); "
    "onnx shape_inference|reference|onnxruntime (default: the spec); mxnet onednn (default: the native kernel)"
)


def _parent(*arguments: tuple[tuple[str, ...], dict[str, Any]]) -> argparse.ArgumentParser:
    """Options several subcommands share, declared once (argparse ``parents``)."""
    import argparse

    parent = argparse.ArgumentParser(add_help=False)
    for names, options in arguments:
        parent.add_argument(*names, **options)
    return parent


def _pinned(command: Any) -> Any:
    """``command`` run with TensorFlow's Eigen kernels: the catalogue states their rules, on every CPU."""

    def run(args: argparse.Namespace) -> int:
        from .machine import pinned

        with pinned(tensorflow="eigen"):
            return command(args)

    return run


def _parents() -> dict[str, argparse.ArgumentParser]:
    """The options several subcommands share, by name."""
    return {
        "json": _parent(
            (("--json",), {"action": "store_true", "help": "machine-readable output (keys: see the README)"})
        ),
        "length": _parent((("--n",), {"help": "input length (comma list for several axes)"})),
        "backend": _parent((("--backend",), {"help": BACKEND_HELP})),
        "scripts": _parent(
            (
                ("paths",),
                {
                    "nargs": "*",
                    "help": "proof scripts, directories of them, or framework keys (default: all, and proofs/)",
                },
            ),
            (("--jobs",), {"type": int, "default": None, "help": "worker processes (default: all cores)"}),
        ),
    }


def _add_shape(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    from .registry import listing

    shape = sub.add_parser(
        "shape",
        help="lengths from the generic model or a framework model",
        description="Generic model: derive shape {forward,transposed,preimage,same-padding} --n N --kernel K "
        "[--stride S] [--dilation D] [--padding P|LO:HI|valid|same|same_lower|full|causal] [--output-padding A]. "
        "Framework: derive shape FRAMEWORK {conv,conv-transpose,accepted} --n N --<framework-argument> VALUE ... "
        "Comma lists give one value per axis (--n 4,4).",
        parents=[p["length"], p["json"]],
    )
    shape.set_defaults(func=cmd_shape, extra=True)
    shape.add_argument("what", help=f"forward, transposed, preimage, same-padding, or a framework: {listing()}")
    shape.add_argument("op", nargs="?", help="for a framework: conv, conv-transpose or accepted")
    shape.add_argument("--kernel")
    shape.add_argument("--stride")
    shape.add_argument("--dilation")
    shape.add_argument("--padding")
    shape.add_argument("--output-padding")


def _add_check(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    import argparse

    from .grammar import GRAMMAR

    check = sub.add_parser(
        "check",
        help="prove a proposition over the integers",
        description="Free names are positive integers, except names an --assume mentions, which are integers "
        "constrained only by the assumptions.",
        epilog=GRAMMAR,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[p["json"]],
    )
    check.set_defaults(func=cmd_check, extra=False)
    check.add_argument("proposition", help='e.g. "ceiling(n/s) == floor((n+s-1)/s)"')
    check.add_argument("--assume", action="append", default=[], help="a hypothesis (repeatable)")
    check.add_argument("--timeout", type=_seconds, default=10.0, help="solver seconds (default 10)")
    check.add_argument("--box", action="store_true", help="second opinion: exhaustive check on a small box")
    check.add_argument("--cvc5", action="store_true", help="second opinion: cvc5 on the same SMT-LIB2")
    check.add_argument("--smt2", action="store_true", help="print the SMT-LIB2 query")


def _add_prove(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    prove = sub.add_parser(
        "prove",
        help="run the proof catalogue (every framework's claims and every script in proofs/ by default)",
        description="Decide every claim of the given proof scripts; exit 0 when every verdict matches its expectation.",
        parents=[p["scripts"], p["json"]],
    )
    prove.set_defaults(func=_pinned(cmd_prove), extra=False)
    prove.add_argument("-k", metavar="PATTERN", help="only claims whose id or statement contains PATTERN (or glob)")
    prove.add_argument("--wide", action="store_true", help="print every column whole (default: fit the terminal)")
    prove.add_argument("--smt2", metavar="DIR", help="write each decided query as SMT-LIB2 into DIR")
    prove.add_argument(
        "--docs",
        nargs="?",
        const="docs/derivations",
        metavar="DIR",
        help="also write the derivation documents from this run's verdicts (as 'derive docs'; default DIR "
        "docs/derivations)",
    )
    prove.add_argument("--pdf", default="docs/derivations.pdf", help="with --docs: where the PDF goes")
    prove.add_argument("--no-pdf", action="store_true", help="with --docs: write the .tex files only")


def _add_docs(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    docs = sub.add_parser(
        "docs",
        help="write the LaTeX derivations (and the PDF when TeX is installed)",
        description="Prove the catalogue and every derivation step, write one .tex per framework plus a main "
        "document into --out, and build the PDF with latexmk/pdflatex when they are installed. Exit 0 when every "
        "claim has its expected verdict, every step is proved and LaTeX reports no error or undefined reference.",
        parents=[p["scripts"], p["json"]],
    )
    docs.set_defaults(func=_pinned(cmd_docs), extra=False)
    docs.add_argument(
        "--out", default="docs/derivations", help="directory of the .tex files (default docs/derivations)"
    )
    docs.add_argument("--pdf", default="docs/derivations.pdf", help="where the PDF goes (default docs/derivations.pdf)")
    docs.add_argument("--no-pdf", action="store_true", help="write the .tex files only")
    docs.add_argument("--check", action="store_true", help="write nothing; exit 1 when the files in --out are stale")


def _add_solve(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    from .registry import listing

    solve = sub.add_parser(
        "solve",
        help="every transposed-convolution setting that maps n to a target length",
        description="Every setting of FRAMEWORK's transposed convolution that maps --n to --out, simplest first "
        "(fewest knobs off their plain value, the stride nearest out/n first). Ranges are LO..HI or one value; "
        "unbounded knobs give endless families (t >= 0). Comma lists give one length per axis (--n 4,4).",
        parents=[p["length"], p["backend"], p["json"]],
    )
    solve.set_defaults(func=cmd_solve, extra=True)
    solve.add_argument("framework", help=f"a framework: {listing()}")
    solve.add_argument("--out", help="target length (comma list for several axes)")
    solve.add_argument("--kernel", help="kernel size range, e.g. 3 or 1..8")
    solve.add_argument("--stride", help="stride range")
    solve.add_argument("--dilation", help="dilation range")
    solve.add_argument("--padding", help="padding range (each side), for frameworks with integer padding")
    solve.add_argument("--mode", action="append", help="allowed padding mode, as the framework spells it (repeatable)")
    solve.add_argument("--max", help="upper bound of every range not given")
    solve.add_argument("--limit", help="number of answers (default 10)")
    solve.add_argument("--all", action="store_true", help="every answer (needs bounded knobs)")


def _add_explain(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    from .registry import listing

    explain = sub.add_parser(
        "explain",
        help="one transposed-convolution call: its length, formula, preimage and refusals",
        description="derive explain FRAMEWORK --n N --<framework-argument> VALUE ... (the framework's own names, "
        "e.g. --kernel-size 3 --strides 2 --padding same). Comma lists give one value per axis.",
        parents=[p["length"], p["backend"], p["json"]],
    )
    explain.set_defaults(func=cmd_explain, extra=True)
    explain.add_argument("framework", help=f"a framework: {listing()}")
    explain.add_argument("--svg", metavar="FILE", help="also draw the taps and the length over n as an SVG file")


def _add_knobs(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    from .registry import listing

    knobs = sub.add_parser(
        "knobs",
        help="the arguments solve, explain and port take for a framework",
        description="Each framework's transposed convolution as the queries see it: the call, every argument "
        "(as the framework spells it) with its role, default and rule, the padding modes and the backends.",
        parents=[p["json"]],
    )
    knobs.set_defaults(func=cmd_knobs, extra=False)
    knobs.add_argument("framework", nargs="?", help=f"a framework (default: every one): {listing()}")


def _add_port(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    port = sub.add_parser(
        "port",
        help="the same transposed convolution in another framework, proved for every n",
        description="derive port FROM TO --<FROM-argument> VALUE ...: TO's setting with FROM's output length for "
        "every input length (kernel, stride and dilation kept), proved; else a counterexample and the nearest "
        "setting with a crop or pad.",
        parents=[p["json"]],
    )
    port.set_defaults(func=cmd_port, extra=True)
    port.add_argument("source", help="the framework the layer is written in")
    port.add_argument("target", help="the framework to write it in")
    port.add_argument("--from-backend", help="the source's backend or implementation (as --backend of solve)")
    port.add_argument("--to-backend", help="the target's backend or implementation")


def _add_net(sub: Any, p: dict[str, argparse.ArgumentParser]) -> None:
    from .net.cli import add_parser  # argparse only: derive.net loads SymPy when 'derive net' runs

    add_parser(sub, [p["json"]], _seconds)


#: each subcommand's declaration, in the order --help lists them
_COMMANDS = {
    "shape": _add_shape,
    "check": _add_check,
    "prove": _add_prove,
    "docs": _add_docs,
    "solve": _add_solve,
    "explain": _add_explain,
    "knobs": _add_knobs,
    "port": _add_port,
    "net": _add_net,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; ``only``: that subcommand's parser alone (what one run needs, it parses the same)."""
    parser_class = _parser_class()
    parser = parser_class(prog="derive", description="Shape arithmetic of convolutions and transposed convolutions.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=parser_class)
    parents = _parents()
    for name, add in _COMMANDS.items():
        if only is None or only == name:
            add(sub, parents)
    for name, command in sub.choices.items():  # a subcommand declared without set_defaults runs cmd_<name>(args)
        if command.get_default("func") is None:
            command.set_defaults(func=lambda args, _name=name: globals()[f"cmd_{_name}"](args), extra=False)
    return parser


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The subcommand's own parser (its errors point at 'derive COMMAND --help')."""
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[command]


class _Args:
    """A command line read by :func:`_fast_args`: the attributes argparse's namespace would have."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


#: the subcommands read without argparse, as their _add_<name> declares them (tests/test_cli.py checks the two
#: agree): positionals (``?``: nargs="?"), options that take a value, flags
_FAST = {
    "explain": (("framework",), ("--n", "--backend", "--svg"), ("--json",)),
    "shape": (
        ("what", "op?"),
        ("--n", "--kernel", "--stride", "--dilation", "--padding", "--output-padding"),
        ("--json",),
    ),
}


def _fast_args(argv: list[str]) -> tuple[_Args, list[str]] | None:
    """``derive explain`` and ``derive shape`` read as argparse reads them, without argparse; None: argparse reads it.

    Read here: the positionals, the command's own ``--option value`` and flags, and the framework's own
    ``--name value`` pairs (passed on in order, as argparse passes what it does not know; a prefix of the command's
    option, e.g. Caffe's ``--pad`` beside shape's ``--padding``, is one of them: the parsers take no abbreviations).
    Argparse fills the positionals from the first run of bare words (a nargs="?" one left out of it is None) and
    passes later ones on. Anything else goes to argparse: help, ``--name=value``, values starting with '-', '--',
    empty words and errors. tests/test_cli.py checks both readings agree on generated command lines.
    """
    spec = _FAST.get(argv[0]) if argv else None
    if spec is None:
        return None
    positionals, options, flags = spec
    values: dict[str, Any] = {o[2:].replace("-", "_"): None for o in options}
    values.update({f[2:].replace("-", "_"): False for f in flags})
    names = [p.rstrip("?") for p in positionals]
    filled: list[str] = []
    closed = False  # the first run of bare words has ended: the positionals are taken
    extra: list[str] = []
    tokens = iter(argv[1:])
    for token in tokens:
        if not token:
            return None
        if token[0] != "-":
            if not closed and len(filled) < len(names):
                filled.append(token)
            else:
                extra.append(token)
            continue
        closed = closed or bool(filled)
        if token in options:
            value = next(tokens, None)
            if not value or value[0] == "-":
                return None
            values[token[2:].replace("-", "_")] = value
        elif token in flags:
            values[token[2:].replace("-", "_")] = True
        elif token[:2] == "--" and len(token) > 2 and "=" not in token and " " not in token and token != "--help":
            extra.append(token)
        else:
            return None
    required = sum(not p.endswith("?") for p in positionals)
    if len(filled) < required:
        return None
    values.update(zip(names, filled + [None] * (len(names) - len(filled)), strict=True))
    command = argv[0]
    return _Args(command=command, func=globals()[f"cmd_{command}"], extra=True, **values), extra


def _run(argv: list[str]) -> int:
    """Parse with argparse and run the subcommand (only the subcommand named is declared: it parses the same)."""
    parser = build_parser(argv[0] if argv and argv[0] in _COMMANDS else None)
    args, extra = parser.parse_known_args(argv)
    if not args.extra:
        if extra:
            _subparser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
        return args.func(args)
    return args.func(args, extra)


def _as_flag(e: DeriveError, argv: list[str]) -> DeriveError:
    """A framework argument the model requires, named as the flag that gives it on the command line
    (the library says 'padding', explain/shape/solve/port take --padding)."""
    if (
        isinstance(e, ParameterError)
        and e.rule == "is required"
        and e.parameter.isidentifier()
        and argv[:1] in (["explain"], ["shape"], ["solve"], ["port"])
    ):
        return ParameterError(f"--{e.parameter.replace('_', '-')}", e.rule, e.value)
    return e


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    fast = _fast_args(argv)
    try:
        if fast is not None:
            args, extra = fast
            return args.func(args, extra)
        return _run(argv)
    except DeriveError as e:
        print(f"derive: error: {_as_flag(e, argv)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (derive ... | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
