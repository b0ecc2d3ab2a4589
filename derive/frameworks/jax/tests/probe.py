"""Probe jax.lax.conv_general_dilated and jax.lax.conv_transpose output lengths (JSON lines on stdout).

Every case goes through ``jax.eval_shape`` (JAX's own shape rules, the real path of a jitted
program; cases are traced in batches, each inside its own try/except); a deterministic sample,
and the first cases of every refusal class, also run the op on real arrays (recorded as
separate rows with ``"via": "run"``).

Grid (1-D): n 1..8, kernel 1..5, stride 1..4, rhs dilation 1..3; forward: SAME, SAME_LOWER, VALID,
same_lower (any case), an unknown string, explicit (lo, hi) with lo, hi in -3..3; lhs dilation 2..3
with explicit pads in {-3,-1,0,2}² and a string. Transposed: SAME, VALID, explicit (lo, hi) in
-3..3 (stretched-input pads), use_consistent_padding with (lo, hi) in -1..3, lowercase 'same' /
'valid' / 'SAME_LOWER' / an unknown string (stride 1 runs them, stride > 1 refuses), a bare pair,
and transpose_kernel on a sample. Plus 2-D spot checks that axes are independent.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
import zlib

try:
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax
    import jax.numpy as jnp
    from jax import lax
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"jax unavailable: {e!r}"}))
    sys.exit(0)

SAMPLE = int(os.environ.get("DERIVE_JAX_SAMPLE", "199"))  # run the real op on ~1 case in SAMPLE
RUN_PER_ERROR = 3  # real runs for the first cases of each refusal message class

sd = jax.ShapeDtypeStruct
_errors_run: dict[str, int] = {}


def _jsonable(padding):
    if isinstance(padding, str):
        return padding
    return [list(p) if isinstance(p, tuple) else p for p in padding]


def _outcome(fn, *args):
    try:
        out = fn(*args)
        return {"shape": list(out.shape)}
    except Exception as e:  # the framework's refusal: keep its class and message
        return {"error": f"{type(e).__name__}: {e}"}


def _emit(op, args, outcome, spatial, via):
    row = {"op": op, "args": args, "via": via}
    if "error" in outcome:
        row["error"] = outcome["error"]
    else:
        shape = outcome["shape"]
        row["length"] = [shape[i] for i in spatial] if len(spatial) > 1 else shape[spatial[0]]
    print(json.dumps(row))


CASES: list[tuple] = []
BATCH = 256


def _case(op, args, build, lhs_shape, rhs_shape, spatial):
    CASES.append((op, args, build, lhs_shape, rhs_shape, spatial))


def _eval_batch(batch):
    """One ``jax.eval_shape`` over many cases: each op is traced (JAX's shape rule runs at bind
    time) inside its own try/except, so one refusal does not hide the others."""
    outcomes: list[dict] = [{} for _ in batch]

    def traced(*arrays):
        outs = []
        for i, (_, _, build, *_rest) in enumerate(batch):
            try:
                outs.append(build(arrays[2 * i], arrays[2 * i + 1]))
                outcomes[i] = {"index": len(outs) - 1}
            except Exception as e:  # the framework's refusal: keep its class and message
                outcomes[i] = {"error": f"{type(e).__name__}: {e}"}
        return tuple(outs)

    specs = []
    for _, _, _, lhs, rhs, _ in batch:
        specs += [sd(lhs, jnp.float32), sd(rhs, jnp.float32)]
    shapes = jax.eval_shape(traced, *specs)
    return [o if "error" in o else {"shape": list(shapes[o["index"]].shape)} for o in outcomes]


def _flush():
    """Record eval_shape for every case, and for a sample (or a new refusal class) a real run too."""
    for start in range(0, len(CASES), BATCH):
        batch = CASES[start : start + BATCH]
        for (op, args, build, lhs_shape, rhs_shape, spatial), shaped in zip(batch, _eval_batch(batch), strict=True):
            _emit(op, args, shaped, spatial, "eval_shape")
            key = json.dumps([op, args], sort_keys=True)
            run = zlib.crc32(key.encode()) % SAMPLE == 0
            if "error" in shaped:
                cls = shaped["error"][:60]
                _errors_run[cls] = _errors_run.get(cls, 0) + 1
                run = run or _errors_run[cls] <= RUN_PER_ERROR
            if run:
                x, w = jnp.ones(lhs_shape, jnp.float32), jnp.ones(rhs_shape, jnp.float32)
                _emit(op, args, _outcome(build, x, w), spatial, "run")
    CASES.clear()


def forward(ns, ks, s, padding, ld, rd):
    rank = len(ns)
    args = {
        "n": ns if rank > 1 else ns[0],
        "kernel_size": ks if rank > 1 else ks[0],
        "window_strides": s if rank > 1 else s[0],
        "padding": _jsonable(padding),
        "lhs_dilation": ld if rank > 1 else ld[0],
        "rhs_dilation": rd if rank > 1 else rd[0],
    }

    def build(x, w):
        return lax.conv_general_dilated(x, w, tuple(s), padding, lhs_dilation=tuple(ld), rhs_dilation=tuple(rd))

    # NC(spatial) / OI(spatial)
    _case("conv", args, build, (1, 1, *ns), (1, 1, *ks), list(range(2, 2 + rank)))


def transpose(ns, ks, s, padding, rd, consistent=False, transpose_kernel=False):
    rank = len(ns)
    args = {
        "n": ns if rank > 1 else ns[0],
        "kernel_size": ks if rank > 1 else ks[0],
        "strides": s if rank > 1 else s[0],
        "padding": _jsonable(padding),
        "rhs_dilation": rd if rank > 1 else rd[0],
        "use_consistent_padding": consistent,
        "transpose_kernel": transpose_kernel,
    }

    def build(x, w):
        return lax.conv_transpose(
            x,
            w,
            tuple(s),
            padding,
            rhs_dilation=tuple(rd),
            transpose_kernel=transpose_kernel,
            use_consistent_padding=consistent,
        )

    # default dimension numbers: N(spatial)C / (spatial)IO
    _case("conv_transpose", args, build, (1, *ns, 1), (*ks, 1, 1), list(range(1, 1 + rank)))


def main():
    start = time.perf_counter()
    ns, ks, ss, ds, pads = range(1, 9), range(1, 6), range(1, 5), range(1, 4), range(-3, 4)
    for n, k, s, d in itertools.product(ns, ks, ss, ds):
        pairs = list(itertools.product(pads, pads))
        for mode in ("SAME", "SAME_LOWER", "VALID"):
            forward((n,), (k,), (s,), mode, (1,), (d,))
        if d == 1 and s <= 2:
            forward((n,), (k,), (s,), "same_lower", (1,), (d,))
        for lo, hi in pairs:
            forward((n,), (k,), (s,), [(lo, hi)], (1,), (d,))
        for mode in ("SAME", "VALID"):
            transpose((n,), (k,), (s,), mode, (d,))
        for lo, hi in pairs:
            transpose((n,), (k,), (s,), [(lo, hi)], (d,))
        for lo, hi in itertools.product(range(-1, 4), range(-1, 4)):
            transpose((n,), (k,), (s,), [(lo, hi)], (d,), consistent=True)
        if n <= 4 and k <= 3 and d <= 2:
            for mode in ("same", "valid", "SAME_LOWER", "FOO"):
                transpose((n,), (k,), (s,), mode, (d,))
            transpose((n,), (k,), (s,), "SAME", (d,), transpose_kernel=True)
            transpose((n,), (k,), (s,), [(1, 0)], (d,), transpose_kernel=True)
    # lhs dilation (forward conv as a fractionally strided conv)
    for n, k, s, ld in itertools.product(ns, ks, ss, (2, 3)):
        for lo, hi in itertools.product((-3, -1, 0, 2), repeat=2):
            forward((n,), (k,), (s,), [(lo, hi)], (ld,), (1,))
        if n <= 3:
            forward((n,), (k,), (s,), "SAME", (ld,), (1,))
    # refusal classes and structure errors
    forward((5,), (3,), (1,), "FOO", (1,), (1,))
    forward((5,), (3,), (1,), [1, 2], (1,), (1,))  # a bare pair
    forward((5,), (3,), (1,), [(1, 1), (0, 0)], (1,), (1,))  # too many pairs
    transpose((3,), (3,), (2,), [1, 2], (1,))
    transpose((3,), (3,), (2,), "same", (1,), consistent=True)
    # 2-D spot checks: each axis behaves like its own 1-D case
    spots = [
        ((5, 3), (3, 2), (2, 1), [(1, 1), (0, 1)], (1, 2)),
        ((4, 7), (5, 1), (3, 2), [(-1, 2), (3, -3)], (2, 1)),
        ((2, 8), (5, 3), (1, 4), [(0, 0), (2, 2)], (3, 1)),
        ((6, 2), (2, 4), (4, 1), "SAME", (1, 3)),
        ((6, 2), (2, 4), (4, 1), "VALID", (1, 3)),
        ((6, 2), (2, 4), (4, 1), "SAME_LOWER", (2, 1)),
        ((3, 5), (3, 3), (1, 1), [(-3, -3), (0, 0)], (1, 1)),
        ((5, 3), (3, 3), (1, 1), [(0, 0), (-3, -3)], (1, 1)),
    ]
    for n2, k2, s2, p2, d2 in spots:
        forward(n2, k2, s2, p2, (1, 1), d2)
        transpose(n2, k2, s2, p2, d2)
        if not isinstance(p2, str):
            transpose(n2, k2, s2, [tuple(abs(v) for v in p) for p in p2], d2, consistent=True)
    forward((5, 4), (3, 2), (1, 2), [(1, 1), (2, 0)], (2, 3), (1, 1))
    _flush()
    print(f"probe_jax: jax {jax.__version__}, {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
