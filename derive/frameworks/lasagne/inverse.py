"""Lasagne: ``lasagne.layers.TransposedConv2DLayer`` on one axis as a parameter space.

Without ``output_size`` the length is ``L0 = (n-1)·stride - 2·crop + filter_size``, where ``crop`` is an
int (the plain form, default 0) or a mode: ``'valid'`` (0), ``'full'`` (``filter_size - 1``) or
``'same'`` (``filter_size // 2``, odd filter sizes only). The modes are the same layers as those int
crops, spelled the way users write them; the space lists them as modes ``EXPLICIT`` (an int crop, as
the other spaces call explicit padding), ``valid``, ``full`` and ``same``.

``output_size`` is accepted from ``L0`` to ``L0 + stride - 1`` and is then the length. So a family's
index is (stride, crop mode, offset): ``offset`` is None when ``output_size`` is left out (``L0 = out``,
the plain value), else ``output_size = out`` is passed and ``L0 = out - offset`` with
``0 <= offset < stride``. Passing ``output_size = out`` where ``L0 = out`` already (offset 0) is a
configuration of its own, one change from the plain call.

Lasagne's layer takes no dilation: bounds whose dilation range leaves out 1 are refused.
"""

from __future__ import annotations

import itertools

from ...errors import ParameterError
from ...inverse._search import Forced, level_exists, periodic, progression, stride_order, walk
from ...inverse._space import Space
from ...inverse._values import Bounds, Budget, Dim, Found, Knob, Query, _ceildiv, _min
from .. import lasagne

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

CROPS = ("valid", "full", "same")


def _offset_order(offset: int | None) -> int:
    return -1 if offset is None else offset


