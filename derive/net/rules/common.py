"""Helpers every rule table shares: SymPy dims, concrete evaluation of messages, broadcasting."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sympy as sp

from ...evaluate import evaluate
from ..graph import Check, GraphError, Node, Tensor

Values = Mapping[sp.Symbol, int]


def s(x: Any) -> sp.Expr:
    """A dim as a SymPy expression (ints become Integers)."""
    return sp.sympify(x)


def at(x: Any, values: Values) -> Any:
    """``x`` (a dim, a tuple/list/dict of them, or anything else) with every symbol replaced by its value."""
    if isinstance(x, sp.Expr):  # a bare Symbol is a Boolean too, yet a dim
        v = evaluate(x, values)
        return int(v) if v.denominator == 1 else v
    if isinstance(x, tuple):
        return tuple(at(y, values) for y in x)
    if isinstance(x, list):
        return [at(y, values) for y in x]
    return x


def shape_text(shape: Sequence[Any], values: Values) -> str:
    """onnxruntime's ``TensorShape::ToString``: ``{1,3,4}``."""
    return "{" + ",".join(str(at(d, values)) for d in shape) + "}"


def concat_mismatches(tensors: Sequence[Tensor], axis: int) -> Iterator[tuple[int, Tensor, int]]:
    """The (input number, input, dim) a concatenation must check, input by input: every dim but ``axis`` where the
    input's size is not the first input's expression."""
    first = tensors[0]
    for i, t in enumerate(tensors[1:], start=1):
        for j in range(first.rank):
            if j != axis and s(first.shape[j]) != s(t.shape[j]):
                yield i, t, j


def check(node: Node, holds: Any, message: str | Callable[[Values], str], error: str = "") -> Check:
    return Check(holds, node.name, node.op, message, error)


def is_one(d: Any) -> bool:
    return s(d) == 1


def broadcast(
    node: Node, shapes: Sequence[tuple[Any, ...]], message: Callable[[Any, Any], Callable[[Values], str]]
) -> tuple[tuple[Any, ...], list[Check]]:
    """Multidirectional (numpy) broadcasting: per axis the dims are equal or 1; ``message(a, b)`` at a failing size."""
    rank = max((len(x) for x in shapes), default=0)
    padded = [(sp.Integer(1),) * (rank - len(x)) + tuple(s(d) for d in x) for x in shapes]
    out: list[Any] = []
    checks: list[Check] = []
    for axis in range(rank):
        dim = padded[0][axis]
        for other in padded[1:]:
            b = other[axis]
            if dim == b or is_one(b):
                continue
            if is_one(dim):
                dim = b
                continue
            checks.append(check(node, sp.Or(sp.Eq(dim, b), sp.Eq(dim, 1), sp.Eq(b, 1)), message(dim, b)))
            if dim.is_Integer:
                continue
            dim = b if b.is_Integer else sp.Piecewise((b, sp.Eq(dim, 1)), (dim, True))
        out.append(dim)
    return tuple(out), checks


def ints(node: Node, name: str, value: Any) -> list[int]:
    """A list attribute or constant input as ints, or GraphError naming it."""
    try:
        result = []
        for x in value:
            x = s(x)
            if not x.is_Integer:
                raise TypeError
            result.append(int(x))
        return result
    except TypeError:
        raise GraphError(node.name, node.op, f"'{name}' must be constant integers (got {value})") from None


def known(node: Node, t: Tensor | None, name: str) -> tuple[Any, ...]:
    """The contents of an input the rule needs to know (a constant or a shape computation)."""
    if t is None or t.value is None:
        raise GraphError(node.name, node.op, f"input '{name}' must be a constant or computed from shapes")
    return t.value


def product(xs: Sequence[Any]) -> Any:
    return sp.Mul(*[s(x) for x in xs])


def axis(node: Node, a: int, rank: int, name: str = "axis") -> int:
    if not -rank <= a < max(rank, 1):
        raise GraphError(node.name, node.op, f"'{name}' must be in [{-rank}, {rank - 1}] (got {a})")
    return a % rank if rank else 0
