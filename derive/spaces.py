"""Each framework's transposed convolution as a parameter space: its knobs, and its answers in closed form.

A space lists the knobs a caller sets (named as the framework spells them, with its defaults and
rules) and answers "which settings map an input length ``n`` to ``out``?" as *families*: settings that
share every *index* knob (stride, padding mode, dilation, output padding, explicit pads) and run
along one line in the rest, e.g. torch's ``kernel_size = 4 + 2t, padding = t``. For fixed kernel,
stride and dilation every transposed length here is affine in padding and output padding, so each
family is an arithmetic progression read off one linear equation (or one accepted interval): no
combination is tried and thrown away.

**Simplest first.** Configurations are ordered by the key
``(changes, |stride - scale|, stride, <index knobs in the space's order>, <free knobs>)``:

* ``changes``: how many index knobs differ from their plain value: the framework's default for
  the padding mode, dilation (1) and output padding, and for the stride the *scale factor*
  ``scale = max(1, out // n)`` (a stride equal to the scale factor is the natural upsampling);
* then the stride nearest the scale (the smaller of two equally near), then the remaining index
  knobs (mode in the framework's order, default first; dilation, output padding ascending);
* within a family, the free knobs ascending (padding, then kernel size).

Degenerate settings are left out: a dilation above 1 on a 1-wide kernel changes nothing.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import DeriveError, FrameworkError, ParameterError


class SolverError(RuntimeError):
    """A computed answer disagreed with the framework model: an internal error, never a result."""


@dataclass(frozen=True)
class Range:
    """The integers ``lo..hi`` a knob may take (``hi=None``: no upper end)."""

    lo: int
    hi: int | None = None

    def __post_init__(self) -> None:
        if self.hi is not None and self.hi < self.lo:
            raise ParameterError("range", "must have lo <= hi", f"{self.lo}..{self.hi}")

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and value >= self.lo and (self.hi is None or value <= self.hi)

    def __str__(self) -> str:
        if self.hi == self.lo:
            return str(self.lo)
        return f"{self.lo}..{'' if self.hi is None else self.hi}"

    def values(self, hi: int | None = None) -> Iterable[int]:
        """``lo, lo+1, ...`` up to ``hi`` and the range's own upper end (endless when both are None)."""
        top = _min(self.hi, hi)
        return itertools.count(self.lo) if top is None else range(self.lo, top + 1)


@dataclass(frozen=True)
class Bounds:
    """What the caller allows: a range per knob role (each side's padding for ``padding``) and the modes."""

    kernel: Range = Range(1)
    stride: Range = Range(1)
    dilation: Range = Range(1)
    padding: Range = Range(0)
    # padding modes as the framework spells them (None: every mode)
    modes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name, low in (("kernel", 1), ("stride", 1), ("dilation", 1), ("padding", 0)):
            r = getattr(self, name)
            if r.lo < low:
                rule = "must be >= 1" if low else "must be >= 0"
                raise ParameterError(name, rule, str(r))

    def __str__(self) -> str:
        ranges = ", ".join(f"{name} {getattr(self, name)}" for name in ("kernel", "stride", "dilation", "padding"))
        return ranges + ("" if self.modes is None else f", modes {'/'.join(self.modes)}")

    def relaxed(self) -> Bounds:
        """The same modes with every range open."""
        return Bounds(modes=self.modes)


@dataclass(frozen=True)
class Knob:
    """One argument of the framework call."""

    # as the framework spells it
    name: str
    # kernel, stride, dilation, padding, mode, adjust (output padding / size), target (output shape)
    role: str
    default: Any
    # the framework's rule, in words
    rule: str


