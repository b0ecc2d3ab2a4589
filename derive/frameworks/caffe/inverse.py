"""BVLC Caffe: the ``Deconvolution`` layer (``convolution_param``) on one axis as a parameter space.

Caffe has no output padding and no output size: one call gives exactly one length,
``stride·(n-1) + dilation·(kernel_size-1) + 1 - 2·pad``, the shortest length its ``Convolution``
maps back to ``n``. So an index tuple is only (stride, dilation), and every family is a line in
(pad, kernel_size), as torch's with ``output_padding = 0``.
"""

from __future__ import annotations

import itertools

from ...inverse._search import stride_order, symmetric_dilations, symmetric_family
from ...inverse._space import Space
from ...inverse._values import Bounds, Dim, Found, Knob, Query, _ceildiv
from .. import caffe

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


class CaffeSpace(Space):
    """``Deconvolution``: ``stride·(n-1) + dilation·(kernel_size-1) + 1 - 2·pad`` (no output padding, no size)."""

    framework = "caffe"
    operation = "caffe Deconvolution"
    forward_operation = "caffe Convolution"
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob("pad", "padding", 0, ">= 0 (both sides)"),
        Knob("dilation", "dilation", 1, ">= 1"),
    )
    index_names = ("stride", "dilation")
    member_names = ("pad", "kernel_size")

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return caffe.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return caffe.DECONVOLUTION

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        p_hi = b.padding.hi

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            s = ix["stride"]
            return symmetric_dilations(
                b, out - 1 - (n - 1) * s, lambda d: self.family(q, {"stride": s, "dilation": d}) is not None
            )

        if n >= 2 and p_hi is not None:
            s_hi = (out - 1 + 2 * p_hi) // (n - 1)  # d·u - 2·pad = out - 1 - (n-1)·stride with d·u >= 0
        else:
            s_hi = self._endless_strides(q, dilations)
        return [
            Dim("stride", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("dilation", dilations, lambda ix: 1),
        ]

    def _endless_strides(self, q: Query, dilations: Callable[[Mapping[str, Any]], Iterable[int]]) -> int | None:
        """None when the strides go on giving families, else the last stride that may (no output padding to help).

        Here pad has no upper end (or n = 1). From ``s0`` on (every stride when n = 1) the lower bound
        ``d·u >= e + 2·pad.lo`` binds no dilation from ``far`` on, so whether a stride has a family
        depends only on the parity of ``e = out - 1 - (n-1)·stride``; and a dilation ``d >= 2`` that
        fits gives ``d + 2`` that fits too (pad + u). So the strides s0 and s0 + 1 with the dilations
        at both ends of ``d.lo .. far + 3`` decide for every later stride.
        """
        n, b = q.n, q.bounds
        if n == 1:
            s0, e = 1, q.out - 1
        else:
            s0 = max(1, _ceildiv(q.out - 1 + 2 * b.padding.lo, n - 1))
            e = q.out - 1 - (n - 1) * s0
        d_lo, d_hi = b.dilation.lo, b.dilation.hi
        if n == 1 and b.padding.hi is not None:
            candidates: Iterable[int] = dilations({"stride": s0})  # finite: pad bounds the dilation
        else:
            far = max(d_lo, _ceildiv(e + 2 * b.padding.lo, max(1, b.kernel.lo - 1)))
            top = far + 3 if d_hi is None else min(d_hi, far + 3)
            candidates = sorted({*range(d_lo, min(top, d_lo + 3) + 1), *range(max(d_lo, top - 3), top + 1)})
        strides = (s0,) if n == 1 else (s0, s0 + 1)
        if any(self.family(q, {"stride": s, "dilation": d}) is not None for s in strides for d in candidates):
            return None
        return s0 - 1

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, d = index["stride"], index["dilation"]
        return symmetric_family(q, {"stride": s, "dilation": d}, s, d, 0, ("pad", "kernel_size"))

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        for k, s, p, d in itertools.product(
            b.kernel.values(), b.stride.values(), b.padding.values(), b.dilation.values()
        ):
            yield {"kernel_size": k, "stride": s, "pad": p, "dilation": d}

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, p, d = (cfg[x] for x in ("kernel_size", "stride", "pad", "dilation"))
        value = s * (n - 1) + d * (k - 1) + 1 - 2 * p
        return (
            "stride·(n-1) + dilation·(kernel_size-1) + 1 - 2·pad",
            f"{s}·({n}-1) + {d}·({k}-1) + 1 - 2·{p} = {value}",
        )

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        args = {x: cfg[x] for x in ("kernel_size", "stride", "pad", "dilation")}
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in args.values()):
            return None
        return f"{self.forward_operation}({self.show(args)})", lambda length: caffe.conv_length(length, **args)
