"""The derivation documents: LaTeX per framework plus a main document, and the PDF (``derive docs``).

Everything printed comes from the proof catalogue: the claims of each framework's ``claims.py`` and
of ``proofs/*.py`` with their verdicts (one :class:`~derive.catalogue.Report`, never re-proved here), the
derivations the scripts declare (plus the generic model's own, :func:`derive.derivation.generic_derivations`), each step
decided by the prover, and the framework models' :class:`~derive.frameworks._model.Operation` data.
The output is a pure function of those (no dates, no timings), so it can be committed and diffed.

Layout of the output directory (``docs/derivations/``): ``derivations.tex`` (title, method, the
questions chapter first, then the method) ``\\input``-s one ``<framework>.tex`` per framework of the
catalogue, then the comparison. This module places things in chapters; one theorem's typesetting (the notation, a
wide proposition's rows, the verdict) is :mod:`derive.theorem_tex`, the questions' prose :mod:`derive.questions`,
text-mode escaping and tables :mod:`derive.latex_text`, the files and the PDF build :mod:`derive.pdf` (re-exported
here).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import sympy as sp

from . import figures, frameworks
from .catalogue import Catalogue, Report, Script, discover, load_catalogue, run
from .claims import Result
from .derivation import (
    ELL,
    GENERIC_PADDING,
    Block,
    Derivation,
    Line,
    Proof,
    generic_derivations,
    prove_derivation,
)
from .errors import DeriveError, ParameterError
from .frameworks._model import Operation, Requirement
from .inverse import covered
from .latex import to_latex
from .latex_text import column_spec, escape, longtable, paragraphs, prose, rich, slug, table_cell, tt
from .net import latex as net_latex
from .net.claims import NETWORKS
from .net.graph import Graph
from .pdf import (
    HEADER,
    MAIN,
    OUT_DIR,
    PDF,
    TEX_HINT,
    Build,
    build_pdf,
    differences,
    log_problems,
    overfull_boxes,
    tex_available,
    write,
)
from .prover import prove
from .questions import QUESTIONS, Answer, Example, Picture, Question
from .theorem_tex import (
    EFFECTIVE_KERNEL,
    K,
    assumption_conjuncts,
    domain_tex,
    exactly_when,
    math,
    symbol_key,
    tex_width,
    theorem,
    theorem_label,
)

#: what each symbol name means (lengths.py's notation, plus Dumoulin & Visin's); others are "a parameter"
NOTATION: dict[str, str] = {
    "n": "input length of the transposed convolution (the output length of the forward one)",
    "L": "input length of the forward convolution (the output length of the transposed one)",
    "k": "kernel size",
    "s": "stride",
    "d": "dilation",
    "K": "effective kernel size, $K = {K}$",
    "p": "padding before the input (on both sides when there is no $q$)",
    "q": "padding after the input",
    "a": "output padding",
    "X": r"output length the caller requests (\texttt{output\_size})",
    "i": "input length of the convolution (Dumoulin \\& Visin)",
    "i'": "input length of the transposed convolution (Dumoulin \\& Visin)",
    "m": "a kernel size $k = 2m + 1$ is odd",
    "ell": "smallest preimage of $n$ (defined in the derivation)",
}


# ---------------------------------------------------------------- collecting the inputs


@dataclass(frozen=True)
class Inputs:
    """What the documents are printed from: the catalogue's report, the proved derivations and the scripts."""

    report: Report
    proofs: list[Proof]
    scripts: list[Script]
    # derive.frameworks module per framework key that has one (looked up by collect)
    modules: dict[str, ModuleType] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Every claim has its expected verdict and every derivation step is proved."""
        return self.report.ok and all(p.ok for p in self.proofs)


def framework_module(key: str) -> ModuleType | None:
    """The model module of a registered framework, or None (not a framework, or not written yet)."""
    if key not in frameworks.NAMES:
        return None
    try:
        return frameworks.get(key)
    except ParameterError:
        return None


def collect(
    paths: Sequence[str | Path] = (),
    jobs: int | None = None,
    timeout: float = 10.0,
    report: Report | None = None,
    catalogue: Catalogue | None = None,
) -> Inputs:
    """Load the proof scripts, decide their claims and prove every derivation's steps.

    ``report`` and ``catalogue`` (from a ``derive prove`` run) are reused when given: claims are never re-proved.
    """
    if catalogue is None:
        catalogue = load_catalogue(discover(paths))
    if report is None:
        report = run(catalogue.claims, jobs=jobs)
    derivations = list(catalogue.derivations)
    declared = {d.key for d in derivations}
    generic_modes = list(dict.fromkeys(r.claim.mode for r in report.results if r.claim.framework == "generic"))
    for d in generic_derivations(m for m in generic_modes if ("generic", m) not in declared and _is_generic(m)):
        derivations.append(d)
    proofs = [prove_derivation(d, timeout=timeout) for d in derivations]
    keys = dict.fromkeys(r.claim.framework for r in report.results)
    modules = {k: m for k in keys if (m := framework_module(k)) is not None}
    return Inputs(report, proofs, catalogue.scripts, modules)


def _is_generic(mode: str) -> bool:
    return mode in GENERIC_PADDING


# ---------------------------------------------------------------- chapters


@dataclass
class Chapter:
    """One framework's (or paper's) chapter: its claims per mode, derivations and framework model."""

    framework: str
    results: dict[str, list[Result]] = field(default_factory=dict)
    proofs: dict[str, Proof] = field(default_factory=dict)
    scripts: list[Script] = field(default_factory=list)
    # the scripts all of whose claims are about this framework (their docstrings introduce the chapter)
    own: list[Script] = field(default_factory=list)
    module: ModuleType | None = None

    @property
    def file(self) -> str:
        return slug(self.framework)

    @property
    def networks(self) -> dict[str, Graph]:
        """The networks its scripts print layer by layer, by name (a network's claims are its mode)."""
        return {g.name: g for script in self.scripts for g in script.networks}

    @property
    def modes(self) -> list[str]:
        return list(dict.fromkeys([*self.results, *self.proofs]))

    @property
    def title(self) -> str:
        if self.module is not None and self.module.__doc__:
            return prose(self.module.__doc__.strip().splitlines()[0].split(":")[0])
        for script in self.own:
            if script.doc.strip():
                return prose(script.doc.strip().splitlines()[0].split(":")[0])
        return escape(self.framework)


def chapters(inputs: Inputs) -> list[Chapter]:
    """The chapters in order: the generic model, papers, then frameworks in derive.frameworks' order."""
    by_key: dict[str, Chapter] = {}
    for r in inputs.report.results:
        chapter = by_key.setdefault(r.claim.framework, Chapter(r.claim.framework))
        chapter.results.setdefault(r.claim.mode, []).append(r)
    for p in inputs.proofs:
        chapter = by_key.setdefault(p.derivation.framework, Chapter(p.derivation.framework))
        chapter.proofs[p.derivation.mode] = p
    scripts = {s.name: s for s in inputs.scripts}
    about: dict[str, set[str]] = {}  # script → the frameworks its claims and derivations are about
    for r in inputs.report.results:
        about.setdefault(r.claim.script, set()).add(r.claim.framework)
    for p in inputs.proofs:
        about.setdefault(p.derivation.script, set()).add(p.derivation.framework)
    for chapter in by_key.values():
        names = [r.claim.script for rs in chapter.results.values() for r in rs]
        names += [p.derivation.script for p in chapter.proofs.values()]
        chapter.scripts = [scripts[n] for n in dict.fromkeys(names) if n in scripts]
        chapter.own = [s for s in chapter.scripts if about.get(s.name) == {chapter.framework}]
        chapter.module = inputs.modules.get(chapter.framework)

    def order(key: str) -> tuple[int, int, str]:
        if key == "generic":
            return (0, 0, key)
        if key in frameworks.NAMES:
            return (2, frameworks.NAMES.index(key), key)
        if key == NETWORKS:  # whole networks compose the framework models: after them
            return (3, 0, key)
        return (1, 0, key)

    return [by_key[k] for k in sorted(by_key, key=order)]


def _ref(result: Result) -> str:
    return rf"\cref{{{theorem_label(result)}}}"


def _symbols(chapter: Chapter) -> list[sp.Symbol]:
    found: set[sp.Symbol] = set()
    for rs in chapter.results.values():
        for r in rs:
            found |= set(r.claim.symbols)
    for p in chapter.proofs.values():
        D = p.derivation
        found |= {D.L, D.n} | ({D.a} if D.a is not None else set())
        for e in (D.forward, D.transposed):
            found |= sp.sympify(e).free_symbols
    if {s.name for s in found} >= {"k", "d"}:
        found.add(K)
    if chapter.proofs:
        found.add(ELL)
    return sorted(found, key=symbol_key)


def _notation(chapter: Chapter) -> str:
    rows = []
    for sym in _symbols(chapter):
        meaning = NOTATION.get(sym.name)
        meaning = meaning.replace("{K}", to_latex(EFFECTIVE_KERNEL)) if meaning else "a parameter of the theorems"
        domain = "" if sym in (K, ELL) else f"${domain_tex(sym)}$"
        rows.append(f"${math(sym)}$ & {meaning} & {domain} \\\\")
    return "\n".join(
        [
            r"\begin{table}[ht]",
            r"\centering\small",
            r"\begin{tabular}{@{}clc@{}}",
            r"\toprule",
            r"symbol & meaning & integer \\",
            r"\midrule",
            *rows,
            r"\bottomrule",
            r"\end{tabular}",
            rf"\caption{{Notation of \cref{{ch:{chapter.file}}}.}}\label{{tab:notation/{chapter.file}}}",
            r"\end{table}",
        ]
    )


# ---------------------------------------------------------------- derivations

_RELATION = {"": "", "iff": r"\iff", "implies": r"\implies"}

_LEADS = {
    "forward": "The forward length, as the library computes it{floor}:",
    "preimage": "For every integer $L$:",
    "transposed": "The transposed length is $\\ell$ shifted:",
    "accepted": "So every output padding in range gives a preimage, which the forward convolution maps back to $n$:",
    "reached": "Conversely, every preimage is reached:",
    "inferred": "Without an output padding the framework takes",
}


def _tag(line: Line) -> str:
    """The right-hand note of a line: its reason, and for a step its verdict (with the counterexample if any)."""
    tag = escape(line.reason)
    if line.is_step:
        status = line.verdict.status.value if line.verdict is not None else "unknown"
        tag = (tag + ", " if tag else "") + rf"\stepverdict{{{status}}}"
        if line.verdict is not None and line.verdict.counterexample:
            cex = ", ".join(f"{k}={v}" for k, v in line.verdict.counterexample.items())
            tag += " " + escape(f"({cex})")
    elif tag:
        tag = rf"\stepnote{{{tag}}}"
    return rf"\tag*{{\footnotesize {tag}}}" if tag else r"\notag"


def _lines(lines: Sequence[Line]) -> str:
    """An equation array: an equality chain aligned at its = signs, other chains at their relation symbols."""
    first, rest = lines[0], lines[1:]
    rows = []
    if isinstance(first.display, sp.Eq) and all(line.relation == "=" for line in rest):
        rows.append(f"{math(first.display.lhs)} &= \\fitmath{{{math(first.display.rhs)}}} {_tag(first)}")
        rows += [f"&= \\fitmath{{{math(line.display)}}} {_tag(line)}" for line in rest]
    else:
        rows += [f"{_RELATION[line.relation]} & \\fitmath{{{math(line.display)}}} {_tag(line)}" for line in lines]
    return " \\\\\n".join(rows)


def _block(block: Block, proof: Proof) -> str:
    D = proof.derivation
    lead = _LEADS.get(block.title, "")
    if block.title == "forward":
        fm = D.map
        floor = f", with offset ${math(fm.offset)}$, stride ${math(fm.stride)}$ and shift ${math(fm.shift)}$"
        lead = lead.format(floor=floor)
    if block.title == "inferred":
        lead += f" the {escape(D.inferred_word)} length $T_0$:"
    body = _lines(block.lines)
    text = f"{lead}\n\\begin{{align*}}\n{body}\n\\end{{align*}}"
    if block.title == "preimage":
        text += (
            f"\nwith $\\ell = {math(proof.lower)}$. The forward convolution maps exactly the ${math(D.map.stride)}$ "
            f"lengths $\\ell, \\dots, \\ell + {math(D.map.stride - 1)}$ to $n$ (those $\\ge 1$ are inputs)."
        )
    return text


def _derivation(proof: Proof, chapter: Chapter, mode: str) -> str:
    anchor = f"{chapter.file}/{slug(mode)}"
    out = [rf"\subsection{{Derivation of the transposed length}}\label{{der:{anchor}}}"]
    out.append(
        "Each step below is an equivalence, equality or implication decided by the prover for all integer values "
        "(its verdict is on the right)."
    )
    conditions = assumption_conjuncts(proof.derivation.assume)
    if conditions:
        # the region where the framework's forward length is the floor-affine map derived from: say it
        out.append("Every step assumes " + ", ".join(f"${math(c)}$" for c in conditions) + ".")
    out += [_block(b, proof) for b in proof.blocks]
    return "\n\n".join(out)


# ---------------------------------------------------------------- framework operations


def operations(module: ModuleType) -> list[Operation]:
    """A framework module's operations (its ``OPERATIONS``, or every module-level Operation)."""
    declared = getattr(module, "OPERATIONS", None)
    if declared is not None:
        return list(declared)
    return [v for v in vars(module).values() if isinstance(v, Operation)]


_POSITIVE_ARGS = ("kernel", "stride", "dilation", "filter", "rate")


def _symbolic_args(op: Operation, free: bool) -> dict[str, Any]:
    """The operation's arguments as integer symbols (strings and booleans keep their defaults).

    ``free=False``: lengths and kernel, stride, dilation positive, other integers nonnegative;
    ``free=True``: every integer argument unconstrained (to reach the checks of negative or zero values).
    """
    args: dict[str, Any] = {"n": sp.Symbol("n", integer=True) if free else sp.Symbol("n", integer=True, positive=True)}
    for name, default in op.defaults:
        positive = any(w in name for w in _POSITIVE_ARGS)
        if isinstance(default, (str, bool)) or (default is None and name not in op.integer_args and not positive):
            args[name] = default
        elif free:
            args[name] = sp.Symbol(name, integer=True)
        elif positive:
            args[name] = sp.Symbol(name, integer=True, positive=True)
        else:
            args[name] = sp.Symbol(name, integer=True, nonnegative=True)
    return args


def error_example(op: Operation, requirement: Requirement, timeout: float = 5.0) -> tuple[str, str] | None:
    """The framework's message at the smallest call that breaks ``requirement`` (found by the prover), and that call.

    Integer arguments are tried in their natural domains first, then unconstrained. None when no
    integer call breaks the requirement (e.g. a rule about a string argument).
    """
    for free in (False, True):
        try:
            args = _symbolic_args(op, free)
            holds = requirement.holds(args)
            if not isinstance(holds, sp.Basic) or holds is sp.true:
                continue
            verdict = prove(holds, timeout=timeout)
            if verdict.counterexample is None:
                continue
            concrete = {
                name: verdict.counterexample.get(value.name, 1 if value.is_positive else 0)
                if isinstance(value, sp.Symbol)
                else value
                for name, value in args.items()
            }
            if not _is_false(requirement.holds(concrete)):
                continue
            call = ", ".join(f"{k}={v!r}" for k, v in concrete.items() if k in verdict.counterexample)
            return requirement.text(concrete), call
        except (DeriveError, TypeError, ValueError, KeyError, AttributeError, IndexError, ZeroDivisionError):
            continue
    return None


def _is_false(value: Any) -> bool:
    """Whether a requirement evaluated at a concrete call is false (a bool or a SymPy Boolean)."""
    return value is False or value is sp.false


def _operations(chapter: Chapter) -> str:
    module = chapter.module
    if module is None:
        return ""
    out = [rf"\section{{Operations, validity conditions and error messages}}\label{{ops:{chapter.file}}}"]
    doc_path = f"derive.frameworks.{chapter.framework}"
    version = getattr(module, "VERSION", None)
    intro = f"The model {tt(doc_path)}"
    if version:
        intro += f" (checked against version {escape(str(version))})"
    out.append(
        intro + " declares the operations below. Each requirement is a check the framework makes, in its order; the "
        "message is the framework's own, at the smallest call that breaks the requirement when the prover finds one "
        "among integer arguments."
    )
    for op in operations(module):
        kind = {"conv": "forward convolution", "conv_transpose": "transposed convolution"}.get(op.kind, op.kind)
        confirmed = {
            "live": "checked live against the framework (tests/conformance)",
            "code-read": "read from the source only",
        }.get(op.confirmed, op.confirmed)
        out.append(rf"\subsection*{{{tt(op.name)}}}")
        out.append(rf"{{\raggedright {escape(kind.capitalize())}; {escape(confirmed)}. Source: {tt(op.source)}.\par}}")
        rows = []
        for r in op.requires:
            templated = isinstance(r.message, str) and "{" not in r.message
            found = None if templated else error_example(op, r)
            if found is not None:
                text, call = found
                message = (tt(text) if text else r"\emph{(no message)}") + (
                    f" {{\\footnotesize at {tt(call)}}}" if call else ""
                )
            elif isinstance(r.message, str):
                message = tt(r.message) if r.message else r"\emph{(no message)}"
            else:
                message = r"\emph{(built from the call's arguments; no integer call breaks the rule)}"
            rows.append(rf"{tt(r.rule)} & {tt(r.error)} & {message} \\")
        if rows:
            spec = rf"@{{}}>{{\raggedright}}{column_spec(0.3, 3)}>{{\raggedright}}{column_spec(0.25, 3)}"
            spec += rf">{{\raggedright\arraybackslash}}{column_spec(0.45, 3)}@{{}}"
            out.append(longtable(spec, "requirement & raises & message", rows))
        else:
            out.append("No requirements are modelled.")
    return "\n\n".join(out)


# ---------------------------------------------------------------- a chapter file


def _summary(chapter: Chapter) -> str:
    """A table of the chapter's theorems: number, mode, name and verdict (with the iff of a refutation)."""
    rows = []
    for mode, results in chapter.results.items():
        for r in results:
            verdict = rf"\verdict{{{r.verdict.status.value}}}"
            if r.verdict.refuted and r.claim.iff is not None:
                if tex_width(math(r.claim.iff)) > 24:  # a long condition does not fit a cell: its theorem prints it
                    verdict += "; holds under the exact condition its theorem prints"
                else:
                    verdict += "; holds " + exactly_when(r.claim.iff).replace("exactly when", "iff")
            if not r.ok:
                verdict += r" \textbf{(off expectation)}"
            rows.append(rf"{_ref(r)} & {table_cell(mode)} & {table_cell(r.claim.name)} & {verdict} \\")
    if not rows:
        return ""
    left = [rf">{{\raggedright}}{column_spec(f, 4)}" for f in (0.17, 0.19, 0.32)]
    spec = "@{}" + "".join(left)
    spec += rf">{{\raggedright\arraybackslash}}{column_spec(0.32, 4)}@{{}}"
    caption = rf"The theorems of \cref{{ch:{chapter.file}}}."
    return longtable(spec, "theorem & mode & claim & verdict", rows, caption, f"tab:theorems/{chapter.file}")


def render_chapter(chapter: Chapter) -> str:
    """The LaTeX of one framework's chapter."""
    out = [HEADER.rstrip("\n"), rf"\chapter{{{chapter.title}}}\label{{ch:{chapter.file}}}"]
    for script in chapter.own:
        out += [prose(p) for p in paragraphs(script.doc)]
    # a proof script's file, or the command that made a catalogue of its own (derive net MODEL --docs)
    sources = ", ".join(tt(s.name) for s in chapter.scripts)
    count = sum(len(rs) for rs in chapter.results.values())
    derived = len(chapter.proofs)
    text = f"This chapter prints the {count} theorem{'s' * (count != 1)} of {sources or 'no script'}"
    if derived:
        text += f" and the derivations of {derived} mode{'s' * (derived != 1)}"
    text += rf". \Cref{{tab:notation/{chapter.file}}} lists the notation"
    if count:
        text += rf" and \cref{{tab:theorems/{chapter.file}}} the theorems"
    out.append(text + ".")
    out.append(_notation(chapter))
    summary = _summary(chapter)
    if summary:
        out.append(summary)
    for mode in chapter.modes:
        anchor = f"{chapter.file}/{slug(mode)}"
        out.append(rf"\section{{{escape(mode.capitalize())}}}\label{{sec:{anchor}}}")
        proof = chapter.proofs.get(mode)
        if proof is not None:
            out.append(_derivation(proof, chapter, mode))
        network = chapter.networks.get(mode)
        if network is not None:
            out.append(_network(network, anchor))
        results = chapter.results.get(mode, [])
        if results:
            if proof is not None or network is not None:
                out.append(rf"\subsection{{Theorems}}\label{{thms:{anchor}}}")
            out += [theorem(r) for r in results]
            conditions = assumption_conjuncts(a for r in results for a in r.claim.assume)
            if conditions and (proof is not None or len(results) >= 3):
                out.append(rf"\subsection{{Validity conditions}}\label{{cond:{anchor}}}")
                out.append(
                    "The theorems of this mode assume (besides the symbols' domains) the framework's acceptance of "
                    "the calls involved and each theorem's premises:"
                )
                items = "\n".join(rf"\item ${math(c)}$" for c in conditions)
                out.append(f"\\begin{{itemize}}\n{items}\n\\end{{itemize}}")
    pictures = _chapter_pictures(chapter)
    if pictures:
        out.append(pictures)
    ops = _operations(chapter)
    if ops:
        out.append(ops)
    return "\n\n".join(out) + "\n"


def _network(graph: Graph, anchor: str) -> str:
    """A network layer by layer: each layer's output shape and the checks it adds (derive.net.latex)."""
    rows = []
    for layer in net_latex.layers(graph):
        checks = r" \newline ".join(f"${c}$" for c in layer.checks) or "---"
        # each dim in its own formula: the cell may break after a comma
        shape = "$(" + r"$, \allowbreak $".join(layer.shape) + ")$" if layer.shape else "---"
        rows.append(rf"{table_cell(layer.name)} & {table_cell(layer.op)} & {shape} & {checks} \\")
    table = longtable(
        "@{}" + column_spec(0.13, 4) + column_spec(0.17, 4) + column_spec(0.32, 4) + column_spec(0.38, 4) + "@{}",
        r"Layer & Op & Output shape & Checks (the model runs where all hold)",
        rows,
        caption=rf"The layers of {tt(graph.name)} under the {escape(graph.rules)} rules.",
        label=f"tab:layers/{anchor}",
        size=r"\small\renewcommand{\arraystretch}{1.6}",  # stacked floors need the room
    )
    intro = (
        f"{tt(graph.name)} is read under the {escape(graph.rules)} rules. \\Cref{{tab:layers/{anchor}}} lists each "
        "layer's output shape over the input's symbolic dims and the checks the layer adds; the theorems below "
        "state the exact sets where the checks hold and the output's closed form, each decided by Z3 for every size."
    )
    return intro + "\n\n" + table


def _chapter_pictures(chapter: Chapter) -> str:
    """A framework chapter's figures: where each padding mode puts the taps and what it crops (from the model)."""
    if chapter.framework not in covered():
        return ""
    drawn = figures.samples(chapter.framework)
    if not drawn:
        return ""
    out = [
        rf"\section{{Where the taps go}}\label{{taps:{chapter.file}}}",
        "Each figure shows one call of the model on $n = 3$ with kernel 3 and stride 2, one per padding mode: "
        "the input samples, each one's taps on its own row, the full output $(n-1)s + d(k-1) + 1$ with the number "
        "of taps on each sample, and the output samples the framework keeps; grey samples are cropped by the "
        "padding, dashed ones are zeros no tap reaches.",
    ]
    out += [figure_tex(t, "", f"fig:{chapter.file}/{i}") for i, t in enumerate(drawn, 1)]
    return "\n\n".join(out)


# ---------------------------------------------------------------- the main document


def _mark(proved: bool) -> str:
    return r"$\checkmark$" if proved else r"$\times$"


def _family_name(family: str) -> str:
    return re.sub(r"^\d+\s*", "", family) or family


def _comparison(chs: list[Chapter], proofs: list[Proof]) -> str:
    # the families most frameworks have claims in; rows are the modes with two of them or more (whole
    # networks are not a framework: they compose the frameworks' models)
    chs = [ch for ch in chs if ch.framework != NETWORKS]
    users: dict[str, set[str]] = {}
    for ch in chs:
        for results in ch.results.values():
            for r in results:
                users.setdefault(r.claim.family, set()).add(ch.framework)
    everyone = set().union(*users.values()) if users else set()
    quorum = max(2, (len(everyone) + 1) // 2)
    shared = sorted(f for f, fws in users.items() if len(fws) >= quorum and f)
    rows: list[tuple[Chapter, str, list[Result]]] = []
    for ch in chs:
        for mode, results in ch.results.items():
            if len({r.claim.family for r in results} & set(shared)) >= 2:
                rows.append((ch, mode, results))
    families = [f for f in shared if any(r.claim.family == f for _, _, rs in rows for r in rs)]
    out = [r"\chapter{Comparison across frameworks}\label{ch:comparison}"]
    if rows:
        out.append(
            "Each row is a framework and mode, each column a family of claims most frameworks share; a "
            r"mark links to its theorem: $\checkmark$ proved, $\times$ refuted (each refutation with its exact "
            r"condition), --- no such claim. \Cref{tab:formulas} lists the lengths themselves."
        )
        head = " & ".join(escape(_family_name(f)).replace("-", r"-\allowbreak{}") for f in families)
        body = []
        for ch, mode, results in rows:
            cells = []
            for fam in families:
                marks = [
                    rf"\hyperref[{theorem_label(r)}]{{{_mark(r.verdict.proved)}}}"
                    for r in results
                    if r.claim.family == fam
                ]
                cells.append(r"\allowbreak ".join(marks) or "---")
            body.append(rf"{table_cell(ch.framework)} & {table_cell(mode)} & {' & '.join(cells)} \\")
        ncols = 2 + len(families)
        column = rf">{{\centering\arraybackslash}}{column_spec(0.76 / max(1, len(families)), ncols)}"
        spec = rf"@{{}}>{{\raggedright}}{column_spec(0.1, ncols)}>{{\raggedright}}{column_spec(0.14, ncols)}"
        spec += column * len(families) + "@{}"
        caption = "The claim families per framework and mode."
        out.append(
            longtable(spec, f"framework & mode & {head}", body, caption, "tab:families", "2pt", r"\footnotesize")
        )
    formula_rows = []
    for p in proofs:
        D = p.derivation
        default = rf"\fitcell{{{math(D.inferred)}}}" if D.inferred is not None else "---"
        link = rf"\hyperref[der:{slug(D.framework)}/{slug(D.mode)}]{{{_mark(p.ok)}}}"
        cells = " & ".join(rf"\fitcell{{{math(e)}}}" for e in (D.forward, p.lower, D.transposed)) + f" & {default}"
        formula_rows.append(rf"{table_cell(D.framework)}\newline {table_cell(D.mode)} & {cells} & {link} \\[3pt]")
    if formula_rows:
        out.append(
            "The forward length $f(L)$, the smallest preimage $\\ell$ of $n$, the transposed length $T(a)$ and the "
            "length without output padding $T_0$, per framework and mode; the last column links to the derivation "
            r"($\checkmark$: every step proved)."
        )
        columns = "".join(rf">{{\raggedright}}{column_spec(w, 6)}" for w in (0.22, 0.2, 0.2, 0.2))
        spec = rf"@{{}}>{{\raggedright}}{column_spec(0.14, 6)}{columns}c@{{}}"
        header = r"framework, mode & $f(L)$ & $\ell$ & $T(a)$ & $T_0$ &"
        caption = "Lengths per framework and mode."
        out.append(longtable(spec, header, formula_rows, caption, "tab:formulas", "3pt", r"\scriptsize"))
    return "\n\n".join(out)


def _matches(pattern: str, results: list[Result]) -> list[Result]:
    """Claims whose id matches ``pattern``: an id, or a glob whose ``*`` stays inside one ``/`` segment."""
    parts = pattern.split("/")

    def hit(claim_id: str) -> bool:
        ids = claim_id.split("/")
        return len(ids) == len(parts) and all(fnmatch.fnmatchcase(i, p) for i, p in zip(ids, parts, strict=True))

    return [r for r in results if hit(r.claim.id)]


def _values(values: Mapping[str, int]) -> str:
    names = sorted(values, key=lambda n: symbol_key(sp.Symbol(n)))
    return ", ".join(f"${math(sp.Symbol(n))} = {values[n]}$" for n in names)


def _claim_status(result: Result) -> str:
    """A claim as an answer cites it: a refuted one leads with where it does hold (its proved iff).

    A refutation here is of the claim for *every* parameter value (often the question's own premise,
    e.g. "any stride gives 16"); what answers the question is the exact condition, so it comes first.
    """
    v = result.verdict
    c = result.claim
    text = f"{_ref(result)} ({escape(c.framework)}, {escape(c.mode)}): {escape(c.name)}"
    if not v.refuted or c.iff is None:
        return text + f", \\verdict{{{v.status.value}}}"
    iff_status = result.iff_verdict.status.value if result.iff_verdict else "unknown"
    text += f": holds {exactly_when(c.iff)} (\\verdict{{{iff_status}}})"
    cex = f", e.g. not at {_values(result.counterexample)}" if result.counterexample else ""
    return text + f"; as a statement for every value it is \\verdict{{refuted}}{cex}"


def figure_tex(node: Any, caption: str, label: str) -> str:
    """A figure environment: the TikZ picture of a :mod:`derive.figures` node, its call and note in the caption."""
    panels = node.panels if isinstance(node, figures.Figure) else (node,)
    call = "; ".join(tt(panel.title) for panel in panels)
    note = "; ".join(escape(figures.caption(panel)) for panel in panels)
    text = (rich(caption) + " " if caption else "") + f"{call}. {{\\footnotesize {note}.}}"
    return "\n".join(
        [
            r"\begin{figure}[htbp]",
            r"\centering",
            figures.draw(node, "tikz", titles=False).rstrip("\n"),
            rf"\caption{{{text}}}\label{{{label}}}",
            r"\end{figure}",
        ]
    )


def _pictures(pictures: Sequence[Picture], prefix: str) -> list[str]:
    out = []
    for i, pic in enumerate(pictures, 1):
        try:
            node = pic.node()
        except DeriveError as e:  # a picture the model refuses is a document bug: say so in print, never hide it
            out.append(rf"\emph{{The picture of {tt(pic.framework)} could not be drawn: {escape(str(e))}.}}")
            continue
        out.append(figure_tex(node, pic.caption, f"fig:{prefix}/{i}"))
    return out


def _questions(results: list[Result]) -> str:
    out = [r"\chapter{Questions users asked}\label{ch:questions}"]
    out.append(
        "Each question below is answered by theorems of the catalogue. The claims an answer needs are named by id "
        "(or a pattern of ids); those not in the catalogue yet are listed as such, and the example values are "
        "computed by derive's own functions. The figures are drawn from the same framework models."
    )
    out.append(
        r"\emph{How to read a refuted claim.} A claim is a statement for \emph{every} value of its parameters, "
        r"often the question's own premise (``any stride gives 16''). Where such a claim is \verdict{refuted}, "
        r"what answers the question is the exact condition under which it does hold, which the prover also "
        r"decided: it is printed first (``holds exactly when $s = 4$'', \verdict{proved}), the refutation and "
        r"its counterexample after it. \Cref{ch:about} says how the verdicts are reached."
    )
    for q in QUESTIONS:
        out.append(rf"\section{{{escape(q.title)}}}\label{{q:{slug(q.source)}}}")
        out.append(rf"\emph{{Asked}} ({tt(q.source)}): {rich(q.asks)}")
        items = []
        for answer in q.answers:
            lines = [rich(answer.text)]
            found: list[Result] = []
            missing: list[str] = []
            for pattern in answer.claims:
                hits = _matches(pattern, results)
                found += [h for h in hits if h not in found]
                if not hits:
                    missing.append(pattern)
            if found:
                lines.append(
                    r"\begin{itemize}" + "".join(rf"\item {_claim_status(r)}" for r in found) + r"\end{itemize}"
                )
            if missing:
                lines.append("Not in the catalogue yet: " + ", ".join(tt(m) for m in missing) + ".")
            for ex in answer.examples:
                lines.append(rf"\par\noindent{tt(ex.call())} $\to$ {tt(str(ex.value()))}")
            items.append(r"\item " + "\n".join(lines))
        out.append("\\begin{enumerate}\n" + "\n".join(items) + "\n\\end{enumerate}")
        cited = {r.claim.id for answer in q.answers for pattern in answer.claims for r in _matches(pattern, results)}
        further = [r for pattern in q.theorems for r in _matches(pattern, results) if r.claim.id not in cited]
        if further:
            listed = "".join(rf"\item {_claim_status(r)}" for r in further)
            out.append(
                f"The catalogue's other theorems about this question:\n\\begin{{itemize}}{listed}\\end{{itemize}}"
            )
        out += _pictures(q.pictures, f"q/{slug(q.source)}")
    return "\n\n".join(out)


_PREAMBLE = r"""\documentclass[11pt,a4paper]{report}
\pdfinfoomitdate=1
\pdftrailerid{}
\pdfsuppressptexinfo=-1
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,amsthm,mathtools}
\usepackage{array,booktabs,longtable,graphicx}
\usepackage[dvipsnames]{xcolor}
\usepackage{tikz}
\usepackage{microtype}
\usepackage[colorlinks,linkcolor=MidnightBlue,urlcolor=MidnightBlue]{hyperref}
\hypersetup{pdftitle={@TITLE@},pdfauthor={derive},pdfcreator={derive docs}}
\usepackage[capitalise,nameinlink]{cleveref}
\theoremstyle{plain}
\newtheorem{theorem}{Theorem}[chapter]
\crefname{theorem}{Theorem}{Theorems}
\newcommand{\verdict}[1]{\textsf{\textbf{\csname verdictcolor#1\endcsname #1}}}
\newcommand{\verdictcolorproved}{\color{ForestGreen}}
\newcommand{\verdictcolorrefuted}{\color{BrickRed}}
\newcommand{\verdictcolorunknown}{\color{Bittersweet}}
\newcommand{\stepverdict}[1]{\verdict{#1}}
\newcommand{\stepnote}[1]{\textit{#1}}
\newsavebox{\fitbox}
% a formula as it is, or shrunk to the line when it is wider
\newcommand{\fitmath}[1]{\sbox{\fitbox}{$\displaystyle #1$}%
  \ifdim\wd\fitbox>0.9\linewidth\resizebox{0.9\linewidth}{!}{\usebox{\fitbox}}\else\usebox{\fitbox}\fi}
% a table cell's formula as it is, or shrunk to the cell when it is wider
\newcommand{\fitcell}[1]{\sbox{\fitbox}{$#1$}%
  \ifdim\wd\fitbox>\linewidth\resizebox{\linewidth}{!}{\usebox{\fitbox}}\else\usebox{\fitbox}\fi}
\setcounter{tocdepth}{1}
\makeatletter\renewcommand*\l@section{\@dottedtocline{1}{1.5em}{2.8em}}\makeatother
\setlength{\parindent}{0pt}
\setlength{\emergencystretch}{3em}
\setlength{\parskip}{0.5\baselineskip}
\allowdisplaybreaks
\title{@TITLE@}
\author{Generated by \texttt{derive docs} from the proof catalogue}
\date{}
"""

TITLE = "Convolution and transposed-convolution lengths, derived and machine-checked"


def render_main(inputs: Inputs, chs: list[Chapter]) -> str:
    """The main document: title, the questions answered, method, one \\input per chapter, comparison."""
    results = inputs.report.results
    proved = sum(r.verdict.proved for r in results)
    refuted = sum(r.verdict.refuted for r in results)
    steps = [line for p in inputs.proofs for line in p.steps]
    steps_proved = sum(1 for line in steps if line.verdict is not None and line.verdict.proved)
    off = [r for r in results if not r.ok]
    lengths_k = to_latex(EFFECTIVE_KERNEL)
    about = [
        r"\chapter{About this document}\label{ch:about}",
        "This document derives, for every framework of derive's proof catalogue and each of its modes, the length "
        "of a transposed convolution from the forward convolution it transposes. Nothing in it is typed by hand: "
        "every formula is printed from the SymPy expression the library computes with, every theorem is a claim of "
        "a proof script (a framework's "
        + tt("derive/frameworks/<key>/claims.py")
        + ", or one in "
        + tt("proofs/")
        + "), and every verdict was decided by the Z3 SMT solver for all "
        "integer values of the parameters (``proved'': the negation under the assumptions is unsatisfiable; "
        "``refuted'': the smallest counterexample, substituted back and re-checked).",
        f"The catalogue holds {len(results)} theorems: {proved} proved and {refuted} refuted, each refutation "
        f"with a proved exact condition (its ``iff''); {len(off)} differ from what the catalogue expects. "
        f"The derivations take {len(steps)} steps, {steps_proved} of them proved.",
        r"\section{Notation}",
        "One spatial axis (an N-d convolution is this per axis). The forward convolution maps an input of length "
        "$L$ to $f(L)$; the transposed convolution maps $n$ to $T(a)$, where $a$ is the output padding. $k$ is the "
        f"kernel size, $d$ the dilation, $K = {lengths_k}$ the effective kernel size, $s$ the stride, and $p, q$ "
        "the padding before and after the input. A chapter's notation table lists its own symbols.",
        r"\section{How each derivation goes}",
        "Every forward length is a floor-affine map $f(L) = \\lfloor (L + o)/s \\rfloor + c$. Its preimage of $n$ is "
        "the interval $\\ell \\le L \\le \\ell + s - 1$ with $\\ell = s(n - c) - o$, derived by a chain of "
        "equivalences; a transposed convolution picks one length of that interval. Each step is a proposition the "
        "prover decided; its verdict is printed next to it.",
    ]
    body = [
        HEADER.rstrip("\n"),
        _PREAMBLE.replace("@TITLE@", TITLE),
        r"\begin{document}",
        r"\maketitle",
        r"\tableofcontents",
    ]
    # the answers first: a reader comes with a question; the method, the chapters and the comparison follow
    body.append(_questions(results))
    body.append("\n\n".join(about))
    body += [rf"\input{{{ch.file}}}" for ch in chs]
    body.append(_comparison(chs, inputs.proofs))
    body.append(r"\end{document}")
    return "\n\n".join(body) + "\n"


def render_network(inputs: Inputs, chs: list[Chapter], title: str) -> str:
    """The main document of one network's own catalogue (``derive net MODEL --docs``): its chapter alone."""
    results = inputs.report.results
    proved = sum(r.verdict.proved for r in results)
    about = (
        "Nothing in this document is typed by hand: every shape and check is printed from the SymPy expressions "
        "derive composes from its proved layer models, and every theorem was decided by the Z3 SMT solver for "
        f"every size ({proved} of {len(results)} proved)."
    )
    body = [
        HEADER.rstrip("\n"),
        _PREAMBLE.replace("@TITLE@", escape(title)),
        r"\begin{document}",
        r"\maketitle",
        about,
        *(rf"\input{{{ch.file}}}" for ch in chs),
        r"\end{document}",
    ]
    return "\n\n".join(body) + "\n"


def render(inputs: Inputs, title: str | None = None) -> dict[str, str]:
    """Every output file (name → LaTeX): ``derivations.tex`` and one ``<framework>.tex`` per chapter.

    ``title``: a document of its own (one network's, ``derive net --docs``): no questions, no comparison."""
    chs = chapters(inputs)
    files = {f"{ch.file}.tex": render_chapter(ch) for ch in chs}
    files[f"{MAIN}.tex"] = render_main(inputs, chs) if title is None else render_network(inputs, chs, title)
    return dict(sorted(files.items()))


__all__ = [
    "HEADER",
    "MAIN",
    "OUT_DIR",
    "PDF",
    "QUESTIONS",
    "TEX_HINT",
    "Answer",
    "Build",
    "Chapter",
    "Derivation",
    "Example",
    "Inputs",
    "Picture",
    "Question",
    "build_pdf",
    "chapters",
    "collect",
    "differences",
    "escape",
    "figure_tex",
    "log_problems",
    "overfull_boxes",
    "prose",
    "render",
    "tex_available",
    "write",
]
