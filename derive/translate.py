"""SymPy → Z3, exactly, over the integers.

Every arithmetic term is carried as a pair ``(numerator, denominator)`` of integer Z3 terms
(denominator ``None`` means 1), so rational intermediate values such as ``n/s`` stay exact:
``floor(p/q)`` becomes SMT-LIB integer division with the sign of ``q`` handled, comparisons
cross-multiply by the square of the denominators, and nothing is ever a Real. Denominators
are only ever divided by where the caller has made them nonzero (see ``denominators``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce

import sympy as sp
import z3

from .errors import UnsupportedExpressionError

Term = z3.ArithRef | int
Pair = tuple[Term, Term | None]

SUPPORTED = (
    "Add, Mul, integer powers, integer and rational constants, floor, ceiling, Mod, Max, Min, Abs, Piecewise, "
    "Eq, Ne, <, <=, >, >=, And, Or, Not, Implies, Equivalent, ITE"
)


_RELATIONS = {
    sp.Eq: "==",
    sp.Ne: "!=",
    sp.StrictLessThan: "<",
    sp.LessThan: "<=",
    sp.StrictGreaterThan: ">",
    sp.GreaterThan: ">=",
}


def denominators(expr: sp.Basic) -> list[sp.Expr]:
    """Every non-constant expression the proposition divides by (``b`` of ``a/b`` and of ``Mod(a, b)``)."""
    found: dict[sp.Expr, None] = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_negative and not node.base.is_number:
            found[node.base] = None
        elif isinstance(node, sp.Mod) and not node.args[1].is_number:
            found[node.args[1]] = None
    return list(found)


def symbol_domain(sym: sp.Symbol) -> list[sp.Basic]:
    """The constraints a symbol's SymPy assumptions state (positive, nonnegative, ...)."""
    if sym.is_integer is not True:
        raise UnsupportedExpressionError(
            f"symbol '{sym}' must be declared integer (Symbol('{sym}', integer=True)); derive proves over the integers"
        )
    # unevaluated: SymPy would simplify ``n >= 1`` to True for a positive n, losing the fact
    facts: list[sp.Basic] = []
    if sym.is_positive:
        facts.append(sp.GreaterThan(sym, 1, evaluate=False))
    elif sym.is_nonnegative:
        facts.append(sp.GreaterThan(sym, 0, evaluate=False))
    if sym.is_negative:
        facts.append(sp.LessThan(sym, -1, evaluate=False))
    elif sym.is_nonpositive:
        facts.append(sp.LessThan(sym, 0, evaluate=False))
    if sym.is_zero is False and not (sym.is_positive or sym.is_negative):
        facts.append(sp.Ne(sym, 0, evaluate=False))
    return facts


def _mul(a: Term, b: Term) -> Term:
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if isinstance(a, int) and a == 1:
        return b
    if isinstance(b, int) and b == 1:
        return a
    return a * b


def _add(a: Term, b: Term) -> Term:
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if isinstance(a, int) and a == 0:
        return b
    if isinstance(b, int) and b == 0:
        return a
    return a + b


def _z(t: Term) -> z3.ArithRef:
    return z3.IntVal(t) if isinstance(t, int) else t


def _floordiv(p: Term, q: Term) -> Term:
    """⌊p/q⌋ for q ≠ 0: SMT-LIB ``div`` is Euclidean, which is the floor for q > 0."""
    if isinstance(p, int) and isinstance(q, int):
        return p // q
    if isinstance(q, int):
        return _z(p) / q if q > 0 else _z(-p) / -q
    return z3.If(q > 0, _z(p) / q, _z(-p) / -q)


