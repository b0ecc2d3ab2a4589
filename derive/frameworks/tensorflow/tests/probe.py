"""Probe TensorFlow's forward and transposed convolution lengths on CPU (JSON lines on stdout).

Every case runs the real op eagerly: TF's transposed ops have no shape-only path that checks
anything (the graph shape function copies ``output_shape``), so the kernel is what decides.

Grid (1-D, W axis of an NHWC kernel): n 0..8, kernel 1..5, stride 1..4.
* ``conv1d`` VALID/SAME, dilation 1..3; ``conv2d`` explicit (lo, hi) in 0..3 and a negative sample;
  bad padding strings ('valid', 'EXPLICIT', 'FOO') and explicit pads on conv1d (TypeError).
* ``conv1d_transpose`` VALID/SAME with output_shape over the accepted interval ± (s + 1), dilation 1
  (dilation 2..3 on a small sample: the CPU refuses them all); ``conv2d_transpose`` explicit pads
  (lo, hi) in 0..3 (n <= 6) and negative pads; bad strings; negative output_shape.
* 2-D spot checks (both axes non-trivial, the first failing axis is reported) and a 3-D sample.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time

from tests.conformance._probe import case, info

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
try:
    import tensorflow as tf
    from tensorflow.python.util import _pywrap_util_port
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"tensorflow unavailable: {e!r}"}))
    sys.exit(0)

START = time.perf_counter()


FAMILY = os.environ.get("DERIVE_TF_FAMILY", "")  # "xla": every op under tf.function(jit_compile=True)
info(onednn=bool(_pywrap_util_port.IsMklEnabled()), xla=FAMILY == "xla", tensorflow=tf.__version__)


def _run(op, args, fn, spatial):
    """One case: ``fn`` builds the op's result (eagerly, or compiled by XLA)."""
    if FAMILY == "xla":
        compiled = tf.function(fn, jit_compile=True)
        case(op, args, lambda: compiled().shape, spatial)
    else:
        case(op, args, lambda: fn().shape, spatial)


def conv1d(n, k, s, padding, d=1):
    x, w = tf.zeros([1, n, 1]), tf.zeros([k, 1, 1])
    tp = padding if isinstance(padding, str) else [[0, 0], list(padding), [0, 0]]
    _run(
        "conv1d",
        {"n": n, "kernel_size": k, "stride": s, "padding": padding, "dilations": d},
        lambda: tf.nn.conv1d(x, w, s, padding=tp, dilations=d),
        1,
    )


def conv2d(n, k, s, padding, d=1):
    """One axis (W) of conv2d: H is 1 with a 1-tall kernel."""
    x, w = tf.zeros([1, 1, n, 1]), tf.zeros([1, k, 1, 1])
    tp = padding if isinstance(padding, str) else [[0, 0], [0, 0], list(padding), [0, 0]]
    _run(
        "conv2d",
        {"n": n, "kernel_size": k, "strides": s, "padding": padding, "dilations": d},
        lambda: tf.nn.conv2d(x, w, [1, s], padding=tp, dilations=[1, d]),
        2,
    )


def conv1d_transpose(n, k, s, padding, out_len, d=1):
    x, w = tf.zeros([1, n, 1]), tf.zeros([k, 1, 1])
    tp = padding if isinstance(padding, str) else [[0, 0], list(padding), [0, 0]]
    args = {"n": n, "kernel_size": k, "output_shape": out_len, "strides": s, "padding": padding, "dilations": d}
    _run("conv1d_transpose", args, lambda: tf.nn.conv1d_transpose(x, w, [1, out_len, 1], s, padding=tp, dilations=d), 1)


def conv2d_transpose(n, k, s, padding, out_len, d=1):
    """One axis (W) of conv2d_transpose."""
    x, w = tf.zeros([1, 1, n, 1]), tf.zeros([1, k, 1, 1])
    tp = padding if isinstance(padding, str) else [[0, 0], [0, 0], list(padding), [0, 0]]
    args = {"n": n, "kernel_size": k, "output_shape": out_len, "strides": s, "padding": padding, "dilations": d}
    _run(
        "conv2d_transpose",
        args,
        lambda: tf.nn.conv2d_transpose(x, w, [1, 1, out_len, 1], [1, s], padding=tp, dilations=[1, d]),
        2,
    )


