"""Prove a SymPy proposition over the integers with Z3, or return its smallest counterexample.

"proved" is returned only when Z3 answered unsat for the exact negation under the stated
assumptions (and side conditions, which the verdict lists). A counterexample is minimised
(smallest total magnitude, then each symbol in name order), substituted back into the SymPy
proposition and re-evaluated before it is returned: a counterexample that does not falsify
the proposition is a bug and raises :class:`InternalProverError`. Timeouts and ``unknown`` give
``unknown``, never "proved".
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import sympy as sp
import z3

from .display import Displayed
from .errors import DeriveError, ParameterError, UnsupportedExpressionError
from .evaluate import evaluate
from .translate import Translator, denominators, symbol_domain


class Status(StrEnum):
    PROVED = "proved"  # unsat of the negation under the assumptions: holds for every integer value
    REFUTED = "refuted"  # a concrete counterexample, re-evaluated in SymPy
    UNKNOWN = "unknown"  # the solver gave up (timeout, incompleteness): nothing is claimed


class InternalProverError(RuntimeError):
    """The solvers contradicted each other or SymPy: an internal error, never a verdict."""


@dataclass(frozen=True, repr=False)
class Verdict(Displayed):
    """The answer to one proposition."""

    status: Status
    proposition: sp.Basic
    # assumptions as given (plus the symbols' own positive/nonnegative declarations)
    assumptions: tuple[sp.Basic, ...]
    # denominators that the assumptions do not make nonzero, assumed nonzero for this verdict
    side_conditions: tuple[sp.Basic, ...] = ()
    # symbol name → int, only the proposition's own symbols; None unless refuted
    counterexample: dict[str, int] | None = None
    # why the solver gave up; None unless unknown
    reason: str | None = None
    # the SMT-LIB2 text of the decided query (assumptions ∧ side conditions ∧ ¬proposition)
    smt2: str = ""
    seconds: float = 0.0
    # second opinions: checker name → status string ("proved"/"refuted"/"unknown"/"skipped: ...")
    second_opinions: dict[str, str] = field(default_factory=dict)

    @property
    def proved(self) -> bool:
        return self.status is Status.PROVED

    @property
    def refuted(self) -> bool:
        return self.status is Status.REFUTED

    def __str__(self) -> str:
        text = self.status.value
        if self.counterexample is not None:
            text += ": " + ", ".join(f"{k}={v}" for k, v in self.counterexample.items())
        if self.reason:
            text += f" ({self.reason})"
        if self.side_conditions and self.status is not Status.UNKNOWN:
            text += " [assuming " + ", ".join(f"{c} != 0" for c in self.side_conditions) + "]"
        return text


def _sympify_bool(p: object, what: str) -> sp.Basic:
    if isinstance(p, bool):
        return sp.true if p else sp.false
    if not isinstance(p, sp.Basic):
        raise UnsupportedExpressionError(f"{what} must be a SymPy Boolean (got {type(p).__name__}: {p!r})")
    if not (isinstance(p, sp.logic.boolalg.Boolean) or p.is_Relational):
        raise UnsupportedExpressionError(f"{what} must be a SymPy Boolean, not an expression (got {p})")
    return p


def _free_symbols(exprs: Iterable[sp.Basic]) -> list[sp.Symbol]:
    syms: set[sp.Symbol] = set()
    for e in exprs:
        syms |= e.free_symbols
    return sorted(syms, key=lambda s: s.name)


def _implied_nonzero(den: sp.Expr, facts: list[sp.Basic], timeout_ms: int) -> bool:
    """Whether the facts already make ``den`` nonzero (so it needs no side condition)."""
    if den.is_nonzero:
        return True
    t = Translator()
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    s.add(t.all(facts))
    s.add(t.boolean(sp.Eq(den, 0)))
    return s.check() == z3.unsat


def _abs(t: z3.ArithRef) -> z3.ArithRef:
    return z3.If(t >= 0, t, -t)


def _model_values(model: z3.ModelRef, symbols: dict[sp.Symbol, z3.ArithRef]) -> dict[sp.Symbol, int]:
    return {sym: model.eval(var, model_completion=True).as_long() for sym, var in symbols.items()}


def _floor(sym: sp.Symbol) -> int:
    """The least |value| a symbol's declaration allows (1 for positive and negative, else 0)."""
    return 1 if (sym.is_positive or sym.is_negative) else 0


