"""Flax: ``flax.linen.ConvTranspose`` on one axis as a parameter space.

Flax hands everything but ``'CIRCULAR'`` to ``lax.conv_transpose`` (with ``use_consistent_padding``
left False), so the lengths are JAX's (see :mod:`derive.frameworks.jax.inverse`): ``'SAME'`` and ``'CIRCULAR'``
give ``n·s``, ``'VALID'`` ``(n-1)s + max(K, s)``, and explicit pads of the stride-stretched input
``max(0, (n-1)s + lo + hi - K + 2)``.

Flax turns an int ``padding=p`` into ``[(p, p)]``, so the explicit pads are listed as that int when
both sides are equal: then kernel and padding run along a line, ``K = (n-1)s + 2p + 2 - out``
(torch's equation with the sign of the padding turned), one family per stride and dilation. Unequal
sides are the pair ``[(lo, hi)]``, an index knob as in the jax space (one kernel each).

Left out: ``transpose_kernel`` (no effect on the length); strings Flax passes on to lax unchanged
(``'SAME_LOWER'`` and lower-case spellings, accepted at ``strides=1`` only, where lax runs a forward
convolution; Flax documents ``'SAME'``, ``'VALID'``, ``'CIRCULAR'`` and pads); the spellings
``[p]``, ``((lo, hi),)`` and ``[(p, p)]`` of the same pads; negative pads (Flax accepts them,
``Bounds`` does not).
"""

from __future__ import annotations

import itertools

from ...inverse._search import symmetric_line
from ...inverse._values import Bounds, Found, Knob, Query
from .. import flax, jax
from ..jax.inverse import JaxSpace, minus_extent_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


class FlaxSpace(JaxSpace):
    """``flax.linen.ConvTranspose``: ``n·s`` by default, ``(n-1)s + max(K, s)``, or pads that add to the length."""

    framework = "flax"
    operation = "flax.linen.ConvTranspose"
    forward_operation = "flax.linen.Conv"
    modes = ("SAME", "VALID", "CIRCULAR", "EXPLICIT")
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1"),
        Knob("strides", "stride", 1, ">= 1 (None: 1)"),
        Knob("padding", "mode", "SAME", "'SAME', 'VALID', 'CIRCULAR', an int p (both sides) or [(lo, hi)]"),
        Knob("kernel_dilation", "dilation", 1, ">= 1 (None: 1)"),
        Knob("transpose_kernel", "flag", False, "flips the kernel: no effect on the length"),
    )
    index_names = ("strides", "kernel_dilation", "mode", "pads")
    member_names = ("kernel_size",)
    dilation = "kernel_dilation"
    consistent = None
    periodic = ("SAME", "CIRCULAR")
    unit = None
    # an int padding (both sides) or a mode string; a pair (lo + hi, lo) otherwise
    no_pads = None

    @staticmethod
    def pads_order(pads: Any) -> Any:
        return (0, 0, 0) if pads is None else (1, *pads)

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return flax.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return flax.CONV_TRANSPOSE

    # -- the search ----------------------------------------------------------------------------

    def _pads(self, q: Query, ix: Mapping[str, Any]) -> Iterable[Any]:
        """The int padding (one line of kernels) first, then the unequal pairs."""
        unequal = (pads for pads in super()._pads(q, ix) if 2 * pads[1] != pads[0])
        return itertools.chain([None], unequal)

    def _explicit(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        if index["pads"] is not None:
            return super()._explicit(q, index)
        s, d, b = index["strides"], index[self.dilation], q.bounds
        # d·u - 2p = e with u = kernel_size - 1
        e = (q.n - 1) * s + 1 - q.out
        line = symmetric_line(b, d, e)
        if line is None:
            return None
        padding, kernel, count = line
        return self._found(index, None, (("padding", *padding), ("kernel_size", *kernel)), count)

    def _found(
        self, index: Mapping[str, Any], padding: Any, free: tuple[tuple[str, int, int], ...], count: int | None
    ) -> Found:
        fixed, free, count = super()._found(index, padding, free, count)
        if padding is None:
            del fixed["padding"]  # a free knob along the line
        return fixed, free, count

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        p = cfg["padding"]
        if isinstance(p, str):
            mode, pads = p, None
        elif isinstance(p, int):
            mode, pads = "EXPLICIT", None
        else:
            ((lo, hi),) = p
            mode, pads = "EXPLICIT", (lo + hi, lo)
        return {"strides": cfg["strides"], "mode": mode, "kernel_dilation": cfg["kernel_dilation"], "pads": pads}

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        modes = b.modes or self.modes
        paddings: list[Any] = [m for m in ("SAME", "VALID", "CIRCULAR") if m in modes]
        if "EXPLICIT" in modes:
            paddings += list(b.padding.values())
            # [(p, p)] is the int p (Flax turns p into it)
            paddings += [[(lo, hi)] for lo, hi in itertools.product(b.padding.values(), b.padding.values()) if lo != hi]
        for k, s, p, d in itertools.product(b.kernel.values(), b.stride.values(), paddings, b.dilation.values()):
            yield {"kernel_size": k, "strides": s, "padding": p, "kernel_dilation": d}

    # -- explaining a call ---------------------------------------------------------------------

    def _canonical(self, p: Any) -> Any:
        """Flax's reading of the padding: a string, a one-axis pair (lo, hi), or None (refused)."""
        found = flax._canonical(p, 1)
        if found is None or isinstance(found, str):
            return found
        lo, hi = found[0]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
            return lo, hi
        return None

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        (k, s, d), p = self._numbers(cfg), cfg["padding"]  # type: ignore[misc]
        canon = self._canonical(p)
        if not isinstance(canon, tuple):
            return self._string_formula(n, cfg)
        lo, hi = canon
        length = max(0, (n - 1) * s + lo + hi - (d * (k - 1) + 1) + 2)
        rule, numbers = minus_extent_text(self.dilation, k, d, 2)
        if isinstance(p, int):
            return f"max(0, (n-1)·strides + 2·padding {rule})", f"max(0, ({n}-1)·{s} + 2·{p} {numbers}) = {length}"
        return (
            f"max(0, (n-1)·strides + lo + hi {rule}) for padding=[(lo, hi)]",
            f"max(0, ({n}-1)·{s} + {lo} + {hi} {numbers}) = {length}",
        )

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        """The ``flax.linen.Conv`` this call is the transpose of.

        The strings stay; stretched-input pads ``(lo, hi)`` transpose the forward pads
        ``(K-1-lo, K-1-hi)`` (an int when both sides are equal; negative ones crop).
        """
        numbers = self._numbers(cfg)
        if numbers is None:
            return None
        (k, s, d), p = numbers, cfg["padding"]
        canon = self._canonical(p)
        if canon is None:
            return None
        if isinstance(canon, str):
            if canon != "CIRCULAR" and canon.upper() not in jax.PADTYPES:
                return None
            padding: Any = canon
        else:
            K = d * (k - 1) + 1
            lo, hi = K - 1 - canon[0], K - 1 - canon[1]
            padding = lo if lo == hi else [(lo, hi)]
        args = {"kernel_size": k, "strides": s, "padding": padding, "kernel_dilation": d}
        shown = ", ".join(
            f"{x}={v!r}"
            for x, v in args.items()
            if x in ("kernel_size", "strides") or v != {"padding": "SAME"}.get(x, 1)
        )
        return f"{self.forward_operation}({shown})", lambda length: flax.conv_length(length, **args)