class Translator:
    """Translates one proposition; ``symbols`` maps each SymPy symbol to its Z3 Int."""

    def __init__(self) -> None:
        self.symbols: dict[sp.Symbol, z3.ArithRef] = {}

    # -- arithmetic ------------------------------------------------------------------
    def pair(self, e: sp.Basic) -> Pair:
        if isinstance(e, sp.Integer):
            return int(e), None
        if isinstance(e, sp.Rational):
            return int(e.p), int(e.q)
        if isinstance(e, sp.Symbol):
            if e not in self.symbols:
                symbol_domain(e)  # raises for a non-integer symbol
                self.symbols[e] = z3.Int(e.name)
            return self.symbols[e], None
        if isinstance(e, sp.Add):
            return reduce(self._add_pairs, (self.pair(a) for a in e.args))
        if isinstance(e, sp.Mul):
            return reduce(self._mul_pairs, (self.pair(a) for a in e.args))
        if isinstance(e, sp.Pow):
            if not (e.exp.is_Integer):
                raise UnsupportedExpressionError(f"only integer powers are supported (got {e})")
            n, d = self.pair(e.base)
            k = int(e.exp)
            if k < 0:
                if d is None:
                    n, d = 1, n
                else:
                    n, d = d, n
                k = -k
            num = reduce(_mul, [n] * k, 1)
            den = None if d is None else reduce(_mul, [d] * k, 1)
            return num, den
        if isinstance(e, sp.floor):
            n, d = self.pair(e.args[0])
            return (n, None) if d is None else (_floordiv(n, d), None)
        if isinstance(e, sp.ceiling):
            n, d = self.pair(e.args[0])
            return (n, None) if d is None else (_mul(-1, _floordiv(_mul(-1, n), d)), None)
        if isinstance(e, sp.Mod):
            a, b = e.args
            quotient = self.pair(sp.floor(a / b, evaluate=False))
            return self._add_pairs(self.pair(a), self._mul_pairs((-1, None), self._mul_pairs(self.pair(b), quotient)))
        if isinstance(e, (sp.Max, sp.Min)):
            pairs = [self.pair(a) for a in e.args]
            pick_max = isinstance(e, sp.Max)

            def choose(x: Pair, y: Pair) -> Pair:
                x_le_y = self._compare(x, y, "<=")
                return self._ite(x_le_y, y, x) if pick_max else self._ite(x_le_y, x, y)

            return reduce(choose, pairs)
        if isinstance(e, sp.Abs):
            x = self.pair(e.args[0])
            return self._ite(self._compare(x, (0, None), ">="), x, self._mul_pairs((-1, None), x))
        if isinstance(e, sp.Piecewise):
            *branches, (last_e, last_c) = e.args
            if last_c != sp.true:
                # a Piecewise without a catch-all is undefined off its conditions: refuse rather than guess
                raise UnsupportedExpressionError(f"Piecewise needs a final (expr, True) branch (got {e})")
            result = self.pair(last_e)
            for expr_i, cond_i in reversed(branches):
                result = self._ite(self.boolean(cond_i), self.pair(expr_i), result)
            return result
        raise UnsupportedExpressionError(f"unsupported construct {type(e).__name__} in {e} (supported: {SUPPORTED})")

    def _add_pairs(self, x: Pair, y: Pair) -> Pair:
        (a, b), (c, d) = x, y
        if b is None and d is None:
            return _add(a, c), None
        if b is None:
            return _add(_mul(a, d), c), d
        if d is None:
            return _add(a, _mul(c, b)), b
        return _add(_mul(a, d), _mul(c, b)), _mul(b, d)

    def _mul_pairs(self, x: Pair, y: Pair) -> Pair:
        (a, b), (c, d) = x, y
        den = b if d is None else d if b is None else _mul(b, d)
        return _mul(a, c), den

    def _ite(self, cond: z3.BoolRef | bool, x: Pair, y: Pair) -> Pair:
        if cond is True or cond is False:
            return x if cond else y
        (a, b), (c, d) = x, y
        if b is None and d is None:
            return z3.If(cond, _z(a), _z(c)), None
        b1 = 1 if b is None else b
        d1 = 1 if d is None else d
        return z3.If(cond, _z(_mul(a, d1)), _z(_mul(c, b1))), _mul(b1, d1)

    # -- comparisons and logic -------------------------------------------------------
    def _compare(self, x: Pair, y: Pair, op: str) -> z3.BoolRef | bool:
        (a, b), (c, d) = x, y
        # x - y as one fraction; its sign is the sign of numerator·denominator
        diff_n, diff_d = self._add_pairs((a, b), (_mul(-1, c), d))
        if diff_d is not None and not (isinstance(diff_d, int) and diff_d > 0):
            diff_n = _mul(diff_n, diff_d)
        lhs = diff_n
        ops = {
            "==": lambda t: t == 0,
            "!=": lambda t: t != 0,
            "<": lambda t: t < 0,
            "<=": lambda t: t <= 0,
            ">": lambda t: t > 0,
            ">=": lambda t: t >= 0,
        }
        result = ops[op](lhs)
        return bool(result) if isinstance(lhs, int) else result

    def boolean(self, b: sp.Basic) -> z3.BoolRef | bool:
        if b is sp.true or b is True:
            return True
        if b is sp.false or b is False:
            return False
        for cls, op in _RELATIONS.items():
            if isinstance(b, cls):
                return self._compare(self.pair(b.lhs), self.pair(b.rhs), op)
        if isinstance(b, sp.And):
            return z3.And(*[self._b(a) for a in b.args])
        if isinstance(b, sp.Or):
            return z3.Or(*[self._b(a) for a in b.args])
        if isinstance(b, sp.Not):
            return z3.Not(self._b(b.args[0]))
        if isinstance(b, sp.Implies):
            return z3.Implies(self._b(b.args[0]), self._b(b.args[1]))
        if isinstance(b, sp.ITE):  # SymPy's boolean if-then-else (it rewrites Eq(Piecewise(...), x) into one)
            return z3.If(self._b(b.args[0]), self._b(b.args[1]), self._b(b.args[2]))
        if isinstance(b, sp.Equivalent):
            terms = [self._b(a) for a in b.args]
            return z3.And(*[terms[0] == t for t in terms[1:]])
        if isinstance(b, sp.Symbol):
            raise UnsupportedExpressionError(f"'{b}' is used as a proposition; derive proves statements about integers")
        raise UnsupportedExpressionError(f"unsupported construct {type(b).__name__} in {b} (supported: {SUPPORTED})")

    def _b(self, b: sp.Basic) -> z3.BoolRef:
        t = self.boolean(b)
        return z3.BoolVal(t) if isinstance(t, bool) else t

    def all(self, bs: Iterable[sp.Basic]) -> z3.BoolRef:
        terms = [self._b(b) for b in bs]
        # z3.And() of nothing prints as a bare "and", which is not SMT-LIB
        return z3.BoolVal(True) if not terms else terms[0] if len(terms) == 1 else z3.And(*terms)
