"""How results show in a terminal and a notebook: a one-line ``repr``, ``str`` as the command line prints it,
HTML and LaTeX.

Verdicts, explanations, solutions and ports inherit :class:`Displayed`; Jupyter calls ``_repr_html_`` /
``_repr_latex_`` and shows the formula, the verdict and the counterexample as a call to paste. A ``repr``
is one line and never the solver query (``Verdict.smt2`` holds that). Nothing heavy is imported here at
module level: the classes' modules import this one.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from typing import Any

#: the longest formula a repr shows before cutting it with …
SHORT = 90

_COLOURS = {"proved": "#1a7f37", "refuted": "#cf222e", "unknown": "#9a6700"}
#: other verdicts' colours: the same layer is proved, equal lengths alone are a warning, no port or a refusal bad
_FINDING = "#0969da"
_MEANS = {"same samples": "proved", "same length only": "unknown", "no port": "refuted", "refused": "refuted",
          "nothing fits": "refuted"}  # fmt: skip


def _escape(text: str) -> str:
    """``html.escape`` (html imported here: the command line starts without it; notebooks pay for it once)."""
    import html

    return html.escape(text)


class Displayed:
    """Mixin: ``repr`` one line, ``str`` the command line's text, ``_repr_html_`` and ``_repr_latex_`` for notebooks.

    Dataclasses that use it pass ``repr=False`` (else the generated repr, every field, wins).
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return short(self)

    def __str__(self) -> str:
        return "\n".join(lines(self))

    def _repr_html_(self) -> str:
        return html(self)

    def _repr_latex_(self) -> str:
        return latex(self)


