"""``derive solve``: every configuration of a framework's transposed convolution that maps ``n`` to a target.

The answers come from the closed-form families of :mod:`derive.inverse`, simplest first (the order
is defined there), each checked against the framework model before it is returned. When nothing
fits, the result says which constraint blocks it and gives the nearest reachable lengths.

>>> s = solve("torch", 4, 16, limit=2)
>>> [a.text for a in s.answers]
['kernel_size=4+2t, stride=4, padding=t  (t >= 0)', 'kernel_size=3+2t, stride=4, padding=t, output_padding=1  (t >= 0)']
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .display import Displayed
from .errors import DeriveError, FrameworkError, ParameterError
from .inverse import Bounds, Budget, Family, Query, Range, SolverError, Space, space

#: index tuples one search may visit before it gives up (only an open-ended, nearly empty search gets there)
BUDGET = 2_000_000
#: how far from the target `nearest` looks on each side
NEAREST_SPAN = 64
#: when an open search gives up empty-handed, every open knob is capped here (or at 2·out) and searched again
CAP = 64


@dataclass(frozen=True)
class Answer:
    """One family of configurations that gives the target length."""

    family: Family
    space: Space = field(repr=False, compare=False)

    @functools.cached_property
    def text(self) -> str:
        """The family in one line, e.g. ``kernel_size=4+2t, stride=4, padding=t  (t >= 0)``."""
        return self.space.describe(self.family)

    @property
    def first(self) -> dict[str, Any]:
        """The simplest member, as framework keyword arguments."""
        return self.family.first

    @property
    def count(self) -> int | None:
        """How many configurations the family holds (None: endless)."""
        return self.family.count


@dataclass(frozen=True)
class Nearest:
    """A reachable length near an unreachable target, with its simplest configuration."""

    length: int
    configuration: dict[str, Any]
    text: str


@dataclass(frozen=True, repr=False)
class Solution(Displayed):
    """The answer to "which settings of FRAMEWORK map n to out?" for one axis."""

    framework: str
    operation: str
    n: int
    out: int
    bounds: Bounds
    answers: tuple[Answer, ...]
    # every answer within the bounds is listed (False: cut by the limit, or the search gave up)
    complete: bool
    # when nothing fits: the constraint that blocks it
    why: str | None = None
    # when nothing fits: the nearest reachable lengths below and above, with their configurations
    nearest: tuple[Nearest, ...] = ()
    # when the open search gave up before its first answer: the cap put on every open knob to find these
    capped: int | None = None

    @property
    def configurations(self) -> int | None:
        """The number of configurations listed (None when some family is endless)."""
        counts = [a.count for a in self.answers]
        return None if any(c is None for c in counts) else sum(counts)  # type: ignore[arg-type]


def verify(inverse: Space, n: int, out: int, fam: Family, every: bool = False) -> None:
    """Check a family with the framework model: its first member (the one shown), or every member."""
    if every:
        if fam.count is None:
            raise ParameterError("verify", "cannot check every member of an endless family", fam.free)
        steps: list[int] = list(range(fam.count))
    else:
        steps = [0]
    for t in steps:
        cfg = fam.member(t)
        try:
            got = inverse.call(n, cfg)
        except FrameworkError as e:
            raise SolverError(
                f"{inverse.operation}({inverse.show(cfg)}) on n={n} should give {out}; refused: {e}"
            ) from e
        if got != out:
            raise SolverError(
                f"{inverse.operation}({inverse.show(cfg)}) on n={n} should give {out}; the model gives {got}"
            )


def _families(inverse: Space, n: int, out: int, bounds: Bounds, budget: Budget) -> Iterator[Family]:
    return inverse.families(Query(n, out, bounds), budget)


def solve(
    framework: str | Space,
    n: int,
    out: int,
    bounds: Bounds | None = None,
    *,
    limit: int | None = 10,
    backend: str | None = None,
    verify_every: bool = False,
    explain_failure: bool = True,
) -> Solution:
    """Every configuration of ``framework`` that maps input length ``n`` to ``out``, simplest first.

    Args:
        framework: a framework name (``torch``, ``keras``, ``keras2``, ``tensorflow``) or a Space.
        n, out: input and target lengths (>= 1).
        bounds: ranges per knob and allowed modes; open ranges give endless families.
        limit: the number of answers (families) to return; None returns all, which needs finite bounds.
        backend: keras/keras2 backend (``None``: Keras' own shape; ``"tensorflow"``: the real TF call).
        verify_every: check every member with the model (finite families), not only a few per family.
        explain_failure: when nothing fits, find why and the nearest reachable lengths.

    Raises:
        ParameterError: bad lengths, bounds or limit, or a framework not covered.
    """
    inverse = framework if isinstance(framework, Space) else space(framework, backend)
    bounds = Bounds() if bounds is None else bounds
    for name, value in (("--n", n), ("--out", out)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ParameterError(name, "must be a positive integer", value)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ParameterError("--limit", "must be a positive integer", limit)  # nan or 2.5 would never be reached
    if limit is None and not inverse.finite(bounds):
        raise ParameterError("--all", "needs an upper bound on every knob (--max, or LO..HI ranges)", str(bounds))
    budget = Budget(BUDGET)
    answers: list[Answer] = []
    complete = True
    every = inverse.all_families(Query(n, out, bounds), budget) if limit is None else None
    for fam in every if every is not None else _families(inverse, n, out, bounds, budget):
        if limit is not None and len(answers) == limit:
            complete = False
            break
        verify(inverse, n, out, fam, every=verify_every)
        answers.append(Answer(fam, inverse))
    complete = complete and not budget.exhausted
    if budget.exhausted and not answers:
        # an endless knob at a level with no answers (say a parity that no stride fixes) never lets the walk reach
        # the next level: search again with every open knob capped, where every level ends
        cap = max(CAP, 2 * out)
        again = solve(
            inverse, n, out, bounds.capped(cap), limit=limit, verify_every=verify_every, explain_failure=False
        )
        if again.answers:
            return Solution(inverse.framework, inverse.operation, n, out, bounds, again.answers, False, capped=cap)
    why: str | None = None
    nearest: tuple[Nearest, ...] = ()
    if not answers and explain_failure:
        why = _why(inverse, n, out, bounds, budget.exhausted)
        nearest = _nearest(inverse, n, out, bounds)
    return Solution(inverse.framework, inverse.operation, n, out, bounds, tuple(answers), complete, why, nearest)


def _first(inverse: Space, n: int, out: int, bounds: Bounds, steps: int) -> Family | None:
    return next(iter(_families(inverse, n, out, bounds, Budget(steps))), None)


def _outside(inverse: Space, cfg: Mapping[str, Any], bounds: Bounds) -> list[str]:
    """The knobs of ``cfg`` outside ``bounds``, as ``name=value (outside lo..hi)``."""
    found = []
    for knob in inverse.knobs:
        value = cfg.get(knob.name)
        if knob.role in ("kernel", "stride", "dilation") and value not in getattr(bounds, knob.role):
            found.append(f"{knob.name}={value} (outside {getattr(bounds, knob.role)})")
        elif knob.role in ("padding", "mode") and value is not None:
            # an int or a (lo, hi) pair is explicit padding, checked side by side; a string is a mode
            explicit = not isinstance(value, str)
            sides = _ints(value)
            mode = "EXPLICIT" if explicit else value
            if knob.role == "mode" and bounds.modes is not None and mode not in bounds.modes:
                found.append(f"{knob.name}={value!r} (not among {', '.join(bounds.modes)})")
            elif explicit and not all(v in bounds.padding for v in sides):
                found.append(f"{knob.name}={value!r} (outside {bounds.padding})")
    return found


def _ints(value: Any) -> tuple[Any, ...]:
    """The pads inside an explicit padding: an int, a (lo, hi) pair, or jax's list of pairs."""
    if isinstance(value, (list, tuple)):
        return tuple(x for v in value for x in _ints(v))
    return (value,)


def _why(inverse: Space, n: int, out: int, bounds: Bounds, gave_up: bool) -> str:
    if gave_up:
        return f"the search gave up after {BUDGET} candidates: bound the knobs (--max) to search them all"
    if bounds != Bounds():
        fam = _first(inverse, n, out, Bounds(), BUDGET // 10)
        if fam is not None:
            cfg = fam.first
            return (
                f"no configuration within the bounds; the simplest without them, {inverse.show(cfg)}, "
                f"needs {'; '.join(_outside(inverse, cfg, bounds)) or 'a wider range'}"
            )
    shortest = getattr(inverse, "shortest", None)
    if shortest is not None and out < shortest(n):
        return inverse.shortest_rule(n)  # type: ignore[attr-defined]
    return f"no {inverse.operation} maps n={n} to {out}"


def _nearest(inverse: Space, n: int, out: int, bounds: Bounds) -> tuple[Nearest, ...]:
    found: list[Nearest] = []
    for direction in (-1, 1):
        for dist in range(1, NEAREST_SPAN + 1):
            length = out + direction * dist
            if length < 1:
                break
            fam = _first(inverse, n, length, bounds, BUDGET // 20)
            if fam is not None:
                found.append(Nearest(length, fam.first, inverse.show(fam.first)))
                break
    return tuple(found)


def solve_axes(
    framework: str,
    ns: tuple[int, ...],
    outs: tuple[int, ...],
    bounds: Bounds | None = None,
    **options: Any,
) -> tuple[Solution, ...]:
    """:func:`solve` per axis (one length per axis in ``ns`` and ``outs``; equal axes are solved once)."""
    if len(outs) == 1 and len(ns) > 1:
        outs = outs * len(ns)
    if len(ns) == 1 and len(outs) > 1:
        ns = ns * len(outs)
    if len(ns) != len(outs):
        raise ParameterError("--out", f"must have 1 or {len(ns)} comma-separated values (one per axis)", outs)
    done: dict[tuple[int, int], Solution] = {}
    for n, out in zip(ns, outs, strict=True):
        if (n, out) not in done:
            done[n, out] = solve(framework, n, out, bounds, **options)
    return tuple(done[n, out] for n, out in zip(ns, outs, strict=True))


_ASCII_INT = re.compile(r"[+-]?[0-9]+")


def parse_range(name: str, text: str, low: int) -> Range:
    """``4`` -> 4..4, ``1..64`` -> 1..64, ``2..`` -> 2.. (open), as a :class:`Range` of integers >= ``low``."""
    lo_text, sep, hi_text = text.partition("..")
    if any(t and not _ASCII_INT.fullmatch(t) for t in (lo_text, hi_text)) or not (lo_text or sep):
        # ASCII only: int() also takes '٣', ' 4' and '1_0'
        raise ParameterError(name, "must be an integer or a range LO..HI", text)
    lo = int(lo_text) if lo_text else low
    hi = (int(hi_text) if hi_text else None) if sep else lo
    if lo < low:
        raise ParameterError(name, f"must be >= {low}", text)
    if hi is not None and hi < lo:
        raise ParameterError(name, "must be a range LO..HI with LO <= HI", text)
    return Range(lo, hi)


# -- for every n ---------------------------------------------------------------------------------------

#: the input lengths a symbolic target is solved at (the first where it is >= 1), and checked on before proving
SYMBOLIC_REFERENCE = 8
SYMBOLIC_CHECK = range(1, 25)


@dataclass(frozen=True)
class Every:
    """One family's length as a formula in ``n`` and whether it equals the target for every ``n`` (proved)."""

    answer: Answer
    # the family's length in n (t: the family's step, where it matters)
    length: Any
    # proved: the framework accepts every member at every n of the domain and gives the target
    verdict: Any

    @property
    def every(self) -> bool:
        return self.verdict is not None and self.verdict.proved


@dataclass(frozen=True, repr=False)
class SymbolicSolution(Displayed):
    """The answer to "which settings of FRAMEWORK give ``out(n)`` for EVERY n in the domain?"."""

    framework: str
    operation: str
    out: Any
    domain: str
    answers: tuple[Every, ...]
    # families tried (at the reference n) before these were found
    tried: int
    complete: bool


def parse_target(text: str) -> Any:
    """``2*n``, ``2*n - 1``: a target length in ``n`` (a SymPy integer expression), or ParameterError."""
    import sympy as sp

    from . import parsing

    n = _n()
    try:
        expr = parsing.parse(text, {"n": n})
    except (DeriveError, SyntaxError, TypeError, ValueError) as e:
        raise ParameterError("--out", f"must be an integer or a formula in n such as 2*n ({e})", text) from None
    if not isinstance(expr, sp.Expr) or not expr.free_symbols <= {n} or expr.is_integer is not True:
        raise ParameterError("--out", "must be an integer-valued formula in n such as 2*n or 2*n - 1", text)
    return expr


def _n() -> Any:
    import sympy as sp

    return sp.Symbol("n", integer=True, positive=True)


def _family_claim(sp_: Space, fam: Family, out: Any, hyps: list[Any]) -> tuple[Any, Any]:
    """The family's length in n (and t) and the prover's verdict on "every member gives out(n), accepted"."""
    import sympy as sp

    from .prover import prove

    n = _n()
    t = sp.Symbol("t", integer=True, nonnegative=True)
    cfg = dict(fam.fixed)
    line = fam.count != 1
    for name, start, step in fam.free:
        cfg[name] = start + step * t if line else start
    cfg = {k: cfg[k] for k in fam.order if k in cfg}
    if sp_.needs_target:
        cfg[sp_.role("target")] = out
    length, accepts = sp_.symbolic(n, cfg)
    assume = [*hyps, *([t < fam.count] if line and fam.count is not None else [])]
    goal = sp.And(*[c for c in accepts if c is not True and c != sp.true], sp.Eq(length, out))
    return length, prove(goal, assume, timeout=5.0)


def _formula(sp_: Space, fam: Family, hyps: list[Any], out: Any) -> tuple[Any, Any]:
    try:
        return _family_claim(sp_, fam, out, hyps)
    except (DeriveError, TypeError, AttributeError):
        return None, None


def solve_every(framework: str | Space, out: Any, bounds: Bounds | None = None, *, limit: int | None = 10,
                backend: str | None = None) -> SymbolicSolution:  # fmt: skip
    """Every family of ``framework`` that gives ``out`` (a formula in n) for every n >= 1 with out(n) >= 1, proved.

    The families come from :func:`solve` at one reference n (simplest first); those whose length is not
    ``out`` for every n (proved with Z3, every member of the family at once) are left out.
    """
    import sympy as sp

    sp_ = framework if isinstance(framework, Space) else space(framework, backend)
    n = _n()
    if isinstance(out, str):
        out = parse_target(out)
    hyps = [] if (out - 1).is_nonnegative else [out >= 1]
    n0 = next((m for m in range(SYMBOLIC_REFERENCE, SYMBOLIC_REFERENCE + 64) if int(out.subs(n, m)) >= 1), None)
    if n0 is None:
        raise ParameterError("--out", "must be >= 1 for some n", str(out))
    domain = " and ".join(["n >= 1", *(str(h) for h in hyps)])
    slope = sp.diff(out, n)
    if not (slope.is_Integer and slope >= 1 and sp.diff(slope, n) == 0):
        raise ParameterError(
            "--out", "must be a·n + b with an integer a >= 1 (a transposed length is (n-1)·stride + c)", str(out)
        )
    bounds = Bounds() if bounds is None else bounds
    if int(slope) not in bounds.stride:
        raise ParameterError("--stride", f"must allow {slope}, the slope of {out}", str(bounds.stride))
    # the length's slope in n is the stride: pin it, so the walk never lists another stride's families
    pinned = Bounds(bounds.kernel, Range(int(slope), int(slope)), bounds.dilation, bounds.padding, bounds.modes)
    found: list[Every] = []
    tried = 0
    sol = solve(sp_, n0, int(out.subs(n, n0)), pinned, limit=None if sp_.finite(pinned) else 200,
                explain_failure=False)  # fmt: skip
    for a in sol.answers:
        if limit is not None and len(found) == limit:
            return SymbolicSolution(sp_.framework, sp_.operation, out, domain, tuple(found), tried, False)
        tried += 1
        if not _hits_everywhere(sp_, a.family.first, out):
            continue
        length, verdict = _formula(sp_, a.family, hyps, out)
        if verdict is not None and verdict.proved:
            fam = a.family
            if sp_.needs_target:  # the caller's output length is the formula itself
                target = sp_.role("target")
                fam = Family(tuple((k, out if k == target else v) for k, v in fam.fixed), fam.free, fam.count,
                             fam.order, fam.key)  # fmt: skip
            found.append(Every(Answer(fam, sp_), length, verdict))
    return SymbolicSolution(sp_.framework, sp_.operation, out, domain, tuple(found), tried, sol.complete)


def _hits_everywhere(sp_: Space, cfg: Mapping[str, Any], out: Any) -> bool:
    """A quick numeric filter before the prover: the simplest member gives out(n) on the first lengths."""
    n = _n()
    for m in SYMBOLIC_CHECK:
        want = int(out.subs(n, m))
        if want < 1:
            continue
        c = {**cfg, sp_.role("target"): want} if sp_.needs_target else cfg
        try:
            if sp_.call(m, c) != want:
                return False
        except FrameworkError:
            return False
    return True


def every_n(sol: Solution) -> list[tuple[str, bool]]:
    """For a numeric solution: each answer's length in n, and whether it is the target's scale for every n
    (``out = (out/n)·n``, proved for the whole family), or the target only at this n."""
    import sympy as sp

    n = _n()
    marks = []
    scaled = sp.Rational(sol.out, sol.n) * n
    for a in sol.answers:
        length, verdict = _formula(a.space, a.family, [], scaled)
        if a.space.needs_target:
            length = None  # the caller passes the length: it is whatever output_shape says
        proved = bool(verdict is not None and verdict.proved)
        marks.append((None if length is None else str(scaled if proved else length), proved))
    return marks


def native_ranges(framework: str, backend: str | None, flags: list[str]) -> tuple[dict[str, str], list[str]]:
    """``--kernel-size 1..8 --strides 2 --padding same`` (the framework's own names, as explain and port take them)
    as solve's ranges by role (``kernel``: ``1..8``) and allowed modes; unknown names are refused."""
    sp_ = space(framework, backend)
    ranges: dict[str, str] = {}
    modes: list[str] = []
    it = iter(flags)
    for token in it:
        name = token[2:].replace("-", "_") if token.startswith("--") else None
        knob = next((k for k in sp_.knobs if k.name == name), None)
        if knob is None:
            takes = ", ".join("--" + k.name.replace("_", "-") for k in sp_.knobs if k.role in SEARCHED)
            raise ParameterError(token, f"is not a knob solve searches for {sp_.operation} (takes {takes}, or "
                                        "--kernel/--stride/--dilation/--padding/--mode; see 'derive solve --help')",
                                 token)  # fmt: skip
        if knob.role not in SEARCHED:
            raise ParameterError(token, f"is not searched by solve ({knob.role}); see 'derive solve --help'", token)
        value = next(it, None)
        if value is None:
            raise ParameterError(token, "needs a value", None)
        if knob.role == "mode" and not value.replace("..", "").isdigit():
            modes.append(value)
        else:
            role = "padding" if knob.role == "mode" else knob.role
            if role in ranges:
                raise ParameterError(token, f"is given twice (as {role})", value)
            ranges[role] = value
    return ranges, modes


#: the knob roles solve searches (and takes ranges for)
SEARCHED = ("kernel", "stride", "dilation", "padding", "mode")
