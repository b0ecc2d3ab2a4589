"""The search every space may share: a walk over the index knobs that leaves room for the changes later knobs
cannot avoid (the onnx and lasagne spaces walk with it), and its helpers.

:meth:`Space._walk <derive.spaces.Space>` counts the changes a level may still make; here an index dimension
(:class:`Forced`) also says which changes every one of its values costs, so a level one change short of an
unavoidable change never walks an endless stride or dilation range in vain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from . import Budget, Dim, Query, Space


@dataclasses.dataclass(frozen=True)
class Forced(Dim):
    """An index dimension that costs a change whatever its value where its plain value is out of reach."""

    # given the knobs before it (a partial index: missing keys mean "not known yet", answer 0), the changes
    # every value of this dimension costs: 1 where the bounds or the earlier knobs leave out the plain value
    least: Callable[[Mapping[str, Any]], int] = lambda ix: 0
    # the values worth walking given the changes ``left`` and the ``floor`` later dimensions cannot avoid (None:
    # every value); it drops values whose subtree is empty at this level, e.g. endless strides past a parity clash
    within: Callable[[Mapping[str, Any], int, int], Iterable[Any]] | None = None


def periodic(
    values: Callable[[int | None], Iterable[int]], works: Callable[[int], bool], start: int, endless: bool
) -> Iterator[int]:
    """The values (``values(cap)``: those up to cap) where ``works`` holds, when from ``start`` on it repeats with
    period 2. If it fails at ``start`` and ``start + 1`` of an endless range, it fails from ``start`` on: the range
    is capped there.
    """
    cap = start - 1 if endless and not works(start) and not works(start + 1) else None
    return (v for v in values(cap) if works(v))


def _least(dims: list[Dim], index: Mapping[str, Any]) -> int:
    return sum(d.least(index) for d in dims if isinstance(d, Forced))


def walk(
    sp: Space, dims: list[Dim], i: int, index: dict[str, Any], left: int, budget: Budget
) -> Iterator[dict[str, Any]]:
    """:meth:`Space._walk` that leaves room for the changes later dimensions cannot avoid.

    Without it, a level one change short of an unavoidable change (a mode other than the default, an
    output padding the stride rules out at 0) walks an endless stride or dilation range in vain.
    """
    if i == len(dims):
        if left == 0:
            yield dict(index)
        return
    dim, rest_dims = dims[i], dims[i + 1 :]
    later = sum(d.counts for d in rest_dims)
    floor = _least(rest_dims, index)  # a lower bound whatever this dimension's value
    if left < floor:
        return
    plain = dim.plain(index)
    within = getattr(dim, "within", None)
    values = dim.values(index) if within is None else within(index, left, floor)
    for value in values:
        if not budget.spend():
            return
        cost = int(dim.counts and value != plain)
        rest = left - cost
        if rest < floor or rest > later:
            if dim.counts and left == floor and cost:
                return  # plain values come first: every later value costs too
            continue
        index[dim.name] = value
        if rest >= _least(rest_dims, index):
            yield from walk(sp, dims, i + 1, index, rest, budget)
        del index[dim.name]


def level_exists(sp: Space, q: Query, dims: list[Dim], index: dict[str, Any], left: int) -> bool:
    """Whether some family has these leading index knobs and exactly ``left`` changes in the rest (True when the
    search is cut off: then nothing is capped)."""
    budget = Budget(100_000)
    if any(sp.family(q, ix) is not None for ix in walk(sp, dims, len(index), dict(index), left, budget)):
        return True
    return budget.exhausted
