"""The claim families, built from one forward/transposed pair of a framework and mode.

A :class:`Pair` is a forward convolution (input length ``L`` ↦ output length) and the
transposed convolution meant to invert it (input length ``n``, output padding or chosen size
``a`` ↦ output length), with the framework's own acceptance conditions. Each family function
turns a pair into a :class:`~derive.claims.Claim`; the expected verdict and, for refutations, the
exact iff are given by the proof script: they are the catalogue's content, checked by the prover.

"Minimal preimage" needs no quantifier: forward lengths are non-decreasing in ``L`` (family 0
proves it per pair), so ``T`` is the smallest preimage exactly when ``forward(T) = n`` and
``T = 1`` or ``forward(T - 1) ≠ n``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .claims import Claim
from .evaluate import evaluate

Expr = Any  # sympy.Expr


@dataclass(frozen=True)
class Pair:
    """A forward convolution and its transposed convolution, as one framework and mode define them."""

    framework: str
    mode: str
    # the transposed convolution's input length (the forward convolution's output length)
    n: sp.Symbol
    # the forward convolution's input length
    L: sp.Symbol
    # forward output length of an input of length x
    forward: Callable[[Expr], Expr]
    # transposed output length for output padding / chosen size a (None: what the framework infers)
    transposed: Callable[[Expr | None], Expr]
    # the output-padding (or chosen output size) variable, None when the framework has no such choice
    a: sp.Symbol | None = None
    # the framework accepts the transposed call with this a (its validity predicates)
    accepts: Callable[[Expr | None], Any] = lambda a: sp.true
    # the framework accepts the forward call on an input of length x
    forward_accepts: Callable[[Expr], Any] = lambda x: sp.true
    # assumptions shared by every claim (parameter domains beyond the symbols' declarations)
    assume: tuple[Any, ...] = ()
    # renders a counterexample as a call a user can paste
    call: Callable[[Mapping[str, int]], str] | None = None
    # a word for the transposed length the framework infers ("inferred", "default", ...)
    inferred_word: str = "inferred"
    # every parameter of the two calls (so a counterexample names them all)
    parameters: tuple[sp.Symbol, ...] = ()


def value(expr: Any, values: Mapping[str, int]) -> Any:
    """``expr`` at a counterexample (symbol name → int), exactly; "undefined" where it divides by zero."""
    if not isinstance(expr, sp.Basic):
        return expr
    try:
        v = evaluate(expr, {s: values[s.name] for s in expr.free_symbols})
    except ZeroDivisionError:
        return "undefined"
    return v if isinstance(v, bool) or v.denominator != 1 else int(v)


def number(expr: Any, values: Mapping[str, int]) -> Any:
    """``expr`` at a counterexample, as a plain int where it is a SymPy integer (for the rendered calls)."""
    v = value(expr, values)
    return int(v) if isinstance(v, sp.Integer) else v


def rem(x: Expr, s: Expr) -> Expr:
    """x mod s, written with the forward convolution's own floor(x/s) (Z3 relates the two at once)."""
    return x - s * sp.floor(x / s)


def multiple(x: Expr, s: Expr) -> Any:
    """s divides x, written with floor(x/s) as the forward convolution does."""
    return sp.Eq(rem(x, s), 0)


