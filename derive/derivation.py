"""Step-by-step derivations of a transposed-convolution length from its forward convolution, every step proved.

Every forward length is a floor-affine map ``f(L) = ⌊(L + o)/s⌋ + c`` (:class:`~derive.lengths.FloorAffine`).
From it, in steps that :func:`derive.prover.prove` decides one by one:

1. ``f(L) = n  ⟺  ⌊(L + o)/s⌋ = n - c  ⟺  s(n - c) ≤ L + o < s(n - c) + s  ⟺  ℓ ≤ L ≤ ℓ + s - 1``
   with ``ℓ = s(n - c) - o``: the preimage of ``n`` is the ``s`` lengths from ``ℓ``;
2. the framework's transposed length is ``T(a) = ℓ + δ(a)``, every accepted ``a`` gives a preimage,
   and every preimage ``L`` is ``T(L - ℓ)``;
3. the length the framework infers is ``ℓ`` (the smallest preimage) or ``ℓ + s - 1`` (the largest).

A :class:`Derivation` is data (a proof script lists them in ``DERIVATIONS``, next to ``CLAIMS``);
:func:`prove_derivation` builds the steps and decides them, returning a :class:`Proof`. The generic
length model's derivations come from :func:`generic_derivations` (built from
:func:`derive.lengths.forward_map`). Nothing here prints: :mod:`derive.document` renders proofs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from . import lengths
from .errors import ParameterError
from .families import Pair
from .lengths import FloorAffine
from .prover import Verdict, prove
from .translate import symbol_domain

#: display-only names: the forward and transposed length functions, and the preimage's smallest element
f, T = sp.Function("f"), sp.Function("T")
ELL = sp.Symbol("ell", integer=True)

# the generic model's symbols (the same names and domains as proofs/generic.py and derive.lengths' notation)
n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p, q, a = sp.symbols("p q a", integer=True, nonnegative=True)


@dataclass(frozen=True)
class Derivation:
    """The inputs of one derivation: a framework's forward and transposed lengths in one mode."""

    framework: str
    mode: str
    # the forward convolution's input length, and its output length (the transposed convolution's input)
    L: sp.Symbol
    n: sp.Symbol
    # forward output length, an expression in L
    forward: Any
    # transposed output length, an expression in n (and in a, when the framework takes an output padding)
    transposed: Any
    # the output-padding variable, None when the framework has no such choice
    a: sp.Symbol | None = None
    # when the framework accepts the output padding a (default: 0 <= a < stride)
    accepts: Any = None
    # the transposed length the framework infers when the caller gives no output padding (None: no such default)
    inferred: Any = None
    # a word for the inferred length ("default", "inferred")
    inferred_word: str = "default"
    # hypotheses of every step: the framework's validity conditions
    assume: tuple[Any, ...] = ()
    # the forward length as a floor-affine map; None: read off ``forward``
    floor_map: FloorAffine | None = None
    # the output padding that gives the preimage L (an expression in L and n); None: solve T(a) = L for a
    witness: Any = None
    # the script that declared the derivation (set by the loader)
    script: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.framework, self.mode)

    @property
    def map(self) -> FloorAffine:
        """The forward length as ``⌊(L + offset)/stride⌋ + shift``."""
        return self.floor_map if self.floor_map is not None else floor_affine(self.forward, self.L)

    @property
    def accepted(self) -> Any:
        """When the output padding is accepted: its declared domain and ``accepts`` (default ``a < stride``)."""
        if self.a is None:
            return sp.true
        accepts = self.accepts if self.accepts is not None else sp.Lt(self.a, self.map.stride)
        return sp.And(*symbol_domain(self.a), accepts)

    @classmethod
    def from_pair(
        cls, pair: Pair, accepts: Any = None, floor_map: FloorAffine | None = None, witness: Any = None
    ) -> Derivation:
        """The derivation of a proof script's :class:`~derive.families.Pair` (the same forward and transposed).

        ``accepts`` replaces the pair's acceptance condition on ``a`` in the derivation (e.g. ``a < s``
        where the framework also accepts output paddings that leave the preimage: a claim covers those).
        """
        a_ = pair.a
        return cls(
            framework=pair.framework,
            mode=pair.mode,
            L=pair.L,
            n=pair.n,
            forward=pair.forward(pair.L),
            transposed=pair.transposed(a_) if a_ is not None else pair.transposed(None),
            a=a_,
            accepts=accepts if accepts is not None else (pair.accepts(a_) if a_ is not None else None),
            inferred=pair.transposed(None) if a_ is not None else None,
            inferred_word=pair.inferred_word,
            assume=tuple(pair.assume),
            floor_map=floor_map,
            witness=witness,
        )


