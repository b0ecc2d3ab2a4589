"""The derivation documents (`derive docs`): golden .tex files, every step proved, the PDF, new chapters.

Golden files: ``tests/golden/docs/*.tex`` are the documents generated from two fixed proof scripts
(``proofs/generic.py`` and ``proofs/dumoulin_visin.py``), so adding a framework script does not
touch them. After an intended change to the printer, the generator or those scripts, regenerate them
with::

    DERIVE_UPDATE_GOLDEN=1 pytest tests/test_document.py

and review the diff. The committed ``docs/derivations/*.tex`` (the whole catalogue, so minutes of
proving) are checked by ``test_committed_documents_are_current`` when ``DERIVE_CHECK_DOCS=1``;
regenerate them with ``derive docs`` (or ``derive prove --docs``).

The PDF tests need latexmk and pdflatex; they are skipped without them, unless
``DERIVE_REQUIRE_TEX=1`` (CI), which turns a missing TeX into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from functools import cache
from pathlib import Path

import pytest
import sympy as sp

from derive import document, frameworks
from derive.catalogue import load, load_catalogue
from derive.cli import main
from derive.derivation import Derivation, floor_affine, generic, prove_derivation
from derive.errors import ParameterError
from derive.frameworks import torch as torch_model

ROOT = Path(__file__).parent.parent
PROOFS = ROOT / "proofs"
GOLDEN = Path(__file__).parent / "golden" / "docs"
FIXED = (PROOFS / "generic.py", PROOFS / "dumoulin_visin.py")
UPDATE = os.environ.get("DERIVE_UPDATE_GOLDEN") == "1"
STEP = re.compile(r"\\stepverdict\{(\w+)\}")

n, L, s = sp.symbols("n L s", integer=True, positive=True)
a = sp.Symbol("a", integer=True, nonnegative=True)


@cache
def inputs(paths: tuple[Path, ...]) -> document.Inputs:
    return document.collect(list(paths), jobs=1 if len(paths) < 3 else None)


@cache
def rendered(paths: tuple[Path, ...]) -> dict[str, str]:
    return document.render(inputs(paths))


def need_tex() -> None:
    if not document.tex_available():
        if os.environ.get("DERIVE_REQUIRE_TEX") == "1":
            pytest.fail("DERIVE_REQUIRE_TEX=1 but latexmk/pdflatex are not installed")
        pytest.skip("latexmk/pdflatex not installed")


# ---------------------------------------------------------------- golden files


def test_golden_documents():
    """The documents of the two fixed scripts equal the golden files (DERIVE_UPDATE_GOLDEN=1 rewrites them)."""
    files = rendered(FIXED)
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for old in GOLDEN.glob("*.tex"):
            old.unlink()
        for name, text in files.items():
            (GOLDEN / name).write_text(text)
    assert sorted(p.name for p in GOLDEN.glob("*.tex")) == sorted(files), "run DERIVE_UPDATE_GOLDEN=1 pytest"
    for name, text in files.items():
        assert (GOLDEN / name).read_text() == text, f"{name} differs from its golden file"


def test_output_is_reproducible():
    """Rendering twice gives the same text, with no dates or timings in it."""
    again = document.render(inputs(FIXED))
    assert again == rendered(FIXED)
    text = "\n".join(again.values())
    assert not re.search(r"\d+\.\d+ ?s\b|\d+ ?ms\b|\\today|20\d\d-\d\d-\d\d", text)


check_docs = pytest.mark.skipif(
    os.environ.get("DERIVE_CHECK_DOCS") != "1", reason="proves the whole catalogue: set DERIVE_CHECK_DOCS=1"
)


@pytest.fixture(scope="session")
def whole_documents(whole_catalogue, whole_report):
    """The documents of the whole catalogue, from the session's one decision of it (tests/conftest.py)."""
    return document.render(document.collect(catalogue=whole_catalogue, report=whole_report))


@pytest.mark.slow
@check_docs
def test_committed_documents_are_current(whole_documents):
    """docs/derivations/*.tex are what `derive docs` writes for the whole catalogue (else run `derive docs`)."""
    files = whole_documents
    stale = document.differences(files, ROOT / "docs" / "derivations")
    assert not stale, f"stale documents {stale}: run 'derive docs'"


