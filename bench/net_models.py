"""``derive net`` on real torch models next to brute force, and torch.export's suggestions against the truth.

    python bench/net_models.py [--top N] [--models a,b,...] [--json FILE]

For each model of the zoo (tests/net_zoo.py: hand U-Nets and stacks, MONAI and diffusers models built with
random weights) the same process measures, side by side:

(a) ``derive net``: capture the module (torch.export), derive each dim's exact set for ALL sizes and prove it
    (``from_torch`` + ``analyse``), after torch.export's one-time start in the process (timed and printed apart);
(b) brute force, what a user does without derive: run the model eagerly at every size 1..N of each symbolic
    dim (the others held at the zoo's base size) and record which sizes run — true only for 1..N;
(c) torch.export's own answer: its "Suggested fixes" from one sample, applied, and the exported program's
    range constraints (derive.net.compare), which is what a user of torch.export is told.

The report per model and dim: the time of (a) and of (b) and their ratio, and whether derive's set and
export's set are each EXACT against (b) on 1..N (every size in 1..N runs iff it is in the set). The last
lines count how often each answer is exact. Nothing here is asserted: tests/conformance/test_net_torch.py
checks derive's sets; this script measures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _brute(module, spec: str, name: str, base: dict[str, int], top: int) -> tuple[set[int], float]:
    """The sizes 1..top of dim ``name`` at which the eager model runs (others at ``base``), and the time taken."""
    import torch

    from tests import net_zoo

    dims = [d for d in spec.split(",") if d.isidentifier()]
    runs: set[int] = set()
    start = time.perf_counter()
    with torch.no_grad():
        for v in range(1, top + 1):
            values = {**{o: base[o] for o in dims if o != name}, name: v}
            x = torch.randn(*net_zoo.shape(spec, values))
            try:
                module(x)
            except Exception:  # the model's refusal at this size: a size that does not run
                continue
            runs.add(v)
    return runs, time.perf_counter() - start


def _exact(runs, truth: set[int], top: int) -> bool | None:
    """Whether a set agrees with the brute-force truth on every size 1..top (None: no set given)."""
    if runs is None:
        return None
    return all((v in runs) == (v in truth) for v in range(1, top + 1))


class _Coupled:
    """derive's answer for a coupled dim with the others held at ``base``: its own set and the joint checks."""

    def __init__(self, answer, name: str, base: dict[str, int]) -> None:
        self.own = answer.dims[name].own
        self.cross = answer.dims[name].cross
        self.symbols = answer.propagated.symbols
        self.name, self.base = name, base

    def __contains__(self, v: int) -> bool:
        at = {self.symbols[n]: (v if n == self.name else self.base[n]) for n in self.symbols}
        return self.own is not None and v in self.own and all(bool(c.subs(at)) for c in self.cross)


def _warm_up() -> float:
    """torch.export's one-time start (its imports and caches), paid once per process, on a one-layer model."""
    import torch

    from derive.net.frontends.torch import from_torch

    start = time.perf_counter()
    from_torch(torch.nn.Conv2d(1, 1, 3), "1,1,H,W")
    return time.perf_counter() - start


def measure(name: str, top: int) -> list[dict]:
    """One row per symbolic dim of zoo model ``name``."""
    import torch

    from derive.net.analysis import analyse
    from derive.net.compare import _export_sets, _sample
    from derive.net.frontends.onnx import parse_spec
    from derive.net.frontends.torch import from_torch
    from tests import net_zoo

    entry = net_zoo.ZOO[name]
    module = net_zoo.build(name)
    start = time.perf_counter()
    answer = analyse(from_torch(module, entry.spec))
    derive_s = time.perf_counter() - start
    dims = parse_spec(entry.spec)
    torch.manual_seed(0)
    export, _ = _export_sets(module, _sample(module, dims), dims)
    rows = []
    for d in (x for x in dims if isinstance(x, str)):
        truth, brute_s = _brute(module, entry.spec, d, entry.base, top)
        mine = answer.dims[d]
        if mine.coupled:  # the proved decomposition, the other dims held where brute force holds them
            runs = _Coupled(answer, d, entry.base) if mine.joint is not None else None
            text = (
                (mine.own.text(d) if mine.own is not None else "any")
                + " and jointly "
                + ", ".join(map(str, mine.cross))
            )
            proof = mine.joint.status if mine.joint is not None else "unknown"
        else:
            runs, text, proof = mine.runs, mine.runs.text(d) if mine.runs is not None else "no set", mine.proof.status
        rows.append(
            {
                "model": name,
                "dim": d,
                "derive": text,
                "proof": proof,
                "derive_s": round(derive_s, 3),
                f"brute_1_to_{top}_s": round(brute_s, 3),
                "ratio": round(derive_s / brute_s, 3),
                "derive_exact": _exact(runs, truth, top),
                "export": export[d].text(d),
                "export_exact": _exact(export[d].runs, truth, top),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=256, help="brute force runs sizes 1..TOP per dim (default 256)")
    parser.add_argument("--models", help="comma-separated zoo names (default: every model of tests/net_zoo.py)")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args()
    try:
        import torch  # noqa: F401
    except ImportError:
        print("bench/net_models.py needs torch (make test installs it)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.filterwarnings("ignore")
    from derive.errors import DeriveError
    from tests import net_zoo

    rows: list[dict] = []
    print(f"torch.export's one-time start: {_warm_up():.2f} s (not counted below)", flush=True)
    for name in args.models.split(",") if args.models else net_zoo.ZOO:
        try:
            found = measure(name, args.top)
        except ImportError as e:  # a library model whose package is not installed
            print(f"{name}: skipped ({e})", flush=True)
            continue
        except DeriveError as e:  # derive refuses the model (e.g. it branches on its input size): say why
            print(f"{name}: refused by derive net ({str(e).splitlines()[0]})", flush=True)
            continue
        for row in found:
            print(
                f"{row['model']:<17} {row['dim']}  derive {row['derive_s']:6.2f} s"
                f"  brute {row[f'brute_1_to_{args.top}_s']:7.2f} s"
                f"  ratio {row['ratio']:5.2f}  derive exact: {row['derive_exact']}  export exact: {row['export_exact']}"
                f"\n    derive: {row['derive']} ({row['proof']})\n    export: {row['export']}",
                flush=True,
            )
        rows.extend(found)
    exact = sum(r["derive_exact"] is True for r in rows)
    export_exact = sum(r["export_exact"] is True for r in rows)
    print(f"derive exact on 1..{args.top}: {exact}/{len(rows)} dims; torch.export exact: {export_exact}/{len(rows)}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
