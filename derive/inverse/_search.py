"""The search every space may share: the orders index knobs run in (strides nearest the scale first), the lines
a family runs along, and a walk over the index knobs that leaves room for the changes later knobs cannot avoid
(the onnx and lasagne spaces walk with it).

:meth:`Space._walk <derive.inverse.Space>` counts the changes a level may still make; here an index dimension
(:class:`Forced`) also says which changes every one of its values costs, so a level one change short of an
unavoidable change never walks an endless stride or dilation range in vain.
"""

from __future__ import annotations

import itertools

from .._record import record
from ._values import Bounds, Budget, Dim, Found, Query, Range, _ceildiv, _min

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

    from ._space import Space


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


def stride_ceiling(n: int, out: int, pad_hi: int | None, padded: bool) -> int | None:
    """The largest stride that can still give ``out`` from ``n`` inputs (None: no bound).

    ``out - 1 - (n-1)·stride`` is ``d·u - lo - hi`` with ``d·u >= 0``, so it is at least ``-2·pad_hi`` where the
    call may take pads (``padded``; open pads: no bound), and at least 0 where it may not; n = 1 ignores the stride.
    """
    if n < 2:
        return None
    if padded:
        return None if pad_hi is None else (out - 1 + 2 * pad_hi) // (n - 1)
    return (out - 1) // (n - 1)


def kernel_span(b: Bounds, d: int) -> tuple[int, int | None]:
    """``u = kernel_size - 1`` within the bounds (a dilated kernel has u >= 1)."""
    return max(b.kernel.lo - 1, 1 if d > 1 else 0), None if b.kernel.hi is None else b.kernel.hi - 1


def adjust_span(b: Bounds, d: int, e0: int, lo: int, hi: int) -> tuple[int, int]:
    """``lo..hi`` narrowed to the adjusts ``a`` (an output padding or offset) for which ``d·u - 2·pad = e0 - a`` can
    have a member: ``u`` and ``pad`` within the bounds (parity aside: the family says which members are whole)."""
    u_lo, u_hi = kernel_span(b, d)
    if b.padding.hi is not None:
        hi = min(hi, e0 - d * u_lo + 2 * b.padding.hi)
    if u_hi is not None:
        lo = max(lo, e0 - d * u_hi + 2 * b.padding.lo)
    return lo, hi


def kernel_for_total(d: int, e: int, total: int, u_lo: int, u_hi: int | None) -> int | None:
    """The ``u = kernel_size - 1`` solving ``d·u - total = e`` (pads summing to ``total``) in u_lo..u_hi, or None."""
    if (e + total) % d:
        return None
    u = (e + total) // d
    if u < u_lo or (u_hi is not None and u > u_hi):
        return None
    return u


def last_dilation(b: Bounds, e_max: int, fits: Callable[[int], bool]) -> int | None:
    """Pad and dilation both open: None when the dilations go on fitting, else the last one that may.

    From ``far`` on, ``d·u >= e + 2·pad.lo`` no longer binds any kernel (for every ``e <= e_max``), so a
    dilation fits or not by its parity alone: ``far`` and ``far + 1`` decide for all the larger ones.
    """
    far = max(b.dilation.lo, 2, _ceildiv(e_max + 2 * b.padding.lo, max(1, b.kernel.lo - 1)))
    return None if fits(far) or fits(far + 1) else far - 1


def symmetric_dilations(b: Bounds, e_max: int, fits: Callable[[int], bool] | None = None) -> Iterable[int]:
    """The dilations worth walking for a line ``d·u - 2·pad = e`` with ``e <= e_max`` (u >= 1 when dilated).

    Only 1 for a one-tap kernel; with the pads bounded, up to the last ``d`` whose least ``d·u`` the widest pads
    still reach; else every allowed one, capped by :func:`last_dilation` (``fits``: whether a dilation has a family)
    where the dilations are open too and ``fits`` is given.
    """
    if b.kernel.hi is not None and b.kernel.hi < 2:
        return [1] if 1 in b.dilation else []
    if b.padding.hi is not None:
        return b.dilation.values(max(1, (e_max + 2 * b.padding.hi) // max(b.kernel.lo - 1, 1)))
    if fits is None or b.dilation.hi is not None:
        return b.dilation.values()
    return b.dilation.values(last_dilation(b, e_max, fits))


def symmetric_line(b: Bounds, d: int, e: int) -> tuple[tuple[int, int], tuple[int, int], int | None] | None:
    """The (padding, kernel) line solving ``d·(kernel - 1) - 2·padding = e`` within the bounds (symmetric padding).

    Returns ((padding at t=0, step), (kernel at t=0, step), count), or None when no member fits (see
    :func:`padding_line`).
    """
    return padding_line(d, e, *kernel_span(b, d), b.padding.lo, b.padding.hi)


def symmetric_family(q: Query, fixed: dict[str, Any], s: int, d: int, a: int, names: tuple[str, str]) -> Found | None:
    """The family of a call padded on both sides alike: ``fixed`` (stride ``s``, dilation ``d``, adjust ``a``) and
    the (padding, kernel) line ``d·(kernel - 1) - 2·padding = out - 1 - a - (n-1)·s``, its knobs called ``names``."""
    line = symmetric_line(q.bounds, d, q.out - 1 - a - (q.n - 1) * s)
    if line is None:
        return None
    (p0, p_step), (k0, k_step), count = line
    return fixed, ((names[0], p0, p_step), (names[1], k0, k_step)), count


def padding_line(
    d: int, e: int, u_lo: int, u_hi: int | None, p_lo: int, p_hi: int | None
) -> tuple[tuple[int, int], tuple[int, int], int | None] | None:
    """The (padding, kernel) line solving ``d·u - 2·padding = e`` (``u = kernel - 1``) with ``u`` in ``u_lo..u_hi``
    and the padding in ``p_lo..p_hi``.

    Returns ((padding at t=0, step), (kernel at t=0, step), count), or None when no member fits: an even
    dilation needs an even ``e``; an odd one fixes the kernel's parity, so the kernel steps by 2.
    """
    u_lo = max(u_lo, _ceildiv(e + 2 * p_lo, d))
    if p_hi is not None:
        u_hi = _min(u_hi, (e + 2 * p_hi) // d)
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


@record
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
