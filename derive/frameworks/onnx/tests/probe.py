"""Probe ONNX ConvTranspose / Conv output lengths under one implementation (JSON lines on stdout).

``DERIVE_ONNX_IMPL`` picks the implementation, each run in its own process:

* ``shape_inference``: ``onnx.shape_inference.infer_shapes(model, strict_mode=True)``; when the
  inferred output lacks spatial dimensions the row is an error with the fixed text below;
* ``reference``: ``onnx.reference.ReferenceEvaluator(model).run`` on ones;
* ``onnxruntime``: ``onnxruntime.InferenceSession`` (CPU, no graph optimisation) and ``run`` on ones.

One single-node model per case (opset 22, X ``[1, 1, *n]``, W ``[1, 1, *k]`` as an initializer).
Grid (1-D): n 1..8, kernel 1..5, stride 1..4, dilation 1..3. ConvTranspose: no padding attributes
with output_padding 0..4; pads (b, e) in 0..3² (a spread for dilation > 1); auto_pad SAME_UPPER,
SAME_LOWER, VALID with output_padding 0..4; output_shape with NOTSET, SAME_UPPER, pads (1, 1) and
output_padding 1, over the values around every boundary (0, 1, n-1, n, n·s±1, (n-1)s+K-1 .. +s,
the unpadded length ±1; the full range costs minutes in onnxruntime); refusals: negative pads,
negative output_padding, negative output_shape, pads with auto_pad. Conv: no pads, pads 0..3²,
SAME_UPPER, SAME_LOWER, VALID, pads with auto_pad, negative pads. 2-D spot checks, including the
reference evaluator's product-of-blocks check that couples the axes.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time

IMPL = os.environ.get("DERIVE_ONNX_IMPL", "shape_inference")
NO_SPATIAL = "shape inference returns no spatial dimensions (output_shape[i] < input dimension)"

try:
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    if IMPL == "onnxruntime":
        import onnxruntime as ort

        ort.set_default_logger_severity(4)
        OPTIONS = ort.SessionOptions()
        OPTIONS.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        OPTIONS.log_severity_level = 4
    elif IMPL == "reference":
        from onnx.reference import ReferenceEvaluator
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"onnx/{IMPL} unavailable: {e!r}"}))
    sys.exit(0)


def model(op, ns, ks, attrs):
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 1, *ns])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)
    w = helper.make_tensor("W", TensorProto.FLOAT, [1, 1, *ks], np.ones(int(np.prod(ks)), np.float32))
    node = helper.make_node(op, ["X", "W"], ["Y"], kernel_shape=list(ks), **attrs)
    graph = helper.make_graph([node], "g", [x], [y], [w])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)], ir_version=10)


def outcome(m, ns):
    """The spatial output shape, or the implementation's error text."""
    x = np.ones((1, 1, *ns), np.float32)
    try:
        if IMPL == "shape_inference":
            dims = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0].type.tensor_type.shape.dim
            shape = [d.dim_value for d in dims]
            if len(shape) < 2 + len(ns):  # it stops adding dimensions at the first short axis
                return {"error": f"{NO_SPATIAL}; inferred shape {shape}"}
        elif IMPL == "reference":
            shape = list(ReferenceEvaluator(m).run(None, {"X": x})[0].shape)
        else:
            session = ort.InferenceSession(m.SerializeToString(), OPTIONS, providers=["CPUExecutionProvider"])
            shape = list(session.run(None, {"X": x})[0].shape)
    except Exception as e:  # the implementation's refusal: keep its class and message
        return {"error": f"{type(e).__name__}: {e}"}
    return {"length": shape[2:] if len(ns) > 1 else shape[2]}


def case(op, ns, ks, **attrs):
    args = {"n": list(ns) if len(ns) > 1 else ns[0], "kernel_shape": list(ks), **attrs}
    print(json.dumps({"op": op, "args": args, **outcome(model(op, ns, ks, attrs), ns)}))


def output_shape_candidates(n, K, s, a):
    top = (n - 1) * s + K
    values = {0, 1, n - 1, n, n * s - 1, n * s, n * s + 1, top - 1, top + a - 1, top + a, top + a + 1}
    values |= set(range(top, top + s + 1))
    return sorted(v for v in values if v >= 0)


