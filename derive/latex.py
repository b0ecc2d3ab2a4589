"""LaTeX for derive's SymPy expressions, in textbook order: ``s(n - 1) + K - p - q``, not SymPy's canonical order.

:class:`LatexPrinter` is SymPy's printer with the nodes derive changes (``_print_Add`` orders the
terms, ``_print_Mul`` the factors, floors and ceilings get their brackets, chained inequalities
print as ``a \\le x < b``); :func:`to_latex` fronts it, as ``sympy.latex`` fronts SymPy's.

Term order: positive terms before negative ones and numbers last; within each group, by the
rank of the term's first variable in ``symbol_order`` (the input length first, then stride,
kernel, dilation, padding, output padding), so forward lengths read ``\\lfloor (L + p + q - K)/s
\\rfloor + 1`` and transposed ones ``s(n - 1) + K - p - q + a``. Only printing changes: the
expression itself is never rewritten, except for the ``abbreviations`` a caller asks for
(e.g. ``{d(k-1)+1: K}``), which are substituted before printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef, _coeff_isneg
from sympy.printing.latex import LatexPrinter as _SymPyLatexPrinter

#: variables in the order a textbook writes them: lengths, stride, kernel, dilation, padding, output padding
SYMBOL_ORDER: tuple[str, ...] = ("L", "x", "i", "n", "i'", "o", "o'", "ell", "s", "k", "m", "d", "K", "p", "q", "a")

_IMPLIES, _IFF = r"\Rightarrow", r"\Leftrightarrow"
RELATIONS = {"==": "=", "!=": r"\neq", "<": "<", "<=": r"\le", ">": ">", ">=": r"\ge"}


class LatexPrinter(_SymPyLatexPrinter):
    """SymPy's LaTeX printer with textbook term order, ⌊·⌋/⌈·⌉ brackets and chained inequalities."""

    printmethod = "_latex"
    _default_settings: dict[str, Any] = {  # noqa: RUF012 (SymPy's settings protocol)
        **_SymPyLatexPrinter._default_settings,
        # variable names in print order; unknown names come after them, alphabetically
        "symbol_order": SYMBOL_ORDER,
        # (sum, symbol) pairs: a sum whose non-constant terms contain ±(the sum's) prints the symbol instead
        "abbreviations": (),
    }

    # ---------------------------------------------------------------- ordering

    def _rank(self, term: sp.Basic) -> tuple[int, str]:
        order = self._settings["symbol_order"]
        names = sorted(s.name for s in term.free_symbols)
        if not names:
            return (len(order) + 1, "")
        return min((order.index(n) if n in order else len(order), n) for n in names)

    def _ordered_terms(self, expr: sp.Add) -> list[sp.Basic]:
        terms = list(expr.args)
        has_positive_symbolic = any(not t.is_number and not _coeff_isneg(t) for t in terms)

        def key(t: sp.Basic) -> tuple[Any, ...]:
            if t.is_number:
                # "1 - x" rather than "-x + 1" when nothing symbolic is positive
                group = 2 if has_positive_symbolic or _coeff_isneg(t) else -1
            else:
                group = 1 if _coeff_isneg(t) else 0
            return (group, self._rank(t), sp.default_sort_key(t))

        return sorted(terms, key=key)

    def _ordered_factors(self, factors: Sequence[sp.Basic]) -> list[sp.Basic]:
        def key(f: sp.Basic) -> tuple[Any, ...]:
            if f.is_number:
                kind = 0
            elif f.is_Symbol or (f.is_Pow and f.base.is_Symbol):
                kind = 1
            elif f.is_Add:
                kind = 3
            else:
                kind = 2
            return (kind, self._rank(f), sp.default_sort_key(f))

        return sorted(factors, key=key)

    # ---------------------------------------------------------------- helpers

    @staticmethod
    def _parens(tex: str) -> str:
        big = any(c in tex for c in (r"\frac", r"\lfloor", r"\lceil", r"\max", r"\min"))
        return rf"\left({tex}\right)" if big else f"({tex})"

    def _factor(self, f: sp.Basic) -> str:
        if f.is_Add:
            shorter = self._abbreviated(f)
            if shorter is not None and not shorter.is_Add:  # d(k - 1) + 1 is K: no brackets around it
                return self._factor(shorter)
        tex = self._print(f)
        if f.is_Add or (f.is_Mul and _coeff_isneg(f)) or isinstance(f, (sp.Mod, sp.Piecewise)):
            return self._parens(tex)
        return tex

    # ---------------------------------------------------------------- nodes

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        name = expr.name
        plain = name.rstrip("'")
        if len(plain) > 1 and plain.isalpha() and self._deal_with_super_sub(plain) == plain:
            return rf"\mathit{{{plain}}}" + name[len(plain) :]
        return super()._print_Symbol(expr, style)

    def _abbreviated(self, expr: sp.Add) -> sp.Basic | None:
        """``expr`` with one abbreviated sum (e.g. ``d(k-1) + 1``) replaced by its symbol, or None."""
        terms = expr.as_coefficients_dict()
        for long, short in self._settings["abbreviations"]:
            pattern = sp.sympify(long).as_coefficients_dict()
            symbolic = [t for t in pattern if not t.is_number]
            if not symbolic or symbolic[0] not in terms:
                continue
            sign = terms[symbolic[0]] / pattern[symbolic[0]]
            if sign not in (1, -1) or any(terms.get(t, 0) != sign * pattern[t] for t in symbolic):
                continue
            rest = sp.Add(*(c * t for t, c in terms.items() if t not in symbolic))
            constant = sp.Add(*(c * t for t, c in pattern.items() if t.is_number))
            return rest - sign * constant + sign * short
        return None

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        shorter = self._abbreviated(expr)
        if shorter is not None:
            return self._print(shorter)
        tex = ""
        for i, term in enumerate(self._ordered_terms(expr)):
            if _coeff_isneg(term):
                tex += ("-" if i == 0 else " - ") + self._print(-term)
            else:
                tex += ("" if i == 0 else " + ") + self._print(term)
        return tex

    def _print_Mul(self, expr: sp.Mul) -> str:
        if _coeff_isneg(expr):
            inner = -expr
            tex = self._print(inner)
            return "-" + (self._parens(tex) if inner.is_Add else tex)
        num, den = sp.fraction(expr, exact=True)
        if den != 1:
            return rf"\frac{{{self._print(num)}}}{{{self._print(den)}}}"
        coeff, factors = expr.as_coeff_mul()
        parts = [] if coeff == 1 else [self._print(coeff)]
        previous_word = False
        for f in self._ordered_factors(factors):
            tex = self._factor(f)
            # juxtapose "2p", "ns", "s(n - 1)"; a thin space after a multi-letter name ("\mathit{lo}\,s")
            word = tex.startswith(r"\mathit")
            parts.append((r"\," if parts and (previous_word or word) else "") + tex)
            previous_word = word
        return "".join(parts)

    def _print_Function(self, expr: sp.Basic, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef):  # f(L), T(a): the document's named lengths
            tex = f"{expr.func.__name__}({', '.join(self._print(a) for a in expr.args)})"
            return f"{tex}^{{{exp}}}" if exp else tex
        return super()._print_Function(expr, exp)

    def _print_floor(self, expr: sp.floor, exp: str | None = None) -> str:
        return self._brackets(expr, r"\lfloor", r"\rfloor", exp)

    def _print_ceiling(self, expr: sp.ceiling, exp: str | None = None) -> str:
        return self._brackets(expr, r"\lceil", r"\rceil", exp)

    def _brackets(self, expr: sp.Basic, left: str, right: str, exp: str | None) -> str:
        inner = self._print(expr.args[0])
        tex = rf"\left{left} {inner} \right{right}" if r"\frac" in inner else rf"{left} {inner} {right}"
        return f"{tex}^{{{exp}}}" if exp else tex

    def _print_Mod(self, expr: sp.Mod, exp: str | None = None) -> str:
        x, m = expr.args
        tex = rf"{self._factor(x)} \bmod {self._factor(m)}"
        return rf"\left({tex}\right)^{{{exp}}}" if exp else tex

    def _print_Max(self, expr: sp.Max, exp: str | None = None) -> str:
        return self._minmax(r"\max", expr, exp)

    def _print_Min(self, expr: sp.Min, exp: str | None = None) -> str:
        return self._minmax(r"\min", expr, exp)

    def _minmax(self, name: str, expr: sp.Basic, exp: str | None) -> str:
        args = sorted(expr.args, key=lambda a: (not a.is_number, self._rank(a), sp.default_sort_key(a)))
        tex = rf"{name}({', '.join(self._print(a) for a in args)})"
        return f"{tex}^{{{exp}}}" if exp else tex

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        """C/C++ truncating division ``(⌊x/s⌋ if x >= 0 else -⌊-x/s⌋)`` prints as ``trunc(x/s)``; others as cases."""
        quotient = _truncation(expr)
        if quotient is not None:
            return rf"\operatorname{{trunc}}\left({self._print(quotient)}\right)"
        return super()._print_Piecewise(expr)

    def _print_Relational(self, expr: sp.Basic) -> str:
        return f"{self._print(expr.lhs)} {RELATIONS[expr.rel_op]} {self._print(expr.rhs)}"

    def _print_BooleanTrue(self, expr: sp.Basic) -> str:
        return r"\mathrm{true}"

    def _print_BooleanFalse(self, expr: sp.Basic) -> str:
        return r"\mathrm{false}"

    def _operand(self, arg: sp.Basic) -> str:
        tex = self._print(arg)
        return self._parens(tex) if isinstance(arg, (sp.And, sp.Or, sp.Implies, sp.Equivalent)) else tex

    def _print_And(self, expr: sp.And) -> str:
        return r" \land ".join(self._chains(list(expr.args)))

    def _print_Or(self, expr: sp.Or) -> str:
        return r" \lor ".join(self._operand(a) for a in sorted(expr.args, key=self._logic_key))

    def _print_Not(self, expr: sp.Not) -> str:
        return r"\lnot " + self._operand(expr.args[0])

    def _print_Implies(self, expr: sp.Implies, altchar: str | None = None) -> str:
        return f" {altchar or _IMPLIES} ".join(self._operand(a) for a in expr.args)

    def _print_Equivalent(self, expr: sp.Equivalent, altchar: str | None = None) -> str:
        return f" {altchar or _IFF} ".join(self._operand(a) for a in expr.args)

    # ---------------------------------------------------------------- chained inequalities

    def _logic_key(self, arg: sp.Basic) -> tuple[Any, ...]:
        return (isinstance(arg, sp.logic.boolalg.BooleanFunction), self._rank(arg), sp.default_sort_key(arg))

    def _chains(self, args: list[sp.Basic]) -> list[str]:
        """Conjuncts as text, joining ``a <= b`` and ``b < c`` into ``a \\le b < c``."""
        args = sorted(args, key=self._logic_key)
        ups = {i: _upward(a) for i, a in enumerate(args)}
        used: set[int] = set()
        out: list[str] = []
        for i, a in enumerate(args):
            if i in used:
                continue
            first = ups[i]
            partner = None
            if first is not None:
                for j in range(len(args)):
                    second = ups[j]
                    if j != i and j not in used and second is not None:
                        if second[0] == first[2]:
                            partner = (first, second)
                        elif first[0] == second[2]:
                            partner = (second, first)
                        if partner:
                            used |= {i, j}
                            break
            if partner:
                (lo, op1, mid), (_, op2, hi) = partner
                out.append(f"{self._print(lo)} {op1} {self._print(mid)} {op2} {self._print(hi)}")
            else:
                used.add(i)
                out.append(self._operand(a))
        return out


