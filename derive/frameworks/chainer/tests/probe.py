"""Probe Chainer's convolution_1d / deconvolution_1d (and N-d) output lengths; one JSON object per case.

Run by test_conformance.py (beside it) through the harness. Chainer 7.8.1 needs numpy<1.24 and usually lives
in its own venv: the harness runs this probe with ``DERIVE_CHAINER_PYTHON`` when that is set. Every case runs
the real function on CPU (numpy) arrays."""

from __future__ import annotations

import itertools
import sys
import time

from tests.conformance._probe import case, skip

try:
    import chainer
    import chainer.functions as F
    import numpy as np
except Exception as e:  # pragma: no cover - depends on the environment
    skip(f"chainer not importable: {type(e).__name__}: {e}")


def run(op: str, a: dict) -> list[int]:
    nd = isinstance(a["n"], list)
    n = a["n"] if nd else [a["n"]]
    k = a["ksize"] if nd else [a["ksize"]]
    x, w = np.ones((1, 1, *n), np.float32), np.ones((1, 1, *k), np.float32)
    kw = {key: tuple(v) if isinstance(v, list) else v for key, v in a.items() if key not in ("n", "ksize")}
    if op == "conv":
        y = (F.convolution_nd if nd else F.convolution_1d)(x, w, **kw)
    else:
        if kw.get("outsize") is not None and not nd:
            kw["outsize"] = (kw["outsize"],)  # Chainer wants a tuple
        y = (F.deconvolution_nd if nd else F.deconvolution_1d)(x, w, **kw)
    return list(y.shape[2:])


def emit(op: str, args: dict) -> None:
    axes = list(range(len(args["n"]))) if isinstance(args["n"], list) else 0
    case(op, args, lambda: run(op, args), axes)  # the length, or the framework's refusal verbatim


def main() -> None:
    start = time.perf_counter()
    rng = range
    for n, k, s, d, p, c in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), rng(4), (False, True)):
        emit("conv", {"n": n, "ksize": k, "stride": s, "pad": p, "cover_all": c, "dilate": d})
    for n, k, s, d, p in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), rng(4)):
        emit("conv_transpose", {"n": n, "ksize": k, "stride": s, "pad": p, "dilate": d})
        default = s * (n - 1) + d * (k - 1) + 1 - 2 * p
        for out in rng(max(0, default - s - 1), default + s + 2):
            emit("conv_transpose", {"n": n, "ksize": k, "stride": s, "pad": p, "outsize": out, "dilate": d})
    # N-d spot check: axes independent, per-axis type-check messages
    cases = [
        {"n": [5, 4], "ksize": [3, 2], "stride": [2, 3], "pad": [1, 0], "dilate": [1, 2]},
        {"n": [3, 6], "ksize": [2, 3], "stride": [1, 2], "pad": [0, 1], "dilate": [2, 1]},
    ]
    for args in cases:
        emit("conv", {**args, "cover_all": True})
        emit("conv_transpose", args)
    base = {"n": [3, 3], "ksize": [3, 3], "stride": [2, 2], "pad": [0, 0], "dilate": [1, 1]}
    for out in ([7, 8], [4, 7], [7, 4], [10, 10], [5, 6], [8, 9]):
        emit("conv_transpose", {**base, "outsize": out})
    emit("conv", {"n": [4, 1], "ksize": [3, 3], "stride": [1, 1], "pad": [0, 0], "cover_all": False, "dilate": [1, 1]})
    print(f"chainer {chainer.__version__}: {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