# ---------------------------------------------------------------- every step proved


def test_every_derivation_step_is_proved():
    """Every derivation step in the documents carries a 'proved' verdict, one per step the prover decided."""
    proofs = inputs(FIXED).proofs
    steps = [line for proof in proofs for line in proof.steps]
    verdicts = [v for text in rendered(FIXED).values() for v in STEP.findall(text)]
    assert len(steps) >= 6 * 7 and len(verdicts) == len(steps)
    assert set(verdicts) == {"proved"}
    assert all(proof.ok for proof in proofs)


@pytest.mark.slow
@check_docs
def test_every_derivation_step_of_the_catalogue_is_proved(whole_documents):
    """The same for the documents of the whole catalogue (the committed ones)."""
    verdicts = [v for text in whole_documents.values() for v in STEP.findall(text)]
    assert verdicts and set(verdicts) == {"proved"}


# claim keys without a chapter of derivations: the generic model (its derivations come from derive.derivation),
# a paper's convolution arithmetic and whole networks (a layer table instead); keys only the question scripts use
# (keras1) are found by their scripts
PSEUDO_FRAMEWORKS = ("generic", "dumoulin-visin", "networks")


def test_every_framework_chapter_has_a_derivation(whole_catalogue):
    """Each framework chapter derives at least one of its modes, and every derivation is of a mode with claims."""
    catalogue = whole_catalogue
    scripts: dict[str, set[str]] = {}
    for claim in catalogue.claims:
        scripts.setdefault(claim.framework, set()).add(claim.script)
    chapters = {
        key
        for key, names in scripts.items()
        if key not in PSEUDO_FRAMEWORKS and not all(name.startswith("proofs/question_") for name in names)
    }
    assert chapters >= set(frameworks.NAMES)
    derived = {d.framework for d in catalogue.derivations}
    assert sorted(chapters - derived) == [], "frameworks without a derivation"
    modes = {(c.framework, c.mode) for c in catalogue.claims}
    assert [d.key for d in catalogue.derivations if d.key not in modes] == []


@pytest.mark.slow
def test_every_framework_derivation_step_is_proved(whole_catalogue):
    """Every step of every derivation the proof scripts declare is proved (without deciding the claims)."""
    proofs = [prove_derivation(d) for d in whole_catalogue.derivations]
    bad = [
        (p.derivation.key, line.reason, str(line.verdict))
        for p in proofs
        for line in p.steps
        if not line.verdict.proved
    ]
    assert proofs and bad == []
    # at least the preimage chain (two equivalences) and the transposed length
    assert all(len(p.steps) >= 3 and p.ok for p in proofs)


def test_generic_derivation_chain():
    """The generic 'valid' derivation proves f(L) = n ⟺ ℓ ≤ L ≤ ℓ + s - 1 with ℓ the library's preimage start."""
    from derive import lengths

    k, d = sp.symbols("k d", integer=True, positive=True)
    proof = prove_derivation(generic("valid"))
    assert proof.ok
    assert proof.lower == lengths.forward_map(k, s, d, "valid").inverse(n)[0]
    assert [b.title for b in proof.blocks] == ["forward", "preimage", "transposed", "accepted", "reached", "inferred"]
    assert proof.blocks[-1].lines[-1].reason == "the smallest preimage"
    assert prove_derivation(generic("same")).blocks[-1].lines[-1].reason == "the largest preimage"


def test_refuted_step_is_shown_not_hidden():
    """A derivation whose transposed formula leaves the preimage gets a refuted step with its counterexample."""
    wrong = Derivation("toy", "m", L, n, forward=sp.floor((L - 1) / s) + 1, transposed=s * n + a, a=a)
    proof = prove_derivation(wrong)
    assert not proof.ok
    refuted = [line for line in proof.steps if line.verdict.refuted]
    assert refuted and refuted[0].verdict.counterexample
    tex = document._block(next(b for b in proof.blocks if b.title == "accepted"), proof)
    assert r"\stepverdict{refuted}" in tex


