"""For which input sizes a whole model runs, and what it outputs: derived from the rule table, proved by Z3.

:func:`propagate` runs every node's rule over symbolic shapes and collects each :class:`Check`.
:func:`analyse` answers per symbolic dim with the EXACT set of sizes >= 1 where every check holds,
as ``finite ∪ {v >= from : v mod modulus ∈ residues}``. The set is found soundly: the period comes
from the floor/ceiling denominators (composed through nesting), a concrete sweep over a window
gives a candidate, and Z3 proves ``∀v >= 1: condition(v) ⇔ v ∈ candidate``. Only unsat of that
negation prints "proved"; a refutation widens the window and tries again; a timeout is "unknown".
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from ..errors import DeriveError, ParameterError, UnsupportedExpressionError
from ..evaluate import evaluate
from . import rules as R
from .graph import NOT_MODELLED, Check, Graph, GraphError, Tensor, dim_symbol

# -- propagation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Propagated:
    """Every tensor's shape, every check in execution order, and the dims' symbols."""

    graph: Graph
    tensors: Mapping[str, Tensor]
    checks: tuple[Check, ...]
    symbols: Mapping[str, sp.Symbol]

    @property
    def outputs(self) -> dict[str, tuple[Any, ...]]:
        return {name: self.tensors[name].shape for name in self.graph.outputs}


def _input_tensor(dims: tuple[int | str, ...], symbols: dict[str, sp.Symbol]) -> Tensor:
    shape = []
    for d in dims:
        if isinstance(d, str):
            symbols.setdefault(d, dim_symbol(d))
            shape.append(symbols[d])
        else:
            shape.append(sp.Integer(d))
    return Tensor(tuple(shape))


def propagate(graph: Graph) -> Propagated:
    """Run each node's rule in order; a missing tensor or an unsupported op is a clear error."""
    symbols: dict[str, sp.Symbol] = {}
    given = [_input_tensor(dims, symbols) for _, dims in graph.inputs]
    tensors, checks = run(graph, given)
    return Propagated(graph, tensors, tuple(checks), symbols)


def run(graph: Graph, given: list[Tensor]) -> tuple[dict[str, Tensor], list[Check]]:
    """Every tensor and check of ``graph`` with its inputs bound to ``given`` (in order): :func:`propagate`'s
    walk, also how a cases node (:mod:`derive.net.cases`) runs a module's graph on its caller's shapes."""
    tensors: dict[str, Tensor] = dict(graph.constants)
    for (name, _), t in zip(graph.inputs, given, strict=True):
        tensors[name] = t
    checks: list[Check] = []
    for node in graph.nodes:
        fn = R.rule(graph.rules, node.op, node.name)
        inputs: list[Tensor | None] = []
        for name in node.inputs:
            if name == "":
                inputs.append(None)
            elif name not in tensors:
                raise GraphError(node.name, node.op, f"input '{name}' is produced by no earlier node")
            else:
                inputs.append(tensors[name])
        outs, found = fn(node, inputs)
        checks.extend(c for c in found if c.holds is not True and c.holds is not sp.true)
        for name, t in zip(node.outputs, outs, strict=False):
            if name:
                tensors[name] = t
    for name in graph.outputs:
        if name not in tensors:
            raise GraphError(graph.name, "graph", f"output '{name}' is produced by no node")
    return tensors, checks


# -- concrete evaluation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """The first check that fails at one size, with the runtime's message there."""

    values: dict[str, int]
    node: str
    op: str
    message: str
    error: str = ""


def _holds(check: Check, values: Mapping[sp.Symbol, int]) -> bool:
    if check.holds is False or check.holds is sp.false:
        return False
    try:
        return bool(evaluate(check.holds, values))
    except ZeroDivisionError:
        return False


def first_failure(p: Propagated, values: Mapping[str, int]) -> Failure | None:
    """The first failing check at ``values`` (dim name -> int), or None when the model runs."""
    at = {p.symbols[k]: v for k, v in values.items() if k in p.symbols}
    for c in p.checks:
        if not _holds(c, at):
            return Failure(dict(values), c.node, c.op, c.text(at), c.error)
    return None


def output_shapes(p: Propagated, values: Mapping[str, int]) -> dict[str, list[int]]:
    """Each output's shape at ``values`` (where the model runs)."""
    at = {p.symbols[k]: v for k, v in values.items() if k in p.symbols}
    result = {}
    for name, shape in p.outputs.items():
        dims = []
        for d in shape:
            v = evaluate(sp.sympify(d), at)
            dims.append(int(v))
        result[name] = dims
    return result


