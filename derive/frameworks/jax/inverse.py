"""JAX: ``jax.lax.conv_transpose`` on one axis as a parameter space.

Lengths (see :mod:`derive.frameworks.jax`): ``'SAME'`` gives ``n·s``, ``'VALID'`` ``(n-1)s + max(K, s)``,
``'SAME_LOWER'`` (accepted only at ``strides=1``, where lax runs a forward convolution) ``n``, and
explicit pads ``[(lo, hi)]`` of the stride-stretched input ``max(0, (n-1)s + lo + hi - K + 2)``, or,
with ``use_consistent_padding=True``, forward-convolution pads: ``max(0, (n-1)s + K - lo - hi)``.
A target is >= 1, so the clamp never matters: the unclamped length equals the target. Neither
reading refuses non-negative pads that reach a target >= 1 (the stretched input plus the pads lax
receives is then at least 1), and pads are non-negative here (``Bounds.padding``).

Explicit pads are a pair, not an integer knob, so they are an index knob ``(lo + hi, lo)``, as in
the tensorflow space; for fixed strides, dilation and pads the length fixes ``K``, so each explicit
family holds one kernel size, and the pads are enumerated straight from the kernels that fit.

Left out: ``transpose_kernel`` (it flips the kernel, no effect on the length);
``use_consistent_padding=True`` with ``'SAME'``/``'VALID'`` (no effect either: a degenerate setting);
the lower-case strings ``'same'``/``'valid'``/``'same_lower'`` (accepted at ``strides=1`` only, where
lax runs them as a forward convolution: ``'same'`` repeats ``'SAME_LOWER'``, ``'valid'`` gives
``n - K + 1``, the explicit ``[(0, 0)]``); negative pads (JAX accepts them, ``Bounds`` does not).
"""

from __future__ import annotations

import itertools

from ..._record import record, replace
from ...inverse._search import progression, stride_order
from ...inverse._space import Space
from ...inverse._values import Bounds, Budget, Dim, Found, Knob, Query, _ceildiv, _min
from .. import jax

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

#: an unbounded end of an interval
Open = int | None


@record
class Aware(Dim):
    """An index dimension whose values are the ones worth walking when ``left`` changes remain (None: any number)."""

    within: Callable[[Mapping[str, Any], int | None], Iterable[Any]] = lambda ix, left: ()


def extent_bounds(b: Bounds) -> tuple[int, Open]:
    """The least and greatest dilated kernel extent ``K = d(k-1)+1`` the bounds allow (None: no greatest)."""
    k_hi, d_hi = b.kernel.hi, b.dilation.hi
    if k_hi is not None and k_hi < 2:
        return b.kernel.lo, 1
    return b.kernel.lo, None if k_hi is None or d_hi is None else d_hi * (k_hi - 1) + 1