def _amount(crop: int | str, k: int) -> int:
    """The int crop a mode stands for."""
    return {"valid": 0, "full": k - 1, "same": k // 2}[crop] if isinstance(crop, str) else crop


class LasagneSpace(Space):
    """``TransposedConv2DLayer``: ``(n-1)·stride - 2·crop + filter_size``, or ``output_size`` up to stride - 1 above."""

    framework = "lasagne"
    operation = "lasagne.layers.TransposedConv2DLayer"
    forward_operation = "lasagne.layers.Conv2DLayer"
    modes = ("EXPLICIT", *CROPS)
    knobs = (
        Knob("filter_size", "kernel", None, ">= 1"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob(
            "crop",
            "mode",
            0,
            "an int >= 0 (both sides), 'valid' (0), 'full' (filter_size - 1) or 'same' (filter_size // 2, odd only)",
        ),
        Knob("output_size", "target", None, "None, or within stride - 1 above the length"),
    )
    index_names = ("stride", "mode", "offset")
    member_names = ("crop", "filter_size")

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return lasagne.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return lasagne.TRANSPOSED_CONV2D_LAYER

    def check_bounds(self, bounds: Bounds) -> None:
        super().check_bounds(bounds)
        if 1 not in bounds.dilation:
            raise ParameterError(
                "--dilation", "has no meaning for lasagne: its layer takes no dilation", str(bounds.dilation)
            )

    @staticmethod
    def default_length(n: int, cfg: Mapping[str, Any]) -> int:
        """``L0``: the length without ``output_size``."""
        k = cfg["filter_size"]
        return (n - 1) * cfg["stride"] - 2 * _amount(cfg["crop"], k) + k

    def key(self, q: Query, cfg: Mapping[str, Any], dims: list[Dim] | None = None) -> tuple[Any, ...]:
        s, crop, k = cfg["stride"], cfg["crop"], cfg["filter_size"]
        mode = crop if isinstance(crop, str) else "EXPLICIT"
        size = cfg.get("output_size")
        offset = None if size is None else size - self.default_length(q.n, cfg)
        changes = (s != q.scale) + (mode != "EXPLICIT") + (offset is not None)
        members = (k,) if isinstance(crop, str) else (crop, k)
        return (changes, abs(s - q.scale), s, self.modes.index(mode), _offset_order(offset), *members)

    def _walk(
        self, dims: list[Dim], i: int, index: dict[str, Any], left: int, budget: Budget
    ) -> Iterator[dict[str, Any]]:
        return walk(self, dims, i, index, left, budget)

    def _lengths(self, b: Bounds, n: int, s: int, mode: str) -> tuple[int | None, int | None]:
        """The least and largest ``L0`` of a crop mode at this stride within the bounds (None: no end)."""
        base, k_lo, k_hi = (n - 1) * s, b.kernel.lo, b.kernel.hi
        if mode == "EXPLICIT":
            lo = None if b.padding.hi is None else base - 2 * b.padding.hi + k_lo
            return lo, None if k_hi is None else base - 2 * b.padding.lo + k_hi
        if mode == "valid":
            return base + k_lo, None if k_hi is None else base + k_hi
        if mode == "full":
            return None if k_hi is None else base - k_hi + 2, base - k_lo + 2
        return base + 1, base + 1

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        modes = self.allowed_modes(q)
        # L0 >= out - stride + 1 and each mode's least L0 grows with (n-1)·stride
        s_hi: int | None = None
        if n >= 2:
            tops = {
                "EXPLICIT": None if b.padding.hi is None else (out - 1 + 2 * b.padding.hi) // (n - 1),
                "valid": (out - 1) // (n - 1),
                "full": None if b.kernel.hi is None else (out - 2 + b.kernel.hi) // (n - 1),
                "same": (out - 1) // (n - 1),
            }
            s_hi = 0 if not modes else max((tops[m] for m in modes), key=lambda v: float("inf") if v is None else v)

        def offsets(ix: Mapping[str, Any]) -> Iterable[int | None]:
            s = ix["stride"]
            lo, hi = self._lengths(b, n, s, ix["mode"])
            first = 0 if hi is None else max(0, out - hi)
            last = s - 1 if lo is None else min(s - 1, out - lo)
            return itertools.chain([None], range(first, last + 1))

        def strides(ix: Mapping[str, Any], cap: int | None = None) -> Iterable[int]:
            return stride_order(q.scale, b.stride, _min(s_hi, cap))

        # n = 1: L0 does not depend on the stride, which only caps the offset (< stride). Past the stride where each
        # mode has its first offset that fits (and, where L0 is bounded below, all of them), which levels have
        # answers no longer changes with the stride
        tail = None
        if n == 1 and b.stride.hi is None and modes:
            ends = []
            for m in modes:
                lo, hi = self._lengths(b, n, 0, m)
                ends.append(max(0, out - hi) + 1 if hi is not None else 1)
                if lo is not None:
                    ends.append(out - lo + 1)
            tail = max(b.stride.lo, q.scale + 1, *ends)

        def strides_within(ix: Mapping[str, Any], left: int, floor: int) -> Iterable[int]:
            cap = None
            if tail is not None and not level_exists(self, q, dims, {"stride": tail}, left - 1):
                cap = tail - 1
            if left == 1 and floor == 0:
                # off the scale with nothing else changed: an int crop, no output_size, filter_size - 2·crop = E(s)
                # with E(s) = out - (n-1)·s; past a stride only its parity matters (open padding) or none fits
                p_lo, p_hi, k_lo = b.padding.lo, b.padding.hi, b.kernel.lo
                if n == 1:
                    start = q.scale + 1
                elif p_hi is None:
                    start = _ceildiv(out + 2 * p_lo - k_lo, n - 1)
                else:
                    start = (out + 2 * p_hi - k_lo) // (n - 1) + 1
                index = {"mode": "EXPLICIT", "offset": None}
                works = lambda s: s == q.scale or self.family(q, {**index, "stride": s}) is not None  # noqa: E731
                endless = b.stride.hi is None and cap is None
                return periodic(
                    lambda c: strides(ix, _min(cap, c)), works, max(start, q.scale + 1, b.stride.lo), endless
                )
            return strides(ix, cap)

        dims = [
            Forced("stride", strides, lambda ix: q.scale, within=strides_within),
            Forced(
                "mode",
                lambda ix: modes,
                lambda ix: "EXPLICIT",
                self.modes.index,
                least=lambda ix: int("EXPLICIT" not in modes),
            ),
            Dim("offset", offsets, lambda ix: None, _offset_order),
        ]
        return dims

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, mode, offset = index["stride"], index["mode"], index["offset"]
        n, out, b = q.n, q.out, q.bounds
        e = out - (offset or 0) - (n - 1) * s  # L0 - (n-1)·stride = filter_size - 2·crop
        fixed: dict[str, Any] = {"stride": s}
        if offset is not None:
            fixed["output_size"] = out
        if mode == "EXPLICIT":  # filter_size = e + 2·crop
            c_lo = max(b.padding.lo, _ceildiv(b.kernel.lo - e, 2))
            c_hi = _min(b.padding.hi, None if b.kernel.hi is None else (b.kernel.hi - e) // 2)
            found = progression(c_lo, c_hi)
            if found is None:
                return None
            c0, count = found
            return fixed, (("crop", c0, 1), ("filter_size", e + 2 * c0, 2)), count
        fixed["crop"] = mode
        if mode == "same":  # L0 = (n-1)·stride + 1 for every odd filter_size
            found = progression(b.kernel.lo, b.kernel.hi, 2, 1) if e == 1 else None
        else:
            k = e if mode == "valid" else 2 - e
            found = progression(k, k) if k in b.kernel else None
        if found is None:
            return None
        k0, count = found
        return fixed, (("filter_size", k0, 2 if mode == "same" else 1),), count

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        if 1 not in b.dilation:
            return
        allowed = b.modes or self.modes
        crops: list[int | str] = [*b.padding.values()] if "EXPLICIT" in allowed else []
        crops += [m for m in CROPS if m in allowed]
        for k, s, crop, size in itertools.product(b.kernel.values(), b.stride.values(), crops, (None, out)):
            cfg = {"filter_size": k, "stride": s, "crop": crop, "output_size": size}
            if size is None:
                del cfg["output_size"]  # left out, as the families leave it
            yield cfg

    # -- explain -----------------------------------------------------------------------------------

    @staticmethod
    def _well_formed(cfg: Mapping[str, Any]) -> bool:
        crop = cfg["crop"]
        crop_ok = crop in CROPS if isinstance(crop, str) else type(crop) is int and crop >= 0
        return crop_ok and all(type(cfg[x]) is int for x in ("filter_size", "stride"))

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, crop = cfg["filter_size"], cfg["stride"], cfg["crop"]
        rule, shown = {
            "valid": ("(n-1)·stride + filter_size", f"({n}-1)·{s} + {k}"),
            "full": ("(n-1)·stride - 2·(filter_size-1) + filter_size", f"({n}-1)·{s} - 2·({k}-1) + {k}"),
            "same": ("(n-1)·stride - 2·(filter_size//2) + filter_size", f"({n}-1)·{s} - 2·({k}//2) + {k}"),
        }.get(crop, ("(n-1)·stride - 2·crop + filter_size", f"({n}-1)·{s} - 2·{crop} + {k}"))
        low = self.default_length(n, cfg)
        if cfg.get("output_size") is None:
            return rule, f"{shown} = {low}"
        first, last = max(1, low), low + s - 1
        span = "none" if first > last else str(first) if first == last else f"{first}..{last}"
        return f"output_size, accepted from L0 = {rule} to L0 + stride - 1", f"L0 = {shown} = {low}: accepted {span}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        if not self._well_formed(cfg):
            return None
        k, s, crop = cfg["filter_size"], cfg["stride"], cfg["crop"]
        shown = f"filter_size={k}, stride={s}" + ("" if crop == 0 else f", pad={crop!r}")
        return f"{self.forward_operation}({shown})", lambda length: lasagne.conv_length(length, k, s, pad=crop)
