"""``derive solve``: every configuration of a framework's transposed convolution that maps ``n`` to a target.

The answers come from the closed-form families of :mod:`derive.spaces`, simplest first (the order
is defined there), each checked against the framework model before it is returned. When nothing
fits, the result says which constraint blocks it and gives the nearest reachable lengths.

>>> s = solve("torch", 4, 16, limit=2)
>>> [a.text for a in s.answers]
['kernel_size=4+2t, stride=4, padding=t  (t >= 0)', 'kernel_size=3+2t, stride=4, padding=t, output_padding=1  (t >= 0)']
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import FrameworkError, ParameterError
from .spaces import Bounds, Budget, Family, Query, Range, SolverError, Space, space

#: index tuples one search may visit before it gives up (only an open-ended, nearly empty search gets there)
BUDGET = 2_000_000
#: how far from the target `nearest` looks on each side
NEAREST_SPAN = 64
#: when an open search gives up empty-handed, every open knob is capped here (or at 2·out) and searched again
CAP = 64


@dataclass(frozen=True)
class Answer:
    """One family of configurations that gives the target length."""

    family: Family
    space: Space = field(repr=False, compare=False)

    @functools.cached_property
    def text(self) -> str:
        """The family in one line, e.g. ``kernel_size=4+2t, stride=4, padding=t  (t >= 0)``."""
        return self.space.describe(self.family)

    @property
    def first(self) -> dict[str, Any]:
        """The simplest member, as framework keyword arguments."""
        return self.family.first

    @property
    def count(self) -> int | None:
        """How many configurations the family holds (None: endless)."""
        return self.family.count


@dataclass(frozen=True)
class Nearest:
    """A reachable length near an unreachable target, with its simplest configuration."""

    length: int
    configuration: dict[str, Any]
    text: str


@dataclass(frozen=True)
class Solution:
    """The answer to "which settings of FRAMEWORK map n to out?" for one axis."""

    framework: str
    operation: str
    n: int
    out: int
    bounds: Bounds
    answers: tuple[Answer, ...]
    # every answer within the bounds is listed (False: cut by the limit, or the search gave up)
    complete: bool
    # when nothing fits: the constraint that blocks it
    why: str | None = None
    # when nothing fits: the nearest reachable lengths below and above, with their configurations
    nearest: tuple[Nearest, ...] = ()
    # when the open search gave up before its first answer: the cap put on every open knob to find these
    capped: int | None = None

    @property
    def configurations(self) -> int | None:
        """The number of configurations listed (None when some family is endless)."""
        counts = [a.count for a in self.answers]
        return None if any(c is None for c in counts) else sum(counts)  # type: ignore[arg-type]


def verify(sp: Space, n: int, out: int, fam: Family, every: bool = False) -> None:
    """Check a family with the framework model: its first member (the one shown), or every member."""
    if every:
        if fam.count is None:
            raise ParameterError("verify", "cannot check every member of an endless family", fam.free)
        steps: list[int] = list(range(fam.count))
    else:
        steps = [0]
    for t in steps:
        cfg = fam.member(t)
        try:
            got = sp.call(n, cfg)
        except FrameworkError as e:
            raise SolverError(f"{sp.operation}({sp.show(cfg)}) on n={n} should give {out}; refused: {e}") from e
        if got != out:
            raise SolverError(f"{sp.operation}({sp.show(cfg)}) on n={n} should give {out}; the model gives {got}")


def _families(sp: Space, n: int, out: int, bounds: Bounds, budget: Budget) -> Iterator[Family]:
    return sp.families(Query(n, out, bounds), budget)


def solve(
    framework: str | Space,
    n: int,
    out: int,
    bounds: Bounds | None = None,
    *,
    limit: int | None = 10,
    backend: str | None = None,
    verify_every: bool = False,
    explain_failure: bool = True,
) -> Solution:
    """Every configuration of ``framework`` that maps input length ``n`` to ``out``, simplest first.

    Args:
        framework: a framework name (``torch``, ``keras``, ``keras2``, ``tensorflow``) or a Space.
        n, out: input and target lengths (>= 1).
        bounds: ranges per knob and allowed modes; open ranges give endless families.
        limit: the number of answers (families) to return; None returns all, which needs finite bounds.
        backend: keras/keras2 backend (``None``: Keras' own shape; ``"tensorflow"``: the real TF call).
        verify_every: check every member with the model (finite families), not only a few per family.
        explain_failure: when nothing fits, find why and the nearest reachable lengths.

    Raises:
        ParameterError: bad lengths, bounds or limit, or a framework not covered.
    """
    sp = framework if isinstance(framework, Space) else space(framework, backend)
    bounds = Bounds() if bounds is None else bounds
    for name, value in (("--n", n), ("--out", out)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ParameterError(name, "must be a positive integer", value)
    if limit is not None and limit < 1:
        raise ParameterError("--limit", "must be a positive integer", limit)
    if limit is None and not sp.finite(bounds):
        raise ParameterError("--all", "needs an upper bound on every knob (--max, or LO..HI ranges)", str(bounds))
    budget = Budget(BUDGET)
    answers: list[Answer] = []
    complete = True
    every = sp.all_families(Query(n, out, bounds), budget) if limit is None else None
    for fam in every if every is not None else _families(sp, n, out, bounds, budget):
        if limit is not None and len(answers) == limit:
            complete = False
            break
        verify(sp, n, out, fam, every=verify_every)
        answers.append(Answer(fam, sp))
    complete = complete and not budget.exhausted
    if budget.exhausted and not answers:
        # an endless knob at a level with no answers (say a parity that no stride fixes) never lets the walk reach
        # the next level: search again with every open knob capped, where every level ends
        cap = max(CAP, 2 * out)
        again = solve(sp, n, out, bounds.capped(cap), limit=limit, verify_every=verify_every, explain_failure=False)
        if again.answers:
            return Solution(sp.framework, sp.operation, n, out, bounds, again.answers, False, capped=cap)
    why: str | None = None
    nearest: tuple[Nearest, ...] = ()
    if not answers and explain_failure:
        why = _why(sp, n, out, bounds, budget.exhausted)
        nearest = _nearest(sp, n, out, bounds)
    return Solution(sp.framework, sp.operation, n, out, bounds, tuple(answers), complete, why, nearest)


def _first(sp: Space, n: int, out: int, bounds: Bounds, steps: int) -> Family | None:
    return next(iter(_families(sp, n, out, bounds, Budget(steps))), None)


def _outside(sp: Space, cfg: Mapping[str, Any], bounds: Bounds) -> list[str]:
    """The knobs of ``cfg`` outside ``bounds``, as ``name=value (outside lo..hi)``."""
    found = []
    for knob in sp.knobs:
        value = cfg.get(knob.name)
        if knob.role in ("kernel", "stride", "dilation") and value not in getattr(bounds, knob.role):
            found.append(f"{knob.name}={value} (outside {getattr(bounds, knob.role)})")
        elif knob.role in ("padding", "mode") and value is not None:
            # an int or a (lo, hi) pair is explicit padding, checked side by side; a string is a mode
            explicit = not isinstance(value, str)
            sides = _ints(value)
            mode = "EXPLICIT" if explicit else value
            if knob.role == "mode" and bounds.modes is not None and mode not in bounds.modes:
                found.append(f"{knob.name}={value!r} (not among {', '.join(bounds.modes)})")
            elif explicit and not all(v in bounds.padding for v in sides):
                found.append(f"{knob.name}={value!r} (outside {bounds.padding})")
    return found


def _ints(value: Any) -> tuple[Any, ...]:
    """The pads inside an explicit padding: an int, a (lo, hi) pair, or jax's list of pairs."""
    if isinstance(value, (list, tuple)):
        return tuple(x for v in value for x in _ints(v))
    return (value,)


def _why(sp: Space, n: int, out: int, bounds: Bounds, gave_up: bool) -> str:
    if gave_up:
        return f"the search gave up after {BUDGET} candidates: bound the knobs (--max) to search them all"
    if bounds != Bounds():
        fam = _first(sp, n, out, Bounds(), BUDGET // 10)
        if fam is not None:
            cfg = fam.first
            return (
                f"no configuration within the bounds; the simplest without them, {sp.show(cfg)}, "
                f"needs {'; '.join(_outside(sp, cfg, bounds)) or 'a wider range'}"
            )
    shortest = getattr(sp, "shortest", None)
    if shortest is not None and out < shortest(n):
        return sp.shortest_rule(n)  # type: ignore[attr-defined]
    return f"no {sp.operation} maps n={n} to {out}"


def _nearest(sp: Space, n: int, out: int, bounds: Bounds) -> tuple[Nearest, ...]:
    found: list[Nearest] = []
    for direction in (-1, 1):
        for dist in range(1, NEAREST_SPAN + 1):
            length = out + direction * dist
            if length < 1:
                break
            fam = _first(sp, n, length, bounds, BUDGET // 20)
            if fam is not None:
                found.append(Nearest(length, fam.first, sp.show(fam.first)))
                break
    return tuple(found)


def solve_axes(
    framework: str,
    ns: tuple[int, ...],
    outs: tuple[int, ...],
    bounds: Bounds | None = None,
    **options: Any,
) -> tuple[Solution, ...]:
    """:func:`solve` per axis (one length per axis in ``ns`` and ``outs``; equal axes are solved once)."""
    if len(outs) == 1 and len(ns) > 1:
        outs = outs * len(ns)
    if len(ns) == 1 and len(outs) > 1:
        ns = ns * len(outs)
    if len(ns) != len(outs):
        raise ParameterError("--out", f"must have 1 or {len(ns)} comma-separated values (one per axis)", outs)
    done: dict[tuple[int, int], Solution] = {}
    for n, out in zip(ns, outs, strict=True):
        if (n, out) not in done:
            done[n, out] = solve(framework, n, out, bounds, **options)
    return tuple(done[n, out] for n, out in zip(ns, outs, strict=True))


def parse_range(name: str, text: str, low: int) -> Range:
    """``4`` -> 4..4, ``1..64`` -> 1..64, ``2..`` -> 2.. (open), as a :class:`Range` of integers >= ``low``."""
    lo_text, sep, hi_text = text.partition("..")
    try:
        lo = int(lo_text) if lo_text else low
        hi = (int(hi_text) if hi_text else None) if sep else lo
    except ValueError:
        raise ParameterError(name, "must be an integer or a range LO..HI", text) from None
    if lo < low:
        raise ParameterError(name, f"must be >= {low}", text)
    if hi is not None and hi < lo:
        raise ParameterError(name, "must be a range LO..HI with LO <= HI", text)
    return Range(lo, hi)