@pytest.mark.parametrize(
    ("expr", "offset", "stride", "shift"),
    [
        (sp.floor((L - 3) / s) + 1, -3, s, 1),
        (sp.ceiling(L / s), s - 1, s, 0),
        (L + 2, 2, 1, 0),
    ],
)
def test_floor_affine(expr, offset, stride, shift):
    """Forward lengths are read as ⌊(L + offset)/stride⌋ + shift (a ceiling as a floor)."""
    fm = floor_affine(expr, L)
    assert (sp.simplify(fm.offset - offset), fm.stride, fm.shift) == (0, stride, shift)


def test_floor_affine_refuses_other_forms():
    """A forward length with two floors of L is not floor-affine: bad input, not a wrong derivation."""
    with pytest.raises(ParameterError, match="'forward'"):
        floor_affine(sp.floor(L / s) + sp.floor(L / 2), L)


# ---------------------------------------------------------------- the PDF


def test_pdf_compiles_without_errors_or_undefined_references(tmp_path):
    """The documents compile with latexmk/pdflatex, with no error and no undefined or duplicate reference."""
    need_tex()
    out = tmp_path / "tex"
    document.write(rendered(FIXED), out)
    build = document.build_pdf(out, tmp_path / "d.pdf")
    assert build.status == "built", build.problems
    assert build.problems == ()
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    # nothing runs into the margin (tables, long identifiers, formulas)
    assert document.overfull_boxes(build.log) == []


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DERIVE_CHECK_DOCS") != "1", reason="the whole catalogue: set DERIVE_CHECK_DOCS=1")
def test_committed_pdf_has_no_overfull_boxes(tmp_path):
    """The committed documents of the whole catalogue compile with no overfull line, table or formula."""
    need_tex()
    out = tmp_path / "tex"
    shutil.copytree(ROOT / "docs" / "derivations", out)
    build = document.build_pdf(out, tmp_path / "d.pdf")
    assert build.ok, build.problems
    assert document.overfull_boxes(build.log) == []


def test_pdf_is_byte_stable(tmp_path):
    """Two builds of the same .tex give the same bytes (no dates, no trailer id)."""
    need_tex()
    out = tmp_path / "tex"
    document.write(rendered(FIXED), out)
    first = document.build_pdf(out, tmp_path / "1.pdf")
    second = document.build_pdf(out, tmp_path / "2.pdf")
    assert first.ok and second.ok
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()


def test_log_problems():
    """Errors and unresolved references in a LaTeX log are problems; other warnings are not."""
    log = "\n".join(
        [
            "./x.tex:12: Undefined control sequence.",
            "LaTeX Warning: Reference `thm:x' on page 3 undefined on input line 9.",
            "LaTeX Warning: There were undefined references.",
            "Overfull \\hbox (1.2pt too wide) in paragraph at lines 3--4",
        ]
    )
    assert len(document.log_problems(log)) == 3


# ---------------------------------------------------------------- a new framework gets its chapter


SCRIPT = '''
"""Toy framework: a made-up framework for the document tests.

Its forward length is ``⌊(L - 1)/s⌋ + 1`` and it accepts ``0 <= a < s``.
"""
import sympy as sp

from derive.claims import Claim
from derive.derivation import Derivation

n, L, s = sp.symbols("n L s", integer=True, positive=True)
a = sp.Symbol("a", integer=True, nonnegative=True)
forward = sp.floor((L - 1) / s) + 1
transposed = s * (n - 1) + 1 + a

CLAIMS = [
    Claim("round trip", "toyfw", "plain", "forward(transposed(n)) = n", sp.Eq(forward.subs(L, transposed), n),
          expect="proved", assume=(a < s,), family="1 round trip"),
    Claim("inferred is maximal preimage", "toyfw", "plain", "a = 0 gives the largest", sp.Eq(s, 1),
          expect="refuted", iff=sp.Eq(s, 1), family="3 maximal"),
]
DERIVATIONS = [Derivation("toyfw", "plain", L, n, forward, transposed, a, inferred=transposed.subs(a, 0))]
'''


