"""The proof catalogue: load proof scripts, decide their claims (in parallel), and report.

A proof script is a plain Python file (a framework's ``derive/frameworks/<key>/claims.py``, or one under
``proofs/``) that defines ``CLAIMS`` (a list of
:class:`~derive.claims.Claim`) and ends with ``if __name__ == "__main__": raise SystemExit(main(CLAIMS))``
(``main`` from :mod:`derive.script`, which runs the command line: the catalogue never imports it) so that it
runs on its own; ``derive prove`` runs them all. A script may also define ``DERIVATIONS`` (a list of
:class:`~derive.derivation.Derivation`): the step-by-step derivations that ``derive docs`` proves and writes
into its framework's chapter, and ``NETWORKS`` (a list of :class:`~derive.net.graph.Graph`): the networks
its claims are about, which the chapter prints layer by layer.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
import runpy
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import machine
from .claims import Claim, Result, decide
from .derivation import Derivation
from .errors import ParameterError
from .net.graph import Graph
from .registry import BY_KEY, FRAMEWORKS
from .registry import key as framework_key

#: the proof scripts that belong to no one framework (each framework's are its folder's claims.py)
DEFAULT_DIR = Path("proofs")
#: the directory holding the derive package: a script under it is named by its path from here
PROJECT = Path(__file__).resolve().parent.parent


def _order(path: Path) -> str:
    """Scripts run alphabetically by name, a framework's claims by its key (``torch.py``), as in the documents."""
    return f"{path.parent.name}.py" if path.name == "claims.py" else path.name


def everything(proofs: Path = DEFAULT_DIR) -> list[Path]:
    """The whole catalogue: every framework's claims and the scripts in ``proofs`` (when it is a directory)."""
    found = [Path(f.claims) for f in FRAMEWORKS]
    if proofs.is_dir():
        found += [p for p in proofs.glob("*.py") if not p.name.startswith("_")]
    return sorted(found, key=_order)


def discover(paths: Sequence[str | Path]) -> list[Path]:
    """The proof scripts named by ``paths``: files, directories searched for ``*.py``, or framework keys (its
    ``derive/frameworks/<key>/claims.py``). None: :func:`everything` (``proofs/`` of the current directory)."""
    if not paths:
        return everything()
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.glob("*.py") if not p.name.startswith("_"))
        elif path.is_file() and path.suffix == ".py":
            found.append(path)
        elif (name := framework_key(str(raw))) is not None:
            found.append(Path(BY_KEY[name].claims))
        else:
            raise ParameterError("path", "must be a proof script (.py), a directory of them or a framework", str(raw))
    if not found:
        raise ParameterError("path", "holds no proof scripts", ", ".join(map(str, paths)))
    return found


def script_name(path: Path) -> str:
    """How claims name their script: the path from the project (``derive/frameworks/torch/claims.py``,
    ``proofs/generic.py``), or the file name for a script outside it."""
    resolved = path.resolve()
    return resolved.relative_to(PROJECT).as_posix() if resolved.is_relative_to(PROJECT) else path.name