# -- eventually periodic sets --------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicSet:
    """``finite ∪ {v >= start : v mod modulus ∈ residues}`` over the integers >= 1 (start None: no periodic part)."""

    finite: tuple[int, ...]
    start: int | None
    modulus: int
    residues: tuple[int, ...]

    def __contains__(self, v: int) -> bool:
        if v in self.finite:
            return True
        return self.start is not None and v >= self.start and v % self.modulus in self.residues

    def condition(self, v: sp.Symbol) -> sp.Basic:
        parts: list[sp.Basic] = [sp.Eq(v, k) for k in self.finite]
        if self.start is not None:
            if self.modulus == 1:
                classes: sp.Basic = sp.true
            else:
                classes = sp.Or(*(sp.Eq(sp.Mod(v, self.modulus), r) for r in self.residues))
            parts.append(sp.And(sp.GreaterThan(v, self.start, evaluate=False), classes))
        return sp.Or(*parts) if parts else sp.false

    def smallest_outside(self) -> int | None:
        if self.start is not None and self.modulus == 1 and set(range(1, self.start)) <= set(self.finite):
            return None
        v = 1
        while v in self:
            v += 1
        return v

    def nearest(self, v: int, count: int = 3) -> list[int]:
        """Up to ``count`` members nearest to ``v`` (ties: the smaller first), in increasing order."""
        found: list[int] = []
        limit = v + 4 * (self.modulus + (self.start or 0)) + max(self.finite, default=0) + 2
        for d in range(0, limit):
            for c in (v - d, v + d) if d else (v,):
                if c >= 1 and c in self and c not in found:
                    found.append(c)
            if len(found) >= count:
                break
        return sorted(found[:count])

    def to_json(self) -> dict[str, Any]:
        return {
            "finite": list(self.finite),
            "from": self.start,
            "modulus": self.modulus,
            "residues": list(self.residues),
        }

    def text(self, name: str) -> str:
        parts = []
        if self.start is not None:
            if self.modulus == 1:
                periodic = f"{name} ≥ {self.start}"
            elif len(self.residues) == 1:
                periodic = f"{name} ≡ {self.residues[0]} mod {self.modulus}"
                periodic += f", {name} ≥ {self.start}" if self.start > 1 else ""
            else:
                res = ", ".join(map(str, self.residues))
                periodic = f"{name} mod {self.modulus} ∈ {{{res}}}"
                periodic = f"{name} ≥ {self.start} and {periodic}" if self.start > 1 else periodic
            parts.append(periodic)
        if self.finite:
            listed = ", ".join(map(str, self.finite))
            parts.insert(0, f"{name} ∈ {{{listed}}}")
        return " or ".join(parts) if parts else "never"


def _period(e: sp.Basic, v: sp.Symbol) -> tuple[int, frozenset[Fraction]]:
    """``(P, slopes)``: e(x + P) - e(x) = slope·P eventually, for one of ``slopes`` (each slope·P an integer)."""
    if not e.has(v):
        return 1, frozenset({Fraction(0)})
    if e == v:
        return 1, frozenset({Fraction(1)})
    if isinstance(e, sp.Add):
        p, slopes = 1, frozenset({Fraction(0)})
        for a in e.args:
            pa, sa = _period(a, v)
            p = math.lcm(p, pa)
            slopes = frozenset(x + y for x in slopes for y in sa)
        return p, slopes
    if isinstance(e, sp.Mul):
        const = [a for a in e.args if not a.has(v)]
        var = [a for a in e.args if a.has(v)]
        if len(var) == 1 and all(a.is_Rational for a in const):
            c = Fraction(int(sp.Mul(*const).p), int(sp.Mul(*const).q))
            p, s = _period(var[0], v)
            return _integral(p, frozenset(c * x for x in s))
        raise UnsupportedExpressionError(f"non-linear term {e} in {v}")
    if isinstance(e, (sp.floor, sp.ceiling)):
        return _integral(*_period(e.args[0], v))
    if isinstance(e, sp.Mod):
        a, m = e.args
        return _period(a - m * sp.floor(a / m, evaluate=False), v)
    if isinstance(e, sp.Piecewise):
        parts = [x for pair in e.args for x in pair]
    else:
        parts = list(e.args)
    p, slopes = 1, frozenset()
    for a in parts:
        if isinstance(a, sp.Basic) and not isinstance(a, sp.logic.boolalg.BooleanAtom):
            pa, sa = _period(a, v)
            p, slopes = math.lcm(p, pa), slopes | sa
    return p, slopes or frozenset({Fraction(0)})


