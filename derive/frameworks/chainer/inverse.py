"""Chainer: ``chainer.functions.deconvolution_1d`` as a parameter space (``outsize`` is its only adjustment).

Without ``outsize`` the length is ``D = stride·(n-1) + dilate·(ksize-1) + 1 - 2·pad``; with it, any
``outsize`` from ``D - stride + 1`` to ``D + stride - 1`` is accepted and returned (those below ``D``
round-trip only through a ``cover_all`` convolution). So a family's index is (stride, dilate,
offset): ``offset`` is None when ``outsize`` is left out (``D = out``, the plain value), else
``outsize = out`` is passed and ``D = out - offset`` with ``|offset| < stride``: the offset nearest
0 first, above before below. Passing ``outsize = out`` where ``D = out`` already (offset 0) is a
configuration of its own, one change from the plain call, as keras' ``output_padding=0``.
"""

from __future__ import annotations

import itertools

from ...inverse._search import adjust_span, stride_order, symmetric_dilations, symmetric_family
from ...inverse._space import Space
from ...inverse._values import Bounds, Dim, Found, Knob, Query
from .. import chainer

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


def _offset_order(offset: int | None) -> tuple[int, int]:
    return (-1, 0) if offset is None else (abs(offset), int(offset < 0))


def _nearest_first(lo: int, hi: int) -> Iterator[int]:
    """The integers of lo..hi in ``_offset_order``: 0, 1, -1, 2, -2, ... (lazily: a stride may be large)."""
    nearest = 0 if lo <= 0 <= hi else min(abs(lo), abs(hi))
    for size in range(nearest, max(abs(lo), abs(hi)) + 1):
        for v in (size, -size) if size else (0,):
            if lo <= v <= hi:
                yield v


class ChainerSpace(Space):
    """``deconvolution_1d``: ``D = stride·(n-1) + dilate·(ksize-1) + 1 - 2·pad``, or ``outsize`` within D ± (s-1)."""

    framework = "chainer"
    operation = "chainer.functions.deconvolution_1d"
    forward_operation = "chainer.functions.convolution_1d"
    knobs = (
        Knob("ksize", "kernel", None, ">= 1 (the filter W's spatial size)"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob("pad", "padding", 0, ">= 0 (both sides)"),
        Knob("outsize", "target", None, "None or within stride - 1 of the default length, either side"),
        Knob("dilate", "dilation", 1, ">= 1"),
    )
    index_names = ("stride", "dilate", "offset")
    member_names = ("pad", "ksize")

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return chainer.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return chainer.DECONVOLUTION_ND

    @staticmethod
    def default_length(n: int, cfg: Mapping[str, Any]) -> int:
        """``D``: the length without ``outsize``."""
        return cfg["stride"] * (n - 1) + cfg["dilate"] * (cfg["ksize"] - 1) + 1 - 2 * cfg["pad"]

    def key(self, q: Query, cfg: Mapping[str, Any], dims: list[Dim] | None = None) -> tuple[Any, ...]:
        size = cfg.get("outsize")
        offset = None if size is None else size - self.default_length(q.n, cfg)
        s, d = cfg["stride"], cfg["dilate"]
        changes = (s != q.scale) + (d != 1) + (offset is not None)
        return (changes, abs(s - q.scale), s, d, _offset_order(offset), cfg["pad"], cfg["ksize"])

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        p_hi = b.padding.hi
        # d·u - 2·pad = out - offset - 1 - (n-1)·stride >= -2·pad_hi with offset >= 1 - stride
        if n == 1 or p_hi is None:
            s_hi = None
        elif n == 2:
            s_hi = None if out - 2 + 2 * p_hi >= 0 else 0
        else:
            s_hi = (out - 2 + 2 * p_hi) // (n - 2)

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            s = ix["stride"]
            near = [o for o in (None, 1, -1) if o is None or abs(o) < s]  # both parities of e where stride > 1

            def fits(d: int) -> bool:
                return any(self.family(q, {"stride": s, "dilate": d, "offset": o}) is not None for o in near)

            return symmetric_dilations(b, out - 1 - (n - 1) * s + s - 1, fits)

        def offsets(ix: Mapping[str, Any]) -> Iterable[int | None]:
            s, d = ix["stride"], ix["dilate"]
            lo, hi = adjust_span(b, d, out - 1 - (n - 1) * s, 1 - s, s - 1)
            return itertools.chain([None], _nearest_first(lo, hi))

        return [
            Dim("stride", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("dilate", dilations, lambda ix: 1),
            Dim("offset", offsets, lambda ix: None, _offset_order),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, d, offset = index["stride"], index["dilate"], index["offset"]
        fixed: dict[str, Any] = {"stride": s, "dilate": d}
        if offset is not None:
            fixed["outsize"] = q.out  # the default length is out - offset
        return symmetric_family(q, fixed, s, d, offset or 0, ("pad", "ksize"))

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        for k, s, p, size, d in itertools.product(
            b.kernel.values(), b.stride.values(), b.padding.values(), (None, out), b.dilation.values()
        ):
            cfg = {"ksize": k, "stride": s, "pad": p, "outsize": size, "dilate": d}
            if size is None:
                del cfg["outsize"]  # left out, as the families leave it
            yield cfg

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, p, size, d = (cfg[x] for x in ("ksize", "stride", "pad", "outsize", "dilate"))
        D = self.default_length(n, cfg)
        rule = "stride·(n-1) + dilate·(ksize-1) + 1 - 2·pad"
        numbers = f"{s}·({n}-1) + {d}·({k}-1) + 1 - 2·{p}"
        if size is None:
            return rule, f"{numbers} = {D}"
        lo, hi = max(0, D - s + 1), D + s - 1
        span = "none" if lo > hi else str(lo) if lo == hi else f"{lo}..{hi}"
        return f"outsize, accepted from D - stride + 1 to D + stride - 1, D = {rule}", f"D = {numbers} = {D}: {span}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        args = {x: cfg[x] for x in ("ksize", "stride", "pad", "dilate")}
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in args.values()):
            return None
        return f"{self.forward_operation}({self.show(args)})", lambda length: chainer.conv_length(length, **args)
