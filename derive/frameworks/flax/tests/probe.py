"""Probe flax.linen.ConvTranspose / flax.linen.Conv output lengths (JSON lines on stdout).

Every case goes through ``jax.eval_shape`` of ``Module.init_with_output`` (Flax's own code and JAX's
shape rules; cases are traced in batches, each inside its own try/except); a deterministic sample
and the first cases of every refusal class also run ``init_with_output`` on real arrays
(``"via": "run"``), and a small sample runs ``flax.nnx`` (``"via": "nnx"``), whose padding code is
the same.

Grid (1-D): n 1..8, kernel 1..5, stride 1..4, kernel dilation 1..3. ConvTranspose: the default
(SAME), VALID, CIRCULAR, int padding 0..3, [(lo, hi)] (stretched-input pads) with lo, hi in {-3,-1,0,2} for
dilation 1 and three pairs for dilation 2, 3 (the lax arithmetic under it is swept by probe_jax; the
full -3..3 square took five minutes), [p]; refusals: a bare (lo, hi), CAUSAL, REFLECT, lowercase
same, SAME_LOWER. Conv: SAME, VALID, CIRCULAR, REFLECT, CAUSAL, int 0..3, the same pairs; input
dilation 2 on a sample. 2-D spot checks.
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
    import flax
    import flax.linen as nn
    import jax
    import jax.numpy as jnp
    from flax import nnx
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"flax unavailable: {e!r}"}))
    sys.exit(0)

SAMPLE = int(os.environ.get("DERIVE_FLAX_SAMPLE", "307"))
NNX_SAMPLE = 997
RUN_PER_ERROR = 3
BATCH = 128
CASES: list[tuple] = []
_errors_run: dict[str, int] = {}


def _jsonable(padding):
    if isinstance(padding, (str, int)):
        return padding
    return [list(p) if isinstance(p, tuple) else p for p in padding]


def _outcome(fn, *args):
    try:
        return {"shape": list(fn(*args).shape)}
    except Exception as e:  # the framework's refusal: keep its class and message
        return {"error": f"{type(e).__name__}: {e}"}


def _emit(op, args, outcome, rank, via):
    row = {"op": op, "args": args, "via": via}
    if "error" in outcome:
        row["error"] = outcome["error"]
    else:
        spatial = outcome["shape"][1 : 1 + rank]
        row["length"] = spatial if rank > 1 else spatial[0]
    print(json.dumps(row))


def _linen(op, kw):
    cls = nn.ConvTranspose if op == "conv_transpose" else nn.Conv
    return cls(features=1, use_bias=False, **kw)


def _nnx(op, kw):
    kw = dict(kw)
    if op == "conv_transpose":
        return nnx.ConvTranspose(1, 1, use_bias=False, rngs=nnx.Rngs(0), **kw)
    return nnx.Conv(1, 1, use_bias=False, rngs=nnx.Rngs(0), **kw)


def _run_linen(op, kw, x):
    return _linen(op, kw).init_with_output(jax.random.key(0), x)[0]


def _run_nnx(op, kw, x):
    return _nnx(op, kw)(x)


def case(op, ns, kw):
    """``kw``: the module's keyword arguments as Flax takes them."""
    args = {
        "n": list(ns) if len(ns) > 1 else ns[0],
        **{k: _jsonable(v) if k == "padding" else v for k, v in kw.items()},
    }
    if isinstance(kw.get("padding"), tuple):
        args["padding_is_tuple"] = True  # JSON has no tuples; Flax prints the padding it was given
    for key, value in args.items():
        if isinstance(value, tuple):
            args[key] = list(value)
    CASES.append((op, args, kw, (1, *ns, 1), len(ns)))


def _eval_batch(batch):
    outcomes: list[dict] = [{} for _ in batch]

    def traced(*xs):
        outs = []
        for i, (op, _, kw, _, _) in enumerate(batch):
            try:
                y, _ = _linen(op, kw).init_with_output(jax.random.key(0), xs[i])
                outs.append(y)
                outcomes[i] = {"index": len(outs) - 1}
            except Exception as e:  # the framework's refusal
                outcomes[i] = {"error": f"{type(e).__name__}: {e}"}
        return tuple(outs)

    shapes = jax.eval_shape(traced, *[jax.ShapeDtypeStruct(c[3], jnp.float32) for c in batch])
    return [o if "error" in o else {"shape": list(shapes[o["index"]].shape)} for o in outcomes]


