"""Keras 3 (``keras.layers.Conv1DTranspose``) as a parameter space (Keras 2, tf.keras, subclasses it: keras2/)."""

from __future__ import annotations

import itertools

from ...inverse._search import progression, stride_order
from ...inverse._space import Space
from ...inverse._values import Bounds, Dim, Found, Knob, Query, _min
from .. import keras

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


class KerasSpace(Space):
    """``keras.layers.Conv1DTranspose``: valid ``(n-1)s + max(K, s)`` or ``+ K + op``; same ``ns`` or ``+ K%2 + op``."""

    framework = "keras"
    operation = "keras.layers.Conv1DTranspose"
    forward_operation = "keras.layers.Conv1D"
    modes = ("valid", "same")
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1"),
        Knob("strides", "stride", 1, ">= 1"),
        Knob("padding", "mode", "valid", "'valid' or 'same'"),
        Knob("output_padding", "adjust", None, "None or < strides"),
        Knob("dilation_rate", "dilation", 1, ">= 1, and not with strides > 1"),
    )
    index_names = ("strides", "padding", "dilation_rate", "output_padding")
    member_names = ("kernel_size",)
    backends: tuple[str | None, ...] = (None, "tensorflow", "jax", "torch")

    @property
    def on_tf(self) -> bool:
        return self.backend == "tensorflow"

    def module(self) -> Any:
        return keras

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return self.module().conv_transpose_length(n, **cfg, backend=self.backend)

    def model(self) -> Any:
        return self.module().CONV_TRANSPOSE

    def extra(self) -> dict[str, Any]:
        return {"backend": self.backend}

    def shortest(self, n: int) -> int:
        """The shortest length any configuration gives from n: (n-1)·strides at strides 1 (n on TensorFlow)."""
        return max(1, n if self.on_tf else n - 1)

    def shortest_rule(self, n: int) -> str:
        rule = (
            "(n-1)·strides + 1 (TensorFlow refuses the even-kernel 'same' length (n-1)·strides)"
            if self.on_tf
            else "(n-1)·strides ('same', output_padding=0, an even kernel)"
        )
        return f"every {self.operation} length is at least {rule}: the shortest from n={n} is {self.shortest(n)}"

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        s_hi = out // (n - 1) if n >= 2 else None
        dilated = not self.on_tf and (b.kernel.hi is None or b.kernel.hi >= 2)

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            if ix["strides"] > 1 or not dilated:
                return [1] if 1 in b.dilation else []
            hi = out - 1 if ix["padding"] == "valid" else None  # valid: K = d(k-1)+1 <= out
            return b.dilation.values(hi)

        def adjusts(ix: Mapping[str, Any]) -> Iterable[int | None]:
            return [None, *range(ix["strides"])]

        return [
            Dim("strides", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("padding", lambda ix: self.allowed_modes(q), lambda ix: self.modes[0], self.modes.index),
            Dim("dilation_rate", dilations, lambda ix: 1),
            Dim("output_padding", adjusts, lambda ix: None, lambda v: -1 if v is None else v),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, mode, d, op = index["strides"], index["padding"], index["dilation_rate"], index["output_padding"]
        n, out, b = q.n, q.out, q.bounds
        u_lo = max(b.kernel.lo - 1, 1 if d > 1 else 0)
        u_hi = None if b.kernel.hi is None else b.kernel.hi - 1

        def single(K: int) -> tuple[int, int | None] | None:
            if K < 1 or (K - 1) % d:
                return None
            return progression(max(u_lo, (K - 1) // d), _min(u_hi, (K - 1) // d))

        step = 1
        if mode == "valid" and op is None:
            if out == n * s:
                found = progression(u_lo, _min(u_hi, (s - 1) // d))
            else:
                found = single(out - (n - 1) * s) if out > n * s else None
        elif mode == "valid":
            found = single(out - (n - 1) * s - op)
        elif op is None:
            found = progression(u_lo, u_hi) if out == n * s else None
        else:
            r = out - (n - 1) * s - op  # = K mod 2
            if r not in (0, 1) or (self.on_tf and r == 0 and op == 0):
                return None  # TF refuses (n-1)s: below its SAME interval
            if d % 2 == 0:
                found = progression(u_lo, u_hi) if r == 1 else None
            else:
                found, step = progression(u_lo, u_hi, 2, (r + 1) % 2), 2
        if found is None:
            return None
        u0, count = found
        fixed = {"strides": s, "padding": mode, "output_padding": op, "dilation_rate": d}
        return self.make(fixed, (("kernel_size", u0 + 1, step),), count)

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        top = max(b.stride.hi, b.dilation.hi)  # type: ignore[type-var]
        modes = b.modes or self.modes
        for k, s, m, a, d in itertools.product(
            b.kernel.values(), b.stride.values(), modes, (None, *range(top + 1)), b.dilation.values()
        ):
            yield {"kernel_size": k, "strides": s, "padding": m, "output_padding": a, "dilation_rate": d}

    def bind(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        cfg = super().bind(kwargs)
        if isinstance(cfg["padding"], str):
            cfg["padding"] = cfg["padding"].lower()  # keras lower-cases the mode
        return cfg

    def _well_formed(self, cfg: Mapping[str, Any]) -> bool:
        ints = all(isinstance(cfg[x], int) for x in ("kernel_size", "strides", "dilation_rate"))
        return ints and cfg["padding"] in self.modes

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, mode, op, d = (cfg[x] for x in ("kernel_size", "strides", "padding", "output_padding", "dilation_rate"))
        K = d * (k - 1) + 1
        k_text = f"K = kernel_size = {k}"
        if d > 1:
            k_text = f"K = dilation_rate·(kernel_size-1) + 1 = {d}·({k}-1) + 1 = {K}"
        if mode == "valid" and op is None:
            formula, numbers, value = "(n-1)·strides + max(K, strides)", f"({n}-1)·{s} + max({K}, {s})", max(K, s)
        elif mode == "valid":
            formula, numbers, value = "(n-1)·strides + K + output_padding", f"({n}-1)·{s} + {K} + {op}", K + op
        elif op is None:
            formula, numbers, value = "n·strides", f"{n}·{s}", s
        else:
            formula = "(n-1)·strides + K mod 2 + output_padding"
            numbers, value = f"({n}-1)·{s} + {K} mod 2 + {op}", K % 2 + op
        return formula, f"{numbers} = {(n - 1) * s + value}, {k_text}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        if not self._well_formed(cfg):
            return None
        args = {x: cfg[x] for x in ("kernel_size", "strides", "padding", "dilation_rate")}
        module = self.module()  # the forward shape is Keras' own on every backend
        return f"{self.forward_operation}({self.show(args)})", lambda length: module.conv_length(length, **args)

    def adjust_values(self, cfg: Mapping[str, Any]) -> Iterable[int]:
        return range(cfg["strides"] + 1) if isinstance(cfg["strides"], int) else ()
