"""A claim typeset as a theorem: the documents' math notation, a proposition's layout, the theorem itself.

:mod:`derive.document` places the theorems in chapters; this module says how one reads: ``math`` (the
notation, with ``K`` for the effective kernel), the order and domains of symbols, a wide proposition
broken into rows, the quantifier line, the verdict, the counterexample table and the proved iff.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sympy as sp
from sympy.core.function import _coeff_isneg

from .claims import Result
from .latex import RELATIONS, SYMBOL_ORDER, LatexPrinter, conjuncts, to_latex
from .latex_text import escape, quotes, tt
from .lengths import effective_kernel
from .prover import Status

# the effective kernel, abbreviated K wherever d(k - 1) + 1 appears whole
_k, _d = sp.symbols("k d", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
#: d(k - 1) + 1 over the symbols k and d, as the notation table and the About chapter print it
EFFECTIVE_KERNEL = effective_kernel(_k, _d)
ABBREVIATIONS = {EFFECTIVE_KERNEL: K}


def math(expr: Any) -> str:
    """LaTeX math (no delimiters) for an expression or proposition, in the document's notation."""
    return to_latex(expr, ABBREVIATIONS)


def symbol_key(sym: sp.Symbol) -> tuple[int, str, str]:
    name = sym.name
    rank = SYMBOL_ORDER.index(name) if name in SYMBOL_ORDER else len(SYMBOL_ORDER)
    # two symbols may share a name with different domains: the domain breaks the tie
    return (rank, name, domain_tex(sym) if isinstance(sym, sp.Symbol) and sym.is_integer else "")


def domain_tex(sym: sp.Symbol) -> str:
    if sym.is_positive:
        return r"\ge 1"
    if sym.is_nonnegative:
        return r"\ge 0"
    return r"\in \mathbb{Z}"


def theorem_label(result: Result) -> str:
    return f"thm:{result.claim.id}"


def exactly_when(iff: Any) -> str:
    """Where a refuted claim holds, in words: "exactly when $s = 4$", "for no values", "for every value"."""
    if iff is sp.false or iff is False:
        return "for no values of its parameters"
    if iff is sp.true or iff is True:
        return "for every value of its parameters"
    return f"exactly when ${math(iff)}$"


# ---------------------------------------------------------------- theorems


_WIDE = 56  # visible characters beyond which a proposition is laid out one part per line


def tex_width(tex: str) -> int:
    """Roughly how many characters a math formula shows (a symbol command counts one; layout commands none)."""
    tex = re.sub(r"\\(left|right|frac|mathrm|mathit|begin|end|notag)\b|[{}\s]", "", tex)
    return len(re.sub(r"\\[a-zA-Z]+", "x", tex))


def _parts(prop: Any) -> tuple[str, list[Any]]:
    """A proposition's operator and its parts: And, Or, or (for an implication) premises and conclusion."""
    if isinstance(prop, sp.Implies):
        return r"\implies", [*(conjuncts(prop.args[0]) or [prop.args[0]]), prop.args[1]]
    if isinstance(prop, sp.Equivalent):
        return r"\iff", list(prop.args)
    if isinstance(prop, sp.And):
        return r"\land\;", _ordered_args(prop)
    if isinstance(prop, sp.Or):
        return r"\lor\;", _ordered_args(prop)
    return "", [prop]


def _layout(prop: Any) -> list[tuple[str, str]]:
    """``(operator, formula)`` rows: one per part of a wide proposition, a wide part's own parts indented."""
    op, parts = _parts(prop)
    if tex_width(math(prop)) <= _WIDE:
        return [("", math(prop))]
    if len(parts) == 1:
        return _relation_rows(prop, "")
    rows: list[tuple[str, str]] = []
    for i, part in enumerate(parts):
        lead = op if i else ""
        if op == r"\implies" and 0 < i < len(parts) - 1:
            lead = r"\land\;"
        sub_op, sub_parts = _parts(part)
        if len(sub_parts) == 1 or tex_width(math(part)) <= _WIDE or sub_op == r"\implies":
            rows += _relation_rows(part, lead)
            continue
        last = len(sub_parts) - 1
        for j, sub in enumerate(sub_parts):
            tex = (r"\Bigl(" if j == 0 else rf"\qquad {sub_op} ") + math(sub) + (r"\Bigr)" if j == last else "")
            rows.append((lead if j == 0 else "", tex))
    return rows