def _integral(p: int, slopes: frozenset[Fraction]) -> tuple[int, frozenset[Fraction]]:
    """The least multiple of ``p`` over which every slope advances by an integer."""
    return p * math.lcm(1, *((s * p).denominator for s in slopes)), slopes


def _scale(e: sp.Basic) -> int:
    """A bound on the constants in ``e`` (where a piecewise behaviour can still change)."""
    total = 0
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.Rational):
            total += abs(int(node.p))
    return total


def _candidate(cond: sp.Basic, v: sp.Symbol, period: int, window: int) -> PeriodicSet:
    """The set agreeing with ``cond`` on 1..window, periodic with ``period`` over its last stretch."""
    values = [bool(_holds(Check(cond, "", "", ""), {v: x})) for x in range(1, window + 1)]
    residues = sorted({x % period for x in range(window - period + 1, window + 1) if values[x - 1]})
    start = window + 1
    while start > 1 and values[start - 2] == ((start - 1) % period in residues):
        start -= 1
    # the smallest modulus whose classes give the same residues
    for d in sorted(k for k in range(1, period + 1) if period % k == 0):
        coarse = sorted({r % d for r in residues})
        if sorted(r for r in range(period) if r % d in coarse) == residues:
            period, residues = d, coarse
            break
    finite = tuple(x for x in range(1, start) if values[x - 1])
    if not residues:
        return PeriodicSet(finite, None, 1, ())
    # begin the periodic part at its first member (H ≥ 7, not H ≥ 1, for {7, 8, 15, 16, ...})
    first = start
    while first % period not in residues:
        first += 1
    return PeriodicSet(finite, first, period, tuple(residues))


@dataclass(frozen=True)
class Proof:
    status: str  # "proved" | "unknown"
    reason: str | None = None


def exact_set(cond: sp.Basic, v: sp.Symbol, timeout: float = 10.0, tries: int = 4) -> tuple[PeriodicSet | None, Proof]:
    """The set of v >= 1 where ``cond`` holds, proved equal to ``cond`` for every v >= 1, or unknown."""
    from ..prover import Status, prove

    try:
        period, _ = _period(cond, v)
    except UnsupportedExpressionError as e:
        return None, Proof("unknown", f"no period: {e}")
    window = max(64, 4 * period + 2 * _scale(cond) + 8)
    last_reason = ""
    for _ in range(tries):
        candidate = _candidate(cond, v, period, window)
        verdict = prove(sp.Equivalent(cond, candidate.condition(v)), timeout=timeout, minimise=False)
        if verdict.status is Status.PROVED:
            return candidate, Proof("proved")
        if verdict.status is Status.UNKNOWN:
            return None, Proof("unknown", verdict.reason or "z3 gave up")
        cex = (verdict.counterexample or {}).get(v.name, window)
        last_reason = f"the sweep to {window} disagreed with the condition at {v.name} = {cex}"
        window = max(2 * window, cex + 2 * period + 1)
        period *= 2
    return None, Proof("unknown", last_reason)


# -- the answer ----------------------------------------------------------------------------------


_RELATIONS = {"==": "=", "!=": "≠", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}


class _Printer(StrPrinter):
    """SymPy's str with ⌊x⌋, ⌈x⌉, ``a mod m``, ≥ / ≤ / = / ≠, ``and`` / ``or``: the text output's formulas."""

    def _print_floor(self, e: sp.Basic) -> str:
        return f"⌊{self._print(sp.together(e.args[0]))}⌋"

    def _print_ceiling(self, e: sp.Basic) -> str:
        return f"⌈{self._print(sp.together(e.args[0]))}⌉"

    def _print_Mod(self, e: sp.Basic) -> str:
        a, m = (self.parenthesize(x, PRECEDENCE["Mul"], strict=True) for x in e.args)
        return f"{a} mod {m}"

    def _print_Relational(self, e: sp.Basic) -> str:
        op = _RELATIONS.get(e.rel_op, e.rel_op)
        return f"{self._print(e.lhs)} {op} {self._print(e.rhs)}"

    def _print_Piecewise(self, e: sp.Basic) -> str:
        # (2 if H = 1 else H): a piece taken at one size is printed at that size
        parts = []
        for expr, cond in e.args:
            if isinstance(cond, sp.Eq) and isinstance(cond.lhs, sp.Symbol) and cond.rhs.is_Integer:
                expr = expr.subs(cond.lhs, cond.rhs)
            parts.append((self._print(expr), None if cond is sp.true else self._print(cond)))
        text = " else ".join(f"{x} if {c}" if c is not None else x for x, c in parts)
        return f"({text})"

    def _print_And(self, e: sp.Basic) -> str:
        return " and ".join(self.parenthesize(a, PRECEDENCE["And"], strict=True) for a in e.args)

    def _print_Or(self, e: sp.Basic) -> str:
        return " or ".join(self.parenthesize(a, PRECEDENCE["Or"], strict=True) for a in e.args)