def test_new_script_yields_its_chapter(tmp_path, capsys):
    """A proof script for a new framework, with claims and a derivation, gets its own chapter with both."""
    script = tmp_path / "toyfw.py"
    script.write_text(textwrap.dedent(SCRIPT))
    out = tmp_path / "docs"
    assert main(["docs", str(script), "--out", str(out), "--no-pdf"]) == 0
    assert "2 theorems, 0 off expectation" in capsys.readouterr().out
    chapter = (out / "toyfw.tex").read_text()
    assert r"\chapter{Toy framework}" in chapter
    assert r"\label{thm:toyfw/plain/round-trip}" in chapter and r"\label{der:toyfw/plain}" in chapter
    assert set(STEP.findall(chapter)) == {"proved"}
    assert r"\input{toyfw}" in (out / "derivations.tex").read_text()
    # the catalogue reports the derivation with its script
    catalogue = load_catalogue([script])
    assert [(d.framework, d.script) for d in catalogue.derivations] == [("toyfw", "toyfw.py")]
    assert load([script]) == catalogue.claims


def test_duplicate_or_malformed_derivations_are_refused(tmp_path):
    """Two derivations of one framework and mode, or a DERIVATIONS that is not a list of them, are bad input."""
    body = textwrap.dedent(SCRIPT)
    twice = tmp_path / "twice.py"
    twice.write_text(body + "DERIVATIONS = DERIVATIONS * 2\n")
    with pytest.raises(ParameterError, match="'derivation' is declared twice"):
        load_catalogue([twice])
    wrong = tmp_path / "wrong.py"
    wrong.write_text(body + "DERIVATIONS = ['not a derivation']\n")
    with pytest.raises(ParameterError, match="'DERIVATIONS' must be a list"):
        load_catalogue([wrong])


