"""Probe Lasagne's Conv2DLayer / TransposedConv2DLayer lengths (one axis at a time); one JSON object per case.

Run by test_conformance.py (beside it) through the harness. Lasagne 0.2.dev1 (GitHub master; PyPI only has
0.1, without TransposedConv2DLayer) runs on Theano 1.0.5, which needs numpy<1.24 and
``THEANO_FLAGS=blas.ldflags=`` on current systems; it usually lives in its own venv: the harness runs this probe
with ``DERIVE_LASAGNE_PYTHON`` when that is set. Each case builds the layer (Lasagne's static ``output_shape``,
recorded as ``static``), compiles it with Theano and runs it: ``length`` is the length of the array Theano
really returns, or ``error`` Theano's refusal. Lasagne itself checks nothing; Theano does, at compile or at run
time.

One axis is probed as the height of a ``(n, 1)`` image (Lasagne has no 1-D transposed layer).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time

from tests.conformance._probe import skip

os.environ.setdefault("THEANO_FLAGS", "blas.ldflags=")
try:
    import lasagne
    import numpy as np
    import theano
    from lasagne.layers import Conv2DLayer, InputLayer, TransposedConv2DLayer, get_output
except Exception as e:  # pragma: no cover - depends on the environment
    skip(f"lasagne/theano not importable: {type(e).__name__}: {e}")

if not hasattr(lasagne.layers, "TransposedConv2DLayer"):  # pragma: no cover
    skip(f"lasagne {lasagne.__version__} has no TransposedConv2DLayer (install from GitHub master)")


def _pair(v, other):
    """A per-axis value for (height, width): strings apply to both axes."""
    if isinstance(v, list):
        return tuple(v)
    return v if isinstance(v, str) else (v, other)


def run(op: str, a: dict) -> tuple[list[int], list]:
    nd = isinstance(a["n"], list)
    n = tuple(a["n"]) if nd else (a["n"], 1)
    k = tuple(a["filter_size"]) if nd else (a["filter_size"], 1)
    stride = tuple(a["stride"]) if nd else (a["stride"], 1)
    layer_in = InputLayer((1, 1, *n))
    common = dict(num_filters=1, filter_size=k, stride=stride, nonlinearity=None, b=None)
    if op == "conv":
        layer = Conv2DLayer(layer_in, pad=_pair(a["pad"], 0), **common)
    else:
        size = a.get("output_size")
        size = None if size is None else (tuple(size) if nd else (size, 1))
        layer = TransposedConv2DLayer(layer_in, crop=_pair(a["crop"], 0), output_size=size, **common)
    static = list(layer.output_shape[2:])
    f = theano.function([layer_in.input_var], get_output(layer))
    y = f(np.ones((1, 1, *n), dtype=theano.config.floatX))
    return list(y.shape[2:]), static


def emit(op: str, args: dict) -> None:
    rec: dict = {"op": op, "args": args}
    try:
        shape, static = run(op, args)
        rec["length"] = shape if isinstance(args["n"], list) else shape[0]
        rec["static"] = static if isinstance(args["n"], list) else static[0]
    except Exception as e:  # Lasagne's or Theano's refusal, verbatim (first lines: Theano appends a graph dump)
        rec["error"] = f"{type(e).__name__}: {str(e)[:400]}"
    print(json.dumps(rec))


MODES = [0, 1, 2, "valid", "full", "same"]


def main() -> None:
    start = time.perf_counter()
    rng = range
    # every case compiles a Theano function (~30 ms), so n stops at 6 here (n <= 8 and pad 3 were run once:
    # 3414 cases, 0 disagreements, 108 s)
    for n, k, s, p in itertools.product(rng(1, 7), rng(1, 6), rng(1, 5), MODES):
        emit("conv", {"n": n, "filter_size": k, "stride": s, "pad": p})
    for n, k, s, c in itertools.product(rng(1, 7), rng(1, 6), rng(1, 5), MODES):
        emit("conv_transpose", {"n": n, "filter_size": k, "stride": s, "crop": c})
    # output_size around the accepted interval (Theano checks it at run time)
    for n, k, s, c in itertools.product((1, 2, 3, 5), rng(1, 6), rng(1, 5), (0, 1, "full", "same")):
        if c == "same" and k % 2 == 0:
            continue
        crop = {"full": k - 1, "same": k // 2}.get(c, c)
        low = (n - 1) * s - 2 * crop + k
        for size in rng(max(1, low - 1), low + s + 1):
            emit("conv_transpose", {"n": n, "filter_size": k, "stride": s, "crop": c, "output_size": size})
    # 2-D spot check: axes independent
    for args in (
        {"n": [5, 4], "filter_size": [3, 2], "stride": [2, 3], "pad": [1, 0], "crop": [1, 0]},
        {"n": [3, 6], "filter_size": [3, 3], "stride": [1, 2], "pad": "full", "crop": "same"},
    ):
        emit("conv", {key: v for key, v in args.items() if key != "crop"})
        emit("conv_transpose", {key: v for key, v in args.items() if key != "pad"})
    emit(
        "conv_transpose", {"n": [3, 3], "filter_size": [3, 3], "stride": [2, 2], "crop": [0, 0], "output_size": [8, 7]}
    )
    emit(
        "conv_transpose", {"n": [3, 3], "filter_size": [3, 3], "stride": [2, 2], "crop": [0, 0], "output_size": [7, 9]}
    )
    print(
        f"lasagne {lasagne.__version__}, theano {theano.__version__}: {time.perf_counter() - start:.1f}s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