# 8*⌈H/8⌉ -> 8⌈H/8⌉: a number times a name, a floor or a bracket reads without the star
_IMPLICIT = re.compile(r"(?<![\w.])(\d+)\*(?=[A-Za-z_⌊⌈(])")
# ⌈H/8⌉*⌈W/8⌉ -> ⌈H/8⌉·⌈W/8⌉: a product of brackets
_DOT = re.compile(r"(?<=[⌉⌋)])\*(?=[⌈⌊(])")


def formula(e: Any) -> str:
    """An output dim or a condition as the text output prints it: ``8⌈H/8⌉``, ``H mod 8 = 0 and H ≥ 7``."""
    return _DOT.sub("·", _IMPLICIT.sub(r"\1", _Printer().doprint(readable(e))))


def readable(e: Any) -> sp.Basic:
    """The same value, read more easily: nested floors folded (:func:`simplify_dim`) and a floor that is a
    ceiling plus the constant beside it written as that ceiling: ``2⌊(H - 1)/2⌋ + 2`` as ``2⌈H/2⌉``
    (``⌊u/r⌋ = ⌈(u - r + 1)/r⌉`` for integer u and r > 0; kept a floor where the constants do not cancel)."""

    def as_ceiling(term: sp.Basic) -> tuple[sp.Basic, sp.Basic] | None:
        # term = a·⌊u/r⌋ -> (a·⌈x/r⌉, a·m) with ⌊u/r⌋ = ⌈x/r⌉ + m
        a, f = term.as_coeff_Mul()
        if not isinstance(f, sp.floor):
            return None
        num, den = sp.fraction(sp.together(f.args[0]))
        num = sp.expand(num)
        if not (den.is_Integer and den > 1 and num.is_integer):
            return None
        c, x = num.as_coeff_Add()
        if (c + 1) % den != 0:
            return None
        return a * sp.ceiling(x / den), a * ((c + 1) / den - 1)

    def ceil(node: sp.Basic) -> sp.Basic:
        if not node.args:
            return node
        node = node.func(*(ceil(a) for a in node.args))
        if isinstance(node, sp.floor) and (found := as_ceiling(node)) is not None and found[1] == 0:
            return found[0]
        if isinstance(node, sp.Add):
            k, terms = node.as_coeff_Add()
            parts = list(sp.Add.make_args(terms))
            for i, t in enumerate(parts):
                found = as_ceiling(t)
                if found is not None and found[1] + k == 0:
                    return sp.Add(*parts[:i], found[0], *parts[i + 1 :])
        return node

    return ceil(simplify_dim(e))


@dataclass(frozen=True)
class DimAnswer:
    name: str
    runs: PeriodicSet | None
    proof: Proof
    first_failure: Failure | None
    # other dims this one is coupled with (the joint condition is exact; no per-dim set is given)
    coupled: tuple[str, ...] = ()
    # a coupled dim: the set where the checks on it alone hold (proved), and the group's checks on several
    # dims that these sets do not already imply; together they are the joint condition (``joint`` says
    # whether that equivalence is proved)
    own: PeriodicSet | None = None
    cross: tuple[sp.Basic, ...] = ()
    joint: Proof | None = None
    # the sizes of this dim the rule table does not model (a check with error NOT_MODELLED fails: proved); the
    # set ``runs`` is exact at every other size
    unmodelled: PeriodicSet | None = None

    def to_json(self) -> dict[str, Any]:
        ff = self.first_failure
        out: dict[str, Any] = {
            "runs": self.runs.to_json() if self.runs is not None else None,
            "proof": self.proof.status,
            "first_failure": {
                "value": ff.values.get(self.name) if ff else None,
                "op": ff.op if ff else None,
                "node": ff.node if ff else None,
                "message": ff.message if ff else None,
            },
        }
        if self.proof.reason:
            out["reason"] = self.proof.reason
        if self.unmodelled is not None:
            out["not_modelled"] = self.unmodelled.to_json()
        if self.coupled:
            out["coupled"] = list(self.coupled)
            out["own"] = self.own.to_json() if self.own is not None else None
            out["cross"] = [str(c) for c in self.cross]
            out["joint_proof"] = self.joint.status if self.joint is not None else "unknown"
        return out

    def failure_text(self, dims: Mapping[str, Any]) -> str:
        """``smallest failure H = 1 (W = 4) at Conv_3 (Conv): <the runtime's message>``."""
        ff = self.first_failure
        if ff is None:
            return f"no {self.name} ≥ 1 fails"
        others = ", ".join(f"{n} = {v}" for n, v in ff.values.items() if n != self.name and n in dims)
        at = f"{self.name} = {ff.values[self.name]}" + (f" ({others})" if others else "")
        return f"smallest failure {at} at {ff.node} ({ff.op}): {ff.message}"