def test_removed_chapter_file_is_deleted(tmp_path):
    """Writing removes generated .tex files of chapters that no longer exist, and leaves other files alone."""
    (tmp_path / "gone.tex").write_text(document.HEADER + "old chapter\n")
    (tmp_path / "mine.tex").write_text("hand-written\n")
    document.write({"derivations.tex": "x\n"}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["derivations.tex", "mine.tex"]


# ---------------------------------------------------------------- the command line


def test_docs_without_tex_writes_tex_and_says_how(tmp_path, capsys, monkeypatch):
    """Without TeX the .tex files are still written and the command says how to get the PDF (exit 0)."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    out = tmp_path / "docs"
    assert main(["docs", str(FIXED[0]), "--out", str(out), "--pdf", str(tmp_path / "d.pdf")]) == 0
    text = capsys.readouterr().out
    assert "TeX is not installed" in text and "latexmk -pdf derivations.tex" in text
    assert (out / "generic.tex").exists() and not (tmp_path / "d.pdf").exists()


def test_docs_check_reports_stale_files(tmp_path, capsys):
    """--check writes nothing and exits 1 when the files differ, 0 once they are current."""
    out = tmp_path / "docs"
    assert main(["docs", str(FIXED[0]), "--out", str(out), "--check"]) == 1
    assert "stale:" in capsys.readouterr().out and not out.exists()
    assert main(["docs", str(FIXED[0]), "--out", str(out), "--no-pdf", "--json"]) == 0
    assert main(["docs", str(FIXED[0]), "--out", str(out), "--check"]) == 0


def test_prove_docs_reuses_the_report(tmp_path, capsys, monkeypatch):
    """`derive prove --docs` writes the documents from its own verdicts: no claim is decided twice."""
    from derive import catalogue

    script = tmp_path / "toyfw.py"
    script.write_text(textwrap.dedent(SCRIPT))
    calls = []
    real_run = catalogue.run
    monkeypatch.setattr(catalogue, "run", lambda claims, **kw: calls.append(len(claims)) or real_run(claims, **kw))
    out = tmp_path / "docs"
    assert main(["prove", str(script), "--docs", str(out), "--no-pdf"]) == 0
    text = capsys.readouterr().out
    assert calls == [2] and "wrote 2 files" in text and (out / "toyfw.tex").exists()
    assert main(["prove", str(script), "--docs", str(out), "-k", "round"]) == 2
    assert "'--docs' cannot be combined with -k" in capsys.readouterr().err


def test_docs_bad_input_exits_2(tmp_path, capsys):
    """An --out that is a file, or a missing script, is bad input: one line, exit 2."""
    file = tmp_path / "file"
    file.write_text("")
    assert main(["docs", str(FIXED[0]), "--out", str(file)]) == 2
    assert "'--out' must be a directory" in capsys.readouterr().err
    assert main(["docs", "nosuch.py"]) == 2


# ---------------------------------------------------------------- questions and framework data


def test_every_question_has_an_answer():
    """Each question file in DERIVE_QUESTIONS (a folder of the users' questions, when set) is answered, and every
    example call evaluates."""
    folder = Path(os.environ.get("DERIVE_QUESTIONS", ""))
    if os.environ.get("DERIVE_QUESTIONS") and folder.is_dir():
        assert {p.name for p in folder.glob("*.txt")} <= {q.source for q in document.QUESTIONS}
    for q in document.QUESTIONS:
        assert q.answers
        for answer in q.answers:
            for example in answer.examples:
                assert example.value() is not None


def test_questions_chapter_names_missing_claims():
    """A claim an answer needs but the catalogue lacks is listed as not in the catalogue yet."""
    text = rendered(FIXED)["derivations.tex"].replace(r"\allowbreak{}", "")
    assert "Not in the catalogue yet" in text and r"keras/valid/inferred-is-minimal-preimage*" in text
    assert r"\cref{thm:generic/valid/inferred-is-minimal-preimage}" in text
    assert r"\texttt{5..6}" in text  # derive.preimage(2, kernel=3, stride=2, padding='valid'), computed


def test_questions_come_first_with_their_figures():
    """The questions chapter opens the document (before the method and the chapters) and has model-drawn figures."""
    text = rendered(FIXED)["derivations.tex"]
    questions, about = text.index(r"\label{ch:questions}"), text.index(r"\label{ch:about}")
    first_chapter = text.index(r"\input{")
    assert questions < about < first_chapter < text.index(r"\label{ch:comparison}")
    section = text[questions:about]
    assert section.count(r"\begin{tikzpicture}") >= 8 and r"\label{fig:q/keras-vs-tensorflow-5-or-6-txt/1}" in section


@pytest.mark.parametrize(
    ("iff", "words"),
    [(sp.false, "for no values of its parameters"), (sp.Eq(s, 4), "exactly when $s = 4$")],
)
def test_refuted_claims_read_by_their_condition(iff, words):
    """A refuted claim is cited by where it holds (never 'exactly when false'), before its refutation."""
    from derive.claims import Claim, Result
    from derive.prover import prove

    claim = Claim("x", "toyfw", "m", "4 -> 16", sp.Eq(s, 4), expect="refuted", iff=iff)
    result = Result(claim, prove(sp.Eq(s, 4)), prove(sp.true), counterexample={"s": 1})
    text = document._claim_status(result)
    assert "exactly when $\\mathrm{false}$" not in text and words in text
    assert text.index(words) < text.index(r"\verdict{refuted}") and "e.g. not at $s = 1$" in text


def test_error_message_at_the_smallest_failing_call():
    """A framework requirement's message is rendered at the smallest call that breaks it, found by the prover."""
    rule = next(r for r in torch_model.CONV_TRANSPOSE1D_FUNCTIONAL.requires if "or output_padding < dilation" in r.rule)
    found = document.error_example(torch_model.CONV_TRANSPOSE1D_FUNCTIONAL, rule)
    assert found is not None
    message, call = found
    assert message.startswith("output padding must be smaller than either stride or dilation")
    assert "output_padding=1" in call


def test_text_escaping():
    """Docstring text is escaped for LaTeX, with code in typewriter and the notation's Unicode as math."""
    assert document.escape("a_b & 50% {x}") == r"a\_b \& 50\% \{x\}"
    assert document.prose("``x <= y`` is ⌊n/s⌋") == r"\texttt{x \textless{}= y} is $\lfloor$n/s$\rfloor$"