@dataclass(frozen=True)
class Script:
    """One loaded proof script."""

    # the path from the project, e.g. "proofs/generic.py" (:func:`script_name`)
    name: str
    # its module docstring ("" when it has none)
    doc: str
    # the networks its claims are about (derive.net graphs, by name), printed layer by layer in its chapter
    networks: tuple[Graph, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """Everything the proof scripts declare: claims, derivations, and the scripts themselves, in order."""

    claims: list[Claim]
    derivations: list[Derivation]
    scripts: list[Script]


def load_catalogue(scripts: Iterable[Path]) -> Catalogue:
    """Every claim and derivation the scripts declare, in order (each script is run with ``__name__ != "__main__"``)."""
    claims: list[Claim] = []
    derivations: list[Derivation] = []
    loaded: list[Script] = []
    seen: dict[str, str] = {}
    seen_derivations: dict[tuple[str, str], str] = {}
    for script in scripts:
        name = script_name(script)
        with machine.pinned(tensorflow="eigen"):  # the same documents on every CPU
            namespace = runpy.run_path(str(script), run_name=f"derive_proofs.{_order(script)[:-3]}")
        declared = namespace.get("CLAIMS")
        if not isinstance(declared, list) or not all(isinstance(c, Claim) for c in declared):
            raise ParameterError("CLAIMS", "must be a list of derive.claims.Claim in every proof script", str(script))
        for claim in declared:
            if claim.id in seen:
                raise ParameterError("claim", f"is declared twice ({seen[claim.id]} and {name})", claim.id)
            seen[claim.id] = name
            object.__setattr__(claim, "script", name)
            claims.append(claim)
        steps = namespace.get("DERIVATIONS", [])
        if not isinstance(steps, list) or not all(isinstance(d, Derivation) for d in steps):
            raise ParameterError("DERIVATIONS", "must be a list of derive.derivation.Derivation", str(script))
        for derivation in steps:
            key = derivation.key
            if key in seen_derivations:
                where = f"{seen_derivations[key]} and {name}"
                raise ParameterError("derivation", f"is declared twice ({where})", "/".join(key))
            seen_derivations[key] = name
            object.__setattr__(derivation, "script", name)
            derivations.append(derivation)
        networks = namespace.get("NETWORKS", [])
        if not isinstance(networks, list) or not all(isinstance(g, Graph) for g in networks):
            raise ParameterError("NETWORKS", "must be a list of derive.net.Graph", str(script))
        loaded.append(Script(name, namespace.get("__doc__") or "", tuple(networks)))
    return Catalogue(claims, derivations, loaded)


def load(scripts: Iterable[Path]) -> list[Claim]:
    """Every claim the scripts declare, in order (each script is run with ``__name__ != "__main__"``)."""
    return load_catalogue(scripts).claims


def select(claims: list[Claim], pattern: str | None) -> list[Claim]:
    """Claims whose id or statement matches ``pattern`` (a substring, or a glob with * ? [)."""
    if not pattern:
        return claims
    pat = pattern.lower()
    glob = any(c in pat for c in "*?[")

    def hit(c: Claim) -> bool:
        text = f"{c.id} {c.statement} {c.family}".lower()
        return fnmatch.fnmatch(c.id, pat) if glob else pat in text

    return [c for c in claims if hit(c)]


# claims live in the parent; forked workers find them by index (claims hold functions, not picklable)
_CLAIMS: list[Claim] = []


def _check_index(i: int) -> tuple[int, Result]:
    result = decide(_CLAIMS[i])
    # the claim holds a call renderer (a function): send back everything else
    return i, Result(None, result.verdict, result.iff_verdict, result.counterexample, result.example)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Report:
    results: list[Result]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def run(
    claims: list[Claim], jobs: int | None = None, progress: Callable[[int, int, Result], None] | None = None
) -> Report:
    """Decide every claim, in ``jobs`` processes (default: the machine's cores)."""
    with machine.pinned(tensorflow="eigen"):  # as when the claims were loaded (forked workers inherit it)
        return _run(claims, jobs, progress)


def _run(claims: list[Claim], jobs: int | None, progress: Callable[[int, int, Result], None] | None) -> Report:
    global _CLAIMS
    start = time.perf_counter()
    jobs = jobs or os.cpu_count() or 1
    results: list[Result | None] = [None] * len(claims)
    if jobs == 1 or len(claims) < 8 or sys.platform == "win32":
        for i, claim in enumerate(claims):
            results[i] = decide(claim)
            if progress:
                progress(i + 1, len(claims), results[i])  # type: ignore[arg-type]
    else:
        _CLAIMS = claims
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for done, (i, partial) in enumerate(pool.imap_unordered(_check_index, range(len(claims))), 1):
                results[i] = Result(
                    claims[i], partial.verdict, partial.iff_verdict, partial.counterexample, partial.example
                )
                if progress:
                    progress(done, len(claims), results[i])  # type: ignore[arg-type]
        _CLAIMS = []
    return Report([r for r in results if r is not None], time.perf_counter() - start)


def as_json(report: Report) -> dict:
    """The report as plain data."""
    rows = []
    for r in report.results:
        c = r.claim
        rows.append(
            {
                "id": c.id,
                "family": c.family,
                "framework": c.framework,
                "mode": c.mode,
                "claim": c.name,
                "statement": c.statement,
                "expected": c.expect.value,
                "verdict": r.verdict.status.value,
                "ok": r.ok,
                "assumptions": [str(a) for a in c.assume],
                "proposition": str(c.proposition),
                "side_conditions": [f"{s} != 0" for s in r.verdict.side_conditions],
                "counterexample": r.counterexample,
                "call": r.example,
                "iff": None if c.iff is None else str(c.iff),
                "iff_verdict": None if r.iff_verdict is None else r.iff_verdict.status.value,
                "reason": r.verdict.reason,
                "seconds": round(r.seconds, 4),
                "script": c.script,
            }
        )
    return {"ok": report.ok, "claims": len(rows), "seconds": round(report.seconds, 3), "results": rows}


def write_smt2(report: Report, directory: Path) -> int:
    """Write each decided query (and each iff query) as SMT-LIB2; returns the number of files."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for r in report.results:
        stem = r.claim.id.replace("/", "__")
        (directory / f"{stem}.smt2").write_text(r.verdict.smt2)
        count += 1
        if r.iff_verdict is not None:
            (directory / f"{stem}.iff.smt2").write_text(r.iff_verdict.smt2)
            count += 1
    return count


def summary_lines(report: Report, width: int | None = None) -> list[str]:
    """The table users read: one row per claim, each line at most ``width`` characters (None: everything).

    The framework and verdict columns stay whole (they are what a reader scans), the claim and the mode
    as far as the width allows; the time comes before the counterexample, and the counterexample, last,
    is cut with "…" to fit.
    """
    rows = [("claim", "framework", "mode", "verdict", "time", "counterexample")]
    for r in report.results:
        c = r.claim
        verdict = r.verdict.status.value
        if c.iff is not None:
            verdict += f"; iff {'proved' if r.iff_verdict and r.iff_verdict.proved else 'NOT proved'}"
        if not r.ok:
            verdict = f"{verdict} (EXPECTED {c.expect.value})"
        cex = r.example or (", ".join(f"{k}={v}" for k, v in r.counterexample.items()) if r.counterexample else "")
        rows.append((c.name, c.framework, c.mode, verdict, f"{r.seconds * 1000:.0f} ms", cex))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    if width is not None:  # long claim names give way first, never below 24 characters
        widths[0] = min(widths[0], max(24, width - sum(widths[1:]) - 10 - 20))
        # still too wide (an 80-column terminal): the mode, then the claim, down to 12 and 16 characters, so
        # the time stays whole and a counterexample shows its first characters
        over = sum(widths) + 2 * 4 + (10 if any(row[5] for row in rows[1:]) else 0) - width
        for i, least in ((2, 12), (0, 16)):
            cut = max(0, min(over, widths[i] - least))
            widths[i] -= cut
            over -= cut
    lines = []
    for row in rows:
        cells = [_fit(row[i], widths[i]).ljust(widths[i]) for i in range(5)]
        line = "  ".join([*cells, row[5]]).rstrip()
        lines.append(line if width is None else _fit(line, width))
    return lines


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
