"""The LaTeX printer: textbook term order, floor and ceiling brackets, chained inequalities, abbreviations."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.latex import LatexPrinter, conjuncts, to_latex

n, L, k, s, d, K = sp.symbols("n L k s d K", integer=True, positive=True)
p, q, a = sp.symbols("p q a", integer=True, nonnegative=True)
x = sp.Symbol("x", integer=True)
lo = sp.Symbol("lo", integer=True)
E = d * (k - 1) + 1  # the effective kernel

CASES = [
    # forward length: the input length first, padding next, the kernel subtracted, the constant last
    (sp.floor((L + p + q - E) / s) + 1, r"\left\lfloor \frac{L + p + q - d(k - 1) - 1}{s} \right\rfloor + 1"),
    # transposed length: s(n - 1) first, as in the guides (SymPy would print a + d(k - 1) - p - q + s(n - 1) + 1)
    ((n - 1) * s + E - p - q + a, "s(n - 1) + d(k - 1) + a - p - q + 1"),
    (sp.ceiling(n / s), r"\left\lceil \frac{n}{s} \right\rceil"),
    (sp.floor(n / 2), r"\left\lfloor \frac{n}{2} \right\rfloor"),
    (sp.Mod(L + p, s), r"(L + p) \bmod s"),
    (sp.Max(1, s * (n - 1) - p), r"\max(1, s(n - 1) - p)"),
    (1 - L, "1 - L"),
    (x - 3, "x - 3"),
    (-s * (n - 1), "-s(n - 1)"),
    (2 * p, "2p"),
    (lo * s, r"s\,\mathit{lo}"),
    (sp.Symbol("i'", integer=True) + k, "i' + k"),
    (sp.Function("T")(a), "T(a)"),
    # a chain: two inequalities sharing their middle term
    (sp.And(sp.Le(s * (n - 1), L), sp.Lt(L, s * n)), r"s(n - 1) \le L < ns"),
    (sp.And(sp.Ge(x, 0), sp.Lt(x, s)), r"0 \le x < s"),
    (sp.Implies(sp.Lt(a, s), sp.Eq(n, 1)), r"a < s \Rightarrow n = 1"),
    (sp.Or(sp.Eq(s, 1), sp.Ne(n, 1)), r"n \neq 1 \lor s = 1"),
    (sp.Not(sp.And(sp.Eq(s, 1), sp.Eq(n, 2))), r"\lnot (n = 2 \land s = 1)"),
    (sp.Ge(L + p + q, E), r"L + p + q \ge d(k - 1) + 1"),
    (sp.true, r"\mathrm{true}"),
]


@pytest.mark.parametrize(("expr", "expected"), CASES, ids=[str(c[0]) for c in CASES])
def test_textbook_form(expr, expected):
    """Each expression prints in textbook order with the document's brackets and relations."""
    assert to_latex(expr) == expected


ABBREVIATED = [
    (sp.floor((L + p + q - E) / s) + 1, r"\left\lfloor \frac{L + p + q - K}{s} \right\rfloor + 1"),
    ((n - 1) * s + E - p - q + a, "s(n - 1) + K + a - p - q"),
    # 'full' padding: lo + hi - K = 2(K - 1) - K, with the constant adjusted
    (sp.floor((L + 2 * (E - 1) - E) / s) + 1, r"\left\lfloor \frac{L + K - 2}{s} \right\rfloor + 1"),
    (sp.Ge(L + p + q, E), r"L + p + q \ge K"),
    # only a whole d(k - 1) is abbreviated: twice of it is not
    (sp.Ge(L + 2 * d * (k - 1), E), r"L + 2d(k - 1) \ge K"),
    (E, "K"),
]


@pytest.mark.parametrize(("expr", "expected"), ABBREVIATED, ids=[str(c[0]) for c in ABBREVIATED])
def test_abbreviation(expr, expected):
    """A sum containing d(k - 1) + 1 prints K in its place, at print time only."""
    assert to_latex(expr, {E: K}) == expected


def test_abbreviation_does_not_evaluate():
    """Abbreviating both sides of an equation leaves the equation alone (no substitution that could make it true)."""
    prop = sp.Eq(sp.floor((L - E) / s), sp.floor((L - k - (k - 1) * (d - 1)) / s), evaluate=False)
    assert to_latex(prop, {E: K}).count("=") == 1


def test_symbol_order_setting():
    """The variable order is a printer setting."""
    assert to_latex(s + n, symbol_order=("s", "n")) == "s + n"
    assert to_latex(s + n) == "n + s"


def test_printer_is_a_sympy_printer():
    """LatexPrinter keeps SymPy's printing of nodes it does not change."""
    assert LatexPrinter().doprint(sp.sqrt(n)) == r"\sqrt{n}"


def test_conjuncts():
    """Top-level conjuncts flatten nested Ands and drop true."""
    assert conjuncts(sp.And(sp.Eq(s, 1), sp.And(sp.Eq(n, 2), sp.Ne(L, 3)))) == [sp.Eq(n, 2), sp.Eq(s, 1), sp.Ne(L, 3)]
    assert conjuncts(sp.true) == []
    assert conjuncts(sp.Eq(s, 1)) == [sp.Eq(s, 1)]
