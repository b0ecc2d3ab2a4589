"""``derive net --compare``: one torch model's accepted sizes under three runtimes, side by side.

:func:`compare` (``module``, ``input_spec``) answers, per symbolic dim:

* ``eager``: derive's exact set under torch eager's rules (the torch.export graph read under the
  ``torch-eager`` table, proved);
* ``onnxruntime``: derive's exact set for the same model exported to ONNX (torch's TorchScript exporter,
  ``dynamic_axes`` named as in the spec, the exporter that needs no onnxscript) under onnxruntime's rules;
* ``export``: what torch.export itself says from its one sample: each dim given as ``Dim(name)``, its
  "Suggested fixes" (``H = 4*_H``, ``_H = Dim('_H', min=1)``) read from the constraint violation, then the
  model exported again with those fixes and the range constraints of that program read back (the sizes its
  program accepts; export may narrow the range again there, e.g. ``_H >= 2``).

Where two answers differ, :class:`DimComparison` lists the smallest differing sizes and the residues
(modulo the lcm of the moduli, beyond every set's start) on which they differ. ``text()`` is the CLI's
side-by-side text, ``to_json()`` its ``--json``. torch and onnx are imported only inside :func:`compare`.

CLI wiring (derive/net/cli.py): for a torch model ``derive net MODEL --input SPEC --compare`` builds the module
with ``frontends.torch.load_module(MODEL)`` and prints ``compare(module, SPEC).text()`` (or ``.to_json()``
with ``--json``); an ``.onnx`` MODEL has no module to compare and is refused with one line.
"""

from __future__ import annotations

import math
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DeriveError
from .analysis import PeriodicSet

#: the answers compared, in the order printed
SOURCES = ("eager", "onnxruntime", "export")
#: sizes 1..SPAN are compared one by one (the differing sizes listed come from there)
SPAN = 256
_SHOWN = 6


@dataclass(frozen=True)
class Side:
    """One runtime's answer for one dim: its set (None for a failure or a coupled dim) and how it was had."""

    runs: PeriodicSet | None
    how: str  # "proved", "unknown", "suggested fix", "export failed", ...
    note: str = ""

    def text(self, name: str) -> str:
        body = self.runs.text(name) if self.runs is not None else "no set"
        return f"{body} ({self.how}{': ' + self.note if self.note else ''})"

    def to_json(self) -> dict[str, Any]:
        return {"runs": self.runs.to_json() if self.runs is not None else None, "how": self.how, "note": self.note}


@dataclass(frozen=True)
class Difference:
    """Where two answers differ on one dim: the smallest differing sizes and the differing residues."""

    a: str
    b: str
    sizes: tuple[int, ...]  # the smallest sizes in 1..SPAN where exactly one of the two runs
    only_a: tuple[int, ...]  # among them, those that run under a only
    modulus: int
    residues: tuple[int, ...]  # residues mod modulus where they differ for every large size

    def text(self, name: str) -> str:
        shown = ", ".join(map(str, self.sizes[:_SHOWN])) + (", ..." if len(self.sizes) > _SHOWN else "")
        line = f"{self.a} vs {self.b}: differ at {name} = {shown}"
        if self.only_a:
            line += f" ({self.a} only: {', '.join(map(str, self.only_a[:_SHOWN]))})"
        if self.residues:
            line += f"; for large {name}, {name} mod {self.modulus} ∈ {{{', '.join(map(str, self.residues))}}}"
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "between": [self.a, self.b],
            "sizes": list(self.sizes[:_SHOWN]),
            "only_first": list(self.only_a[:_SHOWN]),
            "modulus": self.modulus,
            "residues": list(self.residues),
        }


@dataclass(frozen=True)
class DimComparison:
    name: str
    sides: dict[str, Side]
    differences: tuple[Difference, ...] = ()

    def text(self) -> str:
        width = max(len(s) for s in self.sides)
        lines = [f"{self.name}:"]
        lines += [f"  {src.ljust(width)}  {side.text(self.name)}" for src, side in self.sides.items()]
        lines += [f"  {d.text(self.name)}" for d in self.differences]
        if not self.differences:
            lines.append("  all agree")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            **{src: side.to_json() for src, side in self.sides.items()},
            "differences": [d.to_json() for d in self.differences],
        }


@dataclass(frozen=True)
class Comparison:
    """Per symbolic dim, the three answers and where they differ (``export_fix``: export's suggested fixes)."""

    spec: str
    dims: dict[str, DimComparison]
    export_fix: tuple[str, ...] = field(default=())

    def text(self) -> str:
        out = [d.text() for d in self.dims.values()]
        if self.export_fix:
            out.append("torch.export suggested: " + "; ".join(self.export_fix))
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.spec,
            "dims": {n: d.to_json() for n, d in self.dims.items()},
            "export_fix": list(self.export_fix),
        }


# ---------------------------------------------------------------- the differences


