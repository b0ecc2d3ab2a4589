"""A network layer by layer, for the LaTeX documents: each layer's output shape and the checks it adds.

:func:`layers` propagates the graph (:func:`~derive.net.analysis.propagate`) and returns, per node in
execution order, its name, op, output shape as LaTeX (nested floors folded) and its checks as LaTeX.
:mod:`derive.document` sets them in a table; nothing here writes files.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..latex import to_latex
from .analysis import propagate, simplify_dim
from .graph import Graph


@dataclass(frozen=True)
class Layer:
    """One node as the document prints it."""

    name: str
    op: str
    # the output shape's dims as LaTeX, e.g. ("1", "16", "\\left\\lfloor \\frac{H}{2} \\right\\rfloor")
    shape: tuple[str, ...]
    # each check the node adds, as a LaTeX relation over the input's dims
    checks: tuple[str, ...]


def _shape(shape: tuple) -> tuple[str, ...]:
    return tuple(to_latex(simplify_dim(sp.sympify(d))) for d in shape)


def layers(graph: Graph) -> list[Layer]:
    """Every node of ``graph`` with its first output's shape and its checks (the input first, as ``input``)."""
    p = propagate(graph)
    out = [Layer(name, "input", _shape(p.tensors[name].shape), ()) for name, _ in graph.inputs]
    for node in graph.nodes:
        produced = next((o for o in node.outputs if o in p.tensors), None)
        # nested floors folded for reading (⌊(⌊x⌋ + c)/r⌋ = ⌊(x + c)/r⌋ for integers c, r > 0: the same predicate)
        checks = tuple(to_latex(simplify_dim(c.holds)) for c in p.checks if c.node == node.name)
        shape = _shape(p.tensors[produced].shape) if produced is not None else ()
        out.append(Layer(node.name, node.op, shape, checks))
    return out