@dataclass(frozen=True)
class Attempt:
    """What happens at one size: the failure (or None) and the nearest sizes that run."""

    values: dict[str, int]
    failure: Failure | None
    nearest: dict[str, list[int]] = field(default_factory=dict)
    outputs: dict[str, list[int]] = field(default_factory=dict)
    # the dims the caller did not give, held at a size where they run
    held: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        ff = self.failure
        return {
            "values": self.values,
            "held": list(self.held),
            # None where derive does not model the size (its rules refuse to guess there)
            "runs": None if ff is not None and ff.error == NOT_MODELLED else ff is None,
            "failure": None if ff is None else {"node": ff.node, "op": ff.op, "message": ff.message},
            "nearest": self.nearest,
            "outputs": self.outputs,
        }

    def text(self) -> str:
        """``100 fails at concat_2 (50 vs 51); nearest that run: 96, 103, 104``, or the output shapes where it runs."""
        given = [n for n in self.values if n not in self.held]
        if len(self.values) == 1:
            (at,) = (str(v) for v in self.values.values())
        else:
            at = ", ".join(f"{n} = {self.values[n]}" for n in given)
            if self.held:
                at += " (" + ", ".join(f"{n} = {self.values[n]}" for n in self.held) + " held where it runs)"
        if self.failure is None:
            shapes = "; ".join(f"{name}: {list(shape)}" for name, shape in self.outputs.items())
            return f"{at} runs: {shapes}"
        ff = self.failure
        if ff.error == NOT_MODELLED:
            return f"{at}: not modelled at {ff.node} ({ff.message})"
        line = f"{at} fails at {ff.node} ({ff.message})"
        if not self.nearest:
            return line
        if len(self.nearest) == 1 and len(self.values) == 1:
            (near,) = self.nearest.values()
            return f"{line}; nearest that run: " + (", ".join(map(str, near)) or "none")
        parts = [f"{n} = " + (", ".join(map(str, near)) or "none") for n, near in self.nearest.items()]
        return f"{line}; nearest that run (the others as given): " + "; ".join(parts)


