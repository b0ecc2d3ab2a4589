"""Real runs confirm every window derive models and every port's verdict on the samples (impulse inputs, shared
weights), for each framework the main venv runs live; the probes run in subprocesses (probe_alignment.py)."""

from __future__ import annotations

import functools
import json

import pytest

from derive import alignment as AL
from derive.errors import DeriveError
from derive.inverse import space
from derive.port import LENGTH_ONLY, SAME_SAMPLES

from . import probe_alignment
from ._harness import probe

pytestmark = pytest.mark.conformance


@functools.cache
def runs(name: str) -> dict[str, dict]:
    """The probe's rows of one framework, by case key."""
    rows = probe("probe_alignment.py", DERIVE_ALIGN=name, TF_CPP_MIN_LOG_LEVEL="3")
    return {r["key"]: r for r in rows if "key" in r}


def expected(name: str, cfg: dict, n: int) -> list[list[float]] | None:
    """What the window model says the layer outputs for each impulse (None: the model refuses or keeps no window)."""
    fw, backend = probe_alignment.split(name)
    inverse = space(fw, backend)
    args = {k: tuple(v) if isinstance(v, list) and k in ("pads",) else v for k, v in cfg.items()}
    if fw == "tensorflow" and isinstance(args["padding"], list):
        args["padding"] = tuple(args["padding"])
    if fw in ("jax", "flax") and isinstance(args["padding"], list):
        args["padding"] = [tuple(p) if isinstance(p, list) else p for p in args["padding"]]
    try:
        win = AL.window(inverse, n, args)
    except DeriveError:
        return None
    if win is None:
        return None
    w = [float(t) for t in range(1, (args.get("kernel_size") or args.get("kernel_shape")) + 1)]
    d = next((args[k] for k in ("dilation", "dilation_rate", "dilations", "rhs_dilation", "kernel_dilation")
              if k in args), 1)  # fmt: skip
    s = next(args[k] for k in ("stride", "strides") if k in args)
    return [AL.kept(AL.full_output([float(i == b) for i in range(n)], w, s, d), win) for b in range(n)]


@pytest.mark.parametrize("name", probe_alignment.LIVE)
def test_windows_match_real_runs(name):
    """Each impulse response of the real layer is the window the model gives, sample for sample."""
    rows = runs(name)
    checked, bad = 0, []
    for row in rows.values():
        want = expected(name, row["args"], row["n"])
        if want is None:
            continue
        checked += 1
        got = row.get("output", row.get("error"))
        if got != want:
            bad.append(f"{row['args']} n={row['n']}: framework {got}, model {want}")
    print(f"{name}: {checked} windows checked")
    assert checked >= 100
    assert bad == [], "\n".join(bad[:10])


@functools.cache
def ported() -> list:
    return probe_alignment.ports()


def _output(name: str, cfg: dict, n: int):
    row = runs(name).get(probe_alignment.key(name, cfg, n))
    assert row is not None, f"{name} did not run {cfg} at n={n}"
    return row.get("output")


def _crop(y: list[list[float]], left: int, right: int) -> list[list[float]]:
    return [r[left : len(r) - right] for r in y]


def test_ports_match_real_runs():
    """For every port between live frameworks: "same samples" gives equal outputs, "same length only" gives
    different ones at some n, and every fix (a setting plus a crop) gives the source's outputs."""
    counts = {"samples": 0, "length": 0, "fix": 0}
    bad = []
    for src, dst, cfg, p in ported():
        fw, backend = probe_alignment.split(src)
        source_cfg = space(fw, backend).bind(cfg)
        ns = [n for n in probe_alignment.PORT_NS if _output(src, source_cfg, n) is not None]
        assert ns, f"{src} {cfg} ran at no n"
        if p.target is not None and p.alignment == SAME_SAMPLES:
            counts["samples"] += 1
            for n in ns:
                if _output(src, source_cfg, n) != _output(dst, probe_alignment.concrete(p.configuration, n), n):
                    bad.append(f"{src} {cfg} -> {p.target}: same samples claimed, differ at n={n}")
        elif p.target is not None and p.alignment == LENGTH_ONLY and p.unmodelled is None:
            counts["length"] += 1
            target_outputs = [_output(dst, probe_alignment.concrete(p.configuration, n), n) for n in ns]
            if [_output(src, source_cfg, n) for n in ns] == target_outputs:
                bad.append(f"{src} {cfg} -> {p.target}: length only claimed, the samples agree at every n run")
        if p.fix_configuration is not None:
            counts["fix"] += 1
            left, right = p.crop
            for n in ns:
                y = _output(dst, probe_alignment.concrete(p.fix_configuration, n), n)
                if y is None or _crop(y, left, right) != _output(src, source_cfg, n):
                    bad.append(f"{src} {cfg} -> {p.fix}: the fix differs at n={n}")
    print(json.dumps(counts))
    assert counts["samples"] >= 50 and counts["fix"] >= 10
    assert bad == [], "\n".join(bad[:10])
