"""ONNX: ``ConvTranspose`` on one axis as a parameter space, under each implementation the model knows.

The backends are the model's implementations: None (the spec), ``shape_inference``, ``reference``
and ``onnxruntime``. Without ``output_shape`` (solve leaves it out: ``output_padding`` reaches every
length it would) the length is ``N - pads`` with ``N = strides·(n-1) + output_padding + K`` and
``K = dilations·(kernel_shape-1) + 1``:

* ``auto_pad='NOTSET'`` (the default) with ``pads=(begin, end)``: ``N - begin - end`` everywhere;
* ``'VALID'``: ``N`` everywhere;
* ``'SAME_UPPER'`` / ``'SAME_LOWER'`` (the same lengths; they differ in which side gets the odd
  unit): ``n·strides`` in the spec and the reference, ``strides·(n-1) + output_padding + min(K, strides)``
  in shape inference, ``strides·(n-1) + min(output_padding + K, strides)`` in onnxruntime.

``output_padding`` runs below ``max(strides, dilations)`` (the spec's bound; the reference and
onnxruntime refuse it from ``strides`` up, which the model does). Shape inference checks no bound:
its larger output paddings, and ``pads`` next to a SAME_*/VALID ``auto_pad`` (which only the
reference accepts), are against the spec and left out. ``pads=None`` under NOTSET is ``(0, 0)``:
only the explicit pair is listed.

**Pads.** ONNX pads are a ``(begin, end)`` pair. A symmetric pair is the plain form: its family runs
along ``pads=(t, t)`` and ``kernel_shape`` as torch's ``padding`` does. An asymmetric pair is one
change more; its total ``P = begin + end`` fixes the kernel, so its index is ``P`` (ascending) and the
family runs along ``begin`` at that total (``(0, 3), (1, 2) .. (3, 0)``), split around the symmetric
pair when ``P`` is even (``begin < end`` first). Index knobs: strides, auto_pad (NOTSET, SAME_UPPER,
SAME_LOWER, VALID), dilations, pads (None: symmetric), output_padding.
"""

from __future__ import annotations

import itertools

from ...inverse._search import (
    Forced,
    kernel_for_total,
    kernel_span,
    level_exists,
    padding_line,
    periodic,
    progression,
    stride_ceiling,
    stride_order,
    walk,
)
from ...inverse._space import Space, _term
from ...inverse._values import Bounds, Budget, Dim, Family, Found, Knob, Pads, Query, _ceildiv, _min
from .. import onnx

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

SAME = ("SAME_UPPER", "SAME_LOWER")


def _line(start: int, step: int) -> str:
    """``start + step·t`` as a family line shows it: ``t``, ``2t``, ``1+2t``."""
    return f"{'' if start == 0 else f'{start}+'}{'' if step == 1 else step}t"


def _pads_order(value: tuple[int, int] | None) -> tuple[int, int]:
    return (-1, 0) if value is None else value


def _stepped(lo: int, hi: int, step: int = 1, residue: int = 0) -> range:
    """The values in max(lo, 0)..hi that are ≡ residue mod step."""
    lo = max(lo, 0)
    return range(lo + (residue - lo) % step, hi + 1, step)


# -- ONNX ----------------------------------------------------------------------------------------