def conv_transpose_grid():
    for n, k, s, d in itertools.product(range(1, 9), range(1, 6), range(1, 5), range(1, 4)):
        K = d * (k - 1) + 1
        common = {"strides": [s], "dilations": [d]}
        for a in range(5):
            case("ConvTranspose", (n,), (k,), **common, output_padding=[a])
            for mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
                case("ConvTranspose", (n,), (k,), **common, output_padding=[a], auto_pad=mode)
        pads = itertools.product(range(4), range(4)) if d == 1 else ((0, 0), (1, 2), (3, 3), (2, 0))
        for b, e in pads:
            case("ConvTranspose", (n,), (k,), **common, pads=[b, e])
        if d == 1 and s <= 2:
            case("ConvTranspose", (n,), (k,), **common, pads=[1, 2], output_padding=[1])
        for extra in ({}, {"auto_pad": "SAME_UPPER"}, {"pads": [1, 1], "output_padding": [1]}):
            a = extra.get("output_padding", [0])[0]
            for out in output_shape_candidates(n, K, s, a):
                case("ConvTranspose", (n,), (k,), **common, **extra, output_shape=[out])
        if n <= 3 and k <= 3 and d <= 2:
            case("ConvTranspose", (n,), (k,), **common, auto_pad="SAME_LOWER", output_shape=[n * s - 1])
            case("ConvTranspose", (n,), (k,), **common, pads=[-1, 0])
            case("ConvTranspose", (n,), (k,), **common, output_padding=[-1])
            case("ConvTranspose", (n,), (k,), **common, output_shape=[-1])
            case("ConvTranspose", (n,), (k,), **common, pads=[1, 0], auto_pad="SAME_UPPER")
            case("ConvTranspose", (n,), (k,), **common, pads=[0, 0], auto_pad="VALID")
            case("ConvTranspose", (n,), (k,), **common, pads=[0, 0], auto_pad="NOTSET")


def conv_grid():
    for n, k, s, d in itertools.product(range(1, 9), range(1, 6), range(1, 5), range(1, 4)):
        common = {"strides": [s], "dilations": [d]}
        case("Conv", (n,), (k,), **common)
        for mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
            case("Conv", (n,), (k,), **common, auto_pad=mode)
        for b, e in itertools.product(range(4), range(4)) if d == 1 else ((0, 1), (2, 2), (3, 0)):
            case("Conv", (n,), (k,), **common, pads=[b, e])
        if n <= 4 and k <= 3:
            case("Conv", (n,), (k,), **common, pads=[1, 0], auto_pad="SAME_UPPER")
            case("Conv", (n,), (k,), **common, pads=[1, 2], auto_pad="VALID")
            case("Conv", (n,), (k,), **common, pads=[-1, 0])


def spot_checks():
    ct = [
        ((3, 4), (3, 2), {"strides": [2, 1], "pads": [1, 0, 0, 1]}),
        ((3, 4), (3, 2), {"strides": [2, 3], "auto_pad": "SAME_UPPER", "output_padding": [1, 0]}),
        ((3, 4), (1, 2), {"strides": [3, 1], "auto_pad": "SAME_LOWER"}),
        ((5, 2), (2, 3), {"strides": [2, 2], "dilations": [1, 2], "output_shape": [10, 6]}),
        ((2, 3), (1, 1), {"output_shape": [3, 2]}),  # reference: blocks (3, 2), product 6 == 2·3
        ((2, 3), (1, 1), {"output_shape": [2, 4]}),
        ((3, 3), (3, 3), {"strides": [2, 2], "pads": [0, 4, 0, 4]}),
        ((3, 3), (3, 3), {"strides": [2, 1], "dilations": [1, 3], "output_padding": [1, 2]}),
        ((3, 3), (3, 3), {"strides": [2, 2], "output_padding": [0, 3]}),
    ]
    for ns, ks, attrs in ct:
        case("ConvTranspose", ns, ks, **attrs)
    conv = [
        ((5, 2), (3, 3), {"strides": [2, 1]}),
        ((5, 7), (3, 2), {"strides": [2, 3], "auto_pad": "SAME_LOWER"}),
        ((5, 7), (3, 2), {"strides": [2, 3], "pads": [1, 0, 2, 1], "dilations": [2, 1]}),
        ((2, 7), (3, 2), {"strides": [2, 3]}),
    ]
    for ns, ks, attrs in conv:
        case("Conv", ns, ks, **attrs)


def main():
    start = time.perf_counter()
    conv_transpose_grid()
    conv_grid()
    spot_checks()
    print(f"probe_onnx[{IMPL}]: onnx {onnx.__version__}, {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