def _differ(a: str, sa: PeriodicSet | None, b: str, sb: PeriodicSet | None) -> Difference | None:
    if sa is None or sb is None:
        return None
    sizes = tuple(v for v in range(1, SPAN + 1) if (v in sa) != (v in sb))
    modulus = math.lcm(sa.modulus, sb.modulus)
    start = max(sa.start or 0, sb.start or 0, max(sa.finite, default=0) + 1, max(sb.finite, default=0) + 1)
    # past both starts (and every finite member) membership depends on v mod modulus only
    base = start + (-start) % modulus
    residues = tuple(sorted(v % modulus for v in range(base, base + modulus) if (v in sa) != (v in sb)))
    if not sizes and not residues:
        return None
    only_a = tuple(v for v in sizes if v in sa)
    return Difference(a, b, sizes, only_a, modulus, residues)


# ---------------------------------------------------------------- torch.export's own answer

_DIM = re.compile(r"^\s*(\w+) = Dim\('(\w+)'(?:, min=(-?\d+))?(?:, max=(\w+))?\)\s*$")
_DERIVED = re.compile(r"^\s*(\w+) = (?:(\d+)\*)?(\w+)(?: ([+-]) (\d+))?\s*$")
_FIXES = "Suggested fixes:"


def _fixes(message: str) -> tuple[list[str], dict[str, tuple[int | None, int | None]], dict[str, tuple[int, str, int]]]:
    """The suggested-fix lines of export's constraint violation: Dim ranges and derived dims (name -> (m, base, c))."""
    lines: list[str] = []
    ranges: dict[str, tuple[int | None, int | None]] = {}
    derived: dict[str, tuple[int, str, int]] = {}
    if _FIXES not in message:
        return lines, ranges, derived
    for line in message.split(_FIXES, 1)[1].splitlines():
        if not line.strip():
            if lines:
                break
            continue
        m = _DIM.match(line)
        d = _DERIVED.match(line) if m is None else None
        if m is None and d is None:
            break
        lines.append(line.strip())
        if m is not None:
            top = m.group(4)
            ranges[m.group(1)] = (
                int(m.group(3)) if m.group(3) else None,
                int(top) if top and top.isdigit() else None,
            )
        elif d is not None:
            c = int(d.group(5) or 0) * (-1 if d.group(4) == "-" else 1)
            derived[d.group(1)] = (int(d.group(2) or 1), d.group(3), c)
    return lines, ranges, derived


