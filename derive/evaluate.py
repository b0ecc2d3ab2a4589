"""Exact evaluation of a SymPy proposition or expression at one integer point.

Walks the SymPy tree with ``fractions.Fraction`` arithmetic: no Z3, no translator, and none of
SymPy's ``subs`` machinery (which consults its assumption system at every node and is orders
of magnitude slower). It is how counterexamples are re-checked before anyone sees them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

import sympy as sp

from .errors import UnsupportedExpressionError

Number = Fraction | bool

_RELATIONS = {
    sp.Eq: lambda a, b: a == b,
    sp.Ne: lambda a, b: a != b,
    sp.StrictLessThan: lambda a, b: a < b,
    sp.LessThan: lambda a, b: a <= b,
    sp.StrictGreaterThan: lambda a, b: a > b,
    sp.GreaterThan: lambda a, b: a >= b,
}


def evaluate(e: sp.Basic, values: Mapping[sp.Symbol, int]) -> Number:
    """The exact value of ``e`` with each symbol replaced by ``values[symbol]``.

    Raises ZeroDivisionError where ``e`` divides by zero at this point, KeyError for a symbol
    without a value, and UnsupportedExpressionError for a construct outside the prover's language.
    """
    if e is sp.true or e is True:
        return True
    if e is sp.false or e is False:
        return False
    if isinstance(e, sp.Symbol):
        return Fraction(values[e])
    if isinstance(e, sp.Rational):  # Integer included
        return Fraction(int(e.p), int(e.q))
    if isinstance(e, sp.Add):
        return sum((evaluate(a, values) for a in e.args), Fraction(0))
    if isinstance(e, sp.Mul):
        return math.prod((evaluate(a, values) for a in e.args), start=Fraction(1))
    if isinstance(e, sp.Pow) and e.exp.is_Integer:
        return evaluate(e.base, values) ** int(e.exp)
    if isinstance(e, sp.floor):
        return Fraction(math.floor(evaluate(e.args[0], values)))
    if isinstance(e, sp.ceiling):
        return Fraction(math.ceil(evaluate(e.args[0], values)))
    if isinstance(e, sp.Mod):
        a, b = (evaluate(x, values) for x in e.args)
        return a - b * math.floor(a / b)
    if isinstance(e, sp.Max):
        return max(evaluate(a, values) for a in e.args)
    if isinstance(e, sp.Min):
        return min(evaluate(a, values) for a in e.args)
    if isinstance(e, sp.Abs):
        return abs(evaluate(e.args[0], values))
    if isinstance(e, sp.Piecewise):
        for expr, cond in e.args:
            if evaluate(cond, values):
                return evaluate(expr, values)
        raise UnsupportedExpressionError(f"Piecewise with no true branch at {dict(values)}: {e}")
    for cls, op in _RELATIONS.items():
        if isinstance(e, cls):
            return op(evaluate(e.lhs, values), evaluate(e.rhs, values))
    if isinstance(e, sp.And):
        return all(evaluate(a, values) for a in e.args)
    if isinstance(e, sp.Or):
        return any(evaluate(a, values) for a in e.args)
    if isinstance(e, sp.Not):
        return not evaluate(e.args[0], values)
    if isinstance(e, sp.Implies):
        return (not evaluate(e.args[0], values)) or bool(evaluate(e.args[1], values))
    if isinstance(e, sp.ITE):
        return evaluate(e.args[1] if evaluate(e.args[0], values) else e.args[2], values)
    if isinstance(e, sp.Equivalent):
        first, *rest = (bool(evaluate(a, values)) for a in e.args)
        return all(first == r for r in rest)
    raise UnsupportedExpressionError(f"cannot evaluate {type(e).__name__} in {e}")


def integer(e: sp.Basic, values: Mapping[sp.Symbol, int]) -> int:
    """``evaluate`` for an expression known to be integer-valued at this point."""
    v = evaluate(e, values)
    if isinstance(v, bool) or v.denominator != 1:
        raise UnsupportedExpressionError(f"{e} is not an integer at {dict(values)} (got {v})")
    return int(v)