def _flush():
    for start in range(0, len(CASES), BATCH):
        batch = CASES[start : start + BATCH]
        for (op, args, kw, shape, rank), shaped in zip(batch, _eval_batch(batch), strict=True):
            _emit(op, args, shaped, rank, "eval_shape")
            h = zlib.crc32(json.dumps([op, args], sort_keys=True).encode())
            run = h % SAMPLE == 0
            if "error" in shaped:
                cls = shaped["error"][:60]
                _errors_run[cls] = _errors_run.get(cls, 0) + 1
                run = run or _errors_run[cls] <= RUN_PER_ERROR
            x = jnp.ones(shape, jnp.float32)
            if run:
                _emit(op, args, _outcome(_run_linen, op, kw, x), rank, "run")
            if h % NNX_SAMPLE == 1 or ("error" in shaped and _errors_run[cls] == 1):
                _emit(op, args, _outcome(_run_nnx, op, kw, x), rank, "nnx")
    CASES.clear()


def main():
    start = time.perf_counter()
    # Flax's own logic is the padding canonicalisation and its string modes (the lax rules under it
    # are swept by probe_jax): every mode for each (n, k, s, d), explicit pairs on a spread
    full = list(itertools.product((-3, -1, 0, 2), repeat=2))
    spread = [(-2, 1), (0, 0), (1, 3)]
    for n, k, s, d in itertools.product(range(1, 9), range(1, 6), range(1, 5), range(1, 4)):
        pairs = full if d == 1 else spread
        base = {"kernel_size": (k,), "strides": (s,), "kernel_dilation": (d,)}
        case("conv_transpose", (n,), base)  # the default padding, 'SAME'
        paddings = ["VALID", "CIRCULAR", *range(4), *([p] for p in pairs)]
        if n <= 4 and k <= 3 and d == 1:
            paddings += [(1, 2), [2], "CAUSAL", "REFLECT", "same", "SAME_LOWER"]
        for p in paddings:
            case("conv_transpose", (n,), {**base, "padding": p})
        for p in ["SAME", "VALID", "CIRCULAR", "REFLECT", "CAUSAL", *range(4), *([p] for p in pairs)]:
            case("conv", (n,), {**base, "padding": p})
        if d == 1 and s <= 2:
            for p in ["SAME", "CAUSAL", 1, [(-1, 2)], [(-3, -3)]]:
                case("conv", (n,), {**base, "padding": p, "input_dilation": (2,)})
    # int kernel_size / strides (broadcast by Flax) and transpose_kernel
    case("conv_transpose", (5,), {"kernel_size": 3, "strides": 2, "padding": 1})
    case("conv_transpose", (5,), {"kernel_size": 4, "strides": 2, "padding": "CIRCULAR", "transpose_kernel": True})
    case("conv", (5,), {"kernel_size": 3, "strides": 2})
    # 2-D spot checks: each axis behaves like its own 1-D case
    spots = [
        ((5, 3), (3, 2), (2, 1), [(1, 1), (0, 1)], (1, 2)),
        ((4, 7), (5, 1), (3, 2), [(-1, 2), 3], (2, 1)),
        ((6, 2), (2, 4), (4, 1), "SAME", (1, 3)),
        ((6, 2), (2, 4), (4, 1), "CIRCULAR", (1, 3)),
        ((6, 5), (3, 2), (1, 2), 2, (1, 1)),
        ((3, 5), (3, 3), (1, 1), [(-3, -3), (0, 0)], (1, 1)),
        ((3, 5), (3, 3), (1, 1), (1, 2, 3), (1, 1)),
    ]
    for n2, k2, s2, p2, d2 in spots:
        case("conv_transpose", n2, {"kernel_size": k2, "strides": s2, "padding": p2, "kernel_dilation": d2})
        case("conv", n2, {"kernel_size": k2, "strides": s2, "padding": p2, "kernel_dilation": d2})
    case("conv", (5, 5), {"kernel_size": (3, 3), "padding": "CAUSAL"})
    case("conv", (5, 5), {"kernel_size": (3, 3), "padding": "REFLECT", "strides": (2, 1)})
    _flush()
    print(
        f"probe_flax: flax {flax.__version__}, jax {jax.__version__}, {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
