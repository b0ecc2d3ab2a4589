"""Probe PaddlePaddle's conv1d / conv1d_transpose (and 2-D) output lengths; one JSON object per case.

Run by test_conformance.py (beside it) through the harness. paddlepaddle is large and usually lives in its own
venv: the harness runs this probe with ``DERIVE_PADDLE_PYTHON`` when that is set. Every case runs the real
operator (dynamic mode, CPU); Paddle computes shapes eagerly, so this is also its shape path."""

from __future__ import annotations

import itertools
import os
import sys
import time
import warnings

from tests.conformance._probe import case, skip

warnings.filterwarnings("ignore")
os.environ.setdefault("GLOG_minloglevel", "2")
try:
    import paddle
    import paddle.nn.functional as F
except Exception as e:  # pragma: no cover - depends on the environment
    skip(f"paddle not importable: {type(e).__name__}: {e}")

paddle.set_device("cpu")
MODES = [0, 1, 2, 3, "same", "valid"]


def run(op: str, a: dict) -> list[int]:
    nd = isinstance(a["n"], list)
    n = a["n"] if nd else [a["n"]]
    k = a["kernel_size"] if nd else [a["kernel_size"]]
    kw = {key: tuple(v) if isinstance(v, list) else v for key, v in a.items() if key not in ("n", "kernel_size")}
    x, w = paddle.ones([1, 1, *n]), paddle.ones([1, 1, *k])
    if op == "conv":
        y = (F.conv2d if nd else F.conv1d)(x, w, **kw)
    else:
        y = (F.conv2d_transpose if nd else F.conv1d_transpose)(x, w, **kw)
    return list(y.shape[2:])


def emit(op: str, args: dict) -> None:
    axes = list(range(len(args["n"]))) if isinstance(args["n"], list) else 0
    case(op, args, lambda: run(op, args), axes)  # the length, or the framework's refusal verbatim


def main() -> None:
    start = time.perf_counter()
    rng = range
    for n, k, s, d, p in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), MODES):
        emit("conv", {"n": n, "kernel_size": k, "stride": s, "padding": p, "dilation": d})
    for n, k, s, d in itertools.product((1, 2, 5), rng(1, 6), (1, 3), (1, 2)):
        for p in ([0, 2], [3, 1], [1, 0], [-1, 1], -1, "SaMe", "full"):
            emit("conv", {"n": n, "kernel_size": k, "stride": s, "padding": p, "dilation": d})
    # transposed with output_padding (0 = not given; 1..4 hit the Python and the C++ checks)
    for n, k, s, d, p, a in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), MODES, rng(5)):
        emit(
            "conv_transpose", {"n": n, "kernel_size": k, "stride": s, "padding": p, "output_padding": a, "dilation": d}
        )
    for n, k, s, d in itertools.product((1, 3), (1, 3), (1, 2), (1, 3)):
        for p, a in itertools.product(([1, 2], [0, 3], [-2, 0]), (-1, 0, 1)):
            args = {"n": n, "kernel_size": k, "stride": s, "padding": p, "output_padding": a, "dilation": d}
            emit("conv_transpose", args)
    # output_size over the accepted interval and beyond
    for n, k, s, d, p in itertools.product(rng(1, 9), rng(1, 6), rng(1, 5), rng(1, 4), (0, 2, "same", "valid")):
        if p == "same":
            total = max((-(-n // s) - 1) * s + k - n, 0)
            low = (n - 1) * s - total + k
        else:
            pad = p if isinstance(p, int) else 0
            low = (n - 1) * s - 2 * pad + d * (k - 1) + 1
        for size in rng(max(0, low - 2), low + s + 2):
            emit(
                "conv_transpose",
                {"n": n, "kernel_size": k, "stride": s, "padding": p, "dilation": d, "output_size": size},
            )
    emit("conv_transpose", {"n": 3, "kernel_size": 3, "stride": 2, "output_padding": 1, "output_size": 7})
    # 2-D spot check: axes independent, per-axis messages, conv2d_transpose's missing Python check
    cases_2d = [
        {"n": [5, 4], "kernel_size": [3, 2], "stride": [2, 3], "padding": [1, 0], "dilation": [1, 2]},
        {"n": [3, 6], "kernel_size": [2, 3], "stride": [1, 2], "padding": [0, 1, 2, 0], "dilation": [2, 1]},
        {"n": [5, 5], "kernel_size": [3, 3], "stride": [2, 2], "padding": "same", "dilation": [2, 1]},
    ]
    for args in cases_2d:
        emit("conv", args)
        emit("conv_transpose", args)
        emit("conv_transpose", {**args, "output_padding": [1, 0]})
    base = {"n": [4, 4], "kernel_size": [3, 3], "stride": [1, 2], "padding": 0, "dilation": [3, 1]}
    for extra in (
        {"output_padding": [2, 1]},
        {"output_padding": [3, 0]},
        {"output_padding": [0, 2]},
        {"output_size": [6, 9]},
        {"output_size": [6, 11]},
        {"output_size": [12, 12]},
        {"output_size": [13, 9]},
    ):
        emit("conv_transpose", {**base, **extra})
    emit("conv", {"n": [2, 3], "kernel_size": [3, 3], "stride": [1, 1], "padding": [1, -1], "dilation": [1, 1]})
    print(f"paddle {paddle.__version__}: {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