def conv_transpose_nd(ns, ks, ss, padding, outs, ds):
    """``tf.nn.conv_transpose`` over 1, 2 or 3 spatial axes (every axis non-trivial)."""
    rank = len(ns)
    x, w = tf.zeros([1, *ns, 1]), tf.zeros([*ks, 1, 1])
    tp = padding if isinstance(padding, str) else [[0, 0], *[list(p) for p in padding], [0, 0]]
    args = {
        "n": list(ns),
        "kernel_size": list(ks),
        "output_shape": list(outs),
        "strides": list(ss),
        "padding": padding if isinstance(padding, str) else [list(p) for p in padding],
        "dilations": list(ds),
    }
    _run(
        "conv_transpose",
        args,
        lambda: tf.nn.conv_transpose(x, w, [1, *outs, 1], list(ss), padding=tp, dilations=list(ds)),
        list(range(1, rank + 1)),
    )


def conv2d_nd(ns, ks, ss, padding, ds):
    x, w = tf.zeros([1, *ns, 1]), tf.zeros([*ks, 1, 1])
    tp = padding if isinstance(padding, str) else [[0, 0], *[list(p) for p in padding], [0, 0]]
    args = {
        "n": list(ns),
        "kernel_size": list(ks),
        "strides": list(ss),
        "padding": padding if isinstance(padding, str) else [list(p) for p in padding],
        "dilations": list(ds),
    }
    _run("conv2d_nd", args, lambda: tf.nn.conv2d(x, w, list(ss), padding=tp, dilations=list(ds)), [1, 2])


def _around(n, k, s, total, d=1):
    """Output lengths around the accepted interval: the centre (n-1)s+K-P ± (s+1), from 0 up (negative
    lengths abort the process on oneDNN, each costing a new process: they have a sample of their own)."""
    centre = (n - 1) * s + d * (k - 1) + 1 - total
    return range(max(0, centre - s - 2), centre + s + 2)


