"""``derive explain`` start-up next to a bare ``python -c pass``, side by side (interleaved rounds).

    python bench/startup.py [--rounds N] [--json FILE]

Each round starts a fresh interpreter for ``python -c pass`` and for ``derive explain torch --n 4
--kernel-size 3 --stride 2`` (the console script, as a user runs it), one after the other, so both
see the same machine load; the report is each one's median wall time and their ratio (the goal:
at most 2). The package's bytecode is compiled first (``compileall``), as an install leaves it,
so a ``PYTHONDONTWRITEBYTECODE`` environment does not time the compiler on every run. It also says
how derive is installed: an editable install's import hook (``__editable___*_finder``) costs a
few milliseconds on every start; ``make`` installs with ``editable_mode=compat`` (a path entry).

A third command, timed in the same rounds, says where the rest goes: ``python -c "import typing, dataclasses,
..."`` with the standard-library modules ``derive explain`` loads beyond a bare interpreter (listed on
each run, found by running explain): the floor explain cannot go below while its modules import them.
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


def _stdlib_modules() -> list[str]:
    """The public standard-library modules ``derive explain`` loads that a bare interpreter has not."""
    code = (
        "import os, sys; base = set(sys.modules); os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"
        f"from derive.cli import main; main({EXPLAIN!r})\n"
        "names = {m.split('.')[0] for m in set(sys.modules) - base}\n"
        "print(' '.join(sorted(n for n in names if n in sys.stdlib_module_names and not n.startswith('_'))), "
        "file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT.parent)
    return run.stderr.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "derive"), quiet=1)
    script = Path(sys.executable).with_name("derive")
    derive = [str(script)] if script.exists() else [sys.executable, "-m", "derive"]
    bare = [sys.executable, "-c", "pass"]
    stdlib = _stdlib_modules()
    imports = [sys.executable, "-c", f"import {', '.join(stdlib)}" if stdlib else "pass"]
    for _ in range(3):  # warm the file cache
        _wall(bare), _wall(derive + EXPLAIN), _wall(imports)
    base, explain, floor = [], [], []
    for _ in range(args.rounds):
        base.append(_wall(bare))
        explain.append(_wall(derive + EXPLAIN))
        floor.append(_wall(imports))
    b, e, f = statistics.median(base), statistics.median(explain), statistics.median(floor)
    facts = {"python_pass_ms": round(b * 1000, 1), "derive_explain_ms": round(e * 1000, 1),
             "ratio": round(e / b, 2), "rounds": args.rounds, "install": _hook(),
             "stdlib_modules": stdlib, "stdlib_imports_ms": round(f * 1000, 1),
             "stdlib_ratio": round(f / b, 2)}  # fmt: skip
    print(f"python -c pass        {facts['python_pass_ms']:7.1f} ms (median of {args.rounds})")
    print(f"derive {' '.join(EXPLAIN)}  {facts['derive_explain_ms']:7.1f} ms")
    print(f"ratio                 {facts['ratio']:7.2f}x (goal: <= 2)")
    print(f"python -c 'import <the stdlib modules explain loads>'  {facts['stdlib_imports_ms']:7.1f} ms "
          f"({facts['stdlib_ratio']:.2f}x): {' '.join(stdlib) or 'none'}")  # fmt: skip
    print(f"derive is installed as {facts['install']}")
    if args.json:
        Path(args.json).write_text(json.dumps(facts, indent=1))


if __name__ == "__main__":
    main()
