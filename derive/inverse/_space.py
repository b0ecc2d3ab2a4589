"""The :class:`Space` every framework's space subclasses: knobs, index dimensions, the simplest-first walk and
closed-form families (the order is the package docstring's, :mod:`derive.inverse`)."""

from __future__ import annotations

from ..errors import FrameworkError, ParameterError
from ._values import Bounds, Budget, Dim, Family, Found, Knob, Query, Range

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

#: each Space class's knob names, in signature order (functools.cache would cost explain's start-up its import)
_ORDERS: dict[type, tuple[str, ...]] = {}


class Space:
    """A framework's transposed convolution as knobs, index dimensions and closed-form families."""

    framework: str = ""
    operation: str = ""
    knobs: tuple[Knob, ...] = ()
    # padding modes in simplest-first order (the default first); () when padding is an int
    modes: tuple[str, ...] = ()
    # the backends or implementations a caller may pick (None: the framework's own rule)
    backends: tuple[str | None, ...] = (None,)
    # the forward convolution whose preimage explain shows, e.g. "torch.nn.Conv1d"
    forward_operation: str = ""

    def __init__(self, backend: str | None = None) -> None:
        if backend not in self.backends:
            if self.backends == (None,):
                raise ParameterError("--backend", f"has no meaning for {self.framework}", backend)
            names = ", ".join("None" if b is None else b for b in self.backends)
            raise ParameterError("--backend", f"must be one of {names} for {self.framework}", backend)
        self.backend = backend

    # -- the framework ---------------------------------------------------------------------

    def call(self, n: int, cfg: Mapping[str, Any]) -> int:
        """The framework model's length for this configuration (raises FrameworkError where it refuses)."""
        raise NotImplementedError

    def role(self, role: str) -> str:
        """The framework's name for a knob role."""
        return next(k.name for k in self.knobs if k.role == role)

    def knob(self, role: str) -> Knob | None:
        """The knob with this role, if the framework has one."""
        return next((k for k in self.knobs if k.role == role), None)

    # whether the caller must pass the output length (tensorflow's output_shape): ports set it to the length
    needs_target: bool = False

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
    def _order(cls) -> tuple[str, ...]:
        order = _ORDERS.get(cls)
        if order is None:
            order = _ORDERS[cls] = tuple(k.name for k in cls.knobs)
        return order

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

    def all_families(self, q: Query, budget: Budget) -> list[Family]:
        """Every family within finite bounds in the order of :meth:`families`: one pass, then a sort by key.

        Listing everything, one walk over the index tuples (plain recursion, no generators) beats
        :meth:`families`' walk per number of changes, which exists so that a first page never visits the rest.
        """
        self.check_bounds(q.bounds)
        dims = self.dims(q)
        stride, rest, last = dims[0].name, dims[1:], len(dims) - 1
        scale, order, family = q.scale, self.order, self.family
        found: list[Family] = []

        def visit(i: int, index: dict[str, Any], changes: int) -> bool:
            dim = dims[i]
            plain = dim.plain(index)
            for value in dim.values(index):
                if not budget.spend():
                    return False
                index[dim.name] = value
                cost = changes + (dim.counts and value != plain)
                if i < last:
                    if not visit(i + 1, index, cost):
                        return False
                    continue
                hit = family(q, index)
                if hit is not None:
                    fixed, free, count = hit
                    s = index[stride]
                    key = (cost, abs(s - scale), s, *[d.order(index[d.name]) for d in rest], *[x[1] for x in free])
                    found.append(Family(tuple(fixed.items()), free, count, order, key))
            index.pop(dim.name, None)
            return True

        visit(0, {}, 0)
        found.sort(key=lambda f: f.key)
        return found

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

    # -- the brute-force baseline -------------------------------------------------------------

    def grid(self, bounds: Bounds, out: int) -> Iterator[dict[str, Any]]:
        """Every configuration within finite ``bounds``, without closed forms (what tests and benches compare to)."""
        raise NotImplementedError

    # -- explaining a call (derive.explain) -------------------------------------------------------

    def formula(self, n: int, cfg: Mapping[str, Any]) -> tuple[str, str]:
        """The length rule in the framework's names, and the same with this call's numbers and its value."""
        raise NotImplementedError

    def forward(self, cfg: Mapping[str, Any]) -> tuple[str, Callable[[int], int]] | None:
        """The forward convolution with the call's kernel, stride, padding and dilation: its call and its length.

        None where the call is malformed (a knob of the wrong type or an unknown mode): then explain
        reports only the framework's refusal.
        """
        raise NotImplementedError

    def adjust_values(self, cfg: Mapping[str, Any]) -> Iterable[int]:
        """The output paddings explain tries: every one up to the first the framework always refuses."""
        top = max(cfg[k.name] for k in self.knobs if k.role in ("stride", "dilation"))
        return range(top + 1)

    def call_text(self, cfg: Mapping[str, Any]) -> str:
        """The call as a user writes it."""
        return f"{self.operation}({self.show(cfg)})"

    def target_text(self, lengths: str) -> str:
        """How a caller passes the output length (explain's ways), e.g. ``output_shape=5..6``."""
        return f"{self.role('target')}={lengths}"

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
