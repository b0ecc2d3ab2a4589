"""PyTorch: ``torch.nn.ConvTranspose1d`` as a parameter space."""

from __future__ import annotations

import itertools

from ...inverse._search import adjust_span, stride_ceiling, stride_order, symmetric_dilations, symmetric_family
from ...inverse._space import Space
from ...inverse._values import Bounds, Dim, Found, Knob, Query
from .. import torch

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


class TorchSpace(Space):
    """``torch.nn.ConvTranspose1d``: ``(n-1)s - 2p + d(k-1) + 1 + a``, ``a < max(s, d)``, p >= 0."""

    framework = "torch"
    operation = "torch.nn.ConvTranspose1d"
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob("padding", "padding", 0, ">= 0 (both sides)"),
        Knob("output_padding", "adjust", 0, "< stride or < dilation"),
        Knob("dilation", "dilation", 1, ">= 1"),
        Knob("output_size", "target", None, "forward(x, output_size=...): within stride - 1 above the length"),
    )
    forward_operation = "torch.nn.Conv1d"
    index_names = ("stride", "dilation", "output_padding")
    member_names = ("padding", "kernel_size")

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return torch.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return torch.CONV_TRANSPOSE1D

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        p_hi = b.padding.hi
        s_hi = stride_ceiling(n, out, p_hi, True)

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            return symmetric_dilations(b, out - 1 - (n - 1) * ix["stride"])

        def adjusts(ix: Mapping[str, Any]) -> Iterable[int]:
            s, d = ix["stride"], ix["dilation"]
            lo, hi = adjust_span(b, d, out - 1 - (n - 1) * s, 0, max(s, d) - 1)
            return range(lo, hi + 1)

        return [
            Dim("stride", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("dilation", dilations, lambda ix: 1),
            Dim("output_padding", adjusts, lambda ix: 0),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, d, a = index["stride"], index["dilation"], index["output_padding"]
        return symmetric_family(
            q, {"stride": s, "output_padding": a, "dilation": d}, s, d, a, ("padding", "kernel_size")
        )

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        top = max(b.stride.hi, b.dilation.hi)  # type: ignore[type-var]
        for k, s, p, a, d in itertools.product(
            b.kernel.values(), b.stride.values(), b.padding.values(), range(top + 1), b.dilation.values()
        ):
            yield {"kernel_size": k, "stride": s, "padding": p, "output_padding": a, "dilation": d}

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, p, a, d = (cfg[x] for x in ("kernel_size", "stride", "padding", "output_padding", "dilation"))
        low = (n - 1) * s - 2 * p + d * (k - 1) + 1  # L0: the length with no output padding
        base = "(n-1)·stride - 2·padding + dilation·(kernel_size-1) + 1"
        numbers = f"({n}-1)·{s} - 2·{p} + {d}·({k}-1) + 1"
        if cfg.get("output_size") is None:
            return f"{base} + output_padding", f"{numbers} + {a} = {low + a}"
        span = f"{max(low, 1)}..{low + s - 1}" if s > 1 else str(low)
        return f"output_size, accepted from L0 = {base} to L0 + stride - 1", f"L0 = {numbers} = {low}: accepted {span}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        args = {x: cfg[x] for x in ("kernel_size", "stride", "padding", "dilation")}
        if not all(isinstance(v, int) for v in args.values()):
            return None
        return f"{self.forward_operation}({self.show(args)})", lambda length: torch.conv_length(length, **args)

    def call_text(self, cfg: Mapping[str, Any]) -> str:
        size = cfg.get("output_size")
        shown = self.show({k: v for k, v in cfg.items() if k != "output_size"})
        return f"{self.operation}({shown})" + ("" if size is None else f"(x, output_size={size})")

    def target_text(self, lengths: str) -> str:
        return f"forward(x, output_size={lengths})"
