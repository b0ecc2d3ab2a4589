"""``derive explain`` start-up next to a bare ``python -c pass``, side by side (interleaved rounds).

    python bench/startup.py [--rounds N] [--json FILE]

Each round starts a fresh interpreter for ``python -c pass`` and for ``derive explain torch --n 4
--kernel-size 3 --stride 2`` (the console script, as a user runs it), one after the other, so both
see the same machine load; the report is each one's median wall time and their ratio (the goal:
at most 2). The package's bytecode is compiled first (``compileall``), as an install leaves it,
so a ``PYTHONDONTWRITEBYTECODE`` environment does not time the compiler on every run. It also says
how derive is installed: an editable install's import hook (``__editable___*_finder``) costs a
few milliseconds on every start; ``make`` installs with ``editable_mode=compat`` (a path entry).
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPLAIN = ["explain", "torch", "--n", "4", "--kernel-size", "3", "--stride", "2"]


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _hook() -> str:
    code = "import sys; print(any('__editable__' in f'{type(f).__name__} {f}' for f in sys.meta_path))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    return "an editable import hook on sys.meta_path" if out == "True" else "a plain path entry (no import hook)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "derive"), quiet=1)
    script = Path(sys.executable).with_name("derive")
    derive = [str(script)] if script.exists() else [sys.executable, "-m", "derive"]
    bare = [sys.executable, "-c", "pass"]
    for _ in range(3):  # warm the file cache
        _wall(bare), _wall(derive + EXPLAIN)
    base, explain = [], []
    for _ in range(args.rounds):
        base.append(_wall(bare))
        explain.append(_wall(derive + EXPLAIN))
    b, e = statistics.median(base), statistics.median(explain)
    facts = {"python_pass_ms": round(b * 1000, 1), "derive_explain_ms": round(e * 1000, 1),
             "ratio": round(e / b, 2), "rounds": args.rounds, "install": _hook()}  # fmt: skip
    print(f"python -c pass        {facts['python_pass_ms']:7.1f} ms (median of {args.rounds})")
    print(f"derive {' '.join(EXPLAIN)}  {facts['derive_explain_ms']:7.1f} ms")
    print(f"ratio                 {facts['ratio']:7.2f}x (goal: <= 2)")
    print(f"derive is installed as {facts['install']}")
    if args.json:
        Path(args.json).write_text(json.dumps(facts, indent=1))


if __name__ == "__main__":
    main()
