"""Run one framework probe in its own process and read its JSON-lines report.

A probe (a framework's ``derive/frameworks/<key>/tests/probe.py``, or a cross-framework one here:
``tests/conformance/probe_<name>.py``) imports the real framework, sweeps the grid and
prints one JSON object per case: ``{"op": ..., "args": {...}, "length": int}`` or
``{"op": ..., "args": {...}, "error": "<framework's message>"}``. When the framework cannot be
imported it prints ``{"skip": "<reason>"}``; the test then skips, or fails when
``DERIVE_REQUIRE_FRAMEWORKS=1`` (set by CI) so a missing install cannot pass silently.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def script_path(script: str) -> Path:
    """The probe ``script`` names: a framework key's ``tests/probe.py`` (derive/registry.py), or a file here."""
    from derive import registry

    record = registry.BY_KEY.get(script)
    if record is not None and record.probe_script is not None:
        return Path(record.probe_script)
    return HERE / script


def interpreter(script: str) -> str:
    """The Python that runs a probe: ``DERIVE_<NAME>_PYTHON`` for a framework that needs its own venv
    (old numpy pins: mxnet, chainer; see the Makefile), else the one running the tests."""
    name = script.removeprefix("probe_").removesuffix(".py").upper()
    return os.environ.get(f"DERIVE_{name}_PYTHON") or sys.executable


#: a probe process that dies this often is broken, not meeting crashing cases
MAX_CRASHES = 400


def _crash_reason(returncode: int, stderr: str) -> str:
    """What killed the probe: the signal and the framework's last ``Check failed`` line (or stderr's last line)."""
    how = f"signal {signal.Signals(-returncode).name}" if returncode < 0 else f"exit {returncode}"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    checks = [line for line in lines if "Check failed" in line or "F0000" in line or "Fatal" in line]
    tail = (checks or lines or [""])[-1]
    return f"{how}: {tail}"[:500]