def floor_affine(expr: Any, x: sp.Symbol) -> FloorAffine:
    """Read ``expr`` as ``⌊(x + offset)/stride⌋ + shift`` (a ceiling ``⌈(x + o)/s⌉`` is ``⌊(x + o + s - 1)/s⌋``).

    Raises:
        ParameterError: ``expr`` is not of that form (one floor or ceiling of x over a stride, plus terms free of x).
    """
    expr = sp.sympify(expr)
    rounded = [t for t in sp.Add.make_args(expr) if isinstance(t, (sp.floor, sp.ceiling)) and t.has(x)]
    if not rounded:
        offset = sp.expand(expr - x)
        if offset.has(x):
            raise ParameterError("forward", "must be ⌊(L + offset)/stride⌋ + shift, with L once", str(expr))
        return FloorAffine(offset, sp.Integer(1), sp.Integer(0))
    if len(rounded) > 1:
        raise ParameterError("forward", "must have one floor or ceiling of the input length", str(expr))
    term = rounded[0]
    shift = expr - term
    num, stride = sp.fraction(sp.together(term.args[0]))
    offset = num - x
    if shift.has(x) or offset.has(x) or stride.has(x):
        raise ParameterError("forward", "must be ⌊(L + offset)/stride⌋ + shift", str(expr))
    if isinstance(term, sp.ceiling):
        offset = offset + stride - 1
    return FloorAffine(offset, stride, shift)


@dataclass(frozen=True)
class Line:
    """One line of a displayed derivation: a relation to the previous line and what it shows."""

    # "" (the line that opens the display), "=", "iff" or "implies"
    relation: str
    # what the line shows (an expression or a proposition, possibly written with ℓ)
    display: Any
    # the justification, in words
    reason: str
    # what the prover decided for this step; None for a line that only states a definition
    proposition: Any = None
    verdict: Verdict | None = None

    @property
    def is_step(self) -> bool:
        return self.proposition is not None


@dataclass(frozen=True)
class Block:
    """One displayed chain of lines (an aligned equation array in the document)."""

    title: str
    lines: tuple[Line, ...]
    # a sentence shown before the display (definitions it uses), with {ell} for ℓ's formula
    lead: str = ""


@dataclass(frozen=True)
class Proof:
    """A derivation with every step decided."""

    derivation: Derivation
    blocks: tuple[Block, ...]
    # the smallest preimage ℓ and the largest, as expressions in n
    lower: Any
    upper: Any

    @property
    def steps(self) -> list[Line]:
        return [line for b in self.blocks for line in b.lines if line.is_step]

    @property
    def ok(self) -> bool:
        """Every step is proved."""
        return all(line.verdict is not None and line.verdict.proved for line in self.steps)


def _step(relation: str, display: Any, reason: str, proposition: Any, assume: Iterable[Any], timeout: float) -> Line:
    return Line(relation, display, reason, proposition, prove(proposition, tuple(assume), timeout=timeout))


def _simplest(expr: Any, avoid: sp.Symbol) -> Any:
    """``expr``, or its expansion when that removes ``avoid`` (``s(n-1) - sn + s`` → ``0``)."""
    if isinstance(expr, sp.Basic) and expr.has(avoid):
        expanded = sp.expand(expr)
        if not expanded.has(avoid) or sp.count_ops(expanded) < sp.count_ops(expr):
            return expanded
    return expr


def _solve_for(a: sp.Symbol, T_a: Any, L: sp.Symbol, default: Any) -> Any:
    """The a with ``T(a) = L`` when SymPy finds exactly one, else ``default``."""
    try:
        solutions = sp.solve(sp.Eq(T_a, L), a)
    except (NotImplementedError, ValueError, TypeError):
        return default
    return solutions[0] if len(solutions) == 1 else default