def _progression(m: int, c: int, lo: int | None, hi: int | None) -> PeriodicSet:
    """{m·k + c : lo <= k <= hi} ∩ {v >= 1}, as a PeriodicSet (hi None: unbounded)."""
    k0 = lo if lo is not None else -(10**9)
    k0 = max(k0, -((c - 1) // m))  # the least k with m·k + c >= 1
    if hi is not None:
        return PeriodicSet(tuple(m * k + c for k in range(k0, hi + 1)), None, 1, ())
    return PeriodicSet((), m * k0 + c, m, ((m * k0 + c) % m,) if m > 1 else (0,))


def _export_sets(module: Any, x: Any, dims: tuple[int | str, ...]) -> tuple[dict[str, Side], tuple[str, ...]]:
    """torch.export with ``Dim(name)`` per symbolic dim; its suggested fixes applied once; the program's ranges."""
    import torch
    from torch.export import Dim, export

    names = [d for d in dims if isinstance(d, str)]

    def attempt(shapes: dict[int, Any]) -> tuple[Any, str]:
        try:
            return export(module, (x,), dynamic_shapes=(shapes,), strict=False), ""
        except Exception as e:  # export's refusal: its text carries the suggested fixes
            return None, f"{type(e).__name__}: {e}"

    plain = {i: Dim(d) for i, d in enumerate(dims) if isinstance(d, str)}
    ep, message = attempt(plain)
    fix_lines: list[str] = []
    suggested: dict[str, PeriodicSet] = {}
    if ep is None:
        fix_lines, ranges, derived = _fixes(message)
        if not fix_lines:
            first = message.splitlines()[0][:300] if message else "no message"
            return {n: Side(None, "export failed", first) for n in names}, ()
        shapes: dict[int, Any] = {}
        bases: dict[str, Any] = {}
        for i, d in enumerate(dims):
            if not isinstance(d, str):
                continue
            if d in derived and derived[d][1].isdigit():  # "T = 128": export specialises the dim to one size
                suggested[d] = PeriodicSet((int(derived[d][1]),), None, 1, ())
                continue  # left static in the re-export
            if d in derived:
                m, base, c = derived[d]
                lo, hi = ranges.get(base, (None, None))
                suggested[d] = _progression(m, c, lo if lo is not None else 0, hi)
                if base not in bases:
                    kw = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
                    bases[base] = Dim(base, **kw)
                shapes[i] = m * bases[base] + c if c else m * bases[base]
            else:
                lo, hi = ranges.get(d, (None, None))
                suggested[d] = _progression(1, 0, lo if lo is not None else 1, hi)
                kw = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
                shapes[i] = Dim(d, **kw)
        ep, message = attempt(shapes)
    if ep is None:
        first = message.splitlines()[0][:300]
        return {n: Side(suggested.get(n), "suggested fix", "re-export with it failed: " + first) for n in names}, tuple(
            fix_lines
        )
    return _program_ranges(torch, ep, dims, suggested), tuple(fix_lines)


def _program_ranges(torch: Any, ep: Any, dims: tuple[int | str, ...], suggested: dict[str, PeriodicSet]) -> dict:
    """Each dim's sizes the exported program accepts: its shape expression m·s + c over s's range constraint."""
    import sympy as sp

    (x,) = [n for n in ep.graph.nodes if n.op == "placeholder" and n.name in ep.graph_signature.user_inputs]
    sides: dict[str, Side] = {}
    for d, got in zip(dims, x.meta["val"].shape, strict=True):
        if not isinstance(d, str):
            continue
        fix = suggested.get(d)
        note = f"suggested {fix.text(d)}" if fix is not None else ""
        if not isinstance(got, torch.SymInt):
            sides[d] = Side(PeriodicSet((int(got),), None, 1, ()), "export specialised", note)
            continue
        expr = sp.sympify(got.node.expr)
        (sym,) = expr.free_symbols
        vr = ep.range_constraints.get(sym)
        poly = sp.Poly(expr, sym)
        if poly.degree() != 1 or vr is None:
            sides[d] = Side(fix, "suggested fix", f"program shape {expr}")
            continue
        m, c = (int(v) for v in poly.all_coeffs())
        lo = int(vr.lower)
        try:
            hi: int | None = int(vr.upper)
        except (TypeError, ValueError, AttributeError, OverflowError):  # torch's int_oo: no bound
            hi = None
        # export's default upper bound (int_oo, or a large sentinel) means no bound
        hi = None if hi is not None and hi >= 2**20 else hi
        sides[d] = Side(_progression(m, c, lo, hi), "export's program", note)
    return sides


# ---------------------------------------------------------------- the entry point


def _sample(module: Any, dims: tuple[int | str, ...]) -> Any:
    from .frontends.torch import _import_torch
    from .frontends.torch import _sample as sample

    return sample(_import_torch(), module, dims)


def _export_onnx(module: Any, x: Any, dims: tuple[int | str, ...], path: Path) -> None:
    import torch

    dynamic = {i: d for i, d in enumerate(dims) if isinstance(d, str)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (x,),
            str(path),
            dynamo=False,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": dynamic},
            opset_version=17,
        )


def _derive_side(answer: Any, name: str) -> Side:
    d = answer.dims[name]
    return Side(d.runs, d.proof.status, d.proof.reason or "")


def compare(module: Any, input_spec: str, timeout: float = 10.0) -> Comparison:
    """Per symbolic dim of ``input_spec`` (e.g. "1,1,H,W"): eager torch, the exported ONNX on onnxruntime, and
    torch.export's own constraints, with the sizes where they differ."""
    from .analysis import analyse
    from .frontends import onnx as onnx_frontend
    from .frontends.onnx import parse_spec
    from .frontends.torch import from_torch

    dims = parse_spec(input_spec)
    names = [d for d in dims if isinstance(d, str)]
    if not names:
        raise DeriveError(f"input '{input_spec}' has no symbolic dim: name one (e.g. 1,3,H,W)")
    module = module.eval()
    sides: dict[str, dict[str, Side]] = {n: {} for n in names}
    try:
        eager = analyse(from_torch(module, input_spec), timeout)
        for n in names:
            sides[n]["eager"] = _derive_side(eager, n)
    except DeriveError as e:
        for n in names:
            sides[n]["eager"] = Side(None, "derive refused", str(e).splitlines()[0][:300])
    x = _sample(module, dims)
    with tempfile.TemporaryDirectory(prefix="derive-compare-") as folder:
        path = Path(folder) / "model.onnx"
        try:
            _export_onnx(module, x, dims, path)
        except Exception as e:  # the ONNX exporter's own refusal
            for n in names:
                sides[n]["onnxruntime"] = Side(None, "ONNX export failed", f"{type(e).__name__}: {e}".splitlines()[0])
        else:
            try:
                ort = analyse(onnx_frontend.load(str(path), None, "onnxruntime"), timeout)
                for n in names:
                    sides[n]["onnxruntime"] = _derive_side(ort, n)
            except DeriveError as e:
                for n in names:
                    sides[n]["onnxruntime"] = Side(None, "derive refused", str(e).splitlines()[0][:300])
    export_sides, fix = _export_sets(module, x, dims)
    out: dict[str, DimComparison] = {}
    for n in names:
        sides[n]["export"] = export_sides[n]
        found = []
        for i, a in enumerate(SOURCES):
            for b in SOURCES[i + 1 :]:
                diff = _differ(a, sides[n][a].runs, b, sides[n][b].runs)
                if diff is not None:
                    found.append(diff)
        out[n] = DimComparison(n, sides[n], tuple(found))
    return Comparison(input_spec, out, fix)
