"""Impulse responses of a transposed convolution, for frameworks that live in a side venv (DERIVE_ALIGN=name).

The side venvs (mxnet, paddle, chainer, tinygrad; see the Makefile) have no SymPy or Z3, so derive is not
imported here: tests/conformance/test_port_alignment_side.py computes the cases in the main venv (settings,
the kernel, the input length) and writes them as JSON to the file DERIVE_ALIGN_CASES, one object per case:
``{"key": ..., "args": {<the space's keyword arguments>}, "n": n, "weights": [w0, ..., wk-1]}``. Each case
runs the real layer once on a batch of ``n`` impulses (row ``b`` is 1 at position ``b``) and reports the
outputs, so row ``b`` shows which samples of the full output the layer keeps, or the framework's refusal.

A case is announced (``{"case": i}``, flushed) before it runs: one that kills the process leaves its
announcement unanswered, and the test starts the probe again at the next case (DERIVE_PROBE_FROM).
A name the main venv runs (torch, onnx:onnxruntime, keras:tensorflow, ...) goes to probe_alignment.py's
runner (with the same kernel), so ports between a side framework and a main one run alike.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

SIDE = ("mxnet", "paddle", "chainer", "tinygrad")


def _skip(reason: str) -> None:
    print(json.dumps({"skip": reason}), flush=True)
    sys.exit(0)


def _impulses(n: int) -> Any:
    import numpy as np

    return np.eye(n, dtype="float32")[:, None, :]  # (batch n, 1 channel, n samples)


def _kernel(w: list[float]) -> Any:
    import numpy as np

    return np.asarray(w, dtype="float32").reshape(1, 1, len(w))  # (in 1, out 1, k) in all four


def runner(name: str) -> Callable[[dict[str, Any], int, list[float]], Any]:
    """The framework's layer as ``run(args, n, weights) -> (n, length)`` array (a refusal raises)."""
    fw = name.partition(":")[0]
    if fw == "mxnet":
        # MXNET_MKLDNN_ENABLED is read at import: the test sets it (0 for MXNet's own kernels, 1 for oneDNN)
        os.environ.setdefault("MXNET_STORAGE_FALLBACK_LOG_VERBOSE", "0")
        import mxnet as mx

        def run(a, n, w):
            kw: dict[str, Any] = {"kernel": (a["kernel"],), "stride": (a["stride"],), "dilate": (a["dilate"],),
                                  "pad": (a["pad"],), "adj": (a["adj"],)}  # fmt: skip
            if a.get("target_shape") is not None:
                kw["target_shape"] = (a["target_shape"],)
            y = mx.nd.Deconvolution(mx.nd.array(_impulses(n)), mx.nd.array(_kernel(w)), num_filter=1, no_bias=True,
                                    **kw)  # fmt: skip
            return y.asnumpy()[:, 0, :]

        return run
    if fw == "paddle":
        import warnings

        warnings.filterwarnings("ignore")
        import paddle
        import paddle.nn.functional as F

        paddle.set_device("cpu")

        def run(a, n, w):
            p = a["padding"]
            y = F.conv1d_transpose(
                paddle.to_tensor(_impulses(n)), paddle.to_tensor(_kernel(w)), stride=a["stride"],
                padding=list(p) if isinstance(p, list) else p, output_padding=a["output_padding"],
                dilation=a["dilation"], output_size=a.get("output_size"),
            )  # fmt: skip
            return y.numpy()[:, 0, :]

        return run
    if fw == "chainer":
        import chainer.functions as F

        def run(a, n, w):
            size = a.get("outsize")
            y = F.deconvolution_1d(_impulses(n), _kernel(w), stride=a["stride"], pad=a["pad"], dilate=a["dilate"],
                                   outsize=None if size is None else (size,))  # fmt: skip
            return y.array[:, 0, :]

        return run
    if fw == "tinygrad":
        os.environ.setdefault("DEV", "PYTHON")  # the pure-Python device: no compiler needed
        from tinygrad import Tensor

        def run(a, n, w):
            p = a["padding"]
            y = Tensor(_impulses(n)).conv_transpose2d(
                Tensor(_kernel(w)), stride=a["stride"], dilation=a["dilation"],
                padding=tuple(p) if isinstance(p, list) else p, output_padding=a["output_padding"],
            )  # fmt: skip
            return y.numpy()[:, 0, :]

        return run
    # a framework of the main venv: probe_alignment's runner (its kernel is the same 1..k, reversed where flipped)
    from tests.conformance import probe_alignment

    main_run = probe_alignment.runner(name)
    return lambda a, n, w: main_run(a, n)


def main() -> None:
    name = os.environ.get("DERIVE_ALIGN", "")
    fw, _, backend = name.partition(":")
    if fw == "keras":
        os.environ["KERAS_BACKEND"] = backend or "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        run = runner(name)
    except Exception as e:  # ImportError, or an old framework's AttributeError on a newer numpy
        _skip(f"{fw} not importable: {type(e).__name__}: {e}")
    with open(os.environ["DERIVE_ALIGN_CASES"]) as f:
        cases = json.load(f)
    first = int(os.environ.get("DERIVE_PROBE_FROM", "0"))
    for i, c in enumerate(cases[first:], first):
        print(json.dumps({"case": i}), flush=True)
        row: dict[str, Any] = {"case": i, "key": c["key"]}
        try:
            row["output"] = [[float(v) for v in r] for r in run(c["args"], c["n"], c["weights"])]
        except Exception as e:  # a refusal: reported, the test says whether the model expected it
            row["error"] = f"{type(e).__name__}: {str(e)[:300]}"
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