def main():
    R = range
    # forward
    for n, k, s, d in itertools.product(R(0, 9), R(1, 6), R(1, 5), R(1, 4)):
        for padding in ("VALID", "SAME"):
            conv1d(n, k, s, padding, d)
    for n, k, s in itertools.product(R(0, 9), R(1, 6), R(1, 5)):
        for lo, hi in itertools.product(R(0, 4), R(0, 4)):
            conv2d(n, k, s, (lo, hi))
    for n, k, s, d in itertools.product(R(1, 5), R(1, 6), R(1, 4), R(2, 4)):
        conv2d(n, k, s, (1, 2), d)
    for lo, hi in ((-1, 0), (0, -2), (-1, -1)):
        conv2d(3, 2, 1, (lo, hi))
    for padding in ("valid", "EXPLICIT", "FOO"):
        conv1d(3, 2, 1, padding)
        conv2d(3, 2, 1, padding)
    conv1d(3, 2, 1, (1, 1))

    # transposed, VALID and SAME
    for n, k, s in itertools.product(R(0, 9), R(1, 6), R(1, 5)):
        for padding in ("VALID", "SAME"):
            total = 0 if padding == "VALID" else k - 1
            for out_len in _around(n, k, s, total):
                conv1d_transpose(n, k, s, padding, out_len)
    for n, k, s, d in itertools.product(R(0, 4), R(1, 4), R(1, 3), R(2, 4)):
        for out_len in _around(n, k, s, 0, d)[:: max(1, s)]:
            conv1d_transpose(n, k, s, "VALID", out_len, d)
            conv2d_transpose(n, k, s, (1, 0), out_len, d)
    # explicit pads (conv2d_transpose only)
    for n, k, s in itertools.product(R(0, 7), R(1, 6), R(1, 5)):
        for lo, hi in itertools.product(R(0, 4), R(0, 4)):
            for out_len in _around(n, k, s, lo + hi):
                conv2d_transpose(n, k, s, (lo, hi), out_len)
    for lo, hi, out_len in ((-1, 0, 5), (0, -1, -1), (-2, 1, 9)):
        conv2d_transpose(3, 3, 1, (lo, hi), out_len)
    for padding in ("valid", "EXPLICIT", "FOO"):
        conv1d_transpose(3, 2, 1, padding, 4)
        conv2d_transpose(3, 2, 1, padding, 4)
    conv1d_transpose(3, 3, 2, (1, 1), 5)
    # negative output_shape: Eigen refuses, oneDNN aborts the process (each case in a process of its own)
    for n, k, s, padding, out_len, d in (
        (0, 1, 1, "VALID", -1, 1),
        (1, 3, 2, "SAME", -1, 1),
        (3, 2, 2, "VALID", -2, 1),
        (2, 3, 1, "VALID", -1, 2),
    ):
        conv1d_transpose(n, k, s, padding, out_len, d)
    conv2d_transpose(2, 3, 2, (1, 0), -1)

    # N-d spot checks: axes are independent and the first failing axis is the one reported
    for (nh, nw), (kh, kw), (sh, sw) in itertools.product(((3, 2), (1, 4)), ((3, 2), (1, 5)), ((2, 1), (1, 3))):
        for padding in ("VALID", "SAME", ((1, 0), (0, 2))):
            for dh, dw in itertools.product((-1, 0, 1), (-1, 0, 1)):
                th = 0 if padding == "VALID" else (sum(padding[0]) if not isinstance(padding, str) else kh - 1)
                tw = 0 if padding == "VALID" else (sum(padding[1]) if not isinstance(padding, str) else kw - 1)
                oh = (nh - 1) * sh + kh - th + dh * sh
                ow = (nw - 1) * sw + kw - tw + dw * sw
                conv_transpose_nd((nh, nw), (kh, kw), (sh, sw), padding, (oh, ow), (1, 1))
            conv2d_nd((nh + 2, nw + 3), (kh, kw), (sh, sw), padding, (1, 1))
    conv_transpose_nd((3, 3), (2, 2), (1, 1), "VALID", (-1, 4), (1, 2))  # CPU dilation before the sign check
    conv_transpose_nd((3, 3), (2, 2), (1, 1), ((0, 0), (-1, 0)), (-1, 4), (1, 1))
    conv_transpose_nd((3,), (2,), (2,), "SAME", (6,), (1,))
    conv_transpose_nd((3,), (2,), (2,), ((1, 1),), (6,), (1,))
    for n, k, s in itertools.product((1, 3), (1, 3), (1, 2)):
        for padding in ("VALID", "SAME"):
            total = 0 if padding == "VALID" else k - 1
            for out_len in _around(n, k, s, total)[::2]:
                conv_transpose_nd(
                    (2, n, 3), (1, k, 2), (1, s, 1), padding, (2, out_len, 4 if padding == "VALID" else 3), (1, 1, 1)
                )
    conv_transpose_nd((1, 3, 1), (1, 3, 1), (1, 1, 1), "VALID", (1, 7, 1), (1, 2, 1))
    conv_transpose_nd((1, 3, 1), (1, 3, 1), (1, 1, 1), "VALID", (1, 8, 1), (1, 2, 1))
    conv_transpose_nd((1, 3, 1), (1, 3, 1), (1, 1, 1), ((0, 0), (1, 1), (0, 0)), (1, 5, 1), (1, 1, 1))
    conv_transpose_nd((1, 3, 1), (1, 3, 1), (1, 1, 1), "EXPLICIT", (1, 5, 1), (1, 1, 1))
    print(json.dumps({"took": round(time.perf_counter() - START, 1)}), file=sys.stderr)


if __name__ == "__main__":
    main()