@dataclass(frozen=True)
class Family:
    """Configurations equal in every knob but a line: ``member(t)`` for ``t = 0 .. count-1``."""

    # knob -> value, for the knobs fixed along the family
    fixed: tuple[tuple[str, Any], ...]
    # (knob, value at t = 0, step per t), in the order the members are sorted
    free: tuple[tuple[str, int, int], ...]
    # number of members; None when the line has no end
    count: int | None
    # the knob names in the framework's signature order (for members and printing)
    order: tuple[str, ...]
    # the simplest-first key of member(0) (members follow in t order)
    key: tuple[Any, ...] = ()

    def member(self, t: int) -> dict[str, Any]:
        if t < 0 or (self.count is not None and t >= self.count):
            raise IndexError(t)
        values = dict(self.fixed)
        values.update({name: start + step * t for name, start, step in self.free})
        return {name: values[name] for name in self.order if name in values}

    def members(self) -> Iterator[dict[str, Any]]:
        """Every member in order (endless when ``count`` is None)."""
        steps = itertools.count() if self.count is None else range(self.count)
        return (self.member(t) for t in steps)

    @property
    def first(self) -> dict[str, Any]:
        return self.member(0)


#: what a space's ``family`` returns: the fixed knobs, the free lines (knob, start, step), the count
Found = tuple[dict[str, Any], tuple[tuple[str, int, int], ...], int | None]


@dataclass(frozen=True)
class Dim:
    """One index knob, enumerated in simplest-first order given the knobs before it."""

    name: str
    values: Callable[[Mapping[str, Any]], Iterable[Any]]
    plain: Callable[[Mapping[str, Any]], Any]
    # this knob's part of the sort key
    order: Callable[[Any], Any] = lambda v: v
    # whether a non-plain value counts as a change
    counts: bool = True


@dataclass(frozen=True)
class Query:
    """One solve: input length, target length, bounds, and the scale factor the stride order centres on."""

    n: int
    out: int
    bounds: Bounds
    scale: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scale", max(1, self.out // self.n))


