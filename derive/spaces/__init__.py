"""Each framework's transposed convolution as a parameter space: its knobs, and its answers in closed form.

This module holds what every framework shares (:class:`Space`, :class:`Bounds`, :class:`Family`, the
simplest-first walk); ``derive/spaces/<framework>.py`` holds one framework's space, loaded on demand
by :func:`space`.

A space lists the knobs a caller sets (named as the framework spells them, with its defaults and
rules) and answers "which settings map an input length ``n`` to ``out``?" as *families*: settings that
share every *index* knob (stride, padding mode, dilation, output padding, explicit pads) and run
along one line in the rest, e.g. torch's ``kernel_size = 4 + 2t, padding = t``. For fixed kernel,
stride and dilation every transposed length here is affine in padding and output padding, so each
family is an arithmetic progression read off one linear equation (or one accepted interval): no
combination is tried and thrown away.

**Simplest first.** Configurations are ordered by the key
``(changes, |stride - scale|, stride, <index knobs in the space's order>, <free knobs>)``:

* ``changes``: how many index knobs differ from their plain value: the framework's default for
  the padding mode, dilation (1) and output padding, and for the stride the *scale factor*
  ``scale = max(1, out // n)`` (a stride equal to the scale factor is the natural upsampling);
* then the stride nearest the scale (the smaller of two equally near), then the remaining index
  knobs (mode in the framework's order, default first; dilation, output padding ascending);
* within a family, the free knobs ascending (padding, then kernel size).

Degenerate settings are left out: a dilation above 1 on a 1-wide kernel changes nothing.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import registry
from ..errors import DeriveError, FrameworkError, ParameterError


class SolverError(RuntimeError):
    """A computed answer disagreed with the framework model: an internal error, never a result."""


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Knob:
    """One argument of the framework call."""

    # as the framework spells it
    name: str
    # kernel, stride, dilation, padding, mode, adjust (output padding / size), target (output shape)
    role: str
    default: Any
    # the framework's rule, in words
    rule: str


@dataclass(frozen=True)
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
Found = tuple[dict[str, Any], tuple[tuple[str, int, int], ...], int | None]


@dataclass(frozen=True)
class Dim:
    """One index knob, enumerated in simplest-first order given the knobs before it."""

    name: str
    values: Callable[[Mapping[str, Any]], Iterable[Any]]
    plain: Callable[[Mapping[str, Any]], Any]
    # this knob's part of the sort key
    order: Callable[[Any], Any] = lambda v: v
    # whether a non-plain value counts as a change
    counts: bool = True


@dataclass(frozen=True)
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


def stride_order(scale: int, allowed: Range, hi: int | None) -> Iterator[int]:
    """Strides by distance from ``scale`` (the smaller first on a tie), within ``allowed`` and ``hi``."""
    top = _min(allowed.hi, hi)
    if top is not None and top < allowed.lo:
        return
    start = min(max(scale, allowed.lo), top) if top is not None else max(scale, allowed.lo)
    if start == scale:
        yield scale
    for dist in itertools.count(1):
        low, high = scale - dist, scale + dist
        low_ok = low >= allowed.lo and (top is None or low <= top)
        high_ok = high >= allowed.lo and (top is None or high <= top)
        if low_ok:
            yield low
        if high_ok:
            yield high
        if low < allowed.lo and top is not None and high > top:
            return


def progression(lo: int, hi: int | None, step: int = 1, residue: int | None = None) -> tuple[int, int | None] | None:
    """The first value >= lo (≡ residue mod step when given) and the member count up to hi; None if empty."""
    first = lo if residue is None else lo + ((residue - lo) % step)
    if hi is not None and first > hi:
        return None
    return first, None if hi is None else (hi - first) // step + 1


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


def symmetric_line(b: Bounds, d: int, e: int) -> tuple[tuple[int, int], tuple[int, int], int | None] | None:
    """The (padding, kernel) line solving ``d·(kernel - 1) - 2·padding = e`` within the bounds (symmetric padding).

    Returns ((padding at t=0, step), (kernel at t=0, step), count), or None when no member fits: an even
    dilation needs an even ``e``; an odd one fixes the kernel's parity, so the kernel steps by 2.
    """
    u_lo = max(b.kernel.lo - 1, 1 if d > 1 else 0, _ceildiv(e + 2 * b.padding.lo, d))
    u_hi = None if b.kernel.hi is None else b.kernel.hi - 1
    if b.padding.hi is not None:
        u_hi = _min(u_hi, (e + 2 * b.padding.hi) // d)
    if d % 2 == 0:
        if e % 2:
            return None
        found, step = progression(u_lo, u_hi), 1
    else:
        found, step = progression(u_lo, u_hi, 2, e % 2), 2
    if found is None:
        return None
    u0, count = found
    return ((d * u0 - e) // 2, d * step // 2), (u0 + 1, step), count


class Space:
    """A framework's transposed convolution as knobs, index dimensions and closed-form families."""

    framework: str = ""
    operation: str = ""
    knobs: tuple[Knob, ...] = ()
    # padding modes in simplest-first order (the default first); () when padding is an int
    modes: tuple[str, ...] = ()
    # the backends or implementations a caller may pick (None: the framework's own rule)
    backends: tuple[str | None, ...] = (None,)
    # the forward convolution whose preimage explain shows, e.g. "torch.nn.Conv1d"
    forward_operation: str = ""

    def __init__(self, backend: str | None = None) -> None:
        if backend not in self.backends:
            if self.backends == (None,):
                raise ParameterError("--backend", f"has no meaning for {self.framework}", backend)
            names = ", ".join("None" if b is None else b for b in self.backends)
            raise ParameterError("--backend", f"must be one of {names} for {self.framework}", backend)
        self.backend = backend

    # -- the framework ---------------------------------------------------------------------

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        """The framework model's length for this configuration (raises FrameworkError where it refuses)."""
        raise NotImplementedError

    def role(self, role: str) -> str:
        """The framework's name for a knob role."""
        return next(k.name for k in self.knobs if k.role == role)

    def knob(self, role: str) -> Knob | None:
        """The knob with this role, if the framework has one."""
        return next((k for k in self.knobs if k.role == role), None)

    # whether the caller must pass the output length (tensorflow's output_shape): ports set it to the length
    needs_target: bool = False

    def has(self, role: str) -> bool:
        return any(k.role == role for k in self.knobs) or (role == "padding" and "EXPLICIT" in self.modes)

    def finite(self, bounds: Bounds) -> bool:
        """Whether every range this framework uses has an upper end."""
        roles = ("kernel", "stride", "dilation", "padding")
        return all(getattr(bounds, r).hi is not None for r in roles if self.has(r))

    @property
    def order(self) -> tuple[str, ...]:
        return self._order()

    @classmethod
    @functools.cache
    def _order(cls) -> tuple[str, ...]:
        return tuple(k.name for k in cls.knobs)

    def show(self, cfg: Mapping[str, Any], always: tuple[str, ...] = ()) -> str:
        """``name=value`` for the knobs off their defaults (kernel and stride always), in signature order."""
        shown = []
        for k in self.knobs:
            if k.name not in cfg:
                continue
            v = cfg[k.name]
            if (k.role in ("kernel", "stride", "target") and v is not None) or k.name in always or v != k.default:
                shown.append(f"{k.name}={v!r}")
        return ", ".join(shown)

    def describe(self, fam: Family) -> str:
        """A family in one line: fixed knobs as values, free ones as ``start+step·t`` with t's range."""
        free = {name: (start, step) for name, start, step in fam.free}
        parts = []
        for k in self.knobs:
            if k.name in free:
                start, step = free[k.name]
                if fam.count == 1 and start == k.default and k.role != "kernel":
                    continue
                parts.append(k.name + _term(start, step, fam.count, len(fam.free) == 1))
            elif k.name in dict(fam.fixed):
                v = dict(fam.fixed)[k.name]
                if k.role in ("kernel", "stride", "target") or v != k.default:
                    parts.append(f"{k.name}={v!r}")
        text = ", ".join(parts)
        if len(fam.free) > 1 and fam.count != 1:
            text += "  (t >= 0)" if fam.count is None else f"  (t = 0..{fam.count - 1})"
        return text

    # -- the search --------------------------------------------------------------------------

    def check_bounds(self, bounds: Bounds) -> None:
        """Refuse bounds naming modes or knobs this framework does not have."""
        if bounds.modes is not None:
            if not self.modes:
                raise ParameterError(
                    "--mode", f"has no meaning for {self.framework}: its padding is an int", bounds.modes
                )
            bad = [m for m in bounds.modes if m not in self.modes]
            if bad:
                raise ParameterError("--mode", f"must be among {', '.join(self.modes)} for {self.framework}", bad[0])
        if bounds.padding != Range(0) and not self.has("padding"):
            raise ParameterError(
                "--padding", f"has no meaning for {self.framework}: its padding is a mode", str(bounds.padding)
            )

    def allowed_modes(self, q: Query) -> tuple[str, ...]:
        return tuple(m for m in self.modes if q.bounds.modes is None or m in q.bounds.modes)

    def dims(self, q: Query) -> list[Dim]:
        """The index knobs in key order; the first is always the stride."""
        raise NotImplementedError

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        """The members of one index tuple in closed form: fixed knobs, free lines, count (None: none)."""
        raise NotImplementedError

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        """The index knobs of a configuration (by default: the knobs of the same names)."""
        return {name: cfg[name] for name in self.index_names}

    index_names: tuple[str, ...] = ()
    # the free knobs, in the order members are sorted
    member_names: tuple[str, ...] = ()

    def key(self, q: Query, cfg: Mapping[str, Any], dims: list[Dim] | None = None) -> tuple[Any, ...]:
        """The simplest-first sort key of one configuration (see the module docstring)."""
        index = self.index_of(cfg)
        dims = self.dims(q) if dims is None else dims
        changes = sum(d.counts and index[d.name] != d.plain(index) for d in dims)
        s = index[dims[0].name]
        parts = tuple(d.order(index[d.name]) for d in dims[1:])
        return (changes, abs(s - q.scale), s, *parts, *(cfg[name] for name in self.member_names))

    def families(self, q: Query, budget: Budget) -> Iterator[Family]:
        """Every family in simplest-first order (lazily: the caller stops when it has enough)."""
        self.check_bounds(q.bounds)
        dims = self.dims(q)
        counting = [d for d in dims if d.counts]
        stride, rest = dims[0].name, dims[1:]
        for changes in range(len(counting) + 1):
            for index in self._walk(dims, 0, {}, changes, budget):
                found = self.family(q, index)
                if found is not None:
                    fixed, free, count = found
                    s = index[stride]
                    parts = [d.order(index[d.name]) for d in rest]
                    key = (changes, abs(s - q.scale), s, *parts, *(start for _, start, _ in free))
                    yield Family(tuple(fixed.items()), free, count, self.order, key)
            if budget.exhausted:
                return

    def all_families(self, q: Query, budget: Budget) -> list[Family]:
        """Every family within finite bounds in the order of :meth:`families`: one pass, then a sort by key.

        Listing everything, one walk over the index tuples (plain recursion, no generators) beats
        :meth:`families`' walk per number of changes, which exists so that a first page never visits the rest.
        """
        self.check_bounds(q.bounds)
        dims = self.dims(q)
        stride, rest, last = dims[0].name, dims[1:], len(dims) - 1
        scale, order, family = q.scale, self.order, self.family
        found: list[Family] = []

        def visit(i: int, index: dict[str, Any], changes: int) -> bool:
            dim = dims[i]
            plain = dim.plain(index)
            for value in dim.values(index):
                if not budget.spend():
                    return False
                index[dim.name] = value
                cost = changes + (dim.counts and value != plain)
                if i < last:
                    if not visit(i + 1, index, cost):
                        return False
                    continue
                hit = family(q, index)
                if hit is not None:
                    fixed, free, count = hit
                    s = index[stride]
                    key = (cost, abs(s - scale), s, *[d.order(index[d.name]) for d in rest], *[x[1] for x in free])
                    found.append(Family(tuple(fixed.items()), free, count, order, key))
            index.pop(dim.name, None)
            return True

        visit(0, {}, 0)
        found.sort(key=lambda f: f.key)
        return found

    def _walk(
        self, dims: list[Dim], i: int, index: dict[str, Any], left: int, budget: Budget
    ) -> Iterator[dict[str, Any]]:
        if i == len(dims):
            if left == 0:
                yield dict(index)
            return
        dim = dims[i]
        later = sum(d.counts for d in dims[i + 1 :])
        plain = dim.plain(index)
        for value in dim.values(index):
            if not budget.spend():
                return
            cost = int(dim.counts and value != plain)
            rest = left - cost
            if rest < 0 or rest > later:
                if dim.counts and left == 0 and cost:
                    return  # plain values come first: nothing later can cost nothing
                continue
            index[dim.name] = value
            yield from self._walk(dims, i + 1, index, rest, budget)
            del index[dim.name]

    def make(self, fixed: dict[str, Any], free: tuple[tuple[str, int, int], ...], count: int | None) -> Found:
        return fixed, free, count

    # -- explaining a call -------------------------------------------------------------------

    def bind(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """The call's arguments with the defaults filled in (unknown names are refused)."""
        names = self.order
        unknown = [k for k in kwargs if k not in names]
        if unknown:
            raise ParameterError(
                f"--{unknown[0].replace('_', '-')}",
                f"is not an argument of {self.operation} (takes {', '.join(names)})",
                kwargs[unknown[0]],
            )
        cfg = {k.name: kwargs.get(k.name, k.default) for k in self.knobs}
        kernel = self.role("kernel")
        if cfg[kernel] is None:
            raise ParameterError(f"--{kernel.replace('_', '-')}", "is required", None)
        return cfg

    def model(self) -> Any:
        """The framework model's :class:`~derive.frameworks._model.Operation` for one axis."""
        raise NotImplementedError

    def extra(self) -> dict[str, Any]:
        """Arguments the space adds to every call (e.g. keras' backend)."""
        return {}

    def symbolic(self, n: Any, cfg: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        """The length as a SymPy expression in ``n`` and the framework's requirements as SymPy Booleans."""
        op = self.model()
        args = op.bind(n, {**cfg, **self.extra()})
        return op.length(args), [r.holds(args) for r in op.requires]

    # -- the brute-force baseline -------------------------------------------------------------

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        """Every configuration within finite ``bounds``, without closed forms (what tests and benches compare to)."""
        raise NotImplementedError

    # -- explaining a call (derive.explain) -------------------------------------------------------

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        """The length rule in the framework's names, and the same with this call's numbers and its value."""
        raise NotImplementedError

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        """The forward convolution with the call's kernel, stride, padding and dilation: its call and its length.

        None where the call is malformed (a knob of the wrong type or an unknown mode): then explain
        reports only the framework's refusal.
        """
        raise NotImplementedError

    def adjust_values(self, cfg: Mapping[str, Any]) -> Iterable[int]:
        """The output paddings explain tries: every one up to the first the framework always refuses."""
        top = max(cfg[k.name] for k in self.knobs if k.role in ("stride", "dilation"))
        return range(top + 1)

    def call_text(self, cfg: Mapping[str, Any]) -> str:
        """The call as a user writes it."""
        return f"{self.operation}({self.show(cfg)})"

    def target_text(self, lengths: str) -> str:
        """How a caller passes the output length (explain's ways), e.g. ``output_shape=5..6``."""
        return f"{self.role('target')}={lengths}"

    def refusal(self, n: int, cfg: Mapping[str, Any]) -> FrameworkError | None:
        try:
            self.call(n, cfg)
        except FrameworkError as e:
            return e
        return None


def _term(start: int, step: int, count: int | None, alone: bool) -> str:
    """``=4+2t``; a lone free knob as a range (``=1..4``, ``>=1``, ``=2,4..``)."""
    if count == 1:
        return f"={start}"
    if alone and step == 1:
        return f"={start}..{start + count - 1}" if count is not None else f">={start}"
    if alone:
        if count == 2:
            return f"={start},{start + step}"
        last = "" if count is None else start + step * (count - 1)
        return f"={start},{start + step}..{last}"
    base = "" if start == 0 else f"{start}+"
    return f"={base}{'' if step == 1 else step}t"


# ---------------------------------------------------------------------------------------------


def covered() -> tuple[str, ...]:
    """The frameworks whose space is written."""
    here = os.path.dirname(__file__)  # os.path, not pathlib: pathlib costs explain's start-up a few milliseconds
    return tuple(f.key for f in registry.FRAMEWORKS if os.path.exists(os.path.join(here, f"{f.inverse_module}.py")))


def space_class(name: str) -> type[Space]:
    if name not in covered():
        raise ParameterError("framework", f"is not covered by the queries yet (covered: {', '.join(covered())})", name)
    record = registry.BY_KEY[name]
    return getattr(importlib.import_module(f"{__name__}.{record.inverse_module}"), record.inverse_class)


def space(framework: str, backend: str | None = None) -> Space:
    """The parameter space of ``framework``'s transposed convolution (``backend`` where it has several)."""
    name = registry.key(framework)
    if name is None:
        raise ParameterError("framework", f"must be one of {', '.join(registry.NAMES)}", framework)
    return space_class(name)(backend)


__all__ = [
    "Bounds",
    "Budget",
    "DeriveError",
    "Family",
    "Knob",
    "Query",
    "Range",
    "SolverError",
    "Space",
    "space",
]
