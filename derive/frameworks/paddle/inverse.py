"""PaddlePaddle: ``paddle.nn.functional.conv1d_transpose`` as a parameter space (a :class:`PairedSpace`)."""

from __future__ import annotations

import itertools

from ...inverse._paired import PairedSpace, formula_number, span
from ...inverse._search import progression
from ...inverse._values import Bounds, Dim, Found, Knob, Query, _ceildiv, _min
from .. import paddle

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from typing import Any


class PaddleSpace(PairedSpace):
    """``paddle.nn.functional.conv1d_transpose``: ``(n-1)s - lo - hi + d(k-1) + 1 + a`` with ``a < s``.

    ``padding`` is an int, a ``[before, after]`` pair, ``'SAME'`` or ``'VALID'``; the int and the pair
    are Paddle's ``EXPLICIT`` padding algorithm, the int the plain form. ``'SAME'`` takes its pads
    from the forward rule on the input, ``max((⌈n/s⌉-1)s + k - n, 0)``, which gives
    ``(n-1)s + min(k, r) + a`` with ``r = n - (⌈n/s⌉-1)s``, and ignores the dilation (so dilations
    above 1 under 'SAME' are left out as degenerate). ``output_padding`` is below the stride in every
    mode: the CPU kernel refuses what InferMeta lets through up to the dilation.
    """

    framework = "paddle"
    operation = "paddle.nn.functional.conv1d_transpose"
    forward_operation = "paddle.nn.functional.conv1d"
    modes = ("EXPLICIT", "SAME", "VALID")
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1 (the weight's length)"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob("padding", "mode", 0, "an int >= 0 (both sides), a [before, after] pair, 'SAME' or 'VALID'"),
        Knob("output_padding", "adjust", 0, "< stride (the CPU kernel's check)"),
        Knob("dilation", "dilation", 1, ">= 1 (ignored under 'SAME')"),
        Knob("output_size", "target", None, "within stride - 1 above the length; not with an output_padding"),
    )
    index_names = ("stride", "mode", "dilation", "pads", "output_padding")

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return paddle.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return paddle.CONV1D_TRANSPOSE

    def adjust_top(self, s: int, d: int) -> int:
        return s - 1

    def mode_dims(self, q: Query) -> list[Dim]:
        modes = self.allowed_modes(q)
        return [Dim("mode", lambda ix: modes, lambda ix: "EXPLICIT", self.modes.index)]

    @staticmethod
    def same_room(n: int, s: int) -> int:
        """``r = n - (⌈n/s⌉-1)s`` in 1..s: 'SAME' gives ``(n-1)s + min(k, r) + a``."""
        return n - (_ceildiv(n, s) - 1) * s

    def mode_adjusts(self, q: Query, index: Mapping[str, Any]) -> range:
        s = index["stride"]
        base = q.out - (q.n - 1) * s  # = min(k, r) + a
        return span(base - self.same_room(q.n, s), base - 1, s - 1)

    def mode_family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, a = index["stride"], index["output_padding"]
        b, r = q.bounds, self.same_room(q.n, s)
        m = q.out - (q.n - 1) * s - a  # = min(kernel_size, r)
        if m == r:
            found = progression(max(b.kernel.lo, r), b.kernel.hi)
        elif 1 <= m < r:
            found = progression(max(b.kernel.lo, m), _min(b.kernel.hi, m))
        else:
            return None
        if found is None:
            return None
        k0, count = found
        return {"stride": s, "padding": "SAME", "output_padding": a, "dilation": 1}, (("kernel_size", k0, 1),), count

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        allowed = b.modes or self.modes
        pads = self.grid_pads(b) if "EXPLICIT" in allowed else []
        pads += [m for m in ("SAME", "VALID") if m in allowed]
        top = max(b.stride.hi, b.dilation.hi)  # type: ignore[type-var]
        for k, s, p, a, d in itertools.product(
            b.kernel.values(), b.stride.values(), pads, range(top + 1), b.dilation.values()
        ):
            if p == "SAME" and d > 1:
                continue  # degenerate: 'SAME' ignores the dilation
            yield {"kernel_size": k, "stride": s, "padding": p, "output_padding": a, "dilation": d}

    # -- explain -----------------------------------------------------------------------------------

    @staticmethod
    def _well_formed(cfg: Mapping[str, Any]) -> bool:
        if not all(type(cfg[x]) is int for x in ("kernel_size", "stride", "dilation")):
            return False
        p = cfg["padding"]
        if isinstance(p, str):
            return p.upper() in ("SAME", "VALID")
        if isinstance(p, (tuple, list)):
            return len(p) == 2 and all(type(v) is int for v in p)
        return type(p) is int

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, p, a, d = (cfg[x] for x in ("kernel_size", "stride", "padding", "output_padding", "dilation"))
        mode = p.upper() if isinstance(p, str) else "EXPLICIT"
        if mode == "SAME":
            c = _ceildiv(n, s)
            low = (n - 1) * s + min(k, self.same_room(n, s))
            base = "(n-1)·stride + min(kernel_size, n - (⌈n/stride⌉-1)·stride)"
            numbers = f"({n}-1)·{s} + min({k}, {n} - ({c}-1)·{s})"
        else:
            pair = isinstance(p, (tuple, list))
            lo, hi = (0, 0) if mode == "VALID" else tuple(p) if pair else (p, p)
            low = (n - 1) * s - lo - hi + d * (k - 1) + 1
            pads = "" if mode == "VALID" else " - padding[0] - padding[1]" if pair else " - 2·padding"
            shown = (
                ""
                if mode == "VALID"
                else f" - {formula_number(lo)} - {formula_number(hi)}"
                if pair
                else f" - 2·{formula_number(lo)}"
            )
            base = f"(n-1)·stride{pads} + dilation·(kernel_size-1) + 1"
            numbers = f"({n}-1)·{s}{shown} + {d}·({k}-1) + 1"
        if cfg.get("output_size") is None:
            return f"{base} + output_padding", f"{numbers} + {formula_number(a)} = {low + a}"
        first, last = paddle.accepted_lengths(n, k, s, p, d)
        span = str(first) if first == last else f"{first}..{last}"
        return f"output_size, accepted from L0 = {base} to L0 + stride - 1", f"L0 = {numbers} = {low}: accepted {span}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        if not self._well_formed(cfg):
            return None
        args = {x: cfg[x] for x in ("kernel_size", "stride", "padding", "dilation")}
        return f"{self.forward_operation}({self.show(args)})", lambda length: paddle.conv_length(length, **args)