def _relation_rows(prop: Any, lead: str) -> list[tuple[str, str]]:
    """A wide equation or inequality broken at its relation, each wide side at its terms; else one row."""
    if tex_width(math(prop)) <= _WIDE or not getattr(prop, "is_Relational", False):
        return [(lead, math(prop))]
    relation = RELATIONS[prop.rel_op]
    left, right = _split(prop.lhs), _split(prop.rhs)
    rows = [(lead, left[0])] + [("", rf"\quad {row}") for row in left[1:]]
    rows.append(("", rf"\quad {relation} {right[0]}"))
    return rows + [("", rf"\qquad {row}") for row in right[1:]]


_PRINTER = LatexPrinter({"abbreviations": tuple(ABBREVIATIONS.items())})


def _split(expr: Any) -> list[str]:
    """Rows of a wide expression, so that a display need not shrink it: a sum breaks between its terms,
    a max/min/floor/ceiling inside its brackets (fixed-size ones, which may open and close on different rows).
    Only the layout changes; the rows read in order are the expression ``math`` prints."""
    tex = math(expr)
    if tex_width(tex) <= _WIDE or not isinstance(expr, sp.Basic):
        return [tex]
    if isinstance(expr, sp.Add):
        shorter = _PRINTER._abbreviated(expr)
        if shorter is not None and shorter != expr:
            return _split(shorter)
        pieces: list[str] = []
        for i, term in enumerate(_PRINTER._ordered_terms(expr)):
            negative = _coeff_isneg(term)
            parts = _split(-term if negative else term)
            sign = ("-" if negative else "") if i == 0 else ("- " if negative else "+ ")
            pieces += [sign + parts[0], *parts[1:]]
        return _pack(pieces)
    if isinstance(expr, (sp.Max, sp.Min, sp.floor, sp.ceiling)):
        if isinstance(expr, (sp.Max, sp.Min)):
            name = r"\max" if isinstance(expr, sp.Max) else r"\min"
            opening, closing = name + r"\Bigl(", r"\Bigr)"
            args = sorted(expr.args, key=lambda a: (not a.is_number, _PRINTER._rank(a), sp.default_sort_key(a)))
        else:
            left, right = (r"\lfloor", r"\rfloor") if isinstance(expr, sp.floor) else (r"\lceil", r"\rceil")
            opening, closing, args = rf"\Bigl{left} ", rf" \Bigr{right}", list(expr.args)
        pieces = []
        for j, arg in enumerate(args):
            parts = _split(arg)
            if j < len(args) - 1:
                parts[-1] += ","
            pieces += parts
        pieces[0] = opening + pieces[0]
        pieces[-1] += closing
        return _pack(pieces)
    if isinstance(expr, sp.Piecewise) and r"\operatorname{trunc}" not in tex:
        # cases side by side are as wide as both: one branch per row, "if ... else" in words
        pieces = []
        for j, (value, cond) in enumerate(expr.args):
            last = j == len(expr.args) - 1
            word = r"\text{else } " if last and cond is sp.true else rf"\text{{if }} {math(cond)}\text{{: }}"
            parts = _split(value)
            pieces += [(r"\Bigl(" if j == 0 else "") + word + parts[0], *parts[1:]]
            pieces[-1] += r"\Bigr)" if last else ";"
        return pieces
    return [tex]


def _pack(pieces: list[str]) -> list[str]:
    """Consecutive pieces joined into rows of at most ``_WIDE`` visible characters (a wider piece alone)."""
    rows: list[str] = []
    for piece in pieces:
        if rows and tex_width(rows[-1] + piece) <= _WIDE:
            rows[-1] += " " + piece
        else:
            rows.append(piece)
    return rows


def _display(prop: Any) -> str:
    """A proposition as a display; a wide implication, conjunction or disjunction one part per line."""
    rows = _layout(prop)
    if len(rows) == 1:
        return rf"\[ \fitmath{{{rows[0][1]}}} \]"
    body = " \\\\\n".join(f"{op} & \\fitmath{{{row}}}" for op, row in rows)
    return "\\begin{align*}\n" + body + "\n\\end{align*}"


def _ordered_args(prop: Any) -> list[Any]:
    return sorted(prop.args, key=lambda a: (isinstance(a, sp.logic.boolalg.BooleanFunction), sp.default_sort_key(a)))