def stride_cap(n: int, lo: Open, hi: Open) -> Open:
    """The largest stride with ``(n-1)·s`` in ``lo..hi`` (None: no largest; 0: none).

    At ``n = 1`` the stride drops out: every stride fits or none does.
    """
    if n == 1:
        fits = (lo is None or lo <= 0) and (hi is None or hi >= 0)
        return None if fits else 0
    return None if hi is None else max(0, hi // (n - 1))


def widest(*caps: Open) -> Open:
    return None if any(c is None for c in caps) else max(caps, default=0)  # type: ignore[type-var]


def _sub(a: Open, b: Open) -> Open:
    return None if a is None or b is None else a - b


def _add(a: Open, b: Open) -> Open:
    return None if a is None or b is None else a + b


def upto(lo: int, hi: Open) -> Iterable[int]:
    """``lo..hi`` (endless when hi is None; empty when hi < lo)."""
    return itertools.count(lo) if hi is None else range(lo, hi + 1)


def kernels(b: Bounds, d: int, k_lo: int, k_hi: Open) -> tuple[int, Open]:
    """The ``u = kernel_size - 1`` range for dilation d with ``K = d·u + 1`` in ``k_lo..k_hi`` (u_hi < u_lo: none)."""
    u_lo = max(b.kernel.lo - 1, 1 if d > 1 else 0, _ceildiv(k_lo - 1, d))
    u_hi = _min(None if b.kernel.hi is None else b.kernel.hi - 1, None if k_hi is None else (k_hi - 1) // d)
    return u_lo, u_hi


def pairs(total: int, b: Bounds) -> range:
    """The ``lo`` of every pad pair ``(lo, total - lo)`` with both sides within the padding bounds."""
    p_lo, p_hi = b.padding.lo, b.padding.hi
    return range(max(p_lo, total - (total if p_hi is None else p_hi)), _min(total - p_lo, p_hi) + 1)


def extent_text(dilation: str, k: int, d: int, plus: int = 0) -> tuple[str, str]:
    """``K + plus`` in the framework's names and with the numbers (``kernel_size`` alone at dilation 1)."""
    if d == 1:
        rule, numbers, extra = "kernel_size", str(k), plus
    else:
        rule, numbers, extra = f"{dilation}·(kernel_size-1)", f"{d}·({k}-1)", plus + 1
    tail = "" if extra == 0 else f" + {extra}" if extra > 0 else f" - {-extra}"
    return rule + tail, numbers + tail


def minus_extent_text(dilation: str, k: int, d: int, plus: int) -> tuple[str, str]:
    """``- K + plus`` in the framework's names and with the numbers."""
    if d == 1:
        rule, numbers, extra = "kernel_size", str(k), plus
    else:
        rule, numbers, extra = f"{dilation}·(kernel_size-1)", f"{d}·({k}-1)", plus - 1
    tail = "" if extra == 0 else f" + {extra}" if extra > 0 else f" - {-extra}"
    return f"- {rule}{tail}", f"- {numbers}{tail}"


class JaxSpace(Space):
    """``jax.lax.conv_transpose``: ``n·s``, ``(n-1)s + max(K, s)``, or explicit pads that add to the length."""

    framework = "jax"
    operation = "jax.lax.conv_transpose"
    forward_operation = "jax.lax.conv_general_dilated"
    modes = ("SAME", "VALID", "SAME_LOWER", "EXPLICIT")
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1 (the spatial size of the kernel array rhs)"),
        Knob("strides", "stride", 1, ">= 1"),
        Knob(
            "padding",
            "mode",
            None,
            "required: 'SAME', 'VALID', 'SAME_LOWER' (strides 1 only) or [(lo, hi)], pads of the stretched input",
        ),
        Knob("rhs_dilation", "dilation", 1, ">= 1 (None: 1)"),
        Knob("transpose_kernel", "flag", False, "flips the kernel: no effect on the length"),
        Knob("use_consistent_padding", "flag", False, "True: [(lo, hi)] are the forward convolution's pads"),
    )
    index_names = ("strides", "rhs_dilation", "mode", "use_consistent_padding", "pads")
    member_names = ("kernel_size",)
    # names of the dilation and the consistent-padding switch (flax has no switch)
    dilation = "rhs_dilation"
    consistent: str | None = "use_consistent_padding"
    # the modes giving n·s for every kernel, and the mode accepted only at strides 1 (giving n)
    periodic: tuple[str, ...] = ("SAME",)
    unit: str | None = "SAME_LOWER"

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        return jax.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        return jax.CONV_TRANSPOSE

    # -- the search ----------------------------------------------------------------------------

    def _window(self, q: Query, s: int, consistent: bool) -> tuple[int, int, Open]:
        """For explicit pads at stride s: ``c`` with ``K = c + lo + hi``, and the extents K the padding bounds allow."""
        b = q.bounds
        c = q.out - (q.n - 1) * s if consistent else (q.n - 1) * s + 2 - q.out
        return c, max(1, c + 2 * b.padding.lo), None if b.padding.hi is None else c + 2 * b.padding.hi

    def _caps(self, q: Query, modes: tuple[str, ...]) -> Callable[[int | None], Open]:
        """The largest stride worth walking when ``rest`` changes remain besides the stride's (None: any)."""
        n, out, b = q.n, q.out, q.bounds
        plain = out // n  # a mode string never gives less than n·s (SAME_LOWER: n at strides 1)
        if "EXPLICIT" not in modes:
            return lambda rest: 0 if rest is not None and rest < 1 else plain
        k_lo, k_hi = extent_bounds(b)
        p_lo, p_hi = 2 * b.padding.lo, None if b.padding.hi is None else 2 * b.padding.hi
        # (n-1)s = out - 2 - P + K with stretched pads (K = kernel_size at dilation 1), out + P - K with consistent ones
        low = _sub(out - 2 + k_lo, p_hi)
        one = stride_cap(n, low, _add(out - 2 - p_lo, b.kernel.hi))
        caps = [plain, stride_cap(n, low, _add(out - 2 - p_lo, k_hi))]
        if self.consistent is not None:
            caps.append(stride_cap(n, _sub(out + p_lo, k_hi), _add(out - k_lo, p_hi)))
        full = widest(*caps)

        def cap(rest: int | None) -> Open:
            # off the scale with nothing else changed, SAME gives n·s != out; one more change: a mode at dilation 1
            if rest is None or rest >= 2:
                return full
            return 0 if rest < 1 else widest(plain, one)

        return cap

    def dims(self, q: Query) -> list[Dim]:
        b = q.bounds
        modes = self.allowed_modes(q)
        cap = self._caps(q, modes)

        def strides(ix: Mapping[str, Any], left: int | None) -> Iterable[int]:
            top = cap(None if left is None else left - 1)
            return stride_order(q.scale, b.stride, None if top is None else max(top, q.scale))

        def dilations(ix: Mapping[str, Any], left: int | None) -> Iterable[int]:
            if b.kernel.hi is not None and b.kernel.hi < 2:
                return [1] if 1 in b.dilation else []
            top = self._dilation_cap(q, modes, ix["strides"], left)
            return b.dilation.values(None if top is None else max(1, top))

        def mode_values(ix: Mapping[str, Any]) -> Iterable[str]:
            return [m for m in modes if m != self.unit or ix["strides"] == 1]

        def switches(ix: Mapping[str, Any]) -> Iterable[bool]:
            return [False, True] if ix["mode"] == "EXPLICIT" else [False]

        def pads(ix: Mapping[str, Any]) -> Iterable[Any]:
            return self._pads(q, ix) if ix["mode"] == "EXPLICIT" else [self.no_pads]

        found = [
            Aware("strides", lambda ix: strides(ix, None), lambda ix: q.scale, within=strides),
            Aware(self.dilation, lambda ix: dilations(ix, None), lambda ix: 1, within=dilations),
            Dim("mode", mode_values, lambda ix: "SAME", self.modes.index),
        ]
        if self.consistent is not None:
            found.append(Dim(self.consistent, switches, lambda ix: False))
        found.append(Dim("pads", pads, lambda ix: self.no_pads, self.pads_order, counts=False))
        return found

    def _dilation_cap(self, q: Query, modes: tuple[str, ...], s: int, left: int | None) -> Open:
        """The largest dilation worth walking at stride s when ``left`` changes remain, a dilation above 1 being one.

        A dilated kernel has ``K >= d + 1``; the modes bound K, and with it d, except where the length
        ignores K (SAME, CIRCULAR, SAME_LOWER) or explicit pads can grow with it.
        """
        n, out = q.n, q.out
        rest = None if left is None else left - 1
        caps: list[Open] = []
        if rest is not None and rest < 0:
            return 1
        if n * s == out and "SAME" in modes:
            caps.append(None)
        if rest is None or rest >= 1:
            for mode in modes:
                if mode in self.periodic or mode == self.unit:
                    if n * s == out and (mode != self.unit or s == 1):
                        caps.append(None)
                elif mode == "VALID" and out >= n * s:
                    caps.append((s if out == n * s else out - (n - 1) * s) - 1)  # K <= s, or K = out - (n-1)s
                elif mode == "EXPLICIT":
                    switches = [False] + ([True] if self.consistent and (rest is None or rest >= 2) else [])
                    for consistent in switches:
                        _, k_lo, k_hi = self._window(q, s, consistent)
                        caps.append(None if k_hi is None else k_hi - 1 if k_hi >= k_lo else 0)
        return widest(*caps) if caps else 1

    # the pads index of a mode string, and the pads' part of the sort key
    no_pads: Any = (0, 0)

    @staticmethod
    def pads_order(pads: Any) -> Any:
        return pads

    def _pads(self, q: Query, ix: Mapping[str, Any]) -> Iterable[Any]:
        """The explicit pads ``(lo + hi, lo)`` that fit some kernel: each kernel fixes the total, split every way."""
        d = ix[self.dilation]
        c, k_lo, k_hi = self._window(q, ix["strides"], ix.get(self.consistent, False))
        u_lo, u_hi = kernels(q.bounds, d, k_lo, k_hi)
        return ((d * u + 1 - c, lo) for u in upto(u_lo, u_hi) for lo in pairs(d * u + 1 - c, q.bounds))

    def _walk(
        self, dims: list[Dim], i: int, index: dict[str, Any], left: int, budget: Budget
    ) -> Iterator[dict[str, Any]]:
        dim = dims[i] if i < len(dims) else None
        if isinstance(dim, Aware):
            # the strides and dilations worth walking depend on the changes left: off the plain value an
            # endless range is productive only while a change remains for a mode or explicit pads
            bound = replace(dim, values=lambda ix: dim.within(ix, left))
            dims = [*dims[:i], bound, *dims[i + 1 :]]
        return super()._walk(dims, i, index, left, budget)

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        mode = index["mode"]
        if mode == "EXPLICIT":
            return self._explicit(q, index)
        s, d = index["strides"], index[self.dilation]
        n, out = q.n, q.out
        u_lo, u_hi = kernels(q.bounds, d, 1, None)
        if mode in self.periodic:
            found = progression(u_lo, u_hi) if n * s == out else None
        elif mode == self.unit:
            found = progression(u_lo, u_hi) if s == 1 and n == out else None
        elif out == n * s:  # VALID: K <= s
            found = progression(u_lo, _min(u_hi, (s - 1) // d))
        else:  # VALID: K = out - (n-1)s
            found = self._single(q, d, out - (n - 1) * s) if out > n * s else None
        if found is None:
            return None
        u0, count = found
        return self._found(index, mode, (("kernel_size", u0 + 1, 1),), count)

    def _single(self, q: Query, d: int, K: int) -> tuple[int, int] | None:
        """The one kernel size with extent K at dilation d, as (u = kernel_size - 1, 1), if the bounds allow it."""
        u, r = divmod(K - 1, d)
        b = q.bounds
        if K < 1 or r or u < b.kernel.lo - 1 or (d > 1 and u < 1) or (b.kernel.hi is not None and u >= b.kernel.hi):
            return None
        return u, 1

    def _found(
        self, index: Mapping[str, Any], padding: Any, free: tuple[tuple[str, int, int], ...], count: int | None
    ) -> Found:
        fixed = {"strides": index["strides"], "padding": padding, self.dilation: index[self.dilation]}
        if self.consistent is not None:
            fixed[self.consistent] = index[self.consistent]
        return fixed, free, count

    def _explicit(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        """The one kernel of explicit pads ``(total, lo)``: ``K = c + total``."""
        total, lo = index["pads"]
        c, _, _ = self._window(q, index["strides"], index.get(self.consistent, False))
        found = self._single(q, index[self.dilation], c + total)
        if found is None:
            return None
        return self._found(index, [(lo, total - lo)], (("kernel_size", found[0] + 1, 1),), 1)

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        p = cfg["padding"]
        explicit = not isinstance(p, str)
        index = {
            "strides": cfg["strides"],
            "mode": "EXPLICIT" if explicit else p,
            self.dilation: cfg[self.dilation],
            "pads": (p[0][0] + p[0][1], p[0][0]) if explicit else (0, 0),
        }
        if self.consistent is not None:
            index[self.consistent] = cfg[self.consistent]
        return index

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        b = bounds
        modes = b.modes or self.modes
        # use_consistent_padding changes nothing on a mode string: only explicit pads get both readings
        paddings: list[tuple[Any, bool]] = [(m, False) for m in ("SAME", "VALID", "SAME_LOWER") if m in modes]
        if "EXPLICIT" in modes:
            for lo, hi in itertools.product(b.padding.values(), b.padding.values()):
                paddings += [([(lo, hi)], False), ([(lo, hi)], True)]
        for k, s, (p, u), d in itertools.product(b.kernel.values(), b.stride.values(), paddings, b.dilation.values()):
            yield {"kernel_size": k, "strides": s, "padding": p, "rhs_dilation": d, "use_consistent_padding": u}

    # -- explaining a call ---------------------------------------------------------------------

    def _explicit_pair(self, p: Any) -> tuple[int, int] | None:
        """The (lo, hi) of a well-formed one-axis explicit padding ``[(lo, hi)]``, else None."""
        if isinstance(p, (list, tuple)) and len(p) == 1 and isinstance(p[0], (list, tuple)) and len(p[0]) == 2:
            lo, hi = p[0]
            if all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
                return lo, hi
        return None

    def _numbers(self, cfg: Mapping[str, Any]) -> tuple[int, int, int] | None:
        """Kernel size, stride and dilation as positive ints (None means 1, as in JAX), or None if malformed."""
        k, s, d = cfg["kernel_size"], cfg["strides"], cfg[self.dilation]
        values = (k, 1 if s is None else s, 1 if d is None else d)
        if all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values):
            return values
        return None

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        (k, s, d), p = self._numbers(cfg), cfg["padding"]  # type: ignore[misc]
        K = d * (k - 1) + 1
        pair = self._explicit_pair(p)
        if p in ("SAME", "VALID") or pair is None:
            return self._string_formula(n, cfg)
        lo, hi = pair
        if cfg.get("use_consistent_padding"):
            rule, numbers = extent_text(self.dilation, k, d)
            return (
                f"max(0, (n-1)·strides + {rule} - lo - hi) for padding=[(lo, hi)]",
                f"max(0, ({n}-1)·{s} + {numbers} - {lo} - {hi}) = {max(0, (n - 1) * s + K - lo - hi)}",
            )
        rule, numbers = minus_extent_text(self.dilation, k, d, 2)
        return (
            f"max(0, (n-1)·strides + lo + hi {rule}) for padding=[(lo, hi)]",
            f"max(0, ({n}-1)·{s} + {lo} + {hi} {numbers}) = {max(0, (n - 1) * s + lo + hi - K + 2)}",
        )

    def _string_formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        """The length of a padding string (the strings other than SAME/VALID: lax's forward convolution)."""
        (k, s, d), p = self._numbers(cfg), cfg["padding"]  # type: ignore[misc]
        if p in self.periodic:
            return "n·strides", f"{n}·{s} = {n * s}"
        if p == "VALID":
            rule, numbers = extent_text(self.dilation, k, d)
            K = d * (k - 1) + 1
            return (
                f"(n-1)·strides + max({rule}, strides)",
                f"({n}-1)·{s} + max({numbers}, {s}) = {(n - 1) * s + max(K, s)}",
            )
        length = self.call(n, cfg)  # at strides 1 only (else the refusal, which explain reports)
        if str(p).upper() == "VALID":
            rule, numbers = minus_extent_text(self.dilation, k, d, 1)
            return f"max(0, n {rule}) (a forward convolution)", f"max(0, {n} {numbers}) = {length}"
        return "n (a forward convolution: padding strings other than 'SAME'/'VALID' need strides 1)", f"{n} = {length}"

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        """The forward convolution this call is the transpose of.

        ``'SAME'``/``'VALID'`` (and the strings lax runs as a forward convolution) keep the string.
        Consistent pads are the forward pads themselves; stretched-input pads ``(lo, hi)`` transpose
        the forward convolution with pads ``(K-1-lo, K-1-hi)`` (negative ones crop; lax accepts them).
        """
        numbers = self._numbers(cfg)
        if numbers is None:
            return None
        (k, s, d), p = numbers, cfg["padding"]
        pair = self._explicit_pair(p)
        if isinstance(p, str):
            if p.upper() not in jax.PADTYPES:
                return None
            padding: Any = p
        elif pair is None:
            return None
        elif cfg.get("use_consistent_padding"):
            padding = [pair]
        else:
            K = d * (k - 1) + 1
            padding = [(K - 1 - pair[0], K - 1 - pair[1])]
        args = {"kernel_size": k, "window_strides": s, "padding": padding, "rhs_dilation": d}
        shown = ", ".join(f"{x}={v!r}" for x, v in args.items() if x != "rhs_dilation" or v != 1)
        return f"{self.forward_operation}({shown})", lambda length: jax.conv_length(length, **args)
