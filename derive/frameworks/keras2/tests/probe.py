"""Probe tf.keras (tf-keras 2.x on TensorFlow, CPU) convolution lengths (JSON lines on stdout).

Rows (``backend`` is ``None`` for Keras' own shape functions, ``"tensorflow"`` for real calls):

* ``deconv_output_length`` / ``conv_output_length``: the ``conv_utils`` helpers (pure Python, every
  case): n 0..8, filter 1..5, stride 0..4 (1..4 forward), dilation 1..3, every padding including
  'full' (and 'causal', which the transposed helper asserts against), output_padding None or 0..4;
* ``transpose_shape``: ``Conv1DTranspose.compute_output_shape`` over n 1..8, kernel 1..5, strides 1..4,
  dilation 1..3, padding valid/same/causal/full, output_padding None or 0..4;
* ``transpose``: the real ``Conv1DTranspose`` call on a 1/6 sample plus every refusal class;
  ``Conv2DTranspose`` real calls for the dilated (``atrous_conv2d_transpose``) path and 2-D spot checks;
* ``conv_shape`` / ``conv``: ``Conv1D``/``Conv2D`` compute_output_shape (whole grid) and real calls (sample).
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
warnings.filterwarnings("ignore")
try:
    import numpy as np
    import tf_keras as keras
    from tf_keras.src.utils import conv_utils
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"tf_keras unavailable: {e!r}"}))
    sys.exit(0)

START = time.perf_counter()
RUN_EVERY = 6


def _sampled(key):
    return zlib.crc32(json.dumps(key).encode()) % RUN_EVERY == 0


def _outcome(fn, spatial):
    if isinstance(spatial, int) and spatial < 0:  # a conv_utils helper: the length itself
        return outcome(lambda: (fn(),), 0)
    return outcome(fn, spatial)


def _bound(fn, *args):
    return lambda: fn(*args)


def emit(op, args, fn, spatial=1):
    print(json.dumps({"op": op, "args": args, **_outcome(fn, spatial)}))


def _shape(n):
    return (1, *n, 1) if isinstance(n, (tuple, list)) else (1, n, 1)


def _spatial(n):
    return list(range(1, len(n) + 1)) if isinstance(n, (tuple, list)) else 1


def _targs(n, k, s, padding, op, d, backend):
    return {
        "n": n,
        "kernel_size": k,
        "strides": s,
        "padding": padding,
        "output_padding": op,
        "dilation_rate": d,
        "backend": backend,
    }


def _transpose_layer(n, k, s, padding, op, d):
    cls = keras.layers.Conv2DTranspose if isinstance(n, (tuple, list)) else keras.layers.Conv1DTranspose
    return cls(1, k, strides=s, padding=padding, output_padding=op, dilation_rate=d)


def transpose_shape(n, k, s, padding, op, d):
    args = _targs(n, k, s, padding, op, d, None)
    emit(
        "transpose",
        args,
        lambda: _transpose_layer(n, k, s, padding, op, d).compute_output_shape(_shape(n)),
        _spatial(n),
    )


def transpose_run(n, k, s, padding, op, d):
    args = _targs(n, k, s, padding, op, d, "tensorflow")
    x = np.zeros(_shape(n), "float32")
    emit("transpose", args, lambda: _transpose_layer(n, k, s, padding, op, d)(x).shape, _spatial(n))


def _conv_layer(n, k, s, padding, d):
    cls = keras.layers.Conv2D if isinstance(n, (tuple, list)) else keras.layers.Conv1D
    return cls(1, k, strides=s, padding=padding, dilation_rate=d)


def conv(n, k, s, padding, d, run):
    args = {"n": n, "kernel_size": k, "strides": s, "padding": padding, "dilation_rate": d}
    if run:
        x = np.zeros(_shape(n), "float32")
        emit("conv", {**args, "backend": "tensorflow"}, lambda: _conv_layer(n, k, s, padding, d)(x).shape, _spatial(n))
    else:

        def shape():
            return _conv_layer(n, k, s, padding, d).compute_output_shape(_shape(n))

        emit("conv", {**args, "backend": None}, shape, _spatial(n))


def helpers():
    R = range
    for n, k, s, d in itertools.product(R(0, 9), R(1, 6), R(0, 5), R(1, 4)):
        for padding, op in itertools.product(("same", "valid", "full"), (None, *R(0, 5))):
            args = {"n": n, "filter_size": k, "padding": padding, "output_padding": op, "stride": s, "dilation": d}
            emit("deconv_output_length", args, _bound(conv_utils.deconv_output_length, n, k, padding, op, s, d), -1)
    for n, k, s, d in itertools.product(R(0, 9), R(1, 6), R(1, 5), R(1, 4)):
        for padding in ("same", "valid", "full", "causal"):
            args = {"n": n, "filter_size": k, "padding": padding, "stride": s, "dilation": d}
            emit("conv_output_length", args, _bound(conv_utils.conv_output_length, n, k, padding, s, d), -1)
    for padding in ("causal", "VALID", "foo"):
        args = {"n": 3, "filter_size": 3, "padding": padding, "output_padding": None, "stride": 2, "dilation": 1}
        emit("deconv_output_length", args, _bound(conv_utils.deconv_output_length, 3, 3, padding, None, 2, 1), -1)
    args = {"n": 3, "filter_size": 3, "padding": "foo", "stride": 2, "dilation": 1}
    emit("conv_output_length", args, lambda: conv_utils.conv_output_length(3, 3, "foo", 2, 1), -1)


def main():
    R = range
    helpers()
    grid = itertools.product(R(1, 9), R(1, 6), R(1, 5), R(1, 4), ("valid", "same"), (None, *R(0, 5)))
    for n, k, s, d, padding, op in grid:
        transpose_shape(n, k, s, padding, op, d)
        if _sampled([n, k, s, d, padding, op]):
            transpose_run(n, k, s, padding, op, d)
    for n, k, s, padding, op, d in (
        (3, 2, 2, "same", 0, 1),  # TF refuses (n-1)s
        (3, 2, 1, "same", 0, 1),
        (1, 2, 1, "same", 0, 1),  # length 0
        (3, 3, 2, "valid", 2, 1),  # output_padding >= strides
        (3, 3, 1, "valid", None, 2),  # CPU dilation (Conv1DTranspose)
        (3, 3, 2, "valid", None, 2),  # strides with dilation
        (3, 3, 2, "valid", 2, 2),  # both: which comes first
        (3, 3, 2, "full", None, 1),
        (3, 3, 2, "causal", None, 1),  # Conv1DTranspose accepts causal, then deconv_output_length asserts
        (3, 3, 2, "SAME", None, 1),
        (3, 3, 2, "foo", None, 1),
    ):
        transpose_shape(n, k, s, padding, op, d)
        transpose_run(n, k, s, padding, op, d)
    # Conv2DTranspose: the dilated path (atrous_conv2d_transpose), H trivial, then both axes
    for n, k, d, padding, op in itertools.product(R(1, 6), R(1, 6), (2, 3), ("same", "valid"), (None, 0)):
        transpose_run((1, n), (1, k), 1, padding, None if op is None else (0, op), d)
    for n, k, s, op, d in (
        ((3, 4), (2, 3), (2, 1), (0, 0), 1),
        ((3, 4), (3, 2), (1, 2), (0, 0), 1),
        ((3, 4), (3, 2), (1, 2), None, 1),
        ((3, 4), (3, 3), (2, 3), (1, 2), 1),
        ((3, 4), (3, 3), (2, 3), (2, 2), 1),
        ((3, 4), (3, 3), (1, 2), None, (2, 1)),
        ((2, 5), (4, 2), (1, 1), (0, 0), (1, 2)),
        ((2, 5), (4, 2), (1, 1), (0, 0), 3),
        ((3, 2), (2, 4), (1, 1), (0, 0), 3),
        ((2, 5), (3, 3), (3, 1), (1, 0), 1),
    ):
        for padding in ("valid", "same"):
            transpose_run(n, k, s, padding, op, d)
            transpose_shape(n, k, s, padding, op, d)
    transpose_run((3, 3), 3, 1, "causal", None, 1)
    # forward
    for n, k, s, d in itertools.product(R(1, 9), R(1, 6), R(1, 5), R(1, 4)):
        for padding in ("valid", "same", "causal"):
            conv(n, k, s, padding, d, False)
            if _sampled([n, k, s, d, padding]):
                conv(n, k, s, padding, d, True)
    for padding in ("full", "foo", "VALID"):
        conv(5, 3, 1, padding, 1, False)
    for n, k, s, d in (((5, 7), (3, 2), (2, 1), 1), ((2, 7), (3, 2), (1, 3), 1), ((9, 7), (3, 2), 1, (2, 3))):
        for padding in ("valid", "same", "causal"):
            conv(n, k, s, padding, d, False)
            conv(n, k, s, padding, d, True)
    print(json.dumps({"took": round(time.perf_counter() - START, 1)}), file=sys.stderr)


if __name__ == "__main__":
    main()
