"""Run one framework probe in its own process and read its JSON-lines report.

A probe (``tests/conformance/probe_<name>.py``) imports the real framework, sweeps the grid and
prints one JSON object per case: ``{"op": ..., "args": {...}, "length": int}`` or
``{"op": ..., "args": {...}, "error": "<framework's message>"}``. When the framework cannot be
imported it prints ``{"skip": "<reason>"}``; the test then skips, or fails when
``DERIVE_REQUIRE_FRAMEWORKS=1`` (set by CI) so a missing install cannot pass silently.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent


def interpreter(script: str) -> str:
    """The Python that runs a probe: ``DERIVE_<NAME>_PYTHON`` for a framework that needs its own venv
    (old numpy pins: mxnet, chainer; see the Makefile), else the one running the tests."""
    name = script.removeprefix("probe_").removesuffix(".py").upper()
    return os.environ.get(f"DERIVE_{name}_PYTHON") or sys.executable


@functools.cache
def _run(script: str, env_items: tuple[tuple[str, str], ...]) -> tuple[list[dict], float]:
    env = {**os.environ, **dict(env_items), "PYTHONPATH": str(HERE.parent.parent)}
    start = time.perf_counter()
    command = [interpreter(script), str(HERE / script)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3000)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise AssertionError(f"{script} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return rows, took


def probe(script: str, optional: bool = False, **env: str) -> list[dict]:
    """The probe's records (cached per process); skips or fails when the framework is missing.

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
    framework's own text) appears in the framework's error text.
    """
    from derive.errors import FrameworkError

    bad = []
    for row in rows:
        try:
            got: tuple[str, object] = ("length", predict(row))
        except FrameworkError as e:
            got = ("error", e.message)
        want = ("length", row["length"]) if "length" in row else ("error", row["error"])
        same_kind = got[0] == want[0]
        if same_kind and got[0] == "length" and got[1] == want[1]:
            continue
        if same_kind and got[0] == "error" and str(got[1]).strip() in str(want[1]):
            continue
        bad.append(f"{row['op']} {row['args']}: framework {want[0]} {want[1]!r}, model {got[0]} {got[1]!r}")
    return bad


def module_predictor(module):
    """The usual ``predict``: a record's op picks ``conv_length`` or ``conv_transpose_length`` of the model module,
    called with the record's arguments (JSON lists become per-axis tuples, and tuple results lists again)."""

    def predict(row: dict):
        args = {key: tuple(v) if isinstance(v, list) else v for key, v in row["args"].items()}
        n = args.pop("n")
        fn = module.conv_length if row["op"] == "conv" else module.conv_transpose_length
        out = fn(n, **args)
        return list(out) if isinstance(out, tuple) else out

    return predict
