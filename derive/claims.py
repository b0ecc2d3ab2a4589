"""Claims: a proposition with its expected verdict and, when it can fail, the exact condition (iff) where it holds.

A :class:`Claim` is data. :func:`check` decides it: the claim itself, and for a claim expected
to be refuted, ``assumptions ⟹ (proposition ⟺ iff)`` as well, so a refutation always comes
with its characterisation. A :class:`Result` says whether both match what the claim expects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from .display import Displayed
from .errors import ParameterError
from .evaluate import evaluate
from .prover import InternalProverError, Status, Verdict, prove
from .translate import symbol_domain


@dataclass(frozen=True)
class Claim:
    """One theorem candidate about one framework and mode."""

    # short name of the claim, e.g. "round trip"
    name: str
    # framework key ("torch", ...), "generic" for the length model, or a paper ("dumoulin-visin")
    framework: str
    # padding mode or variant the claim is about, e.g. "valid", "explicit pads", "output_size"
    mode: str
    # the claim in words, as a reader would state it
    statement: str
    # the proposition, over integer SymPy symbols, quantified over every value
    proposition: sp.Basic
    # "proved" or "refuted": what the catalogue expects (a regression when it differs)
    expect: Status
    # hypotheses: the framework's own validity conditions and the claim's premises
    assume: tuple[sp.Basic, ...] = ()
    # for an expected refutation: the exact condition under which the proposition holds
    iff: sp.Basic | None = None
    # renders a counterexample (symbol name → int, every symbol filled) as a call a user can paste
    call: Callable[[Mapping[str, int]], str] | None = None
    # claim family, e.g. "1 round trip" (the families are listed in proofs/README.md)
    family: str = ""
    # every parameter a counterexample must name for ``call`` (those the claim lost are filled smallest-first)
    parameters: tuple[sp.Symbol, ...] = ()
    # the script that declared the claim (set by the loader)
    script: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "expect", Status(self.expect))
        object.__setattr__(self, "assume", tuple(self.assume))
        if self.expect is Status.REFUTED and self.iff is None:
            raise ParameterError(
                "iff", "is required for a claim expected to be refuted (a refutation needs its iff)", self.name
            )
        if self.expect is Status.UNKNOWN:
            raise ParameterError("expect", "must be 'proved' or 'refuted'", self.expect.value)

    @cached_property
    def id(self) -> str:
        slug = lambda t: re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-")  # noqa: E731
        return f"{slug(self.framework)}/{slug(self.mode)}/{slug(self.name)}"

    @cached_property
    def symbols(self) -> list[sp.Symbol]:
        free: set[sp.Symbol] = set(self.proposition.free_symbols)
        for a in self.assume:
            free |= a.free_symbols
        if self.iff is not None:
            free |= self.iff.free_symbols
        return sorted(free | set(self.parameters), key=lambda s: s.name)


@dataclass(frozen=True, repr=False)
class Result(Displayed):
    """A decided claim."""

    claim: Claim
    verdict: Verdict
    # the proof of assumptions ⟹ (proposition ⟺ iff); None when the claim has no iff
    iff_verdict: Verdict | None
    # the counterexample with every symbol filled in, and as a pasteable call
    counterexample: dict[str, int] | None = None
    example: str | None = None

    @property
    def ok(self) -> bool:
        """The verdict is the expected one, and the iff (if any) is proved."""
        return self.verdict.status is self.claim.expect and (self.iff_verdict is None or self.iff_verdict.proved)

    @property
    def seconds(self) -> float:
        return self.verdict.seconds + (self.iff_verdict.seconds if self.iff_verdict else 0.0)


def complete_counterexample(claim: Claim, partial: Mapping[str, int]) -> dict[str, int]:
    """Fill the symbols a counterexample leaves free (they cancelled out) with their smallest admissible values."""
    values = dict(partial)
    missing = [s for s in claim.symbols if s.name not in values]
    if not missing:
        return values
    fixed = {s: sp.Integer(values[s.name]) for s in claim.symbols if s.name in values}
    # the assumptions may still tie the missing symbols to the others: ask the prover for the smallest fill
    ties = [a.xreplace(fixed) for a in claim.assume]
    fill = prove(sp.Not(sp.And(*ties, *[f for s in missing for f in symbol_domain(s)])), timeout=10)
    if fill.counterexample is not None:
        values.update(fill.counterexample)
    for s in missing:  # symbols unconstrained even by the assumptions
        values.setdefault(s.name, 1 if s.is_positive else 0)
    return values


def decide(claim: Claim, timeout: float = 20.0) -> Result:
    """Decide the claim and, when it has one, its iff."""
    verdict = prove(claim.proposition, claim.assume, timeout=timeout)
    iff_verdict = None
    if claim.iff is not None:
        iff_verdict = prove(sp.Equivalent(claim.proposition, claim.iff), claim.assume, timeout=timeout)
    counterexample = example = None
    if verdict.counterexample is not None:
        counterexample = complete_counterexample(claim, verdict.counterexample)
        point = {s: counterexample[s.name] for s in claim.symbols}
        # the filled-in counterexample is what users paste: it must still break the claim
        if evaluate(claim.proposition, point) is not False or not all(evaluate(a, point) is True for a in claim.assume):
            raise InternalProverError(f"completed counterexample {counterexample} does not refute {claim.id}")
        example = claim.call(counterexample) if claim.call else None
    return Result(claim, verdict, iff_verdict, counterexample, example)