def _cut(text: str, width: int = SHORT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _kind(obj: Any) -> str:
    return type(obj).__name__


# -- the check command: a proposition as derive's grammar spells it -----------------------


def proposition_text(e: Any) -> str:
    """A SymPy proposition in the grammar ``derive check`` reads (``and``, ``->``, ``==``), to paste back."""
    import sympy as sp

    class _Printer(sp.printing.str.StrPrinter):
        def _join(self, e: Any, word: str) -> str:
            return f" {word} ".join(f"({self._print(a)})" for a in e.args)

        def _print_And(self, e: Any) -> str:
            return self._join(e, "and")

        def _print_Or(self, e: Any) -> str:
            return self._join(e, "or")

        def _print_Not(self, e: Any) -> str:
            return f"not ({self._print(e.args[0])})"

        def _print_Implies(self, e: Any) -> str:
            return f"({self._print(e.args[0])}) -> ({self._print(e.args[1])})"

        def _print_Equivalent(self, e: Any) -> str:
            return "Equivalent(" + ", ".join(self._print(a) for a in e.args) + ")"

        def _print_Relational(self, e: Any) -> str:
            return f"{self._print(e.lhs)} {e.rel_op} {self._print(e.rhs)}"  # Eq(a, b) reads as a == b

    return _Printer().doprint(e)


def check_call(verdict: Any) -> str | None:
    """The ``derive check`` command that pins a counterexample and shows the proposition false there."""
    if verdict.counterexample is None:
        return None
    pins = " ".join(f'--assume "{k} == {v}"' for k, v in verdict.counterexample.items())
    return f'derive check "{proposition_text(verdict.proposition)}" {pins}'.rstrip()


# -- lines (str) ---------------------------------------------------------------------------


def lines(obj: Any) -> list[str]:
    """The result as the command line prints it."""
    kind = _kind(obj)
    if kind == "Verdict":
        out = [str(obj)]
        out += [f"  {name}: {opinion}" for name, opinion in obj.second_opinions.items()]
        return out
    if kind == "Result":
        c = obj.claim
        expected = "as expected" if obj.ok else f"expected {c.expect.value}: OFF"
        out = [f"{c.id}: {c.statement}", f"  {obj.verdict} ({expected})"]
        if c.iff is not None:
            out.append(f"  holds iff {proposition_text(c.iff)}: {obj.iff_verdict}")
        if obj.example:
            out.append(f"  e.g. {obj.example}")
        return out
    if kind == "Explanation":
        from .explain import lines as explain_lines

        return explain_lines(obj)
    if kind == "Port":
        from .port import lines as port_lines

        return port_lines(obj)
    if kind == "Solution":
        from .cli import _paste, _solution_lines
        from .solve import every_n

        return _solution_lines(obj, "", every_n(obj), 1, _paste([obj.answers[0]]) if obj.answers else None)
    if kind == "SymbolicSolution":
        from .cli import _paste

        head = f"{obj.operation}: length {obj.out} for every n ({obj.domain}), proved for each family"
        if not obj.answers:
            return [f"{head}: nothing fits"]
        return [f"{head}, simplest first", *(f"  {e.answer.text}" for e in obj.answers),
                f"  e.g. {_paste([obj.answers[0].answer])}"]  # fmt: skip
    raise TypeError(f"derive.display has no layout for {kind}")


# -- repr ----------------------------------------------------------------------------------


def short(obj: Any) -> str:
    """One line: what was asked and the answer (never the solver query)."""
    kind = _kind(obj)
    if kind == "Verdict":
        return f"<Verdict {_cut(str(obj), 60)} for {_cut(proposition_text(obj.proposition))}>"
    if kind == "Result":
        expected = "as expected" if obj.ok else f"expected {obj.claim.expect.value}"
        return f"<Result {obj.claim.id}: {_cut(str(obj.verdict), 50)}, {expected}>"
    if kind == "Explanation":
        from .explain import length_text

        length = length_text(obj)
        span = "" if obj.preimage is None else f", preimage {obj.preimage[0]}..{obj.preimage[1]}"
        return f"<Explanation {_cut(obj.call)} on n={obj.n}: {length}{span}>"
    if kind == "Solution":
        head = f"<Solution {obj.operation} n={obj.n} -> {obj.out}: "
        if not obj.answers:
            return head + "nothing fits>"
        return head + f"{_families(obj)}, first {_cut(obj.answers[0].text, 60)}>"
    if kind == "SymbolicSolution":
        first = f", first {_cut(obj.answers[0].answer.text, 60)}" if obj.answers else ""
        every = f"{obj.out} for every n ({obj.domain})"
        return f"<SymbolicSolution {obj.operation}: {every}: {_families(obj)}{first}>"
    if kind == "Port":
        return f"<Port {obj.source.split('(')[0]} -> {_cut(obj.target or 'no setting', 70)}: {_port_status(obj)}>"
    return object.__repr__(obj)


def _families(sol: Any) -> str:
    count = len(sol.answers)
    return f"{count}{'' if sol.complete else '+'} famil{'y' if count == 1 else 'ies'}"


def _port_status(p: Any) -> str:
    if p.alignment:
        return p.alignment + (": proved" if p.aligned else "")
    if p.fix:
        return "no setting alone; the fix with a crop keeps the same samples"
    return "no port"


# -- HTML ------------------------------------------------------------------------------------


def _badge(status: str, colour: str | None = None) -> str:
    word = status.split(":")[0]
    colour = colour or _COLOURS.get(word.split(" ")[0], _COLOURS.get(_MEANS.get(word, ""), "#57606a"))
    return f'<b style="color:{colour}">{_escape(status)}</b>'


def _code(text: str) -> str:
    return f"<code>{_escape(text)}</code>"


def _verdict_status(v: Any) -> str:
    status = v.status.value
    if v.counterexample is not None:
        status += ": " + ", ".join(f"{k}={val}" for k, val in v.counterexample.items())
    elif v.reason:
        status += f" ({v.reason})"
    return status


def _summary(obj: Any) -> tuple[str, str, str | None, list[str]]:
    """(what was asked, its verdict, the call to paste, the detail lines) of a result."""
    kind = _kind(obj)
    detail = lines(obj)
    if kind == "Verdict":
        return proposition_text(obj.proposition), _verdict_status(obj), check_call(obj), detail[1:]
    if kind == "Result":
        expected = "as expected" if obj.ok else f"expected {obj.claim.expect.value}"
        return obj.claim.statement, f"{_verdict_status(obj.verdict)} ({expected})", obj.example, detail[1:]
    if kind == "Explanation":
        from .explain import length_text

        status = length_text(obj)
        return f"{obj.call} on n={obj.n}", status, obj.call, detail[1:]
    if kind in ("Solution", "SymbolicSolution"):
        asked = f"{obj.operation}: n={obj.n} -> {obj.out}" if kind == "Solution" else f"{obj.operation}: {obj.out}"
        status = _families(obj) if obj.answers else "nothing fits"
        example = next((x[len("  e.g. ") :] for x in detail if x.startswith("  e.g. ")), None)
        return asked, status, example, detail[1:]
    if kind == "Port":
        status = _port_status(obj)
        if obj.counterexample is not None:  # where the best candidate's length differs
            status += " (at " + ", ".join(f"{k}={v}" for k, v in obj.counterexample.items()) + ")"
        return f"{obj.source} -> {obj.target or 'no setting'}", status, obj.fix or obj.target, detail
    raise TypeError(f"derive.display has no layout for {kind}")


def html(obj: Any) -> str:
    """An HTML block: the question, the verdict in colour, the call to paste, then the command line's lines."""
    asked, status, call, detail = _summary(obj)
    # a claim refuted as expected is a finding (the iff says when it holds), not a failure: not red
    finding = _kind(obj) == "Result" and obj.ok and not obj.verdict.proved
    badge = _badge(status, _FINDING if finding else None)
    parts = [f'<div class="derive-{_kind(obj).lower()}">', f"{_code(asked)}: {badge}"]
    if call:
        parts.append(f"<br>paste: {_code(call)}")
    if detail:
        parts.append("<pre>" + _escape("\n".join(detail)) + "</pre>")
    parts.append("</div>")
    return "".join(parts)


# -- LaTeX -----------------------------------------------------------------------------------

_TT = {"\\": r"\backslash ", "_": r"\_", "{": r"\{", "}": r"\}", "#": r"\#", "%": r"\%", "&": r"\&",
       "$": r"\$", "^": r"\hat{}", "~": r"\sim "}  # fmt: skip


def tt(text: str) -> str:
    """``text`` as MathJax/LaTeX typewriter, special characters escaped."""
    return r"\texttt{" + "".join(_TT.get(c, c) for c in text) + "}"


def _text(text: str) -> str:
    """``text`` for ``\\text{}``/``\\textbf{}``, special characters escaped."""
    return "".join(_TT.get(c, c) for c in text)


def latex(obj: Any) -> str:
    """Math-mode LaTeX (as Jupyter's MathJax renders it): the formula, the verdict, the call to paste."""
    kind = _kind(obj)
    asked, status, call, _ = _summary(obj)
    if kind in ("Verdict", "Result"):
        import sympy as sp

        prop, assumptions = (obj.proposition, obj.assumptions) if kind == "Verdict" else (
            obj.claim.proposition, obj.claim.assume)  # fmt: skip
        formula = sp.latex(prop)
        assumed = "" if not assumptions else r"\quad\text{assuming } " + ", ".join(sp.latex(a) for a in assumptions)
        head = rf"{formula}{assumed}\quad\Longrightarrow\quad\textbf{{{_text(status)}}}"
    elif kind == "Explanation" and obj.formula:
        head = rf"{tt(obj.call)}\ \text{{on}}\ n={obj.n}:\ \textbf{{{_text(status)}}}\quad {tt(obj.formula)}"
        if obj.preimage is not None:
            head += rf"\quad\text{{preimage}}\ {obj.preimage[0]}..{obj.preimage[1]}"
    else:
        head = rf"{tt(asked)}:\ \textbf{{{tt(status)}}}"
    if call:
        head += rf"\\ \text{{paste: }}{tt(call)}"
    return f"$\\displaystyle {head}$"