@dataclass(frozen=True)
class Answer:
    propagated: Propagated
    dims: dict[str, DimAnswer]
    condition: sp.Basic
    outputs: dict[str, tuple[Any, ...]]
    # output name -> {dim name: "proved" | "unknown"}: where the output dim equals the input dim wherever it runs
    preserves: dict[str, dict[str, str]] = field(default_factory=dict)
    # a size of every dim at which the model runs (empty when none was found): where attempt holds dims not given
    base: dict[str, int] = field(default_factory=dict)
    # where the rule table does not model the size (some NOT_MODELLED check fails): the sets, the condition and
    # the formulas say nothing there
    unmodelled: sp.Basic = sp.false

    def attempt(self, values: Mapping[str, int]) -> Attempt:
        """Run the model's checks at ``values``; where it fails, the nearest sizes of each failing dim that run."""
        for name, v in values.items():
            if name not in self.dims:
                raise ParameterError("values", f"must name the model's dims ({', '.join(self.dims)})", name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ParameterError(name, "must be a size >= 1", v)
        full = {name: values[name] if name in values else self._held(name) for name in self.dims}
        held = tuple(n for n in self.dims if n not in values)
        failure = first_failure(self.propagated, full)
        if failure is None:
            return Attempt(full, None, outputs=output_shapes(self.propagated, full), held=held)
        nearest = {}
        for name, v in values.items():
            d = self.dims[name]
            if d.runs is not None and d.proof.status == "proved":
                if v not in d.runs:
                    nearest[name] = d.runs.nearest(v)
            else:  # coupled (or unknown): the exact condition, evaluated with the other dims as given
                found = _nearest_concrete(self.propagated, full, name)
                if v not in found:
                    nearest[name] = found
        return Attempt(full, failure, nearest, held=held)

    def _held(self, name: str) -> int:
        if name in self.base:
            return self.base[name]
        return _member(self.dims[name].runs)

    def to_json(self) -> dict[str, Any]:
        out = {
            "dims": {name: d.to_json() for name, d in self.dims.items()},
            "condition": str(self.condition),
            "outputs": {name: [str(x) for x in shape] for name, shape in self.outputs.items()},
            "preserves": self.preserves,
            "rules": self.propagated.graph.rules,
        }
        if self.unmodelled is not sp.false:
            out["not_modelled"] = str(self.unmodelled)
        return out

    def text(self) -> str:
        """The answer as lines: per dim (or coupled group) its set and proof and smallest failure, each output's
        shape formula, and the dims the model preserves."""
        lines: list[str] = []
        done: set[str] = set()
        for name, d in self.dims.items():
            if name in done:
                continue
            done.add(name)
            if d.coupled:
                group = [n for n in self.dims if n == name or n in d.coupled]
                done.update(group)
                lines.extend(self._group_text(group))
                continue
            if d.runs is None:
                lines.append(f"{name}: unknown ({d.proof.reason or 'no reason given'})")
            elif d.runs.smallest_outside() is None and not d.runs.finite and d.runs.start == 1:
                lines.append(f"{name}: runs for every {name} ≥ 1 ({d.proof.status})")
            elif d.runs.start is None and not d.runs.finite:
                lines.append(f"{name}: runs for no {name} ≥ 1 ({d.proof.status})")
            else:
                lines.append(f"{name}: runs iff {d.runs.text(name)} ({d.proof.status})")
            if d.unmodelled is not None:
                lines[-1] += f" at the sizes derive models; not modelled: {_sizes_text(d.unmodelled, name)}"
            if d.first_failure is not None:
                lines[-1] += f"; {d.failure_text(self.dims)}"
        # a per-dim set is given where the sizes not modelled are one dim's own; else the condition, once
        if self.unmodelled is not sp.false and all(d.unmodelled is None for d in self.dims.values()):
            lines.append(f"not modelled where {formula(self.unmodelled)}: the sets above hold at every other size")
        for out, shape in self.outputs.items():
            lines.append(f"{out}: [{', '.join(formula(x) for x in shape)}]")
        for out, kept in self.preserves.items():
            names = ", ".join(n for n in self.dims if kept.get(n) == "proved")
            if names:
                lines.append(f"{out} preserves {names}: output size = input size wherever the model runs (proved)")
        return "\n".join(lines)

    def _group_text(self, group: list[str]) -> list[str]:
        """Coupled dims: each one's own set and the joint checks left, proved equal to the exact joint condition
        (else the joint condition as derived), then each dim's smallest failure."""
        first = self.dims[group[0]]
        if first.joint is not None and first.joint.status == "proved":
            lines = [f"{', '.join(group)} (coupled): runs iff all of (proved):"]
            for n in group:
                own = self.dims[n].own
                lines.append(f"  {n}: " + (own.text(n) if own is not None else f"any {n} ≥ 1"))
            lines.extend(f"  jointly: {formula(c)}" for c in first.cross)
        else:
            symbols = {self.propagated.symbols[n] for n in group}
            joint = sp.And(*[c for c in _conjuncts(self.propagated.checks) if c.free_symbols & symbols])
            lines = [f"{', '.join(group)} (coupled): runs iff {formula(joint)} (exact joint condition)"]
        lines.extend(f"  {self.dims[n].failure_text(self.dims)}" for n in group)
        return lines


def _nearest_concrete(
    p: Propagated, values: Mapping[str, int], name: str, count: int = 3, reach: int = 512
) -> list[int]:
    """Up to ``count`` sizes of ``name`` nearest to its value (the other dims as given) where every check holds."""
    v = values[name]
    found: list[int] = []
    for d in range(reach + 1):
        for c in (v - d, v + d) if d else (v,):
            if c >= 1 and c not in found and first_failure(p, {**values, name: c}) is None:
                found.append(c)
        if len(found) >= count:
            break
    return sorted(found[:count])


def _member(s: PeriodicSet | None) -> int:
    """A size that runs (to hold the other dims at while one is varied), 1 when none is known."""
    if s is None:
        return 1
    if s.finite:
        return s.finite[0]
    return s.start if s.start is not None else 1


def _conjuncts(checks: tuple[Check, ...]) -> list[sp.Basic]:
    out: list[sp.Basic] = []
    for c in checks:
        h = c.holds
        if h is True or h is sp.true:
            continue
        if h is False:
            h = sp.false
        out.extend(h.args if isinstance(h, sp.And) else (h,))
    return out


def _groups(conjuncts: list[sp.Basic], names: list[str]) -> list[set[str]]:
    """Dims joined by a conjunct that mentions several of them (union-find over conjuncts)."""
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    for c in conjuncts:
        used = sorted(s.name for s in c.free_symbols if s.name in parent)
        for other in used[1:]:
            parent[root(other)] = root(used[0])
    groups: dict[str, set[str]] = {}
    for n in names:
        groups.setdefault(root(n), set()).add(n)
    return list(groups.values())


def simplify_dim(e: Any) -> sp.Expr:
    """Fold nested floors: ⌊(⌊x⌋ + c)/r⌋ = ⌊(x + c)/r⌋ for integer c and r > 0 (likewise ceiling)."""
    e = sp.sympify(e)

    def fold(node: sp.Basic) -> sp.Basic:
        if not node.args:
            return node
        node = node.func(*(fold(a) for a in node.args))
        if isinstance(node, (sp.floor, sp.ceiling)):
            inner = node.args[0]
            for f in (sp.floor, sp.ceiling):
                if type(node) is not f:
                    continue
                # inner = (nested + c) * k  with nested a floor/ceiling of the same kind, c integer, k = 1/r
                num, den = sp.fraction(sp.together(inner))
                if den.is_Integer and den > 0:
                    nested = [a for a in sp.Add.make_args(sp.expand(num)) if isinstance(a, f)]
                    if len(nested) == 1:
                        rest = sp.expand(num) - nested[0]
                        if rest.is_integer:
                            return f((nested[0].args[0] + rest) / den)
        return node

    return fold(e)


def analyse(graph: Graph, timeout: float = 10.0) -> Answer:
    """The exact set of sizes per symbolic dim (proved), the joint condition, and each output's closed form."""
    p = propagate(graph)
    names = list(p.symbols)
    if not names:
        raise DeriveError(f"model '{graph.name}' has no symbolic dim: name one with --input (e.g. 1,3,H,W)")
    conjuncts = _conjuncts(p.checks)
    condition = sp.And(*conjuncts) if conjuncts else sp.true
    groups = _groups(conjuncts, names)
    unmodelled = _unmodelled(p.checks, timeout)
    dims: dict[str, DimAnswer] = {}
    sets: dict[str, PeriodicSet | None] = {}
    for group in groups:
        if len(group) == 1:
            (name,) = group
            v = p.symbols[name]
            mine = [c for c in conjuncts if v in c.free_symbols or not c.free_symbols]
            runs, proof = exact_set(sp.And(*mine) if mine else sp.true, v, timeout)
            sets[name] = runs
            dims[name] = DimAnswer(name, runs, proof, None)
        else:
            owns, cross, joint = _decompose(conjuncts, [p.symbols[n] for n in sorted(group)], timeout)
            if joint.status == "proved" and not cross:
                # every check on several dims is proved implied by the dims' own sets: they are independent
                for name in group:
                    sets[name] = owns[name]
                    dims[name] = DimAnswer(name, owns[name], Proof("proved"), None)
                continue
            for name in group:
                reason = "coupled with " + ", ".join(sorted(group - {name})) + ": see the joint condition"
                sets[name] = None
                others = tuple(sorted(group - {name}))
                dims[name] = DimAnswer(name, None, Proof("unknown", reason), None, others, owns[name], cross, joint)
    # a size where everything runs: each independent dim's least member, each coupled group's smallest joint size
    base = {n: _member(sets[n]) for n in names if sets[n] is not None}
    for group in groups:
        if len(group) > 1 and any(dims[n].coupled for n in group):
            base.update(_witness(conjuncts, [p.symbols[n] for n in sorted(group)], timeout))
    # the smallest failing size of each dim, the others held at a size that runs
    for name, d in dims.items():
        others = {n: base.get(n, 1) for n in names if n != name}
        value = d.runs.smallest_outside() if d.runs is not None else None
        if d.runs is None:
            value = next((x for x in range(1, 257) if first_failure(p, {**others, name: x}) is not None), None)
        failure = first_failure(p, {**others, name: value}) if value is not None else None
        v = p.symbols[name]
        unknown = None
        if unmodelled.free_symbols == {v}:  # the sizes not modelled are this dim's own: say which, proved
            found, proof = exact_set(unmodelled, v, timeout)
            unknown = found if proof.status == "proved" else None
        if failure is not None and failure.error == NOT_MODELLED:
            # a size derive does not model is no failure: the smallest that fails where the rules answer
            failure = next(
                (f for x in range(value + 1, 4097) if (f := first_failure(p, {**others, name: x})) is not None
                 and f.error != NOT_MODELLED),
                None,
            )  # fmt: skip
        dims[name] = DimAnswer(d.name, d.runs, d.proof, failure, d.coupled, d.own, d.cross, d.joint, unknown)
    dims = {n: dims[n] for n in names}  # the graph's order of dims, not the groups'
    outputs = {name: tuple(simplify_dim(x) for x in shape) for name, shape in p.outputs.items()}
    preserves = _preserves(outputs, p, condition, timeout)
    return Answer(p, dims, condition, outputs, preserves, base, unmodelled)


def _unmodelled(checks: tuple[Check, ...], timeout: float) -> sp.Basic:
    """Where the first check to fail (in execution order) is one marking sizes derive does not model: there
    the runtime's behaviour is unknown; where an earlier check fails, the model fails as the rules say. False
    only where Z3 proves no size reaches such a check failing."""
    from ..prover import prove

    cases, before = [], []
    for c in checks:
        holds = sp.true if c.holds is True else sp.false if c.holds is False else c.holds
        if c.error == NOT_MODELLED:
            cases.append(sp.And(*before, sp.Not(holds)))
        before.append(holds)
    where = sp.Or(*cases)
    if where is not sp.false and prove(sp.Not(where), timeout=timeout).proved:
        return sp.false
    return where


def _sizes_text(s: PeriodicSet, name: str) -> str:
    """A set of sizes, a run 1..k read as ``name ≤ k``."""
    if s.start is None and len(s.finite) > 3 and s.finite == tuple(range(s.finite[0], s.finite[-1] + 1)):
        low = "" if s.finite[0] == 1 else f"{s.finite[0]} ≤ "
        return f"{low}{name} ≤ {s.finite[-1]}"
    return s.text(name)


def _decompose(
    conjuncts: list[sp.Basic], symbols: list[sp.Symbol], timeout: float
) -> tuple[dict[str, PeriodicSet | None], tuple[sp.Basic, ...], Proof]:
    """Coupled dims' joint condition as each dim's own set (the checks on it alone, :func:`exact_set`) and the
    checks on several dims that the sets and the other such checks do not imply (each one dropped only when Z3
    proved it implied). The proof is "proved" when every own set was proved, so that the sets and the checks
    kept are exactly the joint condition."""
    from ..prover import Status, prove

    mine = set(symbols)
    owns: dict[str, PeriodicSet | None] = {}
    proofs: list[Proof] = []
    for v in symbols:
        alone = [c for c in conjuncts if c.free_symbols & mine == {v}]
        runs, proof = exact_set(sp.And(*alone) if alone else sp.true, v, timeout)
        owns[v.name] = runs
        proofs.append(proof)
    several = [c for c in conjuncts if len(c.free_symbols & mine) > 1]
    if any(pr.status != "proved" for pr in proofs):
        return owns, tuple(several), next(pr for pr in proofs if pr.status != "proved")
    sets = [owns[v.name].condition(v) for v in symbols]  # type: ignore[union-attr]
    kept = list(several)
    for c in several:
        rest = [k for k in kept if k is not c]
        verdict = prove(sp.Implies(sp.And(*sets, *rest), c), timeout=timeout, minimise=False)
        if verdict.status is Status.PROVED:
            kept = rest
    return owns, tuple(readable(c) for c in kept), Proof("proved")


def _witness(conjuncts: list[sp.Basic], symbols: list[sp.Symbol], timeout: float) -> dict[str, int]:
    """The smallest joint size of coupled dims where their conjuncts hold (Z3's minimised model), or {} if none."""
    from ..prover import Status, prove

    mine = [c for c in conjuncts if c.free_symbols & set(symbols)]
    verdict = prove(sp.Not(sp.And(*mine)), timeout=timeout)
    if verdict.status is not Status.REFUTED or not verdict.counterexample:
        return {}
    return {s.name: int(verdict.counterexample[s.name]) for s in symbols if s.name in verdict.counterexample}


def _preserves(
    outputs: dict[str, tuple[Any, ...]], p: Propagated, condition: sp.Basic, timeout: float
) -> dict[str, dict[str, str]]:
    """Output dims proved equal to an input dim wherever the model runs (size-preserving models)."""
    from ..prover import Status, prove

    found: dict[str, dict[str, str]] = {}
    for out, shape in outputs.items():
        for name, sym in p.symbols.items():
            for d in shape:
                if sym not in sp.sympify(d).free_symbols or d == sym:
                    if d == sym:
                        found.setdefault(out, {})[name] = "proved"
                    continue
                verdict = prove(sp.Implies(condition, sp.Eq(d, sym)), timeout=timeout, minimise=False)
                if verdict.status is Status.PROVED:
                    found.setdefault(out, {})[name] = "proved"
                    break
    return found
