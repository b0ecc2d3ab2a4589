"""Real runs confirm the windows derive models for mxnet (both CPU backends), paddle, chainer and tinygrad, and every
port between them and torch / onnxruntime / Keras, impulse by impulse with shared weights.

The side venvs have no SymPy or Z3: the cases are computed here (a small grid the model accepts, the port
settings, the kernel) and run by probe_alignment_side.py with each side venv's python (DERIVE_<NAME>_PYTHON,
set by the Makefile); the main-venv frameworks of the ports run through the same probe with this python.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from derive import alignment as AL
from derive.errors import DeriveError
from derive.inverse import Bounds, Range, space
from derive.port import LENGTH_ONLY, SAME_SAMPLES, port
from derive.registry import BY_KEY

from .probe_alignment import PORT_NS, PORT_SOURCES, concrete, split

pytestmark = pytest.mark.conformance

HERE = Path(__file__).parent
#: the side-venv frameworks (and backends) as DERIVE_ALIGN spells them
SIDE = ("mxnet", "mxnet:onednn", "paddle", "chainer", "tinygrad")
#: main-venv frameworks the side ones are ported to and from
MAIN = ("torch", "onnx:onnxruntime", "keras:tensorflow")
#: input lengths of the grid
NS = (1, 2, 3, 5)
#: grid cases per framework (a deterministic sample of those the model accepts); tinygrad's Python device is slow
CAP = {"tinygrad": 30}
CAP_DEFAULT = 60
#: the side frameworks' source layers, ported to every other side framework and to MAIN (one per padding style)
SIDE_SOURCES: dict[str, list[dict[str, Any]]] = {
    # dilated and strided: the same samples on oneDNN, none claimed on MXNet's own kernels (apache/mxnet#13876)
    "mxnet": [
        {"kernel": 3, "stride": 2, "pad": 1, "adj": 1},
        {"kernel": 4, "stride": 2, "pad": 1},
        {"kernel": 3, "stride": 2, "dilate": 2, "pad": 1},
    ],
    "paddle": [
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        {"kernel_size": 4, "stride": 2, "padding": [1, 2]},
    ],
    "chainer": [{"ksize": 3, "stride": 2, "pad": 1}, {"ksize": 4, "stride": 2, "pad": 1}],
    "tinygrad": [
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        {"kernel_size": 5, "stride": 2, "padding": 2, "output_padding": 1},
    ],
}


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return v


def key(name: str, cfg: dict[str, Any], n: int) -> str:
    return json.dumps([name, _plain(cfg), n], sort_keys=True)


def _bound(name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    """A JSON configuration back in the model's terms (pads as tuples)."""
    out = dict(cfg)
    for k in ("padding", "pads"):
        if isinstance(out.get(k), list):
            out[k] = tuple(out[k])
    return out


def _role(name: str, cfg: dict[str, Any], role: str, default: int = 1) -> int:
    inverse = space(*split(name))
    return cfg.get(inverse.role(role), default) if inverse.has(role) else default


def weights(name: str, cfg: dict[str, Any]) -> list[float]:
    """The kernel 1, 2, ..., k as the framework takes it (reversed where it applies the kernel reversed)."""
    k = _role(name, cfg, "kernel")
    w = [float(t) for t in range(1, k + 1)]
    r = AL.rule(*split(name))
    return w[::-1] if r is not None and r.flipped(_bound(name, cfg)) else w


def expected(name: str, cfg: dict[str, Any], n: int) -> list[list[float]] | None:
    """What the window model says the layer outputs for each impulse (None: the model refuses or keeps no window)."""
    try:
        win = AL.window(space(*split(name)), n, _bound(name, cfg))
    except DeriveError:
        return None
    if win is None:
        return None
    w = [float(t) for t in range(1, _role(name, cfg, "kernel") + 1)]
    s, d = _role(name, cfg, "stride"), _role(name, cfg, "dilation")
    return [AL.kept(AL.full_output([float(i == b) for i in range(n)], w, s, d), win) for b in range(n)]


def _accepts(name: str, cfg: dict[str, Any], n: int) -> int | None:
    try:
        return space(*split(name)).call(n, _bound(name, cfg))
    except DeriveError:
        return None


