"""A cases node: one module call whose own code branches on its input's size, as the graphs of its branches.

A front end that finds such a branch (the torch front end: :mod:`derive.net.frontends._torch_cases`) replaces
the call's body by ONE node of op :data:`OP` whose ``attrs["cases"]`` holds :class:`Case` values in order:
each one the module's graph in one branch and the condition ``when`` under which the module's code takes
it, over :class:`Case.slots` (one symbol per (input, axis) of the call). The rule here, which every rule
table uses (:func:`derive.net.rules.find`), runs each case's graph on the caller's shapes and combines them
the way the code does: case i is taken where its condition holds and no earlier one does, the last case
wherever no earlier one does (the front end proves beforehand that every size reaching the call satisfies
some case's condition, and refuses the model otherwise). So each output dim is a Piecewise over the
conditions, and each check of case i holds where case i is not taken or the check holds; a check that
every case makes (same predicate, node and op) is one check, with the message of the case taken.

Simplifications are sound: a guarded check is dropped only where Z3 proved that it holds wherever its case
is taken at a size reaching the call (for the last case: where no earlier case's condition holds and its own
does, which the front end proved of every size reaching the call), and a Piecewise output dim is replaced by
a plainer candidate (a case's dim, or an input dim) only where Z3 proved them equal at every size.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from .graph import Check, Graph, GraphError, Node, Tensor

#: the op of a cases node
OP = "derive.cases"
#: seconds for each Z3 call a simplification makes (only "proved" simplifies)
_TIMEOUT = 2.0


@dataclass(frozen=True)
class Case:
    """One branch of a module call: its graph (inputs: the call's tensors, in order) and when it is taken."""

    graph: Graph
    # the condition the module's code tests, over the slot symbols (True where this branch is taken)
    when: Any
    # slot symbol -> (input index, axis): the call's input dims the condition speaks of
    slots: Mapping[sp.Symbol, tuple[int, int]]

    def condition(self, inputs: list[Tensor | None]) -> Any:
        """``when`` over the caller's dims."""
        values = {}
        for sym, (i, axis) in self.slots.items():
            t = inputs[i]
            if t is None or axis >= t.rank:
                raise GraphError(self.graph.name, OP, f"input {i} has no axis {axis}")
            values[sym] = sp.sympify(t.shape[axis])
        return sp.sympify(self.when).xreplace(values)


def slot(i: int, axis: int) -> sp.Symbol:
    """The symbol of the call's input ``i``'s dim ``axis`` in a case's condition."""
    return sp.Symbol(f"in{i}_{axis}", integer=True)


@functools.lru_cache(maxsize=4096)
def _valid(e: sp.Basic) -> bool:
    """Whether Z3 proved ``e`` true at every size (unknown or refuted: False)."""
    from ..prover import Status, prove

    try:
        return prove(e, timeout=_TIMEOUT, minimise=False).status is Status.PROVED
    except ValueError:  # outside the prover's language: not simplified
        return False


Taken = list[tuple[Any, list[Tensor], list[Check]]]


def _guard(node: Node, c: Check) -> str:
    """A check's node named by the cases node's module path and the inner node."""
    path = node.attrs.get("path", "")
    return c.node if path and f"[{path}" in c.node else f"{node.name}/{c.node}"


def rule(node: Node, inputs: list[Tensor | None]) -> tuple[list[Tensor], list[Check]]:
    from .analysis import run

    cases: tuple[Case, ...] = node.attrs["cases"]
    taken: list[tuple[Any, list[Tensor], list[Check]]] = []
    for case in cases:
        when = case.condition(inputs)
        if when is sp.false or when is False:
            continue  # never taken at these shapes
        tensors, checks = run(case.graph, list(inputs))
        outs = [tensors[name] for name in case.graph.outputs]
        taken.append((when, outs, checks))
        if when is sp.true or when is True:
            break  # later cases are never reached
    if not taken:
        raise GraphError(node.name, OP, "no case is taken at any size")
    # case i is taken where it holds and no earlier one does; the last one wherever no earlier one does
    effective = []
    for i, (when, _, _) in enumerate(taken):
        earlier = [sp.Not(w) for w, _, _ in taken[:i]]
        effective.append(sp.And(*earlier) if i == len(taken) - 1 else sp.And(when, *earlier))
    # where case i is taken at a size that reaches the call: the last case's own condition holds there too (the
    # front end proved that every such size satisfies some case's), so a check is dropped only if it holds there
    reached = [sp.And(e, w) for e, (w, _, _) in zip(effective, taken, strict=True)]
    checks = _checks(node, taken, effective, reached)
    outs = _outputs(node, taken, inputs)
    return outs, checks


def _key(c: Check) -> tuple[Any, ...]:
    return (sp.sympify(c.holds), c.node, c.op, c.error)


def _checks(node: Node, taken: Taken, effective: list[Any], reached: list[Any]) -> list[Check]:
    """Each case's checks guarded by its condition, the checks every case makes once (each case's order kept)."""
    lists = [[c for c in checks if c.holds is not True and c.holds is not sp.true] for _, _, checks in taken]
    keys = [[_key(c) for c in cs] for cs in lists]
    # checks every case makes exactly once, in the same relative order in every case
    common = [k for k in keys[0] if all(ks.count(k) == 1 for ks in keys)]
    if any([k for k in ks if k in common] != common for ks in keys):
        common = []
    out: list[Check] = []
    position = [0] * len(lists)
    for stop in [*common, None]:
        for i, (cs, ks) in enumerate(zip(lists, keys, strict=True)):
            while position[i] < len(cs) and ks[position[i]] != stop:
                c = cs[position[i]]
                position[i] += 1
                holds = sp.Or(sp.Not(effective[i]), c.holds)
                if len(lists) > 1 and _valid(sp.Or(sp.Not(reached[i]), c.holds)):
                    continue  # holds wherever this case is taken at a size reaching the call: never the failure
                out.append(Check(c.holds if len(lists) == 1 else holds, _guard(node, c), c.op, c.message, c.error))
            position[i] += 1  # past the common check
        if stop is not None:
            mine = [cs[ks.index(stop)] for cs, ks in zip(lists, keys, strict=True)]
            out.append(Check(stop[0], _guard(node, mine[0]), mine[0].op, _message(mine, effective), mine[0].error))
    return out


def _message(mine: list[Check], effective: list[Any]) -> Any:
    """The message of the case taken at a failing size (cases may print different shapes)."""
    if len(mine) == 1:
        return mine[0].message

    def message(values: Mapping[sp.Symbol, int]) -> str:
        from ..evaluate import evaluate

        for c, when in zip(mine, effective, strict=True):
            if evaluate(when, values):
                return c.text(values)
        return mine[-1].text(values)

    return message


def _outputs(node: Node, taken: Taken, inputs: list[Tensor | None]) -> list[Tensor]:
    """Each output: per dim the one expression every case gives, else a Piecewise over the conditions."""
    count = len(taken[0][1])
    if any(len(outs) != count for _, outs, _ in taken):
        raise GraphError(node.name, OP, "the cases return different numbers of outputs")
    plain = [sp.sympify(d) for t in inputs if t is not None for d in t.shape]
    result = []
    for o in range(count):
        tensors = [outs[o] for _, outs, _ in taken]
        if len({t.rank for t in tensors}) != 1:
            raise GraphError(node.name, OP, f"the cases return output {o} with different ranks")
        shape = tuple(
            _combine([t.shape[a] for t in tensors], [w for w, _, _ in taken], plain) for a in range(tensors[0].rank)
        )
        value = None
        if all(t.value is not None for t in tensors) and len({len(t.value) for t in tensors}) == 1:  # type: ignore[arg-type]
            value = tuple(
                _combine([t.value[k] for t in tensors], [w for w, _, _ in taken], [])  # type: ignore[index]
                for k in range(len(tensors[0].value))  # type: ignore[arg-type]
            )
        result.append(Tensor(shape, value, tensors[0].dtype))
    return result


def _combine(dims: list[Any], whens: list[Any], plain: list[Any]) -> Any:
    """One dim from every case's: the common one, else the Piecewise, else a plainer one Z3 proved equal to it."""
    dims = [sp.sympify(d) for d in dims]
    if all(d == dims[0] for d in dims):
        return dims[0]
    pieces = [(d, _tidy(w)) for d, w in zip(dims[:-1], whens[:-1], strict=True)] + [(dims[-1], sp.true)]
    piecewise = sp.Piecewise(*pieces)
    if not isinstance(piecewise, sp.Piecewise):
        return piecewise
    seen: list[Any] = []
    for candidate in [*dims, *plain]:
        if candidate in seen or not isinstance(candidate, sp.Expr):
            continue
        seen.append(candidate)
        if _valid(sp.Eq(piecewise, candidate)):
            return candidate
    return piecewise


def _tidy(when: Any) -> Any:
    """A condition without the conjuncts Z3 proves implied by the others (the same condition, read easily)."""
    if not isinstance(when, sp.And):
        return when
    kept = list(when.args)
    for c in list(kept):
        rest = [k for k in kept if k is not c]
        if rest and _valid(sp.Implies(sp.And(*rest), c)):
            kept = rest
    return sp.And(*kept)
