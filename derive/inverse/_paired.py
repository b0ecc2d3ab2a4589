"""The shared arithmetic of transposed convolutions padded by an int (both sides) or a ``(before, after)``
pair: :class:`PairedSpace`, the base of the paddle and tinygrad spaces.
"""

from __future__ import annotations

import itertools

from .._record import replace
from ._search import kernel_for_total, kernel_span, padding_line, progression, stride_ceiling, stride_order
from ._space import Space
from ._values import Bounds, Budget, Dim, Family, Found, Pads, Query, Range, _min

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from typing import Any

# a pair family's step: one more before, one fewer after
_SHIFT = Pads(1, -1)


def formula_number(v: int) -> str:
    """A number in a substituted formula (negative ones in brackets)."""
    return f"({v})" if v < 0 else str(v)


def span(lo: int | None, hi: int | None, top: int, step: int = 1, residue: int = 0) -> range:
    """The values in lo..hi and 0..top (≡ residue mod step); an open end is no bound."""
    lo = 0 if lo is None else max(0, lo)
    hi = top if hi is None else min(top, hi)
    return range(lo + (residue - lo) % step, hi + 1, step)


class PairedSpace(Space):
    """A transposed convolution of length ``(n-1)s - lo - hi + d(k-1) + 1 + a``, ``padding`` an int or a pair.

    Index knobs: stride, the padding mode (where the framework has modes), dilation, the pads
    (None: the int form, both sides ``padding``; else the pair's total ``lo + hi``), the output
    padding. The int form runs along ``padding`` and ``kernel_size`` like torch's; a pair's total
    fixes the kernel, so its family runs along the pair, ``lo`` ascending (pairs by total, then lo).
    """

    member_names = ("padding", "kernel_size")
    index_names = ("stride", "dilation", "pads", "output_padding")

    # -- what the frameworks differ in ----------------------------------------------------------

    def adjust_top(self, s: int, d: int) -> int:
        """The largest output padding the space uses."""
        raise NotImplementedError

    def pad_floor(self, a: int, out: int) -> int | None:
        """The least ``after`` pad the framework accepts at output padding ``a`` (None: no such rule)."""
        return None

    def mode_dims(self, q: Query) -> list[Dim]:
        """The padding-mode dimension, if the framework has modes."""
        return []

    def mode_family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        """The family of a string mode other than the explicit pads."""
        raise NotImplementedError

    def mode_adjusts(self, q: Query, index: Mapping[str, Any]) -> range:
        """The output paddings a string mode other than the explicit pads can use."""
        raise NotImplementedError

    # -- the shared arithmetic ------------------------------------------------------------------

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        p = cfg["padding"]
        index = {
            "stride": cfg["stride"],
            "dilation": cfg["dilation"],
            "pads": p[0] + p[1] if isinstance(p, (tuple, list)) else None,
            "output_padding": cfg["output_padding"],
        }
        if self.modes:
            index["mode"] = p.upper() if isinstance(p, str) else "EXPLICIT"
        return index

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        modes = self.allowed_modes(q) if self.modes else ("EXPLICIT",)
        p_hi = b.padding.hi
        s_hi = stride_ceiling(n, out, p_hi, "EXPLICIT" in modes)
        u1 = max(b.kernel.lo - 1, 1)  # the least u of a dilated kernel

        def e0(ix: Mapping[str, Any]) -> int:
            return out - 1 - (n - 1) * ix["stride"]

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            mode = ix.get("mode", "EXPLICIT")
            if mode == "SAME" or (b.kernel.hi is not None and b.kernel.hi < 2):
                return [1] if 1 in b.dilation else []
            # d·u = e0 - a + lo + hi
            room = e0(ix) if mode == "VALID" else None if p_hi is None else e0(ix) + 2 * p_hi
            return b.dilation.values(None if room is None else max(1, room // u1))

        def pads(ix: Mapping[str, Any]) -> Iterable[int | None]:
            if ix.get("mode", "EXPLICIT") != "EXPLICIT":
                return [None]
            s, d = ix["stride"], ix["dilation"]
            u_lo, u_hi = kernel_span(b, d)
            lo = max(2 * b.padding.lo, d * u_lo - e0(ix))
            hi = _min(
                None if p_hi is None else 2 * p_hi, None if u_hi is None else d * u_hi - e0(ix) + self.adjust_top(s, d)
            )
            return itertools.chain([None], itertools.count(lo) if hi is None else range(lo, hi + 1))

        def adjusts(ix: Mapping[str, Any]) -> Iterable[int]:
            s, d, total = ix["stride"], ix["dilation"], ix["pads"]
            mode, top = ix.get("mode", "EXPLICIT"), self.adjust_top(s, d)
            if mode == "SAME":
                return self.mode_adjusts(q, ix)
            u_lo, u_hi = kernel_span(b, d)
            e = e0(ix)
            if mode == "EXPLICIT" and total is None:  # a = e0 - d·u + 2p
                lo = None if u_hi is None else e - d * u_hi + 2 * b.padding.lo
                return span(lo, None if p_hi is None else e - d * u_lo + 2 * p_hi, top)
            e += total or 0  # a pair, or VALID: a = e0 + lo + hi - d·u
            return span(None if u_hi is None else e - d * u_hi, e - d * u_lo, top, d, e % d)

        return [
            Dim("stride", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            *self.mode_dims(q),
            Dim("dilation", dilations, lambda ix: 1),
            Dim("pads", pads, lambda ix: None, lambda v: -1 if v is None else v),
            Dim("output_padding", adjusts, lambda ix: 0),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        mode = index.get("mode", "EXPLICIT")
        if mode == "SAME":
            return self.mode_family(q, index)
        s, d, total, a = index["stride"], index["dilation"], index["pads"], index["output_padding"]
        n, out, b = q.n, q.out, q.bounds
        p_lo, p_hi = b.padding.lo, b.padding.hi
        floor = self.pad_floor(a, out)
        e = out - 1 - a - (n - 1) * s  # d·u - (lo + hi) = e with u = kernel_size - 1
        u_lo, u_hi = kernel_span(b, d)
        fixed: dict[str, Any] = {"stride": s, "output_padding": a, "dilation": d}
        if mode == "EXPLICIT" and total is None:
            line = padding_line(d, e, u_lo, u_hi, p_lo if floor is None else max(p_lo, floor), p_hi)
            if line is None:
                return None
            padding, kernel, count = line
            return fixed, (("padding", *padding), ("kernel_size", *kernel)), count
        total = total or 0
        u = kernel_for_total(d, e, total, u_lo, u_hi)
        if u is None:
            return None
        if mode == "VALID":
            return {**fixed, "padding": "VALID"}, (("kernel_size", u + 1, 1),), 1
        fixed["kernel_size"] = u + 1
        # before = lo, after = total - lo, each within the bounds
        lo_hi = min(total - (p_lo if floor is None else max(p_lo, floor)), total if p_hi is None else p_hi)
        found = progression(max(p_lo, 0 if p_hi is None else total - p_hi), lo_hi)
        if found is None:
            return None
        lo0, count = found
        return fixed, (("padding", Pads(lo0, total - lo0), _SHIFT),), count

    def stride_cap(self, q: Query) -> int | None:
        """For n = 1 and no upper stride bound: a stride above which every stride has the same families.

        With one input the length ignores the stride, which only caps the output padding; past the
        largest useful output padding (and twice the scale, so that every smaller stride comes first)
        the families repeat. None where there is no such stride (n > 1, or unbounded pads).
        """
        b = q.bounds
        if q.n > 1 or b.stride.hi is not None:
            return None
        explicit = not self.modes or "EXPLICIT" in self.allowed_modes(q)
        if explicit and b.padding.hi is None:
            return None
        a_cap = q.out - 1 + (2 * b.padding.hi if explicit else 0)  # type: ignore[operator]
        return max(2 * q.scale, a_cap + 2, b.stride.lo)

    def families(self, q: Query, budget: Budget) -> Iterator[Family]:
        """The base walk; for n = 1 with open strides, the strides up to :meth:`stride_cap` and then
        the cap's families again at every larger stride, only on the numbers of changes that have
        some (the base walk would try endless strides on a level that has none)."""
        cap = self.stride_cap(q)
        if cap is None:
            yield from super().families(q, budget)
            return
        self.check_bounds(q.bounds)
        head = Query(q.n, q.out, replace(q.bounds, stride=Range(q.bounds.stride.lo, cap)))
        dims = self.dims(head)
        rest = dims[1:]

        def make(changes: int, s: int, index: Mapping[str, Any], found: Found) -> Family:
            fixed, free, count = found
            parts = [d.order(index[d.name]) for d in rest]
            key = (changes, abs(s - q.scale), s, *parts, *(start for _, start, _ in free))
            return Family(tuple({**fixed, "stride": s}.items()), free, count, self.order, key)

        for changes in range(sum(d.counts for d in dims) + 1):
            tail = []
            for index in self._walk(dims, 0, {}, changes, budget):
                found = self.family(head, index)
                if found is not None:
                    if index["stride"] == cap:
                        tail.append((index, found))
                    yield make(changes, index["stride"], index, found)
            for s in itertools.count(cap + 1) if tail else ():
                if not budget.spend():
                    return
                for index, found in tail:
                    yield make(changes, s, index, found)
            if budget.exhausted:
                return

    def grid_pads(self, bounds: Bounds) -> list[Any]:
        """Every padding within the bounds: the ints, then every pair."""
        values = list(bounds.padding.values())
        return [*values, *itertools.product(values, values)]