def grid(name: str) -> list[tuple[dict[str, Any], int]]:
    """A deterministic sample of the settings the model accepts, with each framework's own length knob too
    (mxnet target_shape, paddle output_size, chainer outsize: every value the model accepts at that n)."""
    fw, backend = split(name)
    inverse = space(fw, backend)
    bounds = Bounds(kernel=Range(1, 4), stride=Range(1, 3), dilation=Range(1, 2), padding=Range(0, 2))
    cases = []
    for cfg in inverse.grid(bounds, 7):
        cfg = _plain({k: v for k, v in cfg.items() if k != "outsize"})
        for n in NS:
            length = _accepts(name, cfg, n)
            if length is None:
                continue
            cases.append((cfg, n))
            knob = {"mxnet": "target_shape", "paddle": "output_size", "chainer": "outsize"}.get(fw)
            if knob is None or (fw == "paddle" and cfg["output_padding"]) or (fw == "mxnet" and cfg["adj"]):
                continue
            s = _role(name, cfg, "stride")
            for size in range(max(1, length - s + 1), length + s):
                v = {**cfg, knob: size}
                if _accepts(name, v, n) is not None:
                    cases.append((v, n))
    # the same share for each kind of call (padding form, length knob set or not), a deterministic pick in each
    kinds: dict[tuple[str, bool], list[tuple[dict[str, Any], int]]] = {}
    for c in cases:
        kinds.setdefault(_kind(c[0]), []).append(c)
    share = -(-CAP.get(fw, CAP_DEFAULT) // len(kinds))
    return [c for group in kinds.values() for c in sorted(group, key=_crc)[:share]]


def _crc(case: tuple[dict[str, Any], int]) -> int:
    return zlib.crc32(json.dumps(list(case), sort_keys=True).encode())


def _kind(cfg: dict[str, Any]) -> tuple[str, bool]:
    p = next((cfg[k] for k in ("padding", "pad") if k in cfg), 0)
    form = p.upper() if isinstance(p, str) else "pair" if isinstance(p, list) else "int"
    return form, any(cfg.get(k) is not None for k in ("target_shape", "output_size", "outsize"))


@functools.cache
def ported() -> list[tuple[str, str, dict[str, Any], Any]]:
    """(source, target, source configuration, Port): each side source to every other side framework and MAIN, and
    each MAIN source (probe_alignment.PORT_SOURCES) to every side framework."""
    sources = {**{n: SIDE_SOURCES[split(n)[0]] for n in SIDE}, **{n: PORT_SOURCES[split(n)[0]] for n in MAIN}}
    out = []
    for src, cfgs in sources.items():
        for dst in (*SIDE, *MAIN) if src in SIDE else SIDE:
            if split(dst)[0] == split(src)[0]:
                continue
            (fw, backend), (tfw, tbackend) = split(src), split(dst)
            for cfg in cfgs:
                p = port(fw, tfw, source_backend=backend, target_backend=tbackend, **cfg)
                out.append((src, dst, cfg, p))
    return out


def _source(name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    return _plain(space(*split(name)).bind(cfg))


@functools.cache
def cases(name: str) -> tuple[tuple[dict[str, Any], int], ...]:
    """Every case one framework runs: its grid (side frameworks), its port sources and the ports and fixes to it."""
    found = (*grid(name),) if name in SIDE else ()
    for src, dst, cfg, p in ported():
        if src == name:
            found += tuple((_source(name, cfg), n) for n in PORT_NS)
        if dst == name:
            for conf in (p.configuration, p.fix_configuration):
                if conf is not None:
                    found += tuple((_plain(concrete(conf, n)), n) for n in PORT_NS)
    seen: dict[str, tuple[dict[str, Any], int]] = {}
    for cfg, n in found:
        seen.setdefault(key(name, cfg, n), (cfg, n))
    return tuple(seen.values())


def _python(name: str) -> str:
    """The side venv's python (the Makefile's DERIVE_<NAME>_PYTHON), or this one (main-venv frameworks)."""
    fw, _ = split(name)
    side = BY_KEY[fw].requirements is not None
    return (os.environ.get(f"DERIVE_{fw.upper()}_PYTHON") if side else None) or sys.executable


@functools.cache
def runs(name: str) -> dict[str, dict]:
    """The probe's rows for one framework, by case key; a case that kills the process is a ``crash`` row and the
    probe starts again after it."""
    todo = cases(name)
    fw, backend = split(name)
    payload = [{"key": key(name, c, n), "args": c, "n": n, "weights": weights(name, c)} for c, n in todo]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent.parent), "DERIVE_ALIGN": name, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if fw == "mxnet":
        env["MXNET_MKLDNN_ENABLED"] = "1" if backend == "onednn" else "0"
    rows: dict[str, dict] = {}
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(payload, f)
    try:
        first = 0
        while first < len(payload):
            env.update(DERIVE_ALIGN_CASES=f.name, DERIVE_PROBE_FROM=str(first))
            command = [_python(name), str(HERE / "probe_alignment_side.py")]
            proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
            records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
            skip = next((r["skip"] for r in records if "skip" in r), None)
            if skip is not None:
                if os.environ.get("DERIVE_REQUIRE_FRAMEWORKS") == "1" and not BY_KEY[fw].optional:
                    pytest.fail(f"{name}: framework required but unavailable: {skip}")
                pytest.skip(f"{name}: {skip}")
            done = [r for r in records if "key" in r]
            rows.update((r["key"], r) for r in done)
            if proc.returncode == 0:
                break
            announced = [r["case"] for r in records if set(r) == {"case"}]
            dead = next((i for i in reversed(announced) if payload[i]["key"] not in rows), None)
            if dead is None:
                raise AssertionError(f"{name}: the probe exited {proc.returncode}:\n{proc.stderr[-3000:]}")
            rows[payload[dead]["key"]] = {"key": payload[dead]["key"], "crash": f"exit {proc.returncode}"}
            first = dead + 1
    finally:
        os.unlink(f.name)
    print(f"{name}: {len(rows)} cases in {time.perf_counter() - start:.1f}s")
    return rows


def _output(name: str, cfg: dict[str, Any], n: int) -> list[list[float]] | None:
    row = runs(name).get(key(name, _plain(cfg), n))
    assert row is not None, f"{name} did not run {cfg} at n={n}"
    return row.get("output")


@pytest.mark.parametrize("name", SIDE)
def test_side_windows_match_real_runs(name):
    """Each impulse response of the real layer is the window the model gives, sample for sample."""
    rows = runs(name)
    checked, unmodelled, refused, bad = 0, 0, 0, []
    for cfg, n in cases(name):
        row = rows[key(name, cfg, n)]
        want = expected(name, cfg, n)
        if want is None:
            unmodelled += _accepts(name, cfg, n) is not None
            refused += "output" not in row
            continue
        checked += 1
        got = row.get("output", row.get("error", row.get("crash")))
        if got != want:
            bad.append(f"{cfg} n={n}: framework {got}, model {want}")
    print(f"{name}: {checked} windows checked, {unmodelled} accepted calls keep no modelled window, {refused} refused")
    assert checked >= 25
    assert bad == [], "\n".join(bad[:10])


def test_mxnet_native_dilated_stride_keeps_no_window():
    """MXNet's own kernels with a stride and a dilation above 1 (apache/mxnet#13876): the model claims no window, and
    the real outputs are no window of the full output at any start."""
    rows, scattered = runs("mxnet"), 0
    for cfg, n in cases("mxnet"):
        if not (cfg["stride"] > 1 and cfg["dilate"] > 1 and cfg["kernel"] > 1 and n >= 2):
            continue
        assert expected("mxnet", cfg, n) is None, f"{cfg} n={n}: the model claims a window"
        out = rows[key("mxnet", cfg, n)].get("output")
        if out is None:
            continue
        s, d, w = cfg["stride"], cfg["dilate"], [float(t) for t in range(1, cfg["kernel"] + 1)]
        fulls = [AL.full_output([float(i == b) for i in range(n)], w, s, d) for b in range(n)]
        starts = range(-len(out[0]), len(fulls[0]) + 1)
        scattered += all([AL.kept(f, AL.Window(st, len(out[0]))) for f in fulls] != out for st in starts)
    print(f"mxnet: {scattered} dilated strided calls keep no window")
    assert scattered >= 3


def _crop(y: list[list[float]], left: int, right: int) -> list[list[float]]:
    return [r[left : len(r) - right] for r in y]


def test_side_ports_match_real_runs():
    """For every port between a side framework and another (side or main): "same samples" gives equal outputs,
    "same length only" gives different ones at some n, and every fix (a setting plus a crop) the source's outputs."""
    counts = {"samples": 0, "length": 0, "fix": 0, "none": 0}
    bad = []
    for src, dst, cfg, p in ported():
        source_cfg = _source(src, cfg)
        ns = [n for n in PORT_NS if _output(src, source_cfg, n) is not None]
        assert ns, f"{src} {cfg} ran at no n"
        if p.target is not None and p.alignment == SAME_SAMPLES:
            counts["samples"] += 1
            for n in ns:
                if _output(src, source_cfg, n) != _output(dst, concrete(p.configuration, n), n):
                    bad.append(f"{src} {cfg} -> {p.target}: same samples claimed, differ at n={n}")
        elif p.target is not None and p.alignment == LENGTH_ONLY and p.unmodelled is None:
            counts["length"] += 1
            if all(_output(src, source_cfg, n) == _output(dst, concrete(p.configuration, n), n) for n in ns):
                bad.append(f"{src} {cfg} -> {p.target}: length only claimed, the samples agree at every n run")
        elif p.target is None:
            counts["none"] += 1
        if p.fix_configuration is not None:
            counts["fix"] += 1
            left, right = p.crop
            for n in ns:
                y = _output(dst, concrete(p.fix_configuration, n), n)
                if y is None or _crop(y, left, right) != _output(src, source_cfg, n):
                    bad.append(f"{src} {cfg} -> {p.fix}: the fix differs at n={n}")
    print(json.dumps(counts))
    assert counts["samples"] >= 40 and counts["fix"] >= 3
    assert bad == [], "\n".join(bad[:10])