def _minimise(
    solver: z3.Solver, symbols: dict[sp.Symbol, z3.ArithRef], values: dict[sp.Symbol, int], step_ms: int
) -> dict[sp.Symbol, int]:
    """Smallest total |value| first, then each symbol's |value| in name order (bounded solver steps)."""

    def shrink(measure: z3.ArithRef, value_of, low: int, current: int) -> int | None:
        """Binary-search the least bound on ``measure`` in [low, current] that still admits a counterexample."""
        nonlocal values
        high = current
        while low < high:
            mid = (low + high) // 2
            solver.push()
            solver.add(measure <= mid)
            answer = solver.check()
            if answer == z3.sat:
                values = _model_values(solver.model(), symbols)
                high = value_of(values)
            elif answer == z3.unsat:
                low = mid + 1
            solver.pop()
            if answer not in (z3.sat, z3.unsat):
                return None  # unknown: keep the best counterexample found so far
        return high

    ordered = sorted(symbols, key=lambda s: s.name)
    solver.set("timeout", step_ms)
    total = z3.Sum([_abs(symbols[s]) for s in ordered]) if ordered else z3.IntVal(0)
    least = sum(_floor(s) for s in ordered)
    best = shrink(total, lambda vs: sum(abs(v) for v in vs.values()), least, sum(abs(v) for v in values.values()))
    if best is None:
        return values
    solver.add(total <= best)
    for sym in ordered:
        var = symbols[sym]
        if abs(values[sym]) > _floor(sym):  # already as small as its declaration allows: no solver call
            bound = shrink(_abs(var), lambda vs, sym=sym: abs(vs[sym]), _floor(sym), abs(values[sym]))
            if bound is None:
                return values
        else:
            bound = abs(values[sym])
        solver.add(_abs(var) <= bound)
    return values


def prove(
    proposition: sp.Basic | bool,
    assume: Iterable[sp.Basic] = (),
    timeout: float = 10.0,
    minimise: bool = True,
    second_opinions: Iterable[str] = (),
) -> Verdict:
    """Decide ``proposition`` for every integer value of its symbols satisfying ``assume``.

    Args:
        proposition: a SymPy Boolean (Eq, Ne, <, <=, >, >=, And, Or, Not, Implies) over Symbols
            declared ``integer=True``; ``positive``/``nonnegative`` declarations are assumptions too.
        assume: further SymPy Booleans taken as hypotheses.
        timeout: seconds for the main solver call; past it the verdict is unknown.
        minimise: shrink a counterexample to the smallest values (a few extra solver calls).
        second_opinions: any of ``"box"`` (exhaustive evaluation on a small box) and ``"cvc5"``
            (the same SMT-LIB2 query, when the cvc5 extra is installed); a disagreement raises
            :class:`InternalProverError`.

    Returns:
        A :class:`Verdict`.

    Raises:
        UnsupportedExpressionError: a non-integer symbol or an untranslatable construct (a ValueError).
    """
    start = time.perf_counter()
    valid_timeout(timeout)
    prop = _sympify_bool(proposition, "proposition")
    hyps = tuple(_sympify_bool(a, "assumption") for a in assume)
    symbols = _free_symbols([prop, *hyps])
    domain = [fact for sym in symbols for fact in symbol_domain(sym)]
    facts = [*domain, *hyps]
    timeout_ms = max(1, int(timeout * 1000))
    side = tuple(d for d in denominators(sp.And(prop, *hyps)) if not _implied_nonzero(d, facts, timeout_ms))
    guarded = [*facts, *(sp.Ne(d, 0) for d in side)]

    t = Translator()
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(t.all(guarded))
    solver.add(z3.Not(t.all([prop])))
    smt2 = solver.to_smt2()
    answer = solver.check()
    common = dict(proposition=prop, assumptions=tuple(hyps), side_conditions=side, smt2=smt2)

    if answer == z3.unsat:
        verdict = Verdict(Status.PROVED, **common)
    elif answer == z3.sat:
        prop_symbols = {s: t.symbols[s] for s in symbols if s in t.symbols}
        values = _model_values(solver.model(), prop_symbols)
        if minimise:
            values = _minimise(solver, prop_symbols, values, step_ms=min(timeout_ms, 2000))
        cex = {s.name: v for s, v in sorted(values.items(), key=lambda kv: kv[0].name)}
        _confirm_counterexample(prop, hyps, side, values)
        verdict = Verdict(Status.REFUTED, counterexample=cex, **common)
    else:
        verdict = Verdict(Status.UNKNOWN, reason=f"z3: {solver.reason_unknown()}", **common)

    opinions = {name: _second_opinion(name, verdict, guarded, symbols) for name in second_opinions}
    return _with(verdict, seconds=time.perf_counter() - start, second_opinions=opinions)