def _quantifier(claim_symbols: Iterable[sp.Symbol], assume: Iterable[Any]) -> str:
    groups: dict[str, list[str]] = {}
    for sym in sorted(claim_symbols, key=symbol_key):
        groups.setdefault(domain_tex(sym), []).append(math(sym))
    domains = " and ".join(f"${', '.join(names)} {dom}$" for dom, names in groups.items())
    text = f"For all integers {domains}" if domains else "Always"
    conditions = [math(c) for c in assumption_conjuncts(assume)]
    if any(tex_width(c) > 40 or "cases" in c for c in conditions):
        rows = " \\\\\n".join(rf"\fitmath{{{c}}}" for c in conditions)
        return text + " with\n\\begin{gather*}\n" + rows + "\n\\end{gather*}\nit holds that"
    if conditions:
        text += " with " + ", ".join(f"${c}$" for c in conditions)
    return text + ":"


def assumption_conjuncts(assume: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    for a in assume:
        for c in conjuncts(a):
            if c not in seen:
                seen.append(c)
    return seen


def _counterexample(result: Result) -> str:
    values = result.counterexample or {}
    names = sorted(values, key=lambda n: symbol_key(sp.Symbol(n)))
    head = " & ".join(f"${math(sp.Symbol(n))}$" for n in names)
    row = " & ".join(str(values[n]) for n in names)
    return "\n".join(
        [
            r"\begin{center}\small",
            rf"\begin{{tabular}}{{@{{}}{'c' * len(names)}@{{}}}}",
            r"\toprule",
            head + r" \\",
            r"\midrule",
            row + r" \\",
            r"\bottomrule",
            r"\end{tabular}",
            r"\end{center}",
        ]
    )


def _statement(text: str) -> str:
    """A claim's statement in words, upright, with ASCII relations as symbols."""
    for ascii_, symbol in (("<=", "≤"), (">=", "≥"), ("!=", "≠")):
        text = text.replace(ascii_, symbol)
    if re.match(r"[a-z]{2,} ", text):
        text = text[0].upper() + text[1:]
    # a long identifier (``_convert_conv_transpose_padding``, ``tf.keras.layers.X``) may break inside
    pieces = re.split(r"(?<=[_/.(])(?=\S)", quotes(text))
    return r"\textup{" + r"\allowbreak{}".join(escape(piece) for piece in pieces) + "}"


def theorem(result: Result) -> str:
    c = result.claim
    v = result.verdict
    out = [rf"\begin{{theorem}}[{escape(c.name)}]\label{{{theorem_label(result)}}}"]
    out.append(f"{_statement(c.statement)}. {_quantifier(c.symbols, c.assume)}")
    out.append(_display(c.proposition))
    if c.proposition is sp.true:
        out.append(
            r"{\small (SymPy reduces the proposition to $\mathrm{true}$ as it is built: the two sides are the "
            r"same expression.)}"
        )
    out.append(r"\end{theorem}")
    status = v.status.value
    text = rf"\noindent\verdict{{{status}}}. "
    if v.status is Status.PROVED:
        text += "Z3 finds the negation unsatisfiable."
    elif v.status is Status.REFUTED:
        text += "The smallest counterexample, substituted back and re-checked, is below."
    else:
        text += escape(f"The solver gave up ({v.reason}).")
    if v.side_conditions:
        text += " Assuming " + ", ".join(f"${math(sp.Ne(s, 0))}$" for s in v.side_conditions) + "."
    if not result.ok:
        expected = c.expect.value
        text += rf" \textbf{{Off expectation:}} the catalogue expects \emph{{{expected}}}"
        if result.iff_verdict is not None and not result.iff_verdict.proved:
            text += " and a proved condition"
        text += "."
    text += f" Family: {escape(c.family or 'none')}; script {tt(c.script)}."
    out.append(text)
    if v.status is Status.REFUTED and result.counterexample:
        out.append(_counterexample(result))
        if result.example:
            out.append(rf"{{\raggedright As a call: {tt(result.example)}.\par}}")
    if c.iff is not None:
        iff_status = result.iff_verdict.status.value if result.iff_verdict else "unknown"
        if c.iff is sp.false or c.iff is sp.true:
            out.append(
                rf"\noindent The proposition holds {exactly_when(c.iff)} (its exact condition is "
                rf"${math(c.iff)}$): \verdict{{{iff_status}}} (the equivalence, under the same assumptions)."
            )
        else:
            out.append(
                r"\noindent The proposition holds exactly when"
                + f"\n{_display(c.iff)}\n"
                + rf"\verdict{{{iff_status}}} (the equivalence, under the same assumptions)."
            )
    return "\n".join(out)