def prove_derivation(derivation: Derivation, timeout: float = 10.0) -> Proof:
    """Build the derivation's steps and decide each with the prover (each line records its verdict)."""
    D = derivation
    fm = D.map
    Lx, nx, stride, offset, shift = D.L, D.n, fm.stride, fm.offset, fm.shift
    hyps = tuple(D.assume)
    lower, upper = fm.inverse(nx)
    floor_form = fm(Lx)

    # 1. the forward length is floor-affine
    forward_lines = [Line("", sp.Eq(f(Lx), D.forward, evaluate=False), "the forward length")]
    if D.forward != floor_form:
        forward_lines.append(_step("=", floor_form, "floor-affine form", sp.Eq(D.forward, floor_form), hyps, timeout))
    forward_block = Block("forward", tuple(forward_lines))

    # 2. the preimage of n: a chain of equivalences
    scaled = stride * (nx - shift)
    chain: list[tuple[str, Any, Any]] = []  # (reason, proposition, display)
    start = sp.Eq(D.forward, nx)
    if shift != 0:
        chain.append(("subtract the shift", sp.Eq(sp.floor((Lx + offset) / stride), nx - shift), None))
    chain.append(
        (
            "definition of the floor, times the stride",
            sp.And(sp.Le(scaled, Lx + offset), sp.Lt(Lx + offset, scaled + stride)),
            None,
        )
    )
    interval = sp.And(sp.Le(lower, Lx), sp.Le(Lx, upper))
    ell_interval = sp.And(sp.Le(ELL, Lx), sp.Le(Lx, ELL + stride - 1))
    chain.append(("subtract the offset; integers", interval, ell_interval))
    lines = [Line("", start, "")]
    previous = start
    for reason, prop, display in chain:
        shown = prop if display is None else display
        lines.append(_step("iff", shown, reason, sp.Equivalent(previous, prop), hyps, timeout))
        previous = prop
    preimage_block = Block("preimage", tuple(lines), lead="ell")

    # 3. the transposed length
    blocks = [forward_block, preimage_block]
    T_a = D.transposed
    delta = _simplest(T_a - lower, nx)
    transposed_lines = [
        Line("", sp.Eq(T(D.a) if D.a is not None else sp.Symbol("T"), T_a, evaluate=False), "the transposed length"),
        _step("=", ELL + delta, "", sp.Eq(T_a, lower + delta), hyps, timeout),
    ]
    blocks.append(Block("transposed", tuple(transposed_lines)))
    if D.a is not None:
        accepted = D.accepted
        inside = sp.And(sp.Le(lower, T_a), sp.Le(T_a, upper))
        hits = [
            # narrower than all the framework takes where it has an escape (torch's op < dilation): a claim covers it
            Line("", accepted, "an accepted output padding within the preimage's range"),
            _step(
                "implies",
                sp.And(sp.Le(ELL, T(D.a)), sp.Le(T(D.a), ELL + stride - 1)),
                "",
                sp.Implies(accepted, inside),
                hyps,
                timeout,
            ),
            _step(
                "implies",
                sp.Eq(f(T(D.a)), nx, evaluate=False),
                "",
                sp.Implies(accepted, sp.Eq(D.forward.xreplace({Lx: T_a}), nx)),
                hyps,
                timeout,
            ),
        ]
        blocks.append(Block("accepted", tuple(hits)))
        witness = D.witness if D.witness is not None else _solve_for(D.a, T_a, Lx, Lx - lower)
        reached = sp.And(D.accepted.xreplace({D.a: witness}), sp.Eq(T_a.xreplace({D.a: witness}), Lx))
        shown_witness = Lx - ELL if sp.expand(witness - (Lx - lower)) == 0 else witness
        shown = sp.And(D.accepted.xreplace({D.a: shown_witness}), sp.Eq(T(shown_witness), Lx, evaluate=False))
        blocks.append(
            Block(
                "reached",
                (
                    Line("", ell_interval, ""),
                    _step(
                        "implies",
                        shown,
                        "",
                        sp.Implies(interval, reached),
                        hyps,
                        timeout,
                    ),
                ),
            )
        )
    inferred = D.inferred
    if inferred is not None:
        name = sp.Symbol("T_0")
        lines = [Line("", sp.Eq(name, inferred, evaluate=False), f"the {D.inferred_word} length")]
        for end, display, reason in (
            (lower, ELL, "the smallest preimage"),
            (upper, ELL + stride - 1, "the largest preimage"),
        ):
            verdict = prove(sp.Eq(inferred, end), hyps, timeout=timeout)
            if verdict.proved:
                lines.append(Line("=", display, reason, sp.Eq(inferred, end), verdict))
                break
        else:
            offset0 = _simplest(inferred - lower, nx)
            lines.append(_step("=", ELL + offset0, "", sp.Eq(inferred, lower + offset0), hyps, timeout))
        blocks.append(Block("inferred", tuple(lines)))
    return Proof(D, tuple(blocks), lower, upper)


#: the generic model's padding per claim mode (the modes of derive.lengths, plus explicit (lo, hi) pads)
GENERIC_PADDING: dict[str, object] = {"explicit pads": (p, q), **{m: m for m in lengths.MODES}}


def generic(mode: str) -> Derivation:
    """The generic model's derivation in one mode, from :func:`~derive.lengths.forward_map`."""
    if mode not in GENERIC_PADDING:
        raise ParameterError("mode", f"must be one of {', '.join(GENERIC_PADDING)}", mode)
    padding = GENERIC_PADDING[mode]
    fm = lengths.forward_map(k, s, d, padding)
    return Derivation(
        framework="generic",
        mode=mode,
        L=L,
        n=n,
        forward=lengths.conv_length(L, k, s, d, padding),
        transposed=lengths.transposed_length(n, k, s, d, padding, a),
        a=a,
        accepts=sp.Lt(a, s),
        inferred=lengths.transposed_length(n, k, s, d, padding),
        inferred_word="default",
        floor_map=fm,
    )


def generic_derivations(modes: Iterable[str] | None = None) -> list[Derivation]:
    """The generic model's derivations, for ``modes`` (default: every mode)."""
    return [generic(m) for m in (GENERIC_PADDING if modes is None else modes)]
