"""Probe tinygrad's conv2d / conv_transpose2d output lengths; prints one JSON object per case.

Run by test_conformance.py (beside it) through the harness. tinygrad is often installed in its own venv: the
harness runs this probe with ``DERIVE_TINYGRAD_PYTHON`` when that is set. ``DEV`` defaults to ``PYTHON`` (the
pure-Python device: needs no compiler). Shapes are tracked eagerly when the graph is built, which is where every
refusal happens, so most cases only build the graph; every ``REALIZE_EVERY``-th accepted case is also computed
and its realized shape checked."""

from __future__ import annotations

import itertools
import json
import os
import sys
import time

from tests.conformance._probe import skip

REALIZE_EVERY = int(os.environ.get("DERIVE_PROBE_REALIZE_EVERY", "151"))


os.environ.setdefault("DEV", "PYTHON")
try:
    import tinygrad
    from tinygrad import Tensor
except ImportError as e:  # pragma: no cover - depends on the environment
    skip(f"tinygrad not importable: {e}")

_count = 0


def build(op: str, a: dict):
    """The tinygrad call for one record (tuples for 2-D records, ints for 1-D)."""
    nd = isinstance(a["n"], list)
    n, k = (tuple(a["n"]), tuple(a["kernel_size"])) if nd else ((a["n"],), (a["kernel_size"],))
    kw = {key: tuple(v) if isinstance(v, list) else v for key, v in a.items() if key not in ("n", "kernel_size")}
    x, w = Tensor.ones(1, 1, *n), Tensor.ones(1, 1, *k)
    return x.conv2d(w, **kw) if op == "conv" else x.conv_transpose2d(w, **kw)


def emit(op: str, args: dict) -> None:
    """Build (and every REALIZE_EVERY-th accepted case also compute) one case and print its record."""
    global _count
    rec: dict = {"op": op, "args": args}
    try:
        y = build(op, args)
        rec["length"] = list(y.shape[2:]) if isinstance(args["n"], list) else y.shape[-1]
        _count += 1
        if _count % REALIZE_EVERY == 0:
            real = y.numpy().shape[2:]
            if list(real) != list(y.shape[2:]):
                rec = {"op": op, "args": args, "error": f"realized shape {real} != graph shape {y.shape}"}
            rec["realized"] = True
    except Exception as e:  # the framework's refusal, verbatim
        # a failure while computing an accepted graph is a disagreement, not a refusal: drop the length
        rec = {"op": op, "args": args, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps(rec))


def main() -> None:
    start = time.perf_counter()
    rng = range
    # The full grid (n<=8, k<=5, s<=4, d<=3, p<=3, op<=4) was run once (34456 cases, 0 disagreements,
    # 217 s); each graph costs ~6 ms, so the routine probe thins the dimensions the length is affine in.
    for n, k, s, d, p in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), rng(4)):
        emit("conv", {"n": n, "kernel_size": k, "stride": s, "dilation": d, "padding": p})
    # forward, asymmetric and negative padding (tinygrad accepts negative pads: they crop)
    for n, k, s, d in itertools.product((1, 2, 4, 6), rng(1, 5), (1, 3), (1, 2)):
        for lo, hi in itertools.product((-3, -1, 0, 1, 3), repeat=2):
            if lo != hi or lo < 0:
                emit("conv", {"n": n, "kernel_size": k, "stride": s, "dilation": d, "padding": [lo, hi]})
    # transposed, symmetric padding and output_padding (tinygrad checks none)
    for n, k, s, d, p, a in itertools.product((1, 2, 4, 7), rng(1, 6), rng(1, 5), rng(1, 4), rng(4), (0, 1, 2, 4)):
        args = {"n": n, "kernel_size": k, "stride": s, "dilation": d, "padding": p, "output_padding": a}
        emit("conv_transpose", args)
    # transposed, asymmetric / negative padding and negative output_padding
    for n, k, s, d in itertools.product((1, 2, 4), rng(1, 5), rng(1, 4), (1, 2)):
        for lo, hi, a in itertools.product((-2, 0, 1, 4), (-2, 0, 1, 4), (-2, 0, 3)):
            if lo != hi or lo < 0 or a < 0:
                args = {"n": n, "kernel_size": k, "stride": s, "dilation": d, "padding": [lo, hi], "output_padding": a}
                emit("conv_transpose", args)
    # malformed padding sequences (resolve_pool_pads)
    for pad in ([1, 2, 3], [1, 2, 3, 4]):
        emit("conv", {"n": 4, "kernel_size": 3, "padding": pad})
        emit("conv_transpose", {"n": 4, "kernel_size": 3, "padding": pad})
    # 2-D spot check: axes independent, tinygrad's flat padding order (last axis first)
    cases_2d = [
        ([5, 4], [3, 2], [2, 3], [1, 2], [1, 0, 2, 2], [1, 0]),
        ([3, 6], [2, 3], [1, 2], [2, 1], [0, 1], [0, 1]),
        ([4, 4], [3, 3], [2, 2], [1, 1], 1, [1, 1]),
        ([2, 7], [4, 1], [3, 1], [1, 3], [2, 0, 0, 1], [2, 0]),
        ([1, 3], [5, 2], [1, 4], [1, 1], [3, 3], [0, 3]),
        ([3, 3], [3, 3], [1, 1], [1, 1], [0, 0, 5, 0], [0, 0]),
    ]
    for n2, k2, s2, d2, p2, a2 in cases_2d:
        args = {"n": n2, "kernel_size": k2, "stride": s2, "dilation": d2, "padding": p2}
        emit("conv", args)
        emit("conv_transpose", {**args, "output_padding": a2})
    version = getattr(tinygrad, "__version__", "?")
    print(f"tinygrad {version}: {_count} accepted cases in {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
