"""A network as a graph of shape operations over SymPy integer symbols.

A front end (``derive.net.frontends``: ONNX, torch, Keras) turns a model into a :class:`Graph`:
its inputs with their dims (ints, or names that become symbols), one :class:`Node` per layer
with the layer's attributes, its constant tensors, and the name of the rule table that says
what the runtime does at each op. The analysis (``derive.net.analysis``) runs each node's
:data:`Rule` over :class:`Tensor` shapes whose dims are SymPy expressions of the input's
symbols, collects every :class:`Check` (the runtime's validity predicates, with its messages),
and answers for which sizes the whole model runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..errors import DeriveError, ParameterError

#: an integer-valued expression over the input's symbolic dims (or a SymPy Integer)
Dim = sp.Expr


def dim_symbol(name: str) -> sp.Symbol:
    """The symbol of a named input dim: an integer >= 1 (the analysis asks about sizes >= 1)."""
    return sp.Symbol(name, integer=True, positive=True)


@dataclass(frozen=True)
class Tensor:
    """What the analysis knows about one tensor: its shape, and for small constant or shape-valued
    tensors (the outputs of Shape, Gather, Concat of shapes, initializers) their contents, flat in
    row-major order (SymPy numbers or expressions over the dims)."""

    shape: tuple[Dim, ...]
    value: tuple[Any, ...] | None = None
    # the element type where a rule needs it (Cast, ConstantOfShape): e.g. "int64", "float32"
    dtype: str | None = field(default=None, compare=False)

    @property
    def rank(self) -> int:
        return len(self.shape)


#: the ``error`` of a check that marks sizes derive does not model (a rule table refuses to guess there): the
#: answer reports those sizes as not modelled, never as failing
NOT_MODELLED = "NotModelled"

#: a check's message at one failing size (symbol -> int), or a fixed text
Message = str | Callable[[Mapping[sp.Symbol, int]], str]


@dataclass(frozen=True)
class Check:
    """One validity predicate a node's runtime checks, with the runtime's own message."""

    # true exactly where the runtime accepts this node (over the input's dim symbols)
    holds: Any  # sympy.Boolean | bool
    node: str
    op: str
    message: Message
    # the exception class (or status) the runtime reports, e.g. "InvalidArgument"; "" if none
    error: str = ""

    def text(self, values: Mapping[sp.Symbol, int]) -> str:
        """The runtime's message at a size where the check fails."""
        return self.message(values) if callable(self.message) else self.message


@dataclass(frozen=True)
class Node:
    """One operation: the op's name in its front end's vocabulary, tensor names in and out, attributes.

    An optional input that is absent is the empty string (ONNX's convention)."""

    name: str
    op: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Graph:
    """A whole model: inputs with their dims (ints, or names of symbolic dims), nodes in a
    topological order, output names, constant tensors by name, and the rule table to apply."""

    name: str
    inputs: tuple[tuple[str, tuple[int | str, ...]], ...]
    nodes: tuple[Node, ...]
    outputs: tuple[str, ...]
    constants: Mapping[str, Tensor]
    # which rule table counts, e.g. "onnxruntime", "onnx-spec", "onnx-shape-inference", "torch-eager"
    rules: str
    # what the rule table models, where the front end says (printed with the answer), e.g. the Keras backend
    note: str = ""

    @property
    def dims(self) -> tuple[str, ...]:
        """The symbolic dims' names, in order of first appearance."""
        seen: dict[str, None] = {}
        for _, dims in self.inputs:
            for d in dims:
                if isinstance(d, str):
                    seen[d] = None
        return tuple(seen)


#: a node's rule: its input tensors (None for an absent optional input) -> output tensors and checks
Rule = Callable[[Node, list[Tensor | None]], tuple[list[Tensor], list[Check]]]


class UnsupportedOpError(ParameterError):
    """A node whose op the rule table does not model: never guessed."""

    def __init__(self, node: str, op: str, table: str) -> None:
        super().__init__("op", f"is not supported by derive net's '{table}' rules", op, f"node '{node}'")
        self.node = node
        self.op = op
        self.table = table
        self.args = (f"node '{node}': op '{op}' is not supported by derive net's '{table}' rules",)


class GraphError(DeriveError):
    """A malformed model or a node whose attributes or inputs break the op's own definition."""

    def __init__(self, node: str, op: str, message: str) -> None:
        self.node = node
        self.op = op
        super().__init__(f"node '{node}' ({op}): {message}")