class Budget:
    """A cap on the index tuples one search may visit (it stops an endless search of an empty region)."""

    def __init__(self, steps: int) -> None:
        self.left = steps
        self.exhausted = False

    def spend(self) -> bool:
        self.left -= 1
        if self.left < 0:
            self.exhausted = True
        return not self.exhausted


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _ceildiv(a: int, b: int) -> int:
    return -((-a) // b)


def stride_order(scale: int, allowed: Range, hi: int | None) -> Iterator[int]:
    """Strides by distance from ``scale`` (the smaller first on a tie), within ``allowed`` and ``hi``."""
    top = _min(allowed.hi, hi)
    if top is not None and top < allowed.lo:
        return
    start = min(max(scale, allowed.lo), top) if top is not None else max(scale, allowed.lo)
    if start == scale:
        yield scale
    for dist in itertools.count(1):
        low, high = scale - dist, scale + dist
        low_ok = low >= allowed.lo and (top is None or low <= top)
        high_ok = high >= allowed.lo and (top is None or high <= top)
        if low_ok:
            yield low
        if high_ok:
            yield high
        if low < allowed.lo and top is not None and high > top:
            return


def progression(lo: int, hi: int | None, step: int = 1, residue: int | None = None) -> tuple[int, int | None] | None:
    """The first value >= lo (≡ residue mod step when given) and the member count up to hi; None if empty."""
    first = lo if residue is None else lo + ((residue - lo) % step)
    if hi is not None and first > hi:
        return None
    return first, None if hi is None else (hi - first) // step + 1


class Space:
    """A framework's transposed convolution as knobs, index dimensions and closed-form families."""

    framework: str = ""
    operation: str = ""
    knobs: tuple[Knob, ...] = ()
    # padding modes in simplest-first order (the default first); () when padding is an int
    modes: tuple[str, ...] = ()

    # -- the framework ---------------------------------------------------------------------

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        """The framework model's length for this configuration (raises FrameworkError where it refuses)."""
        raise NotImplementedError

    def role(self, role: str) -> str:
        """The framework's name for a knob role."""
        return next(k.name for k in self.knobs if k.role == role)

    def has(self, role: str) -> bool:
        return any(k.role == role for k in self.knobs) or (role == "padding" and "EXPLICIT" in self.modes)

    def finite(self, bounds: Bounds) -> bool:
        """Whether every range this framework uses has an upper end."""
        roles = ("kernel", "stride", "dilation", "padding")
        return all(getattr(bounds, r).hi is not None for r in roles if self.has(r))

    @property
    def order(self) -> tuple[str, ...]:
        return self._order()

    @classmethod
    @functools.cache
    def _order(cls) -> tuple[str, ...]:
        return tuple(k.name for k in cls.knobs)

    def show(self, cfg: Mapping[str, Any], always: tuple[str, ...] = ()) -> str:
        """``name=value`` for the knobs off their defaults (kernel and stride always), in signature order."""
        shown = []
        for k in self.knobs:
            if k.name not in cfg:
                continue
            v = cfg[k.name]
            if (k.role in ("kernel", "stride", "target") and v is not None) or k.name in always or v != k.default:
                shown.append(f"{k.name}={v!r}")
        return ", ".join(shown)

    def describe(self, fam: Family) -> str:
        """A family in one line: fixed knobs as values, free ones as ``start+step·t`` with t's range."""
        free = {name: (start, step) for name, start, step in fam.free}
        parts = []
        for k in self.knobs:
            if k.name in free:
                start, step = free[k.name]
                if fam.count == 1 and start == k.default and k.role != "kernel":
                    continue
                parts.append(k.name + _term(start, step, fam.count, len(fam.free) == 1))
            elif k.name in dict(fam.fixed):
                v = dict(fam.fixed)[k.name]
                if k.role in ("kernel", "stride", "target") or v != k.default:
                    parts.append(f"{k.name}={v!r}")
        text = ", ".join(parts)
        if len(fam.free) > 1 and fam.count != 1:
            text += "  (t >= 0)" if fam.count is None else f"  (t = 0..{fam.count - 1})"
        return text

    # -- the search --------------------------------------------------------------------------

    def check_bounds(self, bounds: Bounds) -> None:
        """Refuse bounds naming modes or knobs this framework does not have."""
        if bounds.modes is not None:
            if not self.modes:
                raise ParameterError(
                    "--mode", f"has no meaning for {self.framework}: its padding is an int", bounds.modes
                )
            bad = [m for m in bounds.modes if m not in self.modes]
            if bad:
                raise ParameterError("--mode", f"must be among {', '.join(self.modes)} for {self.framework}", bad[0])
        if bounds.padding != Range(0) and not self.has("padding"):
            raise ParameterError(
                "--padding", f"has no meaning for {self.framework}: its padding is a mode", str(bounds.padding)
            )

    def allowed_modes(self, q: Query) -> tuple[str, ...]:
        return tuple(m for m in self.modes if q.bounds.modes is None or m in q.bounds.modes)

    def dims(self, q: Query) -> list[Dim]:
        """The index knobs in key order; the first is always the stride."""
        raise NotImplementedError

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        """The members of one index tuple in closed form: fixed knobs, free lines, count (None: none)."""
        raise NotImplementedError

    def index_of(self, cfg: Mapping[str, Any]) -> dict[str, Any]:
        """The index knobs of a configuration (by default: the knobs of the same names)."""
        return {name: cfg[name] for name in self.index_names}

    index_names: tuple[str, ...] = ()
    # the free knobs, in the order members are sorted
    member_names: tuple[str, ...] = ()

    def key(self, q: Query, cfg: Mapping[str, Any], dims: list[Dim] | None = None) -> tuple[Any, ...]:
        """The simplest-first sort key of one configuration (see the module docstring)."""
        index = self.index_of(cfg)
        dims = self.dims(q) if dims is None else dims
        changes = sum(d.counts and index[d.name] != d.plain(index) for d in dims)
        s = index[dims[0].name]
        parts = tuple(d.order(index[d.name]) for d in dims[1:])
        return (changes, abs(s - q.scale), s, *parts, *(cfg[name] for name in self.member_names))

    def families(self, q: Query, budget: Budget) -> Iterator[Family]:
        """Every family in simplest-first order (lazily: the caller stops when it has enough)."""
        self.check_bounds(q.bounds)
        dims = self.dims(q)
        counting = [d for d in dims if d.counts]
        stride, rest = dims[0].name, dims[1:]
        for changes in range(len(counting) + 1):
            for index in self._walk(dims, 0, {}, changes, budget):
                found = self.family(q, index)
                if found is not None:
                    fixed, free, count = found
                    s = index[stride]
                    parts = [d.order(index[d.name]) for d in rest]
                    key = (changes, abs(s - q.scale), s, *parts, *(start for _, start, _ in free))
                    yield Family(tuple(fixed.items()), free, count, self.order, key)
            if budget.exhausted:
                return

    def _walk(
        self, dims: list[Dim], i: int, index: dict[str, Any], left: int, budget: Budget
    ) -> Iterator[dict[str, Any]]:
        if i == len(dims):
            if left == 0:
                yield dict(index)
            return
        dim = dims[i]
        later = sum(d.counts for d in dims[i + 1 :])
        plain = dim.plain(index)
        for value in dim.values(index):
            if not budget.spend():
                return
            cost = int(dim.counts and value != plain)
            rest = left - cost
            if rest < 0 or rest > later:
                if dim.counts and left == 0 and cost:
                    return  # plain values come first: nothing later can cost nothing
                continue
            index[dim.name] = value
            yield from self._walk(dims, i + 1, index, rest, budget)
            del index[dim.name]

    def make(self, fixed: dict[str, Any], free: tuple[tuple[str, int, int], ...], count: int | None) -> Found:
        return fixed, free, count

    # -- explaining a call -------------------------------------------------------------------

    def bind(self, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """The call's arguments with the defaults filled in (unknown names are refused)."""
        names = self.order
        unknown = [k for k in kwargs if k not in names]
        if unknown:
            raise ParameterError(
                f"--{unknown[0].replace('_', '-')}",
                f"is not an argument of {self.operation} (takes {', '.join(names)})",
                kwargs[unknown[0]],
            )
        cfg = {k.name: kwargs.get(k.name, k.default) for k in self.knobs}
        kernel = self.role("kernel")
        if cfg[kernel] is None:
            raise ParameterError(f"--{kernel.replace('_', '-')}", "is required", None)
        return cfg

    def model(self) -> Any:
        """The framework model's :class:`~derive.frameworks._model.Operation` for one axis."""
        raise NotImplementedError

    def extra(self) -> dict[str, Any]:
        """Arguments the space adds to every call (e.g. keras' backend)."""
        return {}

    def symbolic(self, n: Any, cfg: Mapping[str, Any]) -> tuple[Any, list[Any]]:
        """The length as a SymPy expression in ``n`` and the framework's requirements as SymPy Booleans."""
        op = self.model()
        args = op.bind(n, {**cfg, **self.extra()})
        return op.length(args), [r.holds(args) for r in op.requires]

    def refusal(self, n: int, cfg: Mapping[str, Any]) -> FrameworkError | None:
        try:
            self.call(n, cfg)
        except FrameworkError as e:
            return e
        return None


def _term(start: int, step: int, count: int | None, alone: bool) -> str:
    """``=4+2t``; a lone free knob as a range (``=1..4``, ``>=1``, ``=2,4..``)."""
    if count == 1:
        return f"={start}"
    if alone and step == 1:
        return f"={start}..{start + count - 1}" if count is not None else f">={start}"
    if alone:
        if count == 2:
            return f"={start},{start + step}"
        last = "" if count is None else start + step * (count - 1)
        return f"={start},{start + step}..{last}"
    base = "" if start == 0 else f"{start}+"
    return f"={base}{'' if step == 1 else step}t"


# ---------------------------------------------------------------------------------------------
# PyTorch


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
    )
    index_names = ("stride", "dilation", "output_padding")
    member_names = ("padding", "kernel_size")

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        from .frameworks import torch

        return torch.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        from .frameworks import torch

        return torch.CONV_TRANSPOSE1D

    def dims(self, q: Query) -> list[Dim]:
        n, out, b = q.n, q.out, q.bounds
        p_hi = b.padding.hi
        s_hi = None if n < 2 or p_hi is None else (out - 1 + 2 * p_hi) // (n - 1)
        u_lo = max(b.kernel.lo - 1, 1)  # a dilated kernel has k >= 2

        def dilations(ix: Mapping[str, Any]) -> Iterable[int]:
            if b.kernel.hi is not None and b.kernel.hi < 2:
                return [1] if 1 in b.dilation else []
            e0 = out - 1 - (n - 1) * ix["stride"]
            hi = None if p_hi is None else max(1, (e0 + 2 * p_hi) // u_lo)
            return b.dilation.values(hi)

        def adjusts(ix: Mapping[str, Any]) -> Iterable[int]:
            s, d = ix["stride"], ix["dilation"]
            e0 = out - 1 - (n - 1) * s
            hi = max(s, d) - 1
            if p_hi is not None:
                hi = min(hi, e0 - d * (b.kernel.lo - 1 if d == 1 else u_lo) + 2 * p_hi)
            lo = 0
            if b.kernel.hi is not None:
                lo = max(0, e0 - d * (b.kernel.hi - 1) + 2 * b.padding.lo)
            return range(lo, hi + 1)

        return [
            Dim("stride", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("dilation", dilations, lambda ix: 1),
            Dim("output_padding", adjusts, lambda ix: 0),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, d, a = index["stride"], index["dilation"], index["output_padding"]
        b = q.bounds
        # d·u - 2p = e with u = k - 1
        e = q.out - 1 - a - (q.n - 1) * s
        u_lo = max(b.kernel.lo - 1, 1 if d > 1 else 0, _ceildiv(e + 2 * b.padding.lo, d))
        u_hi = None if b.kernel.hi is None else b.kernel.hi - 1
        if b.padding.hi is not None:
            u_hi = _min(u_hi, (e + 2 * b.padding.hi) // d)
        if d % 2 == 0:
            if e % 2:
                return None
            found, step = progression(u_lo, u_hi), 1
        else:
            found, step = progression(u_lo, u_hi, 2, e % 2), 2
        if found is None:
            return None
        u0, count = found
        free = (("padding", (d * u0 - e) // 2, d * step // 2), ("kernel_size", u0 + 1, step))
        return self.make({"stride": s, "output_padding": a, "dilation": d}, free, count)


# ---------------------------------------------------------------------------------------------
# Keras 3 and Keras 2 (tf.keras): the same lengths, different texts and checks


class KerasSpace(Space):
    """``keras.layers.Conv1DTranspose``: valid ``(n-1)s + max(K, s)`` or ``+ K + op``; same ``ns`` or ``+ K%2 + op``."""

    framework = "keras"
    operation = "keras.layers.Conv1DTranspose"
    forward = "keras.layers.Conv1D"
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

    def __init__(self, backend: str | None = None) -> None:
        if backend not in self.backends:
            names = ", ".join("None" if b is None else b for b in self.backends)
            raise ParameterError("--backend", f"must be one of {names} for {self.framework}", backend)
        self.backend = backend

    @property
    def on_tf(self) -> bool:
        return self.backend == "tensorflow"

    def module(self) -> Any:
        from .frameworks import keras

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

    # the formula of one configuration, for explain: (symbolic, substituted) -> see derive.explain


class Keras2Space(KerasSpace):
    """``tf.keras.layers.Conv1DTranspose`` (Keras 2): Keras 3's lengths, tf_keras's checks and texts."""

    framework = "keras2"
    operation = "tf.keras.layers.Conv1DTranspose"
    forward = "tf.keras.layers.Conv1D"
    backends = (None, "tensorflow")

    def module(self) -> Any:
        from .frameworks import keras2

        return keras2


# ---------------------------------------------------------------------------------------------
# TensorFlow: the caller passes output_shape; the op accepts the forward preimage


class TensorflowSpace(Space):
    """``tf.nn.conv2d_transpose`` on one axis: ``output_shape`` is accepted when the forward conv maps it to n."""

    framework = "tensorflow"
    operation = "tf.nn.conv2d_transpose"
    forward = "tf.nn.conv2d"
    modes = ("SAME", "VALID", "EXPLICIT")
    knobs = (
        Knob("kernel_size", "kernel", None, ">= 1 (the filter's spatial size)"),
        Knob("output_shape", "target", None, "the forward conv maps it back to n"),
        Knob("strides", "stride", 1, ">= 1"),
        Knob("padding", "mode", "SAME", "'SAME', 'VALID' or a (lo, hi) pair"),
        Knob("dilations", "dilation", 1, "1 on CPU"),
    )
    index_names = ("strides", "mode", "pads", "dilations")
    member_names = ("kernel_size",)

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        from .frameworks import tensorflow

        return tensorflow.conv_transpose_length(n, **cfg)

    def model(self) -> Any:
        from .frameworks import tensorflow

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
        if n < 2:
            s_hi = None
        elif "EXPLICIT" in modes:
            s_hi = None if p_hi is None else (out - 1 + 2 * p_hi) // (n - 1)
        else:
            s_hi = (out - 1) // (n - 1)

        def pads(ix: Mapping[str, Any]) -> Iterable[tuple[int, int]]:
            if ix["mode"] != "EXPLICIT":
                return [(0, 0)]
            s = ix["strides"]
            # K in [out - n·s + 1 + P, out - (n-1)s + P] must meet [kernel.lo, kernel.hi]
            total_lo = max(2 * b.padding.lo, b.kernel.lo - out + (n - 1) * s)
            total_hi = None if p_hi is None else 2 * p_hi
            if b.kernel.hi is not None:
                total_hi = _min(total_hi, b.kernel.hi - out + n * s - 1)
            totals = Range(0, None).values(total_hi) if total_hi is None or total_hi >= 0 else []
            return (
                (total, lo)
                for total in totals
                if total >= total_lo
                for lo in range(max(b.padding.lo, total - (total if p_hi is None else p_hi)), _min(total, p_hi) + 1)
                if total - lo >= b.padding.lo
            )

        return [
            Dim("strides", lambda ix: stride_order(q.scale, b.stride, s_hi), lambda ix: q.scale),
            Dim("mode", lambda ix: modes, lambda ix: "SAME", self.modes.index),
            Dim("pads", pads, lambda ix: (0, 0), counts=False),
            Dim("dilations", lambda ix: [1] if 1 in b.dilation else [], lambda ix: 1),
        ]

    def family(self, q: Query, index: Mapping[str, Any]) -> Found | None:
        s, mode, (total, lo) = index["strides"], index["mode"], index["pads"]
        n, out, b = q.n, q.out, q.bounds
        if mode == "SAME":
            if not (n - 1) * s + 1 <= out <= n * s:
                return None
            found = progression(b.kernel.lo, b.kernel.hi)
        else:
            k_lo = max(b.kernel.lo, out - n * s + 1 + total)
            found = progression(k_lo, _min(b.kernel.hi, out - (n - 1) * s + total))
        if found is None:
            return None
        k0, count = found
        padding = (lo, total - lo) if mode == "EXPLICIT" else mode
        fixed = {"output_shape": out, "strides": s, "padding": padding, "dilations": 1}
        return self.make(fixed, (("kernel_size", k0, 1),), count)


# ---------------------------------------------------------------------------------------------

SPACES: dict[str, Callable[..., Space]] = {
    "torch": TorchSpace,
    "keras": KerasSpace,
    "keras2": Keras2Space,
    "tensorflow": TensorflowSpace,
}


def space(framework: str, backend: str | None = None) -> Space:
    """The parameter space of ``framework``'s transposed convolution (``backend`` for keras/keras2)."""
    from . import frameworks

    name = frameworks.ALIASES.get(framework.lower(), framework.lower())
    if name not in frameworks.NAMES:
        raise ParameterError("framework", f"must be one of {', '.join(frameworks.NAMES)}", framework)
    if name not in SPACES:
        raise ParameterError(
            "framework", f"is not covered by the queries yet (covered: {', '.join(SPACES)})", framework
        )
    if name in ("keras", "keras2"):
        return SPACES[name](backend)
    if backend is not None:
        raise ParameterError("--backend", f"has no meaning for {name}", backend)
    return SPACES[name]()


__all__ = [
    "Bounds",
    "Budget",
    "DeriveError",
    "Family",
    "Knob",
    "Query",
    "Range",
    "SolverError",
    "Space",
    "space",
]