#: the longest solver call derive asks for (Z3 takes milliseconds as an unsigned 32-bit int)
MAX_TIMEOUT = 86_400.0


def valid_timeout(timeout: object, name: str = "timeout") -> float:
    """``timeout`` as seconds, or ParameterError: a finite number above 0 and at most a day (nan and inf are not)."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:
        raise ParameterError(name, f"must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}", timeout)
    return float(timeout)


def _with(v: Verdict, **changes: object) -> Verdict:
    from dataclasses import replace

    return replace(v, **changes)


def _confirm_counterexample(
    prop: sp.Basic, hyps: tuple[sp.Basic, ...], side: tuple[sp.Basic, ...], values: dict[sp.Symbol, int]
) -> None:
    """Evaluate the counterexample exactly: declarations, hypotheses and side conditions true, proposition false."""
    try:
        for sym in values:
            for fact in symbol_domain(sym):
                if evaluate(fact, values) is not True:
                    raise InternalProverError(f"counterexample {values} violates the declaration of {sym}")
        for h in hyps:
            if evaluate(h, values) is not True:
                raise InternalProverError(f"counterexample {values} violates assumption {h}")
        for d in side:
            if evaluate(d, values) == 0:
                raise InternalProverError(f"counterexample {values} violates side condition {d} != 0")
        if evaluate(prop, values) is not False:
            raise InternalProverError(f"counterexample {values} does not falsify {prop}")
    except ZeroDivisionError:
        raise InternalProverError(f"counterexample {values} divides by zero in {prop}") from None


def _second_opinion(name: str, verdict: Verdict, guarded: list[sp.Basic], symbols: list[sp.Symbol]) -> str:
    from . import second_opinion

    if name == "box":
        found = second_opinion.box_counterexample(verdict.proposition, guarded, symbols)
        if verdict.proved and found is not None:
            raise InternalProverError(f"z3 proved {verdict.proposition} but the box check found {found}")
        return "refuted" if found is not None else "no counterexample in box"
    if name == "cvc5":
        status = second_opinion.cvc5_status(verdict.smt2)
        if status.startswith("skipped"):
            return status
        opposite = {Status.PROVED: "refuted", Status.REFUTED: "proved"}.get(verdict.status)
        if status == opposite:
            raise InternalProverError(
                f"z3 says {verdict.status.value} but cvc5 says {status} for {verdict.proposition}"
            )
        return status
    raise DeriveError(f"'second_opinions' must name 'box' or 'cvc5' (got {name!r})")