class OnnxSpace(Space):
    """ONNX ``ConvTranspose``: ``strides·(n-1) + output_padding + K - begin - end``, or a SAME_* length."""

    framework = "onnx"
    operation = "onnx ConvTranspose"
    forward_operation = "onnx Conv"
    modes = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")
    backends: tuple[str | None, ...] = (None, "shape_inference", "reference", "onnxruntime")
    knobs = (
        Knob("kernel_shape", "kernel", None, ">= 1"),
        Knob("strides", "stride", 1, ">= 1"),
        Knob("pads", "padding", None, "(begin, end), each >= 0; only with auto_pad='NOTSET'"),
        Knob("dilations", "dilation", 1, ">= 1"),
        Knob("output_padding", "adjust", 0, "< max(strides, dilations) (reference, onnxruntime: < strides)"),
        Knob("auto_pad", "mode", "NOTSET", "'NOTSET' (pads), 'SAME_UPPER', 'SAME_LOWER' or 'VALID'"),
        Knob("output_shape", "target", None, "None, or the length (the pads are derived from it)"),
    )
    index_names = ("strides", "auto_pad", "dilations", "pads", "output_padding")
    member_names = ("pads", "kernel_shape")

    @property
    def implementation(self) -> str:
        return self.backend or "spec"

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return onnx.conv_transpose_length(n, **cfg, implementation=self.implementation)

    def model(self) -> Any:
        return onnx.CONV_TRANSPOSE[self.implementation]

    def adjust_top(self, s: int, d: int) -> int:
        """The largest output padding listed: below max(s, d) (the spec), below s where it is refused above."""
        return s - 1 if self.implementation in ("reference", "onnxruntime") else max(s, d) - 1

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        p = cfg["pads"]
        total = None if p is None else p[0] + p[1]
        # an odd total is one family; an even one is split around the symmetric pair
        asym = None if p is None or p[0] == p[1] else (total, int(p[0] > p[1] and total % 2 == 0))
        return {
            "strides": cfg["strides"],
            "auto_pad": cfg["auto_pad"],
            "dilations": cfg["dilations"],
            "pads": asym,
            "output_padding": cfg["output_padding"],
        }

    # -- the closed forms --------------------------------------------------------------------------

    def _walk(
        self, dims: list[Dim], i: int, index: dict[str, Any], left: int, budget: Budget
    ) -> Iterator[dict[str, Any]]:
        return walk(self, dims, i, index, left, budget)

    def dims(self, q: Query) -> list[Dim]:
        return _Dims(self, q).dims

    @staticmethod
    def _begins(b: Bounds, total: int, part: int) -> tuple[int, int]:
        """The begin pads of an asymmetric pair with this total (part 0: begin < end, or every one when odd)."""
        lo = b.padding.lo if b.padding.hi is None else max(b.padding.lo, total - b.padding.hi)
        hi = total - b.padding.lo if b.padding.hi is None else min(b.padding.hi, total - b.padding.lo)
        if total % 2 == 0:
            if part == 0:
                hi = min(hi, total // 2 - 1)
            else:
                lo = max(lo, total // 2 + 1)
        return lo, hi

    def _sides(self, b: Bounds, total: int) -> Iterator[tuple[int, int]]:
        for part in (0, 1) if total % 2 == 0 else (0,):
            lo, hi = self._begins(b, total, part)
            if lo <= hi:
                yield total, part

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, mode, d, asym, a = (index[x] for x in ("strides", "auto_pad", "dilations", "pads", "output_padding"))
        n, out, b = q.n, q.out, q.bounds
        u_lo, u_hi = kernel_span(b, d)
        fixed: dict[str, Any] = {"strides": s, "dilations": d, "output_padding": a, "auto_pad": mode}
        e = out - 1 - a - (n - 1) * s  # d·u - begin - end = e, u = kernel_shape - 1
        if mode in SAME:
            return self._same(q, fixed, u_lo, u_hi)
        if mode == "VALID" or asym is not None:
            total = 0 if asym is None else asym[0]
            u = kernel_for_total(d, e, total, u_lo, u_hi)
            if u is None:
                return None
            if mode == "VALID":
                return {**fixed, "pads": None}, (("kernel_shape", u + 1, 1),), 1
            found = progression(*self._begins(b, total, asym[1]))
            if found is None:
                return None
            lo0, count = found
            return {**fixed, "kernel_shape": u + 1}, (("pads", Pads(lo0, total - lo0), Pads(1, -1)),), count
        # symmetric: d·u - 2p = e
        line = padding_line(d, e, u_lo, u_hi, b.padding.lo, b.padding.hi)
        if line is None:
            return None
        (p0, dp), kernel, count = line
        return fixed, (("pads", Pads(p0, p0), Pads(dp, dp)), ("kernel_shape", *kernel)), count

    def _same(self, q: Query, fixed: dict[str, Any], u_lo: int, u_hi: int | None) -> Found | None:
        """SAME_*: the kernels giving ``out`` (every one, or those from a least one, or a single one)."""
        n, out = q.n, q.out
        s, d, a = fixed["strides"], fixed["dilations"], fixed["output_padding"]
        fixed = {**fixed, "pads": None}
        base = out - (n - 1) * s
        if self.implementation in ("spec", "reference"):
            found = progression(u_lo, u_hi) if base == s else None
        else:
            # shape inference: a + min(K, s) = base; onnxruntime: min(a + K, s) = base
            shift = a if self.implementation == "onnxruntime" else 0
            reach = base if shift else base - a  # what min(K + shift, s) must be
            if reach == s:
                found = progression(max(u_lo, _ceildiv(s - shift - 1, d)), u_hi)
            elif 1 <= reach < s and (reach - shift - 1) % d == 0 and reach - shift >= 1:
                u = (reach - shift - 1) // d
                found = progression(max(u_lo, u), _min(u_hi, u))
            else:
                found = None
        if found is None:
            return None
        u0, count = found
        return fixed, (("kernel_shape", u0 + 1, 1),), count

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        pv = list(b.padding.values())
        pads: list[tuple[str, Any]] = []
        for mode in self.modes:
            if b.modes is None or mode in b.modes:
                pads += [(mode, p) for p in itertools.product(pv, pv)] if mode == "NOTSET" else [(mode, None)]
        for k, s, (mode, p), d in itertools.product(b.kernel.values(), b.stride.values(), pads, b.dilation.values()):
            for a in range(max(s, d)):
                yield {
                    "kernel_shape": k,
                    "strides": s,
                    "pads": p,
                    "dilations": d,
                    "output_padding": a,
                    "auto_pad": mode,
                }

    def describe(self, fam: Family) -> str:
        free = {name: (start, step) for name, start, step in fam.free}
        if "pads" not in free or len(fam.free) == 1 or fam.count == 1:
            return super().describe(fam)
        # a symmetric line: pads=(t, t) rather than tuple arithmetic
        fixed, parts = dict(fam.fixed), []
        for k in self.knobs:
            if k.name == "pads":
                (lo, hi), (dlo, dhi) = free["pads"]
                parts.append(f"pads=({_line(lo, dlo)}, {_line(hi, dhi)})")
            elif k.name in free:
                parts.append(k.name + _term(*free[k.name], fam.count, False))
            elif k.name in fixed and (k.role in ("kernel", "stride") or fixed[k.name] != k.default):
                parts.append(f"{k.name}={fixed[k.name]!r}")
        return ", ".join(parts) + ("  (t >= 0)" if fam.count is None else f"  (t = 0..{fam.count - 1})")

    # -- explain -----------------------------------------------------------------------------------

    def _well_formed(self, cfg: Mapping[str, Any]) -> bool:
        if not all(type(cfg[x]) is int for x in ("kernel_shape", "strides", "dilations", "output_padding")):
            return False
        p = cfg["pads"]
        pads_ok = p is None or (isinstance(p, (tuple, list)) and len(p) == 2 and all(type(v) is int for v in p))
        return pads_ok and cfg["auto_pad"] in onnx.AUTO_PADS

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, p, d, a, mode = (
            cfg[x] for x in ("kernel_shape", "strides", "pads", "dilations", "output_padding", "auto_pad")
        )
        impl = self.implementation
        big_k = d * (k - 1) + 1
        natural = "strides·(n-1) + output_padding + dilations·(kernel_shape-1) + 1"
        numbers = f"{s}·({n}-1) + {a} + {d}·({k}-1) + 1"
        if cfg.get("output_shape") is not None:
            args = {x: cfg[x] for x in ("kernel_shape", "strides", "pads", "dilations", "output_padding", "auto_pad")}
            lo, hi = onnx.accepted_lengths(n, **args, implementation=impl)
            span = f"{lo}.." if hi is None else "none" if lo > hi else str(lo) if lo == hi else f"{lo}..{hi}"
            rule = {
                "spec": "output_shape, accepted from 1 to " + natural,
                "shape_inference": "output_shape, accepted from n up (shape inference checks nothing else)",
                "reference": "output_shape, accepted when col2im maps it back to n (any under SAME_* without pads)",
                "onnxruntime": "output_shape, accepted from 1 to strides·(n-1) + dilations·(kernel_shape-1) + strides",
            }[impl]
            return rule, f"N = {numbers} = {(n - 1) * s + a + big_k}: accepted {span}"
        if mode in SAME:
            if impl in ("spec", "reference"):
                return "n·strides", f"{n}·{s} = {n * s}"
            if impl == "shape_inference":
                rule = "strides·(n-1) + output_padding + min(dilations·(kernel_shape-1) + 1, strides)"
                return rule, f"{s}·({n}-1) + {a} + min({d}·({k}-1) + 1, {s}) = {(n - 1) * s + a + min(big_k, s)}"
            rule = "strides·(n-1) + min(output_padding + dilations·(kernel_shape-1) + 1, strides)"
            return rule, f"{s}·({n}-1) + min({a} + {d}·({k}-1) + 1, {s}) = {(n - 1) * s + min(a + big_k, s)}"
        length = (n - 1) * s + a + big_k
        if mode == "VALID":
            return natural, f"{numbers} = {length}"
        lo, hi = (0, 0) if p is None else p
        return f"{natural} - pads[0] - pads[1]", f"{numbers} - {lo} - {hi} = {length - lo - hi}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        if not self._well_formed(cfg):
            return None
        args = {x: cfg[x] for x in ("kernel_shape", "strides", "pads", "dilations", "auto_pad")}
        impl = self.implementation
        return (
            f"{self.forward_operation}({self.show(args)})",
            lambda length: onnx.conv_length(length, **args, implementation=impl),
        )


class _Dims:
    """The index dimensions of one query, in the walk's order (strides, auto_pad, dilations, pads, output_padding):
    each dimension's values as a method, over what the query fixes (its bounds, the implementation, the modes)."""

    def __init__(self, space: OnnxSpace, q: Query) -> None:
        self.space, self.q = space, q
        n, out, b = q.n, q.out, q.bounds
        self.n, self.out, self.b = n, out, b
        self.impl = space.implementation
        self.modes = modes = space.allowed_modes(q)
        self.p_lo, self.p_hi = b.padding.lo, b.padding.hi
        p_hi = self.p_hi
        self.s_hi = stride_ceiling(n, out, p_hi, "NOTSET" in modes)  # every other mode's length is >= strides·(n-1) + 1
        self.u1 = max(b.kernel.lo - 1, 1)  # the least u of a dilated kernel
        # n = 1: the stride only bounds the output padding, so past this one every stride has the same subtree
        self.tail = None
        if n == 1 and b.stride.hi is None and ("NOTSET" not in modes or p_hi is not None):
            self.tail = max(b.stride.lo, q.scale + 1, out + 1 + (2 * p_hi if "NOTSET" in modes else 0))  # type: ignore[operator]
        self.dims: list[Dim] = [
            Forced("strides", self.strides, lambda ix: q.scale, within=self.strides_within),
            Forced(
                "auto_pad",
                lambda ix: modes,
                lambda ix: "NOTSET",
                space.modes.index,
                least=lambda ix: int("NOTSET" not in modes),
            ),
            Forced(
                "dilations",
                self.dilations,
                lambda ix: 1,
                least=lambda ix: int(1 not in b.dilation),
                within=self.dilations_within,
            ),
            Dim("pads", self.pads, lambda ix: None, _pads_order),
            Forced("output_padding", self.adjusts, lambda ix: 0, least=self.adjust_least),
        ]

    def e0(self, s: int) -> int:
        return self.out - 1 - (self.n - 1) * s

    def dilations(self, ix: Mapping[str, Any], cap: int | None = None) -> Iterable[int]:
        b, s, mode = self.b, ix["strides"], ix["auto_pad"]
        if b.kernel.hi is not None and b.kernel.hi < 2:
            return [1] if 1 in b.dilation else []
        if mode == "NOTSET":  # d·u = e0 - a + begin + end
            return b.dilation.values(cap if self.p_hi is None else max(1, (self.e0(s) + 2 * self.p_hi) // self.u1))
        if mode == "VALID":
            return b.dilation.values(max(1, self.e0(s) // self.u1))
        base = self.out - (self.n - 1) * s  # what the SAME_* length adds to strides·(n-1)
        if self.impl in ("spec", "reference"):
            return b.dilation.values() if base == s else []
        # shape inference: a + min(K, s); onnxruntime: min(a + K, s); K = s reaches s with any dilation
        if base < 1 or (self.impl == "onnxruntime" and base > s):
            return []
        return b.dilation.values() if base >= s else b.dilation.values(max(1, (base - 1) // self.u1))

    def pads(self, ix: Mapping[str, Any]) -> Iterable[tuple[int, int] | None]:
        if ix["auto_pad"] != "NOTSET":
            return [None]
        b, s, d = self.b, ix["strides"], ix["dilations"]
        u_lo, u_hi = kernel_span(b, d)
        # the total P = d·u - e0 + a, and an asymmetric pair has 2·p_lo < P < 2·p_hi
        lo = max(2 * self.p_lo + 1, d * u_lo - self.e0(s))
        hi = _min(
            None if self.p_hi is None else 2 * self.p_hi - 1,
            None if u_hi is None else d * u_hi - self.e0(s) + self.space.adjust_top(s, d),
        )
        totals = itertools.count(lo) if hi is None else range(lo, hi + 1)
        return itertools.chain([None], (x for total in totals for x in self.space._sides(b, total)))

    def adjusts(self, ix: Mapping[str, Any]) -> Iterable[int]:
        s, d, mode, asym = ix["strides"], ix["dilations"], ix["auto_pad"], ix["pads"]
        top = self.space.adjust_top(s, d)
        u_lo, u_hi = kernel_span(self.b, d)
        e = self.e0(s)
        if mode in SAME:
            base = e + 1
            if self.impl == "shape_inference":  # a = base - min(K, s)
                return _stepped(base - s, min(top, base - 1))
            if self.impl == "onnxruntime" and base < s:  # a + K = base
                return _stepped(0, min(top, base - 1))
            return range(top + 1)
        if mode == "NOTSET" and asym is None:  # a = e0 - d·u + 2p
            lo = 0 if u_hi is None else e - d * u_hi + 2 * self.p_lo
            return _stepped(lo, top if self.p_hi is None else min(top, e - d * u_lo + 2 * self.p_hi))
        e += 0 if asym is None else asym[0]  # a = e0 + P - d·u (VALID: P = 0)
        return _stepped(0 if u_hi is None else e - d * u_hi, min(top, e - d * u_lo), d, e % d)

    def adjust_least(self, ix: Mapping[str, Any]) -> int:
        """1 where no output padding of 0 is left (shape inference's SAME_* past strides·n needs a >= 1)."""
        if "pads" in ix:
            return int(0 not in self.adjusts(ix))
        if ix.get("auto_pad") in SAME and self.impl == "shape_inference":
            return int(self.out - (self.n - 1) * ix["strides"] > ix["strides"])
        return 0

    def strides(self, ix: Mapping[str, Any], cap: int | None = None) -> Iterable[int]:
        return stride_order(self.q.scale, self.b.stride, _min(self.s_hi, cap))

    def plain_after(self, ix: Mapping[str, Any]) -> bool:
        """Whether every later knob at its plain value (NOTSET, dilation 1, symmetric pads, 0) gives a family."""
        plain = {"auto_pad": "NOTSET", "dilations": 1, "pads": None, "output_padding": 0}
        return self.space.family(self.q, {**plain, **ix}) is not None

    def strides_within(self, ix: Mapping[str, Any], left: int, floor: int) -> Iterable[int]:
        q, b, n, tail = self.q, self.b, self.n, self.tail
        cap = None
        if tail is not None and not level_exists(self.space, q, self.dims, {"strides": tail}, left - 1):
            cap = tail - 1
        if left == 1 and floor == 0 and (self.p_hi is None or n == 1):
            # off the scale with nothing else changed: u - 2p = e0(s); once e0(s) + 2·p_lo <= u_lo only the
            # parity of e0(s) matters, which repeats every 2 strides (at n = 1 e0 does not move at all)
            start = max(
                q.scale + 1, b.stride.lo, 1 if n == 1 else _ceildiv(self.out + 2 * self.p_lo - b.kernel.lo, n - 1)
            )
            works = lambda s: s == q.scale or self.plain_after({"strides": s})  # noqa: E731
            endless = b.stride.hi is None and cap is None
            return periodic(lambda c: self.strides(ix, _min(cap, c)), works, start, endless)
        return self.strides(ix, cap)

    def dilations_within(self, ix: Mapping[str, Any], left: int, floor: int) -> Iterable[int]:
        if left != 1 or floor != 0 or ix["auto_pad"] != "NOTSET" or self.p_hi is not None:
            return self.dilations(ix)  # bounded, or productive (see dilations and adjust_least)
        # a dilation with nothing else changed: d·u - 2p = e0; once d >= e0 + 2·p_lo only parities matter
        b = self.b
        start = max(2, b.dilation.lo, self.e0(ix["strides"]) + 2 * self.p_lo)
        works = lambda d: d == 1 or self.plain_after({**ix, "dilations": d})  # noqa: E731
        return periodic(lambda cap: self.dilations(ix, cap), works, start, b.dilation.hi is None)