def _truncation(expr: sp.Piecewise) -> sp.Basic | None:
    """``x/s`` when ``expr`` is ``⌊x/s⌋`` for ``x >= 0`` and ``-⌊-x/s⌋`` otherwise (rounding toward zero), else None."""
    if len(expr.args) != 2 or expr.args[1].cond is not sp.true:
        return None
    (first, cond), (second, _) = expr.args
    if not isinstance(first, sp.floor) or not (isinstance(-second, sp.floor)):
        return None
    quotient, negated = first.args[0], (-second).args[0]
    if sp.expand(quotient + negated) != 0:
        return None
    numerator, denominator = sp.fraction(sp.together(quotient))
    if not denominator.is_positive or not getattr(cond, "is_Relational", False) or cond.rel_op not in (">=", ">"):
        return None
    # the condition must say numerator >= 0 (over the integers, ``x > -1`` and ``x + 1 >= 1`` say it too)
    gap = sp.expand(cond.lhs - cond.rhs - numerator)
    if not gap.is_Integer or gap != (0 if cond.rel_op == ">=" else 1):
        return None
    return quotient


def _upward(rel: sp.Basic) -> tuple[sp.Basic, str, sp.Basic] | None:
    """``(small, op, big)`` for an inequality, with op ``\\le`` or ``<``; None for anything else."""
    if not getattr(rel, "is_Relational", False) or rel.rel_op in ("==", "!="):
        return None
    if rel.rel_op in ("<", "<="):
        return rel.lhs, RELATIONS[rel.rel_op], rel.rhs
    return rel.rhs, RELATIONS[{">": "<", ">=": "<="}[rel.rel_op]], rel.lhs


def to_latex(expr: Any, abbreviations: Mapping[Any, Any] | None = None, **settings: Any) -> str:
    """LaTeX (math mode, no delimiters) for a SymPy expression or proposition, in textbook order.

    Args:
        expr: a SymPy expression or Boolean (ints are printed too).
        abbreviations: subexpression → symbol, substituted before printing (e.g. ``{d*(k-1)+1: K}``).
        settings: :class:`LatexPrinter` settings, e.g. ``symbol_order``.
    """
    if abbreviations:
        settings["abbreviations"] = tuple(abbreviations.items())
    return LatexPrinter(settings).doprint(sp.sympify(expr))


def conjuncts(prop: Any) -> list[Any]:
    """The top-level conjuncts of a proposition (itself when it is not an ``And``), ``true`` ones dropped."""
    if isinstance(prop, sp.And):
        return [c for a in prop.args for c in conjuncts(a)]
    return [] if prop is sp.true or prop is True else [prop]
