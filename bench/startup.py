"""``derive explain`` start-up for every framework next to a bare ``python -c pass``, side by side (interleaved rounds).

    python bench/startup.py [--rounds N] [--frameworks torch,jax,...] [--command explain|shape] [--json FILE]

Each round starts a fresh interpreter for ``python -c pass`` and for one ``derive explain <framework> ...`` call
per framework picked (the console script, as a user runs it; the calls are tests/test_startup.py's; ``--command
shape`` times its ``derive shape <framework> ...`` calls instead), in an order rotated every round, so all of
them see the same machine load; the report is each one's median wall time and its ratio to the bare
interpreter's (the goal: at most 2), one row per framework. The headline is torch's
(``derive explain torch --n 4 --kernel-size 3 --stride 2``). The package's bytecode is compiled first
(``compileall``), as an install leaves it, so a ``PYTHONDONTWRITEBYTECODE`` environment does not time the
compiler on every run. It also says how derive is installed: an editable install's import hook
(``__editable___*_finder``) costs a few milliseconds on every start; ``make`` installs with
``editable_mode=compat`` (a path entry).

One more command, timed in the same rounds, says where the rest goes: ``python -c "import itertools, ..."``
with the standard-library modules torch's call loads beyond a bare interpreter (listed on each run, found
by running it): the floor the command cannot go below while its modules import them.
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
sys.path.insert(0, str(ROOT))

from derive import registry  # noqa: E402
from tests.test_startup import FRAMEWORK_COMMANDS  # noqa: E402

#: one small explain and one shape call per framework, the ones tests/test_startup.py runs (it checks every
#: registered framework has them): README and inverse-table examples; tensorflow's and keras-on-tensorflow's
#: explain read the machine's kernels too, Caffe's shape passes --pad (a prefix of shape's own --padding)
EXPLAIN = {key: ["explain", key, *e.split()] for key, ((e, _), _) in FRAMEWORK_COMMANDS.items()}
SHAPE = {key: ["shape", key, *s.split()] for key, (_, (s, _)) in FRAMEWORK_COMMANDS.items()}
HEADLINE = "torch"


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _hook() -> str:
    code = "import sys; print(any('__editable__' in f'{type(f).__name__} {f}' for f in sys.meta_path))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    return "an editable import hook on sys.meta_path" if out == "True" else "a plain path entry (no import hook)"


def _stdlib_modules(argv: list[str]) -> list[str]:
    """The public standard-library modules ``derive <argv>`` loads that a bare interpreter has not."""
    code = (
        "import os, sys; base = set(sys.modules); os.dup2(os.open(os.devnull, os.O_WRONLY), 1)\n"
        f"from derive.cli import main; main({argv!r})\n"
        "names = {m.split('.')[0] for m in set(sys.modules) - base}\n"
        "print(' '.join(sorted(n for n in names if n in sys.stdlib_module_names and not n.startswith('_'))), "
        "file=sys.stderr)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT.parent)
    return run.stderr.split()


def _frameworks(text: str) -> list[str]:
    keys = [registry.key(name.strip()) or name.strip() for name in text.split(",") if name.strip()]
    unknown = [k for k in keys if k not in EXPLAIN]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(f"frameworks are {', '.join(EXPLAIN)} (got {text!r})")
    return list(dict.fromkeys(keys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--frameworks", type=_frameworks, default=list(EXPLAIN),
                        help="comma list of framework keys (default: all, in the registry's order)")  # fmt: skip
    parser.add_argument("--command", choices=("explain", "shape"), default="explain")
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()
    calls = EXPLAIN if args.command == "explain" else SHAPE
    compileall.compile_dir(str(ROOT / "derive"), quiet=1)
    script = Path(sys.executable).with_name("derive")
    derive = [str(script)] if script.exists() else [sys.executable, "-m", "derive"]
    bare = [sys.executable, "-c", "pass"]
    floor_of = HEADLINE if HEADLINE in args.frameworks else args.frameworks[0]
    stdlib = _stdlib_modules(calls[floor_of])
    imports = [sys.executable, "-c", f"import {', '.join(stdlib)}" if stdlib else "pass"]
    commands = {"python -c pass": bare, **{k: derive + calls[k] for k in args.frameworks}, "stdlib": imports}
    for _ in range(3):  # warm the file cache
        for command in commands.values():
            _wall(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    names = list(commands)
    for r in range(args.rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:  # rotated: no command always goes first
            times[name].append(_wall(commands[name]))
    ms = {name: statistics.median(t) * 1000 for name, t in times.items()}
    b = ms["python -c pass"]
    rows = {k: {"ms": round(ms[k], 1), "ratio": round(ms[k] / b, 2)} for k in args.frameworks}
    facts = {"command": args.command, "python_pass_ms": round(b, 1), "rounds": args.rounds, "install": _hook(),
             "frameworks": rows, "stdlib_of": floor_of, "stdlib_modules": stdlib,
             "stdlib_imports_ms": round(ms["stdlib"], 1), "stdlib_ratio": round(ms["stdlib"] / b, 2)}  # fmt: skip
    if HEADLINE in rows:  # the keys the torch-only report had
        facts.update({f"derive_{args.command}_ms": rows[HEADLINE]["ms"], "ratio": rows[HEADLINE]["ratio"]})
        print(f"derive {' '.join(calls[HEADLINE])}: {rows[HEADLINE]['ms']:.1f} ms, "
              f"{rows[HEADLINE]['ratio']:.2f}x python -c pass (goal: <= 2)")  # fmt: skip
    print(f"python -c pass: {b:.1f} ms (median of {args.rounds} interleaved rounds)\n")
    print(f"{'framework':<12}{'ms':>8}{'ratio':>8}  derive {args.command} ...")
    for k, row in rows.items():
        print(f"{k:<12}{row['ms']:8.1f}{row['ratio']:7.2f}x  {' '.join(calls[k][1:])}")
    worst = max(rows, key=lambda k: rows[k]["ratio"])
    print(f"\nslowest: {worst} {rows[worst]['ratio']:.2f}x (goal: every framework <= 2)")
    print(f"python -c 'import <the stdlib modules {floor_of}'s {args.command} loads>'  "
          f"{facts['stdlib_imports_ms']:.1f} ms ({facts['stdlib_ratio']:.2f}x): "
          f"{' '.join(stdlib) or 'none'}")  # fmt: skip
    print(f"derive is installed as {facts['install']}")
    if args.json:
        Path(args.json).write_text(json.dumps(facts, indent=1))


if __name__ == "__main__":
    main()
