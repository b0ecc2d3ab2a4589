"""Apache MXNet 1.x: ``mxnet.nd.Deconvolution`` on one axis as a parameter space.

``stride·(n-1) + dilate·(kernel-1) + 1 - 2·pad + adj`` with ``adj < stride`` (not ``< dilate``, unlike
torch). ``target_shape`` replaces pad and adj by derived ones; solve uses ``adj`` (families leave
``target_shape`` out), explain shows both. The two backends differ only with ``target_shape``: None
is MXNet's own rule (``MXNET_MKLDNN_ENABLED=0``, the same as its shape inference), ``"onednn"`` the
default pip build, whose kernel also needs the given pad to map the target back to ``n``.
"""

from __future__ import annotations

import itertools

from ...errors import FrameworkError
from ...inverse._search import adjust_span, stride_order, symmetric_dilations, symmetric_family
from ...inverse._space import Space
from ...inverse._values import Bounds, Dim, Found, Knob, Query
from .. import mxnet

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any


def _listing(values: list[int]) -> str:
    """``5..9``, ``2, 4, .., 12`` (every other one), ``2, 4, 6``, ``7`` or ``none``."""
    if not values:
        return "none"
    step = values[1] - values[0] if len(values) > 1 else 1
    if len(values) > 1 and step == 1:
        return f"{values[0]}..{values[-1]}"
    if len(values) > 4 and all(b - a == step for a, b in itertools.pairwise(values)):
        return f"{values[0]}, {values[1]}, .., {values[-1]}"
    return ", ".join(map(str, values))


class MxnetSpace(Space):
    """``mxnet.nd.Deconvolution``: ``stride·(n-1) + dilate·(kernel-1) + 1 - 2·pad + adj``, ``adj < stride``."""

    framework = "mxnet"
    operation = "mxnet.nd.Deconvolution"
    forward_operation = "mxnet.nd.Convolution"
    knobs = (
        Knob("kernel", "kernel", None, ">= 1"),
        Knob("stride", "stride", 1, ">= 1"),
        Knob("dilate", "dilation", 1, ">= 1"),
        Knob("pad", "padding", 0, ">= 0 (both sides)"),
        Knob("adj", "adjust", 0, "< stride"),
        Knob("target_shape", "target", None, "<= stride·(n-1) + dilate·(kernel-1) + 1 (stride 1: its parity)"),
    )
    backends: tuple[str | None, ...] = (None, "onednn")
    index_names = ("stride", "dilate", "adj")
    member_names = ("pad", "kernel")

    @property
    def onednn(self) -> bool:
        return self.backend == "onednn"

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return mxnet.conv_transpose_length(n, **cfg, onednn=self.onednn)

    def model(self) -> Any:
        return mxnet.DECONVOLUTION_ONEDNN if self.onednn else mxnet.DECONVOLUTION

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        p_hi = b.padding.hi
        u_min = max(b.kernel.lo - 1, 1)  # a dilated kernel has kernel >= 2
        if p_hi is None:
            s_hi = None
        elif n >= 2:
            s_hi = (out - 1 + 2 * p_hi) // (n - 1)  # d·u - 2·pad = out - 1 - adj - (n-1)·stride, d·u >= 0
        else:
            # n = 1: the stride only widens adj, so a large one fits iff the shortest length is <= out
            short = b.kernel.lo - 1 if 1 in b.dilation else b.dilation.lo * u_min
            s_hi = None if short + 1 - 2 * p_hi <= out else 0

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            s = ix["stride"]

            def fits(d: int) -> bool:  # adj 0 and 1: both parities of e where stride > 1
                return any(self.family(q, {"stride": s, "dilate": d, "adj": a}) is not None for a in range(min(s, 2)))

            return symmetric_dilations(b, out - 1 - (n - 1) * s, fits)

        def adjusts(ix: Mapping[str, Any]) -> Iterable[int]:
            s, d = ix["stride"], ix["dilate"]
            lo, hi = adjust_span(b, d, out - 1 - (n - 1) * s, 0, s - 1)
            return range(lo, hi + 1)

        return [
            Dim("stride", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("dilate", dilations, lambda ix: 1),
            Dim("adj", adjusts, lambda ix: 0),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, d, a = index["stride"], index["dilate"], index["adj"]
        return symmetric_family(q, {"stride": s, "dilate": d, "adj": a}, s, d, a, ("pad", "kernel"))

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        for k, s, d, p, a in itertools.product(
            b.kernel.values(), b.stride.values(), b.dilation.values(), b.padding.values(), range(b.stride.hi + 1)
        ):
            yield {"kernel": k, "stride": s, "dilate": d, "pad": p, "adj": a}

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        k, s, d, p, a, target = (cfg[x] for x in ("kernel", "stride", "dilate", "pad", "adj", "target_shape"))
        o = s * (n - 1) + d * (k - 1) + 1
        rule = "stride·(n-1) + dilate·(kernel-1) + 1"
        numbers = f"{s}·({n}-1) + {d}·({k}-1) + 1"
        if target is None or target == 0:  # 0 means "not set" to MXNet
            return f"{rule} - 2·pad + adj", f"{numbers} - 2·{p} + {a} = {o - 2 * p + a}"
        if self.onednn:
            rule = (
                "target_shape up to o = stride·(n-1) + K (K = dilate·(kernel-1) + 1) "
                "with trunc((target_shape + 2·pad - K)/stride) + 1 = n (oneDNN)"
            )
        else:
            rule = f"target_shape from 1 to o = {rule}" + (", of o's parity (stride 1)" if s == 1 else "")
        return rule, f"o = {numbers} = {o}: {_listing(self._accepted(n, cfg, o))}"

    def _accepted(self, n: int, cfg: Mapping[str, Any], o: int) -> list[int]:
        """The target_shape values this backend accepts (MXNet's own rule, or those oneDNN maps back to n)."""
        s, p = cfg["stride"], cfg["pad"]
        if not self.onednn:
            return list(range(o, 0, -1 if s > 1 else -2))[::-1]
        # oneDNN's forward needs target_shape + 2·pad within K - s .. K + s·n of o
        accepted = []
        for x in range(max(1, o - 2 * p - s), min(o, o - 2 * p + s) + 1):
            try:
                if self.call(n, {**cfg, "target_shape": x}) == x:
                    accepted.append(x)
            except FrameworkError:
                pass
        return accepted

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        args = {x: cfg[x] for x in ("kernel", "stride", "dilate", "pad")}
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in args.values()):
            return None
        return f"{self.forward_operation}({self.show(args)})", lambda length: mxnet.conv_length(length, **args)

    def adjust_values(self, cfg: Mapping[str, Any]) -> Iterable[int]:
        s = cfg["stride"]
        return range(s + 1) if isinstance(s, int) and not isinstance(s, bool) else ()
