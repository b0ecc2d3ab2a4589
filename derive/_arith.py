"""Integer arithmetic that works on plain ints and on SymPy expressions alike.

Every length formula in derive is written once with these helpers. Called with ints they
return ints without importing SymPy (the CLI's fast path); called with SymPy expressions
they return SymPy expressions the prover can quantify over.
"""

from __future__ import annotations

from .errors import ParameterError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from typing import Any

    Value = Any  # int | sympy.Expr
    Cond = Any  # bool | sympy.Boolean


def is_symbolic(*xs: object) -> bool:
    """True when any argument is a SymPy object (checked without importing SymPy)."""
    for x in xs:  # a plain loop: this runs on every numeric call, and ints are the common case
        if type(x) is not int and type(x) is not bool and hasattr(x, "free_symbols"):
            return True
    return False


def _sp():
    import sympy

    return sympy


def floordiv(a: Value, b: Value) -> Value:
    """⌊a/b⌋ (Python's ``//``)."""
    if is_symbolic(a, b):
        return _sp().floor(a / b)
    return a // b


def ceildiv(a: Value, b: Value) -> Value:
    """⌈a/b⌉."""
    if is_symbolic(a, b):
        return _sp().ceiling(a / b)
    return -((-a) // b)


def truncdiv(a: Value, b: Value) -> Value:
    """a/b rounded toward zero (C/C++ integer division), for b > 0."""
    if is_symbolic(a, b):
        sp = _sp()
        return sp.Piecewise((sp.floor(a / b), a >= 0), (-sp.floor(-a / b), True))
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def mod(a: Value, b: Value) -> Value:
    """a mod b with the sign of b (Python's ``%``, SymPy's ``Mod``)."""
    if is_symbolic(a, b):
        return _sp().Mod(a, b)
    return a % b


def _extreme(xs: tuple[Value, ...], larger: bool) -> Value:
    """Max/Min of SymPy values: settle each pair by the sign of its difference where SymPy's assumptions
    know it, else leave an unevaluated Max/Min (SymPy's own evaluation runs factor_terms: far slower)."""
    sp = _sp()
    kept: list[Value] = []
    for x in xs:
        for i, y in enumerate(kept):
            diff = sp.sympify(x - y)
            if diff.is_nonnegative or diff.is_nonpositive:
                x_wins = bool(diff.is_nonnegative) == larger
                kept[i] = x if x_wins else y
                break
        else:
            kept.append(x)
    if len(kept) == 1:
        return kept[0]
    return (sp.Max if larger else sp.Min)(*kept, evaluate=False)


def maximum(*xs: Value) -> Value:
    if is_symbolic(*xs):
        return _extreme(xs, larger=True)
    return max(xs)


def minimum(*xs: Value) -> Value:
    if is_symbolic(*xs):
        return _extreme(xs, larger=False)
    return min(xs)


def eq(a: Value, b: Value) -> Cond:
    """a = b as a bool, or as a SymPy ``Eq`` (SymPy's ``==`` is structural, not numeric)."""
    if is_symbolic(a, b):
        return _sp().Eq(a, b)
    return a == b


def ne(a: Value, b: Value) -> Cond:
    if is_symbolic(a, b):
        return _sp().Ne(a, b)
    return a != b


def and_(*cs: Cond) -> Cond:
    if is_symbolic(*cs):
        return _sp().And(*cs)
    return all(cs)


def or_(*cs: Cond) -> Cond:
    if is_symbolic(*cs):
        return _sp().Or(*cs)
    return any(cs)


def not_(c: Cond) -> Cond:
    if is_symbolic(c):
        return _sp().Not(c)
    return not c


def implies(a: Cond, b: Cond) -> Cond:
    if is_symbolic(a, b):
        return _sp().Implies(a, b)
    return (not a) or b


def ite(cond: Cond, a: Value, b: Value) -> Value:
    """``a if cond else b``; a SymPy ``Piecewise`` when anything is symbolic."""
    if is_symbolic(cond, a, b):
        sp = _sp()
        if cond is True or cond is sp.true:
            return a
        if cond is False or cond is sp.false:
            return b
        return sp.Piecewise((a, cond), (b, True))
    return a if cond else b


def is_true(c: Cond) -> bool:
    """True only for a condition that is already decided true (a bool, or SymPy's ``true``)."""
    if type(c) is bool:  # the numeric path: every check of every model call
        return c
    return is_symbolic(c) and c == _sp().true


def is_false(c: Cond) -> bool:
    if type(c) is bool:
        return not c
    return is_symbolic(c) and c == _sp().false


def param(name: str, value: object, minimum: int | None = None) -> Value:
    """Validate one length parameter: an int (at least ``minimum``) or an integer SymPy expression."""
    if type(value) is int and (minimum is None or value >= minimum):
        return value  # the numeric path
    if is_symbolic(value):
        if getattr(value, "is_integer", None) is not True:
            raise ParameterError(name, "must be an integer (declare SymPy symbols integer=True)", value)
        if minimum is not None:
            low_enough = (value < minimum) if not value.free_symbols else False
            if low_enough is True or getattr(low_enough, "is_true", False):
                raise ParameterError(name, f"must be >= {minimum}", value)
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, "must be an integer", value)
    if minimum is not None and value < minimum:
        rule = {0: "must be a non-negative integer", 1: "must be a positive integer"}.get(
            minimum, f"must be an integer >= {minimum}"
        )
        raise ParameterError(name, rule, value)
    return value
