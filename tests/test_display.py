"""Results in a notebook: one-line reprs, str as the command line prints it, HTML and LaTeX with the call to paste."""

from __future__ import annotations

import shlex

import pytest
import sympy as sp

from derive import parsing
from derive.cli import main
from derive.display import check_call, proposition_text
from derive.explain import explain, lines
from derive.port import lines as port_lines
from derive.port import port
from derive.prover import prove
from derive.solve import solve, solve_every

n, s, a = sp.symbols("n s a", integer=True, positive=True)


def _results() -> list[tuple[str, object, str, str]]:
    """(id, result, text its repr and HTML show as the answer, the call to paste)."""
    return [
        ("refuted", prove(sp.Eq(sp.floor(n / s), sp.ceiling(n / s))), "refuted: n=1, s=2",
         'derive check "floor(n/s) == ceiling(n/s)" --assume "n == 1" --assume "s == 2"'),
        ("proved", prove(sp.Implies(s >= 2, n < n * s)), "proved", ""),
        ("explain", explain("keras", 2, kernel_size=3, strides=2), "5",
         "keras.layers.Conv1DTranspose(kernel_size=3, strides=2)"),
        ("refused", explain("torch", 4, kernel_size=3, stride=2, output_padding=2), "refused",
         "torch.nn.ConvTranspose1d(kernel_size=3, stride=2, output_padding=2)"),
        ("solve", solve("torch", 4, 8, limit=2), "2+ families", "torch.nn.ConvTranspose1d(kernel_size=2, stride=2)"),
        ("solve every n", solve_every("torch", "2*n", limit=1), "1+ family",
         "torch.nn.ConvTranspose1d(kernel_size=2, stride=2)"),
        ("port aligned", port("torch", "keras", kernel_size=4, stride=2, padding=1), "same samples: proved",
         "keras.layers.Conv1DTranspose(kernel_size=4, strides=2, padding='same')"),
        ("port length only", port("keras", "torch", kernel_size=3, strides=2, padding="same"), "same length only",
         "y = torch.nn.ConvTranspose1d(kernel_size=3, stride=2)(x)[..., :-1]"),
    ]  # fmt: skip


RESULTS = _results()
IDS = [r[0] for r in RESULTS]


@pytest.mark.parametrize(("name", "result", "answer", "call"), RESULTS, ids=IDS)
def test_repr_is_one_short_line_without_the_solver_query(name, result, answer, call):
    """repr names the kind and the answer on one line, and never dumps the SMT-LIB2 query or every field."""
    text = repr(result)
    assert text.startswith(f"<{type(result).__name__} ") and text.endswith(">")
    assert "\n" not in text and len(text) <= 200
    assert "(assert" not in text and "declare-fun" not in text and "smt2" not in text
    assert answer.split(":")[0] in text


@pytest.mark.parametrize(("name", "result", "answer", "call"), RESULTS, ids=IDS)
def test_html_shows_the_verdict_and_the_call_to_paste(name, result, answer, call):
    """_repr_html_ is one block with the answer in colour and the paste-able call, HTML-escaped."""
    import html

    text = result._repr_html_()
    assert text.startswith("<div class=") and text.endswith("</div>")
    assert f'">{html.escape(answer)}' in text
    if call:
        assert f"paste: <code>{html.escape(call)}</code>" in text


@pytest.mark.parametrize(("name", "result", "answer", "call"), RESULTS, ids=IDS)
def test_latex_is_one_math_formula(name, result, answer, call):
    """_repr_latex_ is one $...$ formula with balanced braces and the call in typewriter, specials escaped."""
    text = result._repr_latex_()
    assert text.startswith("$\\displaystyle ") and text.endswith("$") and text.count("$") == 2
    body = text.replace("\\{", "").replace("\\}", "")
    assert body.count("{") == body.count("}")
    if call:
        assert "\\texttt{" + call.replace("_", "\\_") in text
    assert "_" not in text.replace("\\_", "").split("\\texttt{", 1)[-1].split("}", 1)[0]


def test_verdict_latex_shows_the_formula():
    """A verdict's LaTeX is SymPy's rendering of the proposition, then the verdict."""
    v = prove(sp.Eq(sp.floor(n / s), sp.ceiling(n / s)))
    assert v._repr_latex_().startswith("$\\displaystyle " + sp.latex(v.proposition) + "\\quad\\Longrightarrow")


def test_str_is_what_the_command_line_prints(capsys):
    """str() of a result is the command line's text, not a dump of fields."""
    e = explain("keras", 2, kernel_size=3, strides=2)
    assert str(e) == "\n".join(lines(e))
    assert main(["solve", "torch", "--n", "4", "--out", "8", "--limit", "2"]) == 0
    assert str(solve("torch", 4, 8, limit=2)) == capsys.readouterr().out.strip()
    p = port("keras", "torch", kernel_size=3, strides=2, padding="same")
    assert str(p) == "\n".join(port_lines(p))
    assert str(prove(sp.Eq(sp.floor(n / s), sp.ceiling(n / s)))) == "refuted: n=1, s=2"


def test_the_counterexample_call_shows_the_claim_false(capsys):
    """The pasted `derive check` command pins the counterexample and is refuted there, with the same values."""
    v = prove(sp.Eq(sp.floor(n / s), sp.ceiling(n / s)))
    argv = shlex.split(check_call(v))
    assert argv[0] == "derive" and main(argv[1:]) == 1
    assert capsys.readouterr().out.strip() == str(v)


PROPOSITIONS = [
    sp.Eq(sp.floor(n / s), sp.ceiling(n / s)),
    sp.Implies(sp.And(a < s, n > 1), sp.Eq(sp.Mod(n, s) + a, 3)),
    sp.Or(sp.Ne(n, 2), sp.Not(sp.Ge(s, 4))),
    sp.Equivalent(n > 1, sp.Max(n, 2) == n),
    sp.Le(sp.Abs(n - s) ** 2, sp.Min(n, s) * 7),
    sp.Ge(sp.Piecewise((n, n > 3), (3, True)), 3),
]


@pytest.mark.parametrize("proposition", PROPOSITIONS, ids=str)
def test_proposition_text_reads_back_as_the_same_proposition(proposition):
    """The grammar text a verdict shows parses back to an equivalent proposition (proved)."""
    text = proposition_text(proposition)
    back = parsing.parse(text, {x.name: x for x in (n, s, a)})
    assert prove(sp.Equivalent(back, proposition)).proved, text


def test_a_proof_result_shows_the_claim_not_the_query():
    """A decided catalogue claim's repr is one line; its HTML gives the statement, the verdict, the iff and the call."""
    from derive import catalogue
    from derive.claims import decide

    loaded = catalogue.load_catalogue(catalogue.discover(["torch"]))
    claim = next(c for c in loaded.claims if c.id == "torch/output-padding/round-trip")
    result = decide(claim)
    text = repr(result)
    assert text == "<Result torch/output-padding/round-trip: refuted: a=1, d=2, k=1, n=1, p=0, s=1, as expected>"
    page = result._repr_html_()
    assert "refuted: a=1, d=2, k=1, n=1, p=0, s=1 (as expected)" in page and "#0969da" in page  # a finding, not red
    assert "holds iff a &lt; s: proved" in page
    assert "paste: <code>torch.nn.ConvTranspose1d(1, 1, kernel_size=1, stride=1, padding=0, dilation=2" in page
    assert str(result).splitlines()[1] == "  refuted: a=1, d=2, k=1, n=1, p=0, s=1 (as expected)"
    assert result._repr_latex_().startswith("$\\displaystyle " + sp.latex(claim.proposition))