@functools.cache
def _run(script: str, env_items: tuple[tuple[str, str], ...]) -> tuple[list[dict], float]:
    """Run the probe to the end; a case that kills the process becomes a ``crash`` row and the probe
    starts again at the next case (see ``_probe.py``), so one aborting case never takes others with it."""
    start = time.perf_counter()
    command = [interpreter(script), str(script_path(script))]
    rows: list[dict] = []
    first = 0
    for _ in range(MAX_CRASHES + 1):
        env = {**os.environ, **dict(env_items), "PYTHONPATH": str(ROOT), "DERIVE_PROBE_FROM": str(first)}
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3000)
        records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
        # a restarted probe reports its run ("info") again: keep the first
        done = [
            r for r in records if ("case" not in r or "length" in r or "error" in r) and not ("info" in r and first)
        ]
        rows.extend({k: v for k, v in r.items() if k != "case"} for r in done)
        if proc.returncode == 0:
            return rows, time.perf_counter() - start
        announced = [r for r in records if "case" in r and "length" not in r and "error" not in r]
        reported = {r["case"] for r in done if "case" in r}
        pending = [r for r in announced if r["case"] not in reported]
        if not pending:  # the probe itself failed, outside any case
            raise AssertionError(f"{script} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
        dead = pending[-1]
        rows.append({"op": dead["op"], "args": dead["args"], "crash": _crash_reason(proc.returncode, proc.stderr)})
        first = dead["case"] + 1
    raise AssertionError(f"{script}: more than {MAX_CRASHES} cases killed the probe process")


def probe(script: str, optional: bool = False, **env: str) -> list[dict]:
    """The records of the probe ``script`` (a framework key, or a probe file here), cached per process; skips or
    fails when the framework is missing.

    ``optional`` probes (a framework no package registry serves) skip even when frameworks are required.
    """
    rows, took = _run(script, tuple(sorted(env.items())))
    skips = [r["skip"] for r in rows if "skip" in r]
    if skips:
        if os.environ.get("DERIVE_REQUIRE_FRAMEWORKS") == "1" and not optional:
            pytest.fail(f"{script}: framework required but unavailable: {skips[0]}")
        pytest.skip(f"{script}: {skips[0]}")
    print(f"{script} {env or ''}: {len(rows)} cases in {took:.1f}s")
    return rows


def disagreements(rows: list[dict], predict) -> list[str]:
    """Every record where the model differs from the framework, as readable lines.

    ``predict(row)`` returns the model's length for the record's op and args, or raises
    :class:`derive.errors.FrameworkError`; a refusal agrees when the model's message (the
    framework's own text) appears in the framework's error text, and a ``crash`` record (the case
    killed the probe process) agrees only with :class:`~derive.errors.FrameworkCrashError`.
    """
    from derive.errors import FrameworkCrashError, FrameworkError

    bad = []
    for row in rows:
        if "info" in row:
            continue
        try:
            got: tuple[str, object] = ("length", predict(row))
        except FrameworkCrashError as e:
            got = ("crash", e.message)
        except FrameworkError as e:
            got = ("error", e.message)
        if "length" in row:
            want = ("length", row["length"])
        else:
            want = ("crash", row["crash"]) if "crash" in row else ("error", row["error"])
        same_kind = got[0] == want[0]
        if same_kind and got[0] == "length" and got[1] == want[1]:
            continue
        if same_kind and got[0] != "length" and str(got[1]).strip() in str(want[1]):
            continue
        bad.append(f"{row['op']} {row['args']}: framework {want[0]} {want[1]!r}, model {got[0]} {got[1]!r}")
    return bad


def run_info(rows: list[dict]) -> dict:
    """What the probe reported about its own run (e.g. the kernels TensorFlow picked), merged."""
    info: dict = {}
    for row in rows:
        info.update(row.get("info", {}))
    return info


def row_args(row: dict) -> dict:
    """A probe record's arguments as the model takes them: JSON lists back to per-axis tuples."""
    return {key: tuple(v) if isinstance(v, list) else v for key, v in row["args"].items()}


def module_predictor(module):
    """The usual ``predict``: a record's op picks ``conv_length`` or ``conv_transpose_length`` of the model module,
    called with the record's arguments (JSON lists become per-axis tuples, and tuple results lists again)."""

    def predict(row: dict):
        args = row_args(row)
        n = args.pop("n")
        fn = module.conv_length if row["op"] == "conv" else module.conv_transpose_length
        out = fn(n, **args)
        return list(out) if isinstance(out, tuple) else out

    return predict


# ---------------------------------------------------------------- derive net sweeps (test_net_*.py)


def member(runs: dict, v: int) -> bool:
    """Whether ``v`` is in a per-dim set as ``derive net --json`` prints it (finite, from, modulus, residues)."""
    if v in runs["finite"]:
        return True
    return runs["from"] is not None and v >= runs["from"] and v % runs["modulus"] in runs["residues"]


def prediction_disagreements(sizes: list[dict], runtime: str) -> list[str]:
    """Every swept size where the runtime's shape or message differs from derive's prediction there."""
    bad = []
    for r in sizes:
        got = r["predicted"]
        if "shape" in r and got.get("shape") != r["shape"]:
            bad.append(f"{r['values']}: {runtime} {r['shape']}, derive {got}")
        elif "error" in r and ("error" not in got or got["error"] not in r["error"]):
            bad.append(f"{r['values']}: {runtime} {r['error']!r}, derive {got}")
    return bad


def answer_disagreements(answer: dict, sizes: list[dict], runtime: str) -> list[str]:
    """Every swept size where derive's stated answer (the joint condition, the output formula, each proved
    per-dim set while the other dims are in theirs) says otherwise than the runtime did."""
    import sympy as sp

    symbols = {d: sp.Symbol(d, integer=True, positive=True) for d in answer["dims"]}
    condition = sp.S(sp.sympify(answer["condition"], locals=symbols))
    (formula,) = answer["outputs"].values()
    formula = [sp.sympify(x, locals=symbols) for x in formula]
    bad = []
    for r in sizes:
        at = {symbols[k]: v for k, v in r["values"].items()}
        runs = "shape" in r
        said = "runs" if runs else "fails"
        if bool(condition.subs(at)) != runs:
            bad.append(f"{r['values']}: {runtime} {said}, the condition says otherwise")
        if runs and [int(f.subs(at)) for f in formula] != r["shape"]:
            bad.append(f"{r['values']}: {runtime} {r['shape']}, formula {[f.subs(at) for f in formula]}")
        for d, v in r["values"].items():
            dim = answer["dims"][d]
            if dim["runs"] is None or dim["proof"] != "proved":
                continue
            held = all(
                answer["dims"][o]["runs"] is not None and member(answer["dims"][o]["runs"], w)
                for o, w in r["values"].items()
                if o != d
            )
            if held and member(dim["runs"], v) != runs:
                bad.append(f"{r['values']}: {runtime} {said}, {d}'s set says otherwise")
    return bad
