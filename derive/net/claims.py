"""A network's answer as catalogue claims: each dim's exact set, each output dim's closed form.

:func:`network_claims` states, for one :class:`~derive.net.graph.Graph`, the theorems ``derive net``
prints, as :class:`~derive.claims.Claim` data that the proof catalogue decides like every other
claim (``derive prove``, the LaTeX chapter): for each dim whose checks involve no other dim,
"the checks on H hold exactly when H ∈ S" (S the eventually periodic candidate from a sweep;
Z3 decides the equivalence for every H ≥ 1), and for each output dim, "wherever the model runs,
the composed length equals its closed form" (and "equals the input dim" where it preserves it).
Nothing is assumed from the sweep: a wrong candidate is a refutation the catalogue reports.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

from ..catalogue import Catalogue, Script
from ..claims import Claim
from ..errors import UnsupportedExpressionError
from ..evaluate import evaluate
from ..prover import Status
from .analysis import PeriodicSet, _candidate, _conjuncts, _period, _scale, formula, propagate, readable
from .graph import Graph

#: the catalogue's framework key for whole networks (their chapter comes after the frameworks')
NETWORKS = "networks"


def _shape_call(graph: Graph, values: Mapping[str, int]) -> str:
    """The input a counterexample names, e.g. ``unet2 on x: [1, 1, 6, 4]``."""
    (name, dims), *_ = graph.inputs
    shape = [values.get(d, "?") if isinstance(d, str) else d for d in dims]
    return f"{graph.name} on {name}: {shape}"


def candidate(cond: sp.Basic, v: sp.Symbol) -> PeriodicSet:
    """The eventually periodic set a sweep of ``cond`` over v = 1.. suggests (a candidate, not a proof)."""
    period, _ = _period(cond, v)
    return _candidate(cond, v, period, max(64, 4 * period + 2 * _scale(cond) + 8))


def _running(condition: sp.Basic, symbols: list[sp.Symbol], limit: int = 512, count: int = 6) -> list[dict]:
    """A few sizes at which the model runs, each dim at a different size where it can be: where a preserved dim
    is worth claiming."""
    sizes = []
    for t in range(1, limit + 1):
        if bool(evaluate(condition, dict.fromkeys(symbols, t))):
            sizes.append(t)
            if len(sizes) == count:
                break
    # rotate the sizes over the dims so that no two dims are equal at a sample (when the model runs there)
    found = []
    for i in range(len(sizes)):
        at = {v: sizes[(i + j) % len(sizes)] for j, v in enumerate(symbols)}
        if bool(evaluate(condition, at)):
            found.append(at)
    return found


def _looks_equal(raw: sp.Basic, v: sp.Symbol, running: list[dict]) -> bool:
    """Whether ``raw`` equals ``v`` at the sampled running sizes (only to choose which claim to state)."""
    return bool(running) and all(evaluate(raw, at) == at[v] for at in running)


def _claim(
    graph: Graph, framework: str, family: str, name: str, statement: str, proposition: sp.Basic, assume: tuple = ()
) -> Claim:
    """One claim about ``graph``, expected proved; its counterexample pastes as the shape call at those sizes."""
    return Claim(
        name=name,
        framework=framework,
        mode=graph.name,
        statement=statement,
        proposition=proposition,
        expect=Status.PROVED,
        assume=assume,
        call=lambda values: _shape_call(graph, values),
        family=family,
    )


def network_claims(graph: Graph, framework: str = NETWORKS, family: str = NETWORKS) -> list[Claim]:
    """The claims of ``graph``'s answer: one per separable dim's set, one per output dim's closed form.

    Raises:
        UnsupportedExpressionError: a check has no period (a product of dims): say so rather than claim.
    """
    p = propagate(graph)
    conjuncts = _conjuncts(p.checks)
    symbols = list(p.symbols.values())
    condition = sp.And(*conjuncts)
    claims: list[Claim] = []
    running = _running(condition, symbols)
    coupled: list[sp.Symbol] = []
    for v in symbols:
        own = [c for c in conjuncts if c.free_symbols & {v}]
        alone = [c for c in own if not c.free_symbols - {v}]
        if len(alone) < len(own):
            coupled.append(v)
            if not alone:
                continue  # no check on this dim alone: the joint claim says all there is
        cond = sp.And(*alone)
        try:
            s = candidate(cond, v)
        except UnsupportedExpressionError:
            continue
        on = v.name if len(alone) == len(own) else f"{v.name} alone"
        then = (
            "(so, the other dims at sizes where they run, it runs exactly then)"
            if len(alone) == len(own)
            else "(further checks couple it with other dims)"
        )
        claims.append(
            _claim(
                graph,
                framework,
                family,
                f"{v.name} runs iff",
                f"Under the {graph.rules} rules, every check of {graph.name} on {on} holds exactly when "
                f"{s.text(v.name)} {then}",
                sp.Equivalent(cond, s.condition(v)),
            )
        )
    if coupled:
        claims.extend(_joint_claims(graph, conjuncts, coupled, framework, family))
    for out, shape in p.outputs.items():
        for i, raw in enumerate(shape):
            raw = sp.sympify(raw)
            if not raw.free_symbols:
                continue
            closed = readable(raw)  # the form the statement prints is the one proved
            same = next((v for v in symbols if _looks_equal(raw, v, running)), None)
            claims.append(
                _claim(
                    graph,
                    framework,
                    family,
                    f"{out} dim {i}",
                    f"Wherever {graph.name} runs, dim {i} of its output {out} is "
                    + (f"the input's {same.name} ({formula(closed)})" if same is not None else formula(closed)),
                    sp.Eq(raw, same if same is not None else closed),
                    assume=(condition,),
                )
            )
    return claims


def _joint_claims(
    graph: Graph, conjuncts: list[sp.Basic], coupled: list[sp.Symbol], framework: str, family: str
) -> list[Claim]:
    """Per group of coupled dims: its checks hold exactly when each dim is in its own set and the joint checks
    those sets do not imply hold (the split :func:`~derive.net.analysis._decompose` found; decided again here)."""
    from .analysis import _decompose, _groups

    claims = []
    for group in _groups(conjuncts, [v.name for v in coupled]):
        members = [v for v in coupled if v.name in group]
        if len(members) < 2:
            continue
        owns, cross, proof = _decompose(conjuncts, members, 10.0)
        if proof.status != "proved":
            continue
        mine = set(members)
        joint = sp.And(*[c for c in conjuncts if c.free_symbols & mine])
        parts = [owns[v.name].condition(v) for v in members]  # type: ignore[union-attr]
        names = ", ".join(v.name for v in members)
        # each dim's own set, where it is not every size ≥ 1, then the joint checks
        every = PeriodicSet((), 1, 1, (0,))
        parts_text = [owns[v.name].text(v.name) for v in members if owns[v.name] != every]  # type: ignore[union-attr]
        parts_text += [formula(c) for c in cross]
        claims.append(
            _claim(
                graph,
                framework,
                family,
                f"{names} run iff",
                f"Under the {graph.rules} rules, every check of {graph.name} on {names} holds exactly when "
                + "; and ".join(parts_text or ["true"]),
                sp.Equivalent(joint, sp.And(*parts, *cross)),
            )
        )
    return claims


def network_catalogue(graph: Graph, source: str) -> Catalogue:
    """The claims of one network as a catalogue of its own (one script, named ``source``), for its documents."""
    claims = network_claims(graph)
    for claim in claims:
        object.__setattr__(claim, "script", f"derive net {source}")
    doc = (
        f"The network {graph.name}: the input sizes it runs at and its output shapes, under the {graph.rules} "
        f"rules.\n\nThis chapter was written by derive net {source} --docs."
    )
    return Catalogue(claims, [], [Script(f"derive net {source}", doc, (graph,))])
