"""tinygrad: ``Tensor.conv_transpose2d`` on one axis as a parameter space."""

from __future__ import annotations

import itertools

from ...inverse._paired import PairedSpace, formula_number
from ...inverse._values import Bounds, Knob
from .. import tinygrad

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from typing import Any


class TinygradSpace(PairedSpace):
    """``Tensor.conv_transpose2d``: ``(n-1)s + d(k-1) + 1 - lo - hi + output_padding``, padding an int or a pair.

    tinygrad checks neither the output padding nor the sign of the pads; the space keeps the
    pads within the bounds (>= 0, each side) and the output padding in PyTorch's range,
    ``0 <= output_padding < max(stride, dilation)`` (tinygrad follows PyTorch's definition; beyond it
    every length is reachable by the output padding alone). One check remains: a pad may not crop
    more than the whole stretched input, which holds when ``after >= output_padding - length``.
    """

    framework = "tinygrad"
    operation = "tinygrad.Tensor.conv_transpose2d"
    forward_operation = "tinygrad.Tensor.conv2d"
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1 (the weight's length)"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob("dilation", "dilation", 1, ">= 1"),
        Knob("padding", "padding", 0, "an int (both sides) or a (before, after) pair; never checked"),
        Knob("output_padding", "adjust", 0, "never checked; the space keeps < max(stride, dilation)"),
    )

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return tinygrad.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return tinygrad.CONV_TRANSPOSE2D

    def adjust_top(self, s: int, d: int) -> int:
        return max(s, d) - 1

    def pad_floor(self, a: int, out: int) -> int | None:
        # _pad_constant's shrink: the stretched input padded by d(k-1) - before must not go negative
        return a - out

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        top = max(b.stride.hi, b.dilation.hi)  # type: ignore[type-var]
        for k, s, d, p, a in itertools.product(
            b.kernel.values(), b.stride.values(), b.dilation.values(), self.grid_pads(b), range(top + 1)
        ):
            if a < max(s, d):  # tinygrad accepts any output padding; the space keeps PyTorch's range
                yield {"kernel_size": k, "stride": s, "dilation": d, "padding": p, "output_padding": a}

    # -- explain -----------------------------------------------------------------------------------

    @staticmethod
    def _well_formed(cfg: Mapping[str, Any]) -> bool:
        if not all(type(cfg[x]) is int for x in ("kernel_size", "stride", "dilation", "output_padding")):
            return False
        p = cfg["padding"]
        if isinstance(p, (tuple, list)):
            return len(p) == 2 and all(type(v) is int for v in p)
        return type(p) is int

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, d, p, a = (cfg[x] for x in ("kernel_size", "stride", "dilation", "padding", "output_padding"))
        pair = isinstance(p, (tuple, list))
        lo, hi = tuple(p) if pair else (p, p)
        value = (n - 1) * s + d * (k - 1) + 1 - lo - hi + a
        pads = " - padding[0] - padding[1]" if pair else " - 2·padding"
        shown = f" - {formula_number(lo)} - {formula_number(hi)}" if pair else f" - 2·{formula_number(lo)}"
        return (
            f"(n-1)·stride + dilation·(kernel_size-1) + 1{pads} + output_padding",
            f"({n}-1)·{s} + {d}·({k}-1) + 1{shown} + {formula_number(a)} = {value}",
        )

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        if not self._well_formed(cfg):
            return None
        args = {x: cfg[x] for x in ("kernel_size", "stride", "dilation", "padding")}
        return f"{self.forward_operation}({self.show(args)})", lambda length: tinygrad.conv_length(length, **args)