def accepts_call(operation: Any, length: Any, exclude: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """Every requirement of ``operation`` at one symbolic call, the predicates only (no message is rendered:
    ``Operation.conditions`` cannot render some frameworks' messages for a string padding); ``exclude`` drops
    the requirements whose rule mentions any of the given words."""
    args = operation.bind(length, kwargs)
    return sp.And(*[r.holds(args) for r in operation.requires if not any(w in r.rule for w in exclude)])


def claim(
    framework: str,
    mode: str,
    name: str,
    family: str,
    statement: str,
    prop: Any,
    expect: str,
    iff: Any = None,
    assume=(),
    call: Callable[[Mapping[str, int]], str] | None = None,
    parameters: tuple[sp.Symbol, ...] = (),
) -> Claim:
    """One claim of a framework's proof script that no family builds (the scripts bind ``framework`` and
    their ``parameters`` with ``functools.partial``)."""
    return Claim(
        name=name,
        framework=framework,
        mode=mode,
        statement=statement,
        proposition=prop,
        expect=expect,
        assume=assume,
        iff=iff,
        call=call,
        family=family,
        parameters=parameters,
    )


def _claim(
    pair: Pair,
    name: str,
    family: str,
    statement: str,
    prop: Any,
    expect: str,
    iff: Any,
    assume=(),
    label: str = "",
    shows: Callable[[Mapping[str, int]], str] | None = None,
) -> Claim:
    def call(values: Mapping[str, int]) -> str:
        text = pair.call(values) if pair.call else ", ".join(f"{k}={v}" for k, v in values.items())
        return f"{text} {shows(values)}" if shows else text

    return Claim(
        name=f"{name} ({label})" if label else name,
        framework=pair.framework,
        mode=pair.mode,
        statement=statement,
        proposition=prop,
        expect=expect,
        assume=(*pair.assume, *assume),
        iff=iff,
        call=call,
        family=family,
        parameters=pair.parameters,
    )


def monotone(pair: Pair, expect: str = "proved", iff: Any = None, label: str = "") -> Claim:
    """Family 0: forward lengths never decrease as the input grows (what makes 'minimal' quantifier-free)."""
    L = pair.L
    prop = sp.Le(pair.forward(L), pair.forward(L + 1))
    pre = (pair.forward_accepts(L), pair.forward_accepts(L + 1))

    def shows(v: Mapping[str, int]) -> str:
        return f"forward({value(L, v)}) = {value(pair.forward(L), v)} > forward({value(L + 1, v)}) = " + str(
            value(pair.forward(L + 1), v)
        )

    return _claim(
        pair, "forward is monotone", "0 monotone", "forward(L) <= forward(L+1)", prop, expect, iff, pre, label, shows
    )


def round_trip(pair: Pair, expect: str, iff: Any = None, a: Expr | None = "given", label: str = "") -> Claim:
    """Family 1: every transposed length the framework accepts maps back to n under the forward convolution."""
    choice = pair.a if a == "given" else a
    T = pair.transposed(choice)
    which = "every accepted output padding" if choice is not None else f"the {pair.inferred_word} length"
    prop = sp.Implies(pair.forward_accepts(T), sp.Eq(pair.forward(T), pair.n))
    statement = f"forward(transposed(n)) = n for {which}"

    def shows(v: Mapping[str, int]) -> str:
        back = value(pair.forward(T), v)
        n_value = value(pair.n, v)
        relation = "≠" if back != n_value else "="
        return f"on length {n_value} gives {value(T, v)}; forward gives {back} {relation} {n_value}"

    return _claim(
        pair, "round trip", "1 round trip", statement, prop, expect, iff, (pair.accepts(choice),), label, shows
    )


def _extreme_shows(pair: Pair, T: Any) -> Callable[[Mapping[str, int]], str]:
    def shows(v: Mapping[str, int]) -> str:
        t = value(T, v)
        parts = [f"on length {value(pair.n, v)} gives {t}"]
        for x in (t - 1, t, t + 1):
            if x >= 1:
                parts.append(f"forward({x}) = {value(pair.forward(pair.L), {**v, pair.L.name: x})}")
        return "; ".join(parts)

    return shows


def minimal(pair: Pair, expect: str, iff: Any = None, label: str = "") -> Claim:
    """Family 2: the inferred length is the smallest input length the forward convolution maps to n."""
    T = pair.transposed(None)
    below = sp.Or(sp.Le(T, 1), sp.Not(pair.forward_accepts(T - 1)), sp.Ne(pair.forward(T - 1), pair.n))
    prop = sp.And(sp.Ge(T, 1), pair.forward_accepts(T), sp.Eq(pair.forward(T), pair.n), below)
    statement = f"the {pair.inferred_word} length is the minimal preimage of n"
    pre = (pair.accepts(None),)
    shows = _extreme_shows(pair, T)
    return _claim(pair, "inferred is minimal preimage", "2 minimal", statement, prop, expect, iff, pre, label, shows)


def maximal(pair: Pair, expect: str, iff: Any = None, label: str = "") -> Claim:
    """Family 3: the inferred length is the largest input length the forward convolution maps to n."""
    T = pair.transposed(None)
    above = sp.Or(sp.Not(pair.forward_accepts(T + 1)), sp.Ne(pair.forward(T + 1), pair.n))
    prop = sp.And(sp.Ge(T, 1), pair.forward_accepts(T), sp.Eq(pair.forward(T), pair.n), above)
    statement = f"the {pair.inferred_word} length is the maximal preimage of n"
    pre = (pair.accepts(None),)
    shows = _extreme_shows(pair, T)
    return _claim(pair, "inferred is maximal preimage", "3 maximal", statement, prop, expect, iff, pre, label, shows)


def reaches_every_preimage(pair: Pair, witness: Expr, expect: str, iff: Any = None, label: str = "") -> Claim:
    """Family 4: for every preimage L of n, the output padding ``witness`` (a function of L) is accepted and gives L."""
    if pair.a is None:
        raise ValueError("reaches_every_preimage needs a pair with an output-padding variable")
    L = pair.L
    hit = sp.And(pair.accepts(witness), sp.Eq(pair.transposed(witness), L))
    prop = sp.Implies(sp.And(pair.forward_accepts(L), sp.Eq(pair.forward(L), pair.n)), hit)
    statement = "every preimage of n is reached by an accepted output padding"
    shows = lambda v: (  # noqa: E731
        f"forward({value(L, v)}) = {value(pair.n, v)}, but output padding {value(witness, v)} "
        f"gives {value(pair.transposed(witness), v)}"
    )
    return _claim(pair, "reaches every preimage", "4 bijection", statement, prop, expect, iff, (), label, shows)


def positive(pair: Pair, expect: str, iff: Any = None, a: Expr | None = None, label: str = "") -> Claim:
    """Family 5: the (inferred) transposed length is at least 1."""
    T = pair.transposed(a)
    statement = f"the {pair.inferred_word if a is None else 'transposed'} length is >= 1"
    shows = lambda v: f"on length {value(pair.n, v)} gives {value(T, v)}"  # noqa: E731
    pre = (pair.accepts(a),)
    return _claim(pair, "length is positive", "5 positive", statement, sp.Ge(T, 1), expect, iff, pre, label, shows)


def inverse_of_forward(pair: Pair, expect: str, iff: Any = None, a: Expr | None = None, label: str = "") -> Claim:
    """Family 6: transposed(forward(L)) = L (the transposed convolution restores the forward input)."""
    L = pair.L
    image = pair.forward(L)
    T = pair.transposed(a).xreplace({pair.n: image})
    prop = sp.Eq(T, L)
    statement = "transposed(forward(L)) = L" + ("" if a is None else f" with output padding {a}")
    accepts = pair.accepts(a)
    accepts = accepts.xreplace({pair.n: image}) if isinstance(accepts, sp.Basic) else accepts
    shows = lambda v: f"forward({value(L, v)}) = {value(image, v)}; transposed gives {value(T, v)}"  # noqa: E731
    pre = (pair.forward_accepts(L), accepts)
    return _claim(pair, "restores the forward input", "6 inverse", statement, prop, expect, iff, pre, label, shows)


def holds(operation: Any, n: Any, exclude: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """The conjunction of a framework operation's requirements at one symbolic call.

    ``exclude`` drops the requirements whose rule mentions any of the given words (e.g. the
    output-length check, for claims about when that check fires).
    """
    kept = [c.predicate for c in operation.conditions(n, **kwargs) if not any(w in c.requirement.rule for w in exclude)]
    return sp.And(*kept)
