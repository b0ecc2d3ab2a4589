"""Second opinions on a verdict, independent of derive's SymPy→Z3 translation.

* ``box_counterexample``: exhaustive exact evaluation of the SymPy proposition on a small box,
  through SymPy's own Python code printer and ``fractions.Fraction`` (no Z3, no translator).
* ``cvc5_status``: the same SMT-LIB2 query Z3 decided, given to cvc5 (the ``cvc5`` extra).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from .translate import symbol_domain


class _ExactPrinter(PythonCodePrinter):
    """Python source with exact rationals (``Fraction``) and Python's floor semantics."""

    def _print_Rational(self, e: sp.Rational) -> str:
        return f"Fraction({e.p}, {e.q})"

    def _print_Half(self, e: sp.Rational) -> str:
        return "Fraction(1, 2)"

    def _print_Implies(self, e: sp.Implies) -> str:
        a, b = e.args
        return f"((not ({self._print(a)})) or ({self._print(b)}))"

    def _print_Equivalent(self, e: sp.Equivalent) -> str:
        first, *rest = (self._print(a) for a in e.args)
        return "(" + " and ".join(f"(bool(({first})) == bool(({r})))" for r in rest) + ")"


def compile_predicate(prop: sp.Basic, symbols: Sequence[sp.Symbol]):
    """A Python function of the symbols' values that evaluates ``prop`` exactly."""
    names = [f"_v{i}" for i in range(len(symbols))]
    renamed = prop.xreplace({s: sp.Symbol(n, integer=True) for s, n in zip(symbols, names, strict=True)})
    source = f"lambda {', '.join(names) or '*_'}: bool({_ExactPrinter().doprint(renamed)})"
    return eval(source, {"Fraction": Fraction, "math": math})  # source is printed by SymPy from our own tree


def _range(sym: sp.Symbol, bound: int) -> range:
    facts = symbol_domain(sym)
    low = -bound
    high = bound
    for f in facts:
        if isinstance(f, sp.GreaterThan) and f.lhs == sym:
            low = max(low, int(f.rhs))
        if isinstance(f, sp.LessThan) and f.lhs == sym:
            high = min(high, int(f.rhs))
    return range(low, high + 1)


def box_counterexample(
    prop: sp.Basic,
    assume: Sequence[sp.Basic],
    symbols: Sequence[sp.Symbol],
    max_points: int = 30_000,
    max_bound: int = 40,
) -> dict[str, int] | None:
    """The first point of a small box where every assumption holds and ``prop`` is false, else None.

    Each symbol ranges over its declared domain cut to ``[-B, B]``, B as large as ``max_points``
    allows (at least 3, at most ``max_bound``). Points where a denominator is zero are outside the claim and skipped.
    """
    symbols = list(symbols)
    bound = min(max_bound, max(3, int(max_points ** (1 / max(1, len(symbols))))))
    while math.prod(len(_range(s, bound)) for s in symbols) > max_points and bound > 3:
        bound -= 1
    claim = compile_predicate(prop, symbols)
    hyp = compile_predicate(sp.And(*assume), symbols)
    ranges = [_range(s, bound) for s in symbols]
    for point in itertools.product(*ranges):
        values = [Fraction(v) for v in point]
        try:
            if hyp(*values) and not claim(*values):
                return {s.name: v for s, v in zip(symbols, point, strict=True)}
        except ZeroDivisionError:
            continue
    return None


def cvc5_status(smt2: str, timeout: float = 5.0) -> str:
    """cvc5's answer to a query whose unsat means "proved": "proved", "refuted", "unknown" or "skipped: …"."""
    try:
        import cvc5
    except ImportError:
        return "skipped: cvc5 is not installed (pip install 'derive[cvc5]')"
    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("produce-models", "false")
    solver.setOption("tlimit-per", str(int(timeout * 1000)))
    body = "\n".join(line for line in smt2.splitlines() if not line.strip().startswith(("(check-sat", "(set-info")))
    parser = cvc5.InputParser(solver)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, "(set-logic ALL)\n" + body, "derive")
    symbols = parser.getSymbolManager()
    while True:
        command = parser.nextCommand()
        if command.isNull():
            break
        command.invoke(solver, symbols)
    result = solver.checkSat()
    if result.isUnsat():
        return "proved"
    if result.isSat():
        return "refuted"
    return "unknown"
