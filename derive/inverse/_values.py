"""The values a space works with: the caller's bounds (:class:`Range`, :class:`Bounds`), a framework's knobs
(:class:`Knob`), the answers (:class:`Family`, :class:`Pads`), one search's query and budget."""

from __future__ import annotations

import itertools

from .._record import field, record
from ..errors import ParameterError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


class SolverError(RuntimeError):
    """A computed answer disagreed with the framework model: an internal error, never a result."""


@record
class Range:
    """The integers ``lo..hi`` a knob may take (``hi=None``: no upper end)."""

    lo: int
    hi: int | None = None

    def __post_init__(self) -> None:
        if self.hi is not None and self.hi < self.lo:
            raise ParameterError("range", "must have lo <= hi", f"{self.lo}..{self.hi}")

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and value >= self.lo and (self.hi is None or value <= self.hi)

    def __str__(self) -> str:
        if self.hi == self.lo:
            return str(self.lo)
        return f"{self.lo}..{'' if self.hi is None else self.hi}"

    def values(self, hi: int | None = None) -> Iterable[int]:
        """``lo, lo+1, ...`` up to ``hi`` and the range's own upper end (endless when both are None)."""
        top = _min(self.hi, hi)
        return itertools.count(self.lo) if top is None else range(self.lo, top + 1)


@record
class Bounds:
    """What the caller allows: a range per knob role (each side's padding for ``padding``) and the modes."""

    kernel: Range = Range(1)
    stride: Range = Range(1)
    dilation: Range = Range(1)
    padding: Range = Range(0)
    # padding modes as the framework spells them (None: every mode)
    modes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name, low in (("kernel", 1), ("stride", 1), ("dilation", 1), ("padding", 0)):
            r = getattr(self, name)
            if r.lo < low:
                rule = "must be >= 1" if low else "must be >= 0"
                raise ParameterError(name, rule, str(r))

    def __str__(self) -> str:
        ranges = ", ".join(f"{name} {getattr(self, name)}" for name in ("kernel", "stride", "dilation", "padding"))
        return ranges + ("" if self.modes is None else f", modes {'/'.join(self.modes)}")

    def relaxed(self) -> Bounds:
        """The same modes with every range open."""
        return Bounds(modes=self.modes)

    def capped(self, cap: int) -> Bounds:
        """The same bounds with every open range ending at ``cap`` (or at its lower end, if above)."""
        ranges = {
            name: r if r.hi is not None else Range(r.lo, max(r.lo, cap))
            for name in ("kernel", "stride", "dilation", "padding")
            for r in [getattr(self, name)]
        }
        return Bounds(**ranges, modes=self.modes)


@record
class Knob:
    """One argument of the framework call."""

    # as the framework spells it
    name: str
    # kernel, stride, dilation, padding, mode, adjust (output padding / size), target (output shape)
    role: str
    default: Any
    # the framework's rule, in words
    rule: str


@record
class Family:
    """Configurations equal in every knob but a line: ``member(t)`` for ``t = 0 .. count-1``."""

    # knob -> value, for the knobs fixed along the family
    fixed: tuple[tuple[str, Any], ...]
    # (knob, value at t = 0, step per t), in the order the members are sorted
    free: tuple[tuple[str, int, int], ...]
    # number of members; None when the line has no end
    count: int | None
    # the knob names in the framework's signature order (for members and printing)
    order: tuple[str, ...]
    # the simplest-first key of member(0) (members follow in t order)
    key: tuple[Any, ...] = ()

    def member(self, t: int) -> dict[str, Any]:
        if t < 0 or (self.count is not None and t >= self.count):
            raise IndexError(t)
        values = dict(self.fixed)
        values.update({name: start + step * t for name, start, step in self.free})
        return {name: values[name] for name in self.order if name in values}

    def members(self) -> Iterator[dict[str, Any]]:
        """Every member in order (endless when ``count`` is None)."""
        steps = itertools.count() if self.count is None else range(self.count)
        return (self.member(t) for t in steps)

    @property
    def first(self) -> dict[str, Any]:
        return self.member(0)


#: what a space's ``family`` returns: the fixed knobs, the free lines (knob, start, step), the count
Found = tuple[dict[str, "Any"], tuple[tuple[str, int, int], ...], int | None]  # "Any": typing is not imported


@record
class Dim:
    """One index knob, enumerated in simplest-first order given the knobs before it."""

    name: str
    values: Callable[[Mapping[str, Any]], Iterable[Any]]
    plain: Callable[[Mapping[str, Any]], Any]
    # this knob's part of the sort key
    order: Callable[[Any], Any] = lambda v: v
    # whether a non-plain value counts as a change
    counts: bool = True


@record
class Query:
    """One solve: input length, target length, bounds, and the scale factor the stride order centres on."""

    n: int
    out: int
    bounds: Bounds
    scale: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", max(1, self.out // self.n))


class Budget:
    """A cap on the index tuples one search may visit (it stops an endless search of an empty region)."""

    def __init__(self, steps: int) -> None:
        self.left = steps
        self.exhausted = False

    def spend(self) -> bool:
        self.left -= 1
        if self.left < 0:
            self.exhausted = True
        return not self.exhausted


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _ceildiv(a: int, b: int) -> int:
    return -((-a) // b)


class Pads(tuple):
    """A ``(before, after)`` pair stepping along a family line: ``+`` and ``*`` act per side.

    Family members are ``start + step·t``; this lets the padding pair itself be the free knob
    (``(0, 3), (1, 2), ...``) and still be the plain pair the framework takes.
    """

    def __new__(cls, lo: int, hi: int) -> Pads:
        return super().__new__(cls, (lo, hi))

    def __getnewargs__(self) -> tuple[int, int]:  # type: ignore[override]
        return self[0], self[1]

    def __add__(self, other: tuple[int, ...]) -> Pads:  # type: ignore[override]
        return Pads(self[0] + other[0], self[1] + other[1])

    def __mul__(self, t: int) -> Pads:  # type: ignore[override]
        return Pads(self[0] * t, self[1] * t)

    __rmul__ = __mul__
