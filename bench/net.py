"""``derive net``'s proof for every size next to a brute-force sweep of a range, side by side.

    python bench/net.py [--top N] [--repeat R] [--json FILE]

For each network of ``proofs/networks.py`` (ONNX graphs, no framework needed) the same process times
(a) :func:`derive.net.analysis.analyse`: propagate the graph, find each dim's set and prove it with Z3
for ALL sizes; (b) the baseline a user would write instead: evaluate every check at each size 1..N of
each dim (the other dims held where they run), which covers only that range. The report is each
one's median time and the ratio (a)/(b): what the proof for all sizes costs against checking N sizes.
With torch installed it also times (c) running the real 2-level U-Net of tests/net_zoo.py eagerly at
every H in 1..N (W held at 32): the check a user runs without derive.
"""

from __future__ import annotations

import argparse
import json
import runpy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sweep(graph, top: int) -> int:
    """The number of sizes 1..top of each dim at which the graph's checks all hold (others held at a running size)."""
    from derive.net.analysis import first_failure, propagate

    p = propagate(graph)
    names = list(p.symbols)
    base = next(
        (dict.fromkeys(names, t) for t in range(1, 4 * top) if first_failure(p, dict.fromkeys(names, t)) is None),
        dict.fromkeys(names, 1),
    )
    runs = 0
    for name in names:
        for v in range(1, top + 1):
            runs += first_failure(p, {**base, name: v}) is None
    return runs


def _torch_unet(top: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    sys.path.insert(0, str(ROOT))
    from tests import net_zoo

    module = net_zoo.build("unet2").eval()

    def sweep() -> None:
        with torch.no_grad():
            for h in range(1, top + 1):
                try:
                    module(torch.randn(1, 1, h, 32))
                except RuntimeError:
                    pass

    return _median(sweep, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=1024, help="the brute-force sweep's largest size (default 1024)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, the median is reported")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    from derive.net.analysis import analyse

    networks = runpy.run_path(str(ROOT / "proofs" / "networks.py"))["NETWORKS"]
    results: dict[str, dict] = {}
    for graph in networks:
        prove = _median(lambda g=graph: analyse(g), args.repeat)
        sweep = _median(lambda g=graph: _sweep(g, args.top), args.repeat)
        results[graph.name] = {
            "analyse_all_sizes_s": round(prove, 4),
            f"sweep_1_to_{args.top}_s": round(sweep, 4),
            "ratio": round(prove / sweep, 2),
        }
    eager = _torch_unet(min(args.top, 160))
    if eager is not None:
        results["unet2 (torch eager, H = 1..160)"] = {"eager_sweep_s": round(eager, 3)}
    print(json.dumps(results, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
