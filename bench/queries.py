"""The constraint queries against their baselines, side by side in one run.

    python bench/queries.py [--repeat N] [--json FILE] [--skip-brute]

1. ``derive solve`` (the library call) next to a brute-force numpy enumeration over the same
   bounds, both giving every configuration sorted simplest first (the two lists are compared):
   torch and Keras at bounds of 64 per knob, the first page (the default ``--limit 10``) and the
   complete listing (``--all``). At bounds of 10^4 the solver's first page is timed; the brute force
   is not run there: its time is extrapolated from its measured rate at 64.
2. Every framework with a space: ``solve --all`` next to trying every configuration of the same
   bounds (8 per knob: explicit pad pairs make the grids large) through the framework model, the
   way the tests' brute force does.
3. ``derive explain`` and ``derive shape`` wall time (a fresh interpreter each) next to building a
   ``torch.nn.ConvTranspose1d`` and running it on a zero tensor (also a fresh interpreter).

Needs numpy and torch (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from derive.errors import FrameworkError  # noqa: E402
from derive.inverse import Bounds, Query, Range, covered, space  # noqa: E402
from derive.solve import solve  # noqa: E402


def brute_torch(n: int, out: int, high: int) -> np.ndarray:
    """Every (kernel, stride, padding, output_padding, dilation) within 1..high (0..high) giving ``out``, sorted."""
    scale = max(1, out // n)
    s = np.arange(1, high + 1)[:, None, None, None]
    p = np.arange(0, high + 1)[None, :, None, None]
    a = np.arange(0, high + 1)[None, None, :, None]
    d = np.arange(1, high + 1)[None, None, None, :]
    base = (n - 1) * s - 2 * p + 1 + a
    allowed = a < np.maximum(s, d)
    rows = []
    for k in range(1, high + 1):
        hit = (base + d * (k - 1) == out) & allowed & ((d == 1) | (k > 1))
        idx = np.nonzero(hit)
        rows.append(np.stack([np.full(idx[0].size, k), idx[0] + 1, idx[1], idx[2], idx[3] + 1], axis=1))
    r = np.concatenate(rows)
    k, s1, p1, a1, d1 = r.T
    changes = (s1 != scale).astype(int) + (d1 != 1) + (a1 != 0)
    return r[np.lexsort((k, p1, a1, d1, s1, np.abs(s1 - scale), changes))]


def brute_keras(n: int, out: int, high: int) -> np.ndarray:
    """Every (kernel, strides, mode, output_padding (-1 = None), dilation_rate) giving ``out``, sorted."""
    scale = max(1, out // n)
    k = np.arange(1, high + 1)[:, None, None, None, None]
    s = np.arange(1, high + 1)[None, :, None, None, None]
    m = np.arange(2)[None, None, :, None, None]  # 0 valid, 1 same
    a = np.arange(-1, high + 1)[None, None, None, :, None]
    d = np.arange(1, high + 1)[None, None, None, None, :]
    K = d * (k - 1) + 1
    valid = np.where(a < 0, (n - 1) * s + np.maximum(K, s), (n - 1) * s + K + a)
    same = np.where(a < 0, n * s, (n - 1) * s + K % 2 + a)
    length = np.where(m == 0, valid, same)
    ok = (length == out) & (a < s) & ~((s > 1) & (d > 1)) & ((d == 1) | (k > 1))
    idx = np.nonzero(ok)
    r = np.stack([idx[0] + 1, idx[1] + 1, idx[2], idx[3] - 1, idx[4] + 1], axis=1)
    k1, s1, m1, a1, d1 = r.T
    changes = (s1 != scale).astype(int) + (m1 != 0) + (d1 != 1) + (a1 >= 0)
    return r[np.lexsort((k1, a1, d1, m1, s1, np.abs(s1 - scale), changes))]


def _rows(framework: str, members: list[dict[str, Any]]) -> np.ndarray:
    if framework == "torch":
        keys = ("kernel_size", "stride", "padding", "output_padding", "dilation")
        return np.array([[m[x] for x in keys] for m in members])
    mode = {"valid": 0, "same": 1}
    adjust = [-1 if m["output_padding"] is None else m["output_padding"] for m in members]
    return np.array(
        [
            [m["kernel_size"], m["strides"], mode[m["padding"]], a, m["dilation_rate"]]
            for m, a in zip(members, adjust, strict=True)
        ]
    )


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_solve(repeat: int, skip_brute: bool) -> dict[str, Any]:
    n, out, high = 4, 16, 64
    report: dict[str, Any] = {}
    for framework, brute, bounds in (
        ("torch", brute_torch, Bounds(Range(1, high), Range(1, high), Range(1, high), Range(0, high))),
        ("keras", brute_keras, Bounds(Range(1, high), Range(1, high), Range(1, high))),
    ):
        row: dict[str, Any] = {}
        first, _ = timed(lambda fw=framework, b=bounds: solve(fw, n, out, b), repeat)
        every, sol = timed(lambda fw=framework, b=bounds: solve(fw, n, out, b, limit=None), repeat)
        members = [m for a in sol.answers for m in a.family.members()]
        row["solve first page (limit 10) s"] = round(first, 4)
        row["solve --all s"] = round(every, 4)
        row["families / configurations"] = f"{len(sol.answers)} / {len(members)}"
        if not skip_brute:
            bt, rows = timed(lambda b=brute: b(n, out, high), 1)
            assert np.array_equal(rows, _rows(framework, members)), f"{framework}: solver and brute force differ"
            row["numpy brute force s"] = round(bt, 3)
            row["ratio first page"] = round(bt / first, 1)
            row["ratio --all"] = round(bt / every, 1)
            grid = high**4 * (high + 1) if framework == "torch" else high**4 * 2 * (high + 2)
            big = 10**4
            big_grid = big**4 * (big + 1) if framework == "torch" else big**4 * 2 * (big + 2)
            row["numpy brute force at 10^4, extrapolated s"] = f"{bt * big_grid / grid:.3g}"
        large = Bounds(
            Range(1, 10**4), Range(1, 10**4), Range(1, 10**4), Range(0, 10**4) if framework == "torch" else Range(0)
        )
        t, _ = timed(lambda fw=framework, b=large: solve(fw, n, out, b), repeat)
        row["solve at 10^4, first page s"] = round(t, 4)
        report[framework] = row
    return report


def brute_model(framework: str, n: int, out: int, bounds: Bounds) -> list[dict[str, Any]]:
    """Every configuration within the bounds whose model length is ``out``, sorted simplest first."""
    inverse = space(framework)
    found = []
    for cfg in inverse.grid(bounds, out):
        roles = {k.role: cfg.get(k.name) for k in inverse.knobs}
        if roles.get("dilation", 1) not in (None, 1) and roles.get("kernel") == 1:
            continue  # degenerate: the spaces leave dilated 1-wide kernels out
        try:
            if inverse.call(n, cfg) == out:
                found.append(cfg)
        except FrameworkError:
            pass
    q = Query(n, out, bounds)
    return sorted(found, key=lambda c: inverse.key(q, c))


def bench_frameworks(repeat: int) -> dict[str, Any]:
    n, out, high = 4, 16, 8
    bounds = Bounds(Range(1, high), Range(1, high), Range(1, high), Range(0, high))
    report: dict[str, Any] = {}
    for framework in covered():
        inverse = space(framework)
        b = Bounds(**{r: getattr(bounds, r) for r in ("kernel", "stride", "dilation", "padding") if inverse.has(r)})
        t, sol = timed(lambda fw=framework, b=b: solve(fw, n, out, b, limit=None), repeat)
        bt, rows = timed(lambda fw=framework, b=b: brute_model(fw, n, out, b), 1)
        members = [m for a in sol.answers for m in a.family.members()]
        assert members == rows, f"{framework}: solver and brute force differ"
        report[framework] = {
            "solve --all s": round(t, 4),
            "brute force through the model s": round(bt, 3),
            "ratio": round(bt / t, 1),
            "families / configurations": f"{len(sol.answers)} / {len(members)}",
        }
    return report


def wall(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_wall(repeat: int) -> dict[str, Any]:
    py = sys.executable
    torch_run = "import torch; print(torch.nn.ConvTranspose1d(1, 1, 4, 4)(torch.zeros(1, 1, 4)).shape[-1])"
    rows = {
        "python -c pass": wall([py, "-c", "pass"], repeat),
        "derive explain torch": wall(
            [py, "-m", "derive", "explain", "torch", "--n", "4", "--kernel-size", "4", "--stride", "4"], repeat
        ),
        "derive shape torch conv-transpose": wall(
            [py, "-m", "derive", "shape", "torch", "conv-transpose", "--n", "4", "--kernel-size", "4", "--stride", "4"],
            repeat,
        ),
        "torch ConvTranspose1d on zeros": wall([py, "-c", torch_run], repeat),
    }
    torch_t = rows["torch ConvTranspose1d on zeros"]
    return {name: {"seconds": round(t, 4), "torch / this": round(torch_t / t, 1)} for name, t in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="write the report here too")
    parser.add_argument("--skip-brute", action="store_true", help="skip the ~10 s numpy brute force")
    args = parser.parse_args()
    report = {"solve vs numpy brute force (n=4 -> 16)": bench_solve(args.repeat, args.skip_brute),
              "solve vs the model's brute force (n=4 -> 16, bounds 8)": bench_frameworks(args.repeat),
              "wall time (fresh interpreter)": bench_wall(args.repeat)}  # fmt: skip
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
