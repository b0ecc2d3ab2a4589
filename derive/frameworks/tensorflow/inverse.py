"""TensorFlow: ``tf.nn.conv2d_transpose`` on one axis as a parameter space (the caller passes ``output_shape``).

``--backend`` picks the CPU kernels (``eigen``, ``onednn``, ``xla``; none: this machine's, see
:mod:`derive.machine`). Eigen refuses dilation > 1; oneDNN and XLA take it, and oneDNN's truncating
check widens VALID's accepted set at n = 1 to ``K - s < L < K + s`` (explicit pads run on Eigen).
"""

from __future__ import annotations

import itertools

from ...errors import ParameterError
from ...inverse._search import progression, stride_ceiling, stride_order
from ...inverse._space import Space
from ...inverse._values import Bounds, Dim, Found, Knob, Query, Range, _min
from ...machine import tensorflow_kernels
from .. import tensorflow

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


class TensorflowSpace(Space):
    """``tf.nn.conv2d_transpose`` on one axis: ``output_shape`` is accepted when the forward conv maps it to n."""

    framework = "tensorflow"
    operation = "tf.nn.conv2d_transpose"
    forward_operation = "tf.nn.conv2d"
    needs_target = True
    modes = ("SAME", "VALID", "EXPLICIT")
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1 (the filter's spatial size)"),
        Knob("output_shape", "target", None, "the forward conv maps it back to n"),
        Knob("strides", "stride", 1, ">= 1"),
        Knob("padding", "mode", "SAME", "'SAME', 'VALID' or a (lo, hi) pair"),
        Knob("dilations", "dilation", 1, "1 on Eigen's CPU kernels"),
    )
    backends: tuple[str | None, ...] = (None, "eigen", "onednn", "xla")

    @property
    def kernels(self) -> str:
        """The kernels this space's calls run on (the machine's where no backend was given)."""
        if self.backend is not None:
            return self.backend
        return tensorflow_kernels().kernels

    def extra(self) -> dict[str, Any]:
        return {"kernels": self.kernels}

    def _dilated(self, mode: str) -> bool:
        """Whether these kernels take dilation > 1 in ``mode`` (oneDNN hands explicit pads to Eigen)."""
        return self.kernels == "xla" or (self.kernels == "onednn" and mode != "EXPLICIT")

    index_names = ("strides", "mode", "pads", "dilations")
    member_names = ("kernel_size",)

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return tensorflow.conv_transpose_length(n, **cfg, kernels=self.kernels)

    def model(self) -> Any:
        return tensorflow.CONV2D_TRANSPOSE

    def check_bounds(self, bounds: Bounds) -> None:
        if bounds.modes is not None:
            bad = [m for m in bounds.modes if m not in self.modes]
            if bad:
                raise ParameterError("--mode", f"must be among {', '.join(self.modes)} for tensorflow", bad[0])

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        p = cfg["padding"]
        explicit = isinstance(p, tuple)
        return {
            "strides": cfg["strides"],
            "mode": "EXPLICIT" if explicit else p,
            "pads": (p[0] + p[1], p[0]) if explicit else (0, 0),
            "dilations": cfg["dilations"],
        }

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        modes = self.allowed_modes(q)
        p_hi = b.padding.hi
        s_hi = stride_ceiling(n, out, p_hi, "EXPLICIT" in modes)

        def pads(ix: Mapping[str, Any]) -> Iterable[tuple[int, int]]:
            if ix["mode"] != "EXPLICIT":
                return [(0, 0)]
            s = ix["strides"]
            # K in [out - n·s + 1 + P, out - (n-1)s + P] must meet [kernel.lo, kernel.hi]
            total_lo = max(2 * b.padding.lo, b.kernel.lo - out + (n - 1) * s)
            total_hi = None if p_hi is None else 2 * p_hi
            K_top = b.kernel.hi  # the largest effective kernel: dilation widens it where the kernels take it
            if K_top is not None and self._dilated("EXPLICIT") and K_top > 1:
                K_top = None if b.dilation.hi is None else b.dilation.hi * (K_top - 1) + 1
            if K_top is not None:
                total_hi = _min(total_hi, K_top - out + n * s - 1)
            totals = Range(0, None).values(total_hi) if total_hi is None or total_hi >= 0 else []
            return (
                (total, lo)
                for total in totals
                if total >= total_lo
                for lo in range(max(b.padding.lo, total - (total if p_hi is None else p_hi)), _min(total, p_hi) + 1)
                if total - lo >= b.padding.lo
            )

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            if not self._dilated(ix["mode"]) or (b.kernel.hi is not None and b.kernel.hi < 2):
                return [1] if 1 in b.dilation else []
            if ix["mode"] == "SAME":  # the kernel does not enter SAME's accepted set
                return b.dilation.values()
            # K = d(k-1)+1 <= out - (n-1)s + lo + hi (oneDNN n = 1: out + s - 1), with k >= 2
            reach = out + ix["strides"] - 1 + ix["pads"][0]
            return b.dilation.values(max(1, (reach - 1) // max(1, b.kernel.lo - 1)))

        return [
            Dim("strides", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("mode", lambda ix: modes, lambda ix: "SAME", self.modes.index),
            Dim("pads", pads, lambda ix: (0, 0), counts=False),
            Dim("dilations", dilations, lambda ix: 1),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, mode, (total, lo) = index["strides"], index["mode"], index["pads"]
        d = index["dilations"]
        n, out, b = q.n, q.out, q.bounds
        k_floor = b.kernel.lo if d == 1 else max(b.kernel.lo, 2)  # a dilated kernel has k >= 2
        if mode == "SAME":
            if not (n - 1) * s + 1 <= out <= n * s:
                return None
            found = progression(k_floor, b.kernel.hi)
        else:
            # the effective kernel K = d(k-1)+1 the accepted set allows
            K_lo, K_hi = out - n * s + 1 + total, out - (n - 1) * s + total
            if self.kernels == "onednn" and mode == "VALID" and n == 1:
                K_lo, K_hi = out - s + 1, out + s - 1  # oneDNN's check truncates toward zero
            k_lo = max(k_floor, -((1 - K_lo) // d) + 1)  # ⌈(K_lo - 1)/d⌉ + 1
            found = progression(k_lo, _min(b.kernel.hi, (K_hi - 1) // d + 1 if K_hi >= 1 else 0))
        if found is None:
            return None
        k0, count = found
        padding = (lo, total - lo) if mode == "EXPLICIT" else mode
        fixed = {"output_shape": out, "strides": s, "padding": padding, "dilations": d}
        return self.make(fixed, (("kernel_size", k0, 1),), count)

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        pads: list[Any] = [m for m in ("SAME", "VALID") if b.modes is None or m in b.modes]
        if b.modes is None or "EXPLICIT" in b.modes:
            pads += list(itertools.product(b.padding.values(), b.padding.values()))
        for k, s, p, d in itertools.product(b.kernel.values(), b.stride.values(), pads, b.dilation.values()):
            yield {"kernel_size": k, "output_shape": out, "strides": s, "padding": p, "dilations": d}

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, padding, d = (cfg[x] for x in ("kernel_size", "strides", "padding", "dilations"))
        lo, hi = self._accepted(n, cfg)
        span = "none" if lo > hi else str(lo) if lo == hi else f"{lo}..{hi}"
        if padding == "SAME":
            return "output_shape is accepted when ⌈output_shape/strides⌉ = n", f"⌈L/{s}⌉ = {n} for L = {span}"
        pads = "0" if padding == "VALID" else f"{padding[0]} + {padding[1]}"
        K = d * (k - 1) + 1
        return (
            "output_shape is accepted when ⌊(output_shape + lo + hi - K)/strides⌋ + 1 = n",
            f"⌊(L + {pads} - {K})/{s}⌋ + 1 = {n} for L = {span}",
        )

    def _accepted(self, n: int, cfg: Mapping[str, Any]) -> tuple[int, int]:
        return tensorflow.accepted_lengths(
            n, cfg["kernel_size"], cfg["strides"], cfg["padding"], cfg["dilations"], kernels=self.kernels
        )

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        args = {x: cfg[x] for x in ("kernel_size", "strides", "padding", "dilations")}
        shown = ", ".join(f"{x}={v!r}" for x, v in args.items() if x != "dilations" or v != 1)
        return f"{self.forward_operation}({shown})", lambda length: tensorflow.conv_length(
            length, **args, kernels=self.kernels
        )
