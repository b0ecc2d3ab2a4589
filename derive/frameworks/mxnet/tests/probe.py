"""Probe MXNet 1.x Convolution / Deconvolution output lengths; prints one JSON object per case.

Run by test_conformance.py (beside it) through the harness, once with oneDNN (the pip default) and once with
``MXNET_MKLDNN_ENABLED=0``. MXNet 1.9.1 needs numpy<1.24 and usually lives in its own venv: the harness runs
this probe with ``DERIVE_MXNET_PYTHON`` when that is set. Every case really runs the operator imperatively
(``mx.nd``) and waits for it, so execution-time refusals (oneDNN) are seen too."""

from __future__ import annotations

import itertools
import json
import os
import sys
import time

from tests.conformance._probe import skip

os.environ.setdefault("MXNET_STORAGE_FALLBACK_LOG_VERBOSE", "0")
try:
    import mxnet as mx
except Exception as e:  # pragma: no cover - ImportError, or numpy>=1.24 AttributeError
    skip(f"mxnet not importable: {type(e).__name__}: {e}")

BACKEND = "native" if os.environ.get("MXNET_MKLDNN_ENABLED") == "0" else "onednn"


def run(op: str, a: dict):
    """Run the operator on ones; returns the output's spatial shape."""
    nd = isinstance(a["n"], list)
    n = tuple(a["n"]) if nd else (a["n"],)
    dims = len(n)

    def t(key: str, default):
        v = a.get(key, default)
        return tuple(v) if isinstance(v, list) else (v,) * dims

    k = t("kernel", None)
    x, w = mx.nd.ones((1, 1, *n)), mx.nd.ones((1, 1, *k))
    kw = {"kernel": k, "stride": t("stride", 1), "dilate": t("dilate", 1), "pad": t("pad", 0)}
    kw.update(num_filter=1, no_bias=True)
    if op == "conv":
        y = mx.nd.Convolution(x, w, **kw)
    else:
        kw["adj"] = t("adj", 0)
        if a.get("target_shape") is not None:
            kw["target_shape"] = t("target_shape", 0)
        y = mx.nd.Deconvolution(x, w, **kw)
    y.wait_to_read()
    return list(y.shape[2:])


def emit(op: str, args: dict) -> None:
    rec: dict = {"op": op, "args": args, "backend": BACKEND}
    try:
        shape = run(op, args)
        rec["length"] = shape if isinstance(args["n"], list) else shape[0]
    except Exception as e:  # the framework's refusal, verbatim (MXNetError carries the CHECK text)
        rec["error"] = f"{type(e).__name__}: {e}"
    print(json.dumps(rec))


def main() -> None:
    start = time.perf_counter()
    rng = range
    for n, k, s, d, p in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), rng(4)):
        emit("conv", {"n": n, "kernel": k, "stride": s, "dilate": d, "pad": p})
    for n, k, s, d, p, a in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), rng(4), rng(5)):
        emit("conv_transpose", {"n": n, "kernel": k, "stride": s, "dilate": d, "pad": p, "adj": a})
    # target_shape over its whole range and beyond (pad/adj ignored by shape inference; oneDNN uses pad)
    for n, k, s, d, p in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), (0, 1, 3)):
        full = s * (n - 1) + d * (k - 1) + 1
        for target in rng(1, full + 3):
            args = {"n": n, "kernel": k, "stride": s, "dilate": d, "pad": p, "adj": p % 2, "target_shape": target}
            emit("conv_transpose", args)
    # 2-D spot check: axes independent, per-axis messages (adj(y) / adj(x))
    cases_2d = [
        {"n": [5, 4], "kernel": [3, 2], "stride": [2, 3], "dilate": [1, 2], "pad": [1, 0], "adj": [1, 2]},
        {"n": [3, 6], "kernel": [2, 3], "stride": [1, 2], "dilate": [2, 1], "pad": [0, 1], "adj": [0, 1]},
        {"n": [4, 4], "kernel": [3, 3], "stride": [2, 2], "dilate": [1, 1], "pad": [1, 1], "adj": [2, 0]},
        {"n": [4, 4], "kernel": [3, 3], "stride": [2, 2], "dilate": [1, 1], "pad": [1, 1], "adj": [0, 2]},
        {"n": [4, 5], "kernel": [3, 3], "stride": [2, 1], "dilate": [1, 1], "target_shape": [8, 6]},
        {"n": [4, 5], "kernel": [3, 3], "stride": [2, 1], "dilate": [1, 1], "target_shape": [8, 5]},
    ]
    for args in cases_2d:
        emit("conv_transpose", args)
        fwd = {key: args[key] for key in ("n", "kernel", "stride", "dilate") if key in args}
        emit("conv", {**fwd, "pad": args.get("pad", [0, 0])})
    emit("conv", {"n": [2, 6], "kernel": [3, 3], "stride": [1, 1], "dilate": [1, 1], "pad": [0, 0]})
    emit("conv", {"n": [6, 2], "kernel": [3, 3], "stride": [1, 1], "dilate": [1, 1], "pad": [0, 0]})
    print(f"mxnet {mx.__version__} ({BACKEND}): {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
