"""Benchmarks, each as a ratio against a baseline run side by side in the same run.

    python bench/run.py [--repeat N] [--json FILE]

1. ``derive shape`` wall time (the numeric fast path) next to bare ``python -c pass`` and next to
   merely importing SymPy and Z3: the fast path must cost about one interpreter start.
2. The proof catalogue: total time, per-claim median and the slowest claims, next to the same
   claims checked by brute force over a bounded box (which proves nothing: it only samples).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def wall(cmd: list[str], repeat: int) -> float:
    """Median wall seconds of a command."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_shape(repeat: int) -> dict:
    py = sys.executable
    shape = [
        py,
        "-m",
        "derive",
        "shape",
        "transposed",
        "--n",
        "20",
        "--kernel",
        "3",
        "--stride",
        "10",
        "--padding",
        "same",
    ]
    rows = {
        "python -c pass (baseline)": wall([py, "-c", "pass"], repeat),
        "derive shape transposed": wall(shape, repeat),
        "derive shape preimage": wall([*shape[:4], "preimage", *shape[5:]], repeat),
        "python -c 'import sympy, z3'": wall([py, "-c", "import sympy, z3"], repeat),
    }
    base = rows["python -c pass (baseline)"]
    return {name: {"seconds": round(t, 4), "ratio_to_baseline": round(t / base, 2)} for name, t in rows.items()}


def bench_catalogue() -> dict:
    import sympy as sp

    from derive import catalogue
    from derive.second_opinion import box_counterexample

    claims = catalogue.load(catalogue.everything(ROOT / "proofs"))
    start = time.perf_counter()
    report = catalogue.run(claims)
    total = time.perf_counter() - start
    per_claim = sorted(((r.seconds, r.claim.id) for r in report.results), reverse=True)

    # the same claims by brute force on a small box (a sample, not a proof), in this process
    start = time.perf_counter()
    disagreements = 0
    for r in report.results:
        c = r.claim
        found = box_counterexample(c.proposition, list(c.assume), c.symbols, max_points=2_000, max_bound=6)
        disagreements += r.verdict.proved and found is not None  # would be a prover bug
    box_total = time.perf_counter() - start
    return {
        "claims": len(report.results),
        "ok": report.ok,
        "unknown": sum(r.verdict.status.value == "unknown" for r in report.results),
        "total_seconds": round(total, 3),
        "per_claim_median_ms": round(statistics.median(t for t, _ in per_claim) * 1000, 2),
        "slowest": [{"id": cid, "ms": round(t * 1000, 1)} for t, cid in per_claim[:5]],
        "box_total_seconds_2000_points_each": round(box_total, 3),
        "box_over_prover_ratio": round(box_total / total, 2),
        "box_found_counterexample_to_a_proved_claim": int(disagreements),
        "sympy": sp.__version__,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = {"shape": bench_shape(args.repeat), "catalogue": bench_catalogue()}
    print(json.dumps(results, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
