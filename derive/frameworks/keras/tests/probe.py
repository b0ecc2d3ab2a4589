"""Probe Keras 3 transposed/forward convolution lengths on one backend (``KERAS_BACKEND``), JSON lines out.

Rows (``backend`` in args is ``None`` for Keras' own shape functions, else the backend that ran):

* ``layer_shape`` / ``ops_shape``: ``Conv1DTranspose.compute_output_shape`` and the symbolic
  ``keras.ops.conv_transpose`` (``compute_output_spec``) over the whole grid: n 1..8, kernel 1..5,
  strides 1..4, dilation 1..3, padding valid/same, output_padding None or 0..4 (every process runs
  them: they must not depend on the backend);
* ``ops``: the real ``keras.ops.conv_transpose`` on the backend: the whole grid on tensorflow and
  torch, a deterministic ~1/6 sample on jax (each new shape compiles, ~40 ms);
* ``layer``: the real ``Conv1DTranspose`` call on a sample (1/8; jax 1/24) plus every refusal class;
* ``conv_shape``: ``Conv1D``/``Conv2D.compute_output_shape`` (valid/same/causal);
* N-d spot checks: ``Conv2DTranspose`` (real) and ``ops.conv_transpose`` with different per-axis
  arguments, the first failing axis being the one reported.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
import warnings
import zlib

from tests.conformance._probe import outcome

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
warnings.filterwarnings("ignore")
try:
    import keras
    import numpy as np
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"keras unavailable: {e!r}"}))
    sys.exit(0)

BACKEND = keras.backend.backend()
START = time.perf_counter()
RUN_OPS_EVERY = {"jax": 6}.get(BACKEND, 1)
RUN_LAYER_EVERY = {"jax": 24, "tensorflow": 8}.get(BACKEND, 4)


def _sampled(key, every):
    return every == 1 or zlib.crc32(json.dumps(key).encode()) % every == 0


def emit(op, args, fn, spatial=1):
    print(json.dumps({"op": op, "args": args, **outcome(fn, spatial)}))


def _tup(v, rank):
    return v if v is None or isinstance(v, (tuple, list)) else (v,) * rank


def transpose_args(n, k, s, padding, op, d, backend):
    return {
        "n": n,
        "kernel_size": k,
        "strides": s,
        "padding": padding,
        "output_padding": op,
        "dilation_rate": d,
        "backend": backend,
    }


def _layer(rank, k, s, padding, op, d):
    cls = {1: keras.layers.Conv1DTranspose, 2: keras.layers.Conv2DTranspose}[rank]
    return cls(1, k, strides=s, padding=padding, output_padding=op, dilation_rate=d)


def _shape(n):
    return (1, *n, 1) if isinstance(n, (tuple, list)) else (1, n, 1)


def _kernel(k):
    return (*k, 1, 1) if isinstance(k, (tuple, list)) else (k, 1, 1)


def _spatial(n):
    return list(range(1, len(n) + 1)) if isinstance(n, (tuple, list)) else 1


def layer_shape(n, k, s, padding, op, d):
    args = transpose_args(n, k, s, padding, op, d, None)
    emit("layer_shape", args, lambda: _layer(1, k, s, padding, op, d).compute_output_shape(_shape(n)))


def layer_run(n, k, s, padding, op, d):
    args = transpose_args(n, k, s, padding, op, d, BACKEND)
    rank = len(n) if isinstance(n, (tuple, list)) else 1
    x = np.zeros(_shape(n), "float32")
    emit("layer", args, lambda: _layer(rank, k, s, padding, op, d)(x).shape, _spatial(n))


def ops_shape(n, k, s, padding, op, d):
    args = transpose_args(n, k, s, padding, op, d, None)
    x, w = keras.KerasTensor(_shape(n)), keras.KerasTensor(_kernel(k))

    def run():
        return keras.ops.conv_transpose(x, w, strides=s, padding=padding, output_padding=op, dilation_rate=d).shape

    emit("ops_shape", args, run, _spatial(n))


def ops_run(n, k, s, padding, op, d):
    args = transpose_args(n, k, s, padding, op, d, BACKEND)
    x, w = np.zeros(_shape(n), "float32"), np.zeros(_kernel(k), "float32")

    def run():
        return keras.ops.conv_transpose(x, w, strides=s, padding=padding, output_padding=op, dilation_rate=d).shape

    emit("ops", args, run, _spatial(n))


def conv_shape(n, k, s, padding, d):
    rank = len(n) if isinstance(n, (tuple, list)) else 1
    cls = {1: keras.layers.Conv1D, 2: keras.layers.Conv2D}[rank]
    args = {"n": n, "kernel_size": k, "strides": s, "padding": padding, "dilation_rate": d, "backend": None}

    def run():
        return cls(1, k, strides=s, padding=padding, dilation_rate=d).compute_output_shape(_shape(n))

    emit("conv_shape", args, run, _spatial(n))


def main():
    R = range
    grid = itertools.product(R(1, 9), R(1, 6), R(1, 5), R(1, 4), ("valid", "same"), (None, *R(0, 5)))
    for n, k, s, d, padding, op in grid:
        layer_shape(n, k, s, padding, op, d)
        ops_shape(n, k, s, padding, op, d)
        key = [n, k, s, d, padding, op]
        if _sampled(key, RUN_OPS_EVERY):
            ops_run(n, k, s, padding, op, d)
        if _sampled(key, RUN_LAYER_EVERY):
            layer_run(n, k, s, padding, op, d)
    # every refusal class runs for real, on the layer and on ops
    for n, k, s, padding, op, d in (
        (3, 2, 2, "same", 0, 1),  # TF: (n-1)s not accepted
        (3, 2, 1, "same", 0, 1),
        (1, 2, 1, "same", 0, 1),  # length 0
        (3, 3, 2, "valid", 2, 1),  # op >= s
        (3, 3, 2, "same", 3, 1),
        (3, 3, 1, "valid", None, 2),  # CPU dilation on TF
        (3, 3, 2, "valid", None, 2),  # strides with dilation
        (3, 3, 2, "valid", 2, 2),  # both: which comes first
        (3, 3, 2, "full", None, 1),
        (3, 3, 2, "causal", None, 1),
        (3, 3, 2, "SAME", None, 1),
        (3, 3, 2, "Valid", 1, 1),
    ):
        layer_run(n, k, s, padding, op, d)
        ops_run(n, k, s, padding, op, d)
        layer_shape(n, k, s, padding, op, d)
        ops_shape(n, k, s, padding, op, d)
    # forward shapes
    for n, k, s, d in itertools.product(R(1, 9), R(1, 6), R(1, 5), R(1, 4)):
        for padding in ("valid", "same", "causal"):
            conv_shape(n, k, s, padding, d)
    for padding in ("full", "foo", "VALID"):
        conv_shape(5, 3, 1, padding, 1)
    # N-d spot checks
    for n, k, s, op, d in (
        ((3, 4), (2, 3), (2, 1), (0, 0), (1, 1)),
        ((3, 4), (3, 2), (1, 2), (0, 0), (1, 1)),
        ((3, 4), (3, 2), (1, 2), None, (1, 1)),
        ((3, 4), (3, 3), (2, 3), (1, 2), (1, 1)),
        ((3, 4), (3, 3), (2, 3), (2, 2), (1, 1)),
        ((3, 4), (3, 3), (1, 2), None, (2, 1)),
        ((2, 5), (4, 2), (1, 1), (0, 0), (1, 2)),
        ((2, 5), (3, 3), (3, 1), (1, 0), (1, 1)),
    ):
        for padding in ("valid", "same"):
            layer_run(n, k, s, padding, op, d)
            ops_run(n, k, s, padding, op, d)
            ops_shape(n, k, s, padding, op, d)
    for n, k, s, d in (((5, 7), (3, 2), (2, 1), (1, 1)), ((2, 7), (3, 2), (1, 3), (1, 1)), ((9, 7), (3, 2), 1, (2, 3))):
        for padding in ("valid", "same"):
            conv_shape(n, k, s, padding, d)
    print(json.dumps({"took": round(time.perf_counter() - START, 1), "backend": BACKEND}), file=sys.stderr)


if __name__ == "__main__":
    main()
