"""ONNX rule tables: "onnx-spec" (shared ops), "onnxruntime" and "onnx-shape-inference" (their own
Conv / ConvTranspose / pooling). Conv and ConvTranspose reuse derive.frameworks.onnx's per-layer
models (length + requirements with the runtime's messages); the other messages are onnxruntime
1.32's, taken from runs and its C++ source (tests/conformance/test_net_onnx.py checks them live on the zoo's
exported files)."""

from __future__ import annotations

import itertools
from typing import Any

import sympy as sp

from ... import _arith as A
from ...evaluate import evaluate
from ...frameworks import onnx as onnx_model
from ..graph import Check, GraphError, Node, Tensor
from . import register
from .common import Values, axis, broadcast, check, concat_mismatches, ints, known, product, s
from .common import at as _at


def at(x: Any, values: Values) -> Any:
    """A dim at one size; a bare Symbol too (SymPy's Symbol is also a Boolean, which common.at leaves as is)."""
    if isinstance(x, sp.Expr):
        v = evaluate(x, values)
        return int(v) if v.denominator == 1 else v
    if isinstance(x, (tuple, list)):
        return type(x)(at(y, values) for y in x)
    return _at(x, values)


def shape_text(shape: Any, values: Values) -> str:
    """onnxruntime's ``TensorShape::ToString``: ``{1,3,4}``."""
    return "{" + ",".join(str(at(d, values)) for d in shape) + "}"


SPEC, ORT, SI = "onnx-spec", "onnxruntime", "onnx-shape-inference"
_IMPL = {SPEC: "spec", ORT: "onnxruntime", SI: "shape_inference"}

Out = tuple[list[Tensor], list[Check]]


def _attr(node: Node, name: str, default: Any = None) -> Any:
    return node.attrs.get(name, default)


# -- elementwise ---------------------------------------------------------------------------------

_UNARY = (
    "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Selu", "Softmax", "LogSoftmax", "Clip", "Exp", "Log",
    "Sqrt", "Neg", "Abs", "Erf", "HardSigmoid", "HardSwish", "Softplus", "Gelu", "Identity", "Floor", "Ceil",
    "Round", "Reciprocal", "Not", "Mish", "Celu", "Sign", "Dropout", "LRN", "Sin", "Cos", "Tan", "IsNaN", "IsInf",
)  # fmt: skip


@register(SPEC, *_UNARY)
def _unary(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    return [Tensor(x.shape, x.value, x.dtype)], []


@register(SPEC, "Cast")
def _cast(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    return [Tensor(x.shape, x.value, None)], []


def _broadcast_message(a: Any, b: Any):
    # onnxruntime element_wise_ops.h BroadcastIterator::Append(axis, largest): the dim that is neither 1 nor the
    # largest is named first ("... other than 1. 2 by 8")
    def text(values: Values) -> str:
        x, y = sorted((at(a, values), at(b, values)))
        return f"Attempting to broadcast an axis by a dimension other than 1. {x} by {y}"

    return text


_ARITH = {
    "Add": lambda a, b: a + b,
    "Sub": lambda a, b: a - b,
    "Mul": lambda a, b: a * b,
    "Div": lambda a, b: A.truncdiv(a, b) if (s(a).is_integer and s(b).is_integer) else a / b,
}


@register(SPEC, "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Equal", "Less", "Greater",
          "And", "Or", "Where", "PRelu", "LessOrEqual", "GreaterOrEqual")  # fmt: skip
def _elementwise(node: Node, inputs: list[Tensor | None]) -> Out:
    given = [t for t in inputs if t is not None]
    shape, checks = broadcast(node, [t.shape for t in given], _broadcast_message)
    value = None
    if node.op in _ARITH and len(given) == 2 and all(t.value is not None for t in given):
        a, b = given
        n = max(len(a.value), len(b.value))
        if len(a.value) in (1, n) and len(b.value) in (1, n):
            pick = lambda v, i: v[0] if len(v) == 1 else v[i]  # noqa: E731
            value = tuple(sp.sympify(_ARITH[node.op](s(pick(a.value, i)), s(pick(b.value, i)))) for i in range(n))
    return [Tensor(shape, value)], checks


# -- normalisation ---------------------------------------------------------------------------------


@register(SPEC, "BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization")
def _norm(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    return [Tensor(x.shape)], []


# -- Conv / ConvTranspose (derive.frameworks.onnx) -------------------------------------------------


def _per_axis(node: Node, x: Tensor, w: Tensor, table: str, transpose: bool) -> Out:
    rank = x.rank - 2
    if rank < 1 or w.rank != x.rank:
        raise GraphError(node.name, node.op, f"input rank {x.rank} and weight rank {w.rank} must agree and be >= 3")
    group = int(_attr(node, "group", 1))
    kernel = _attr(node, "kernel_shape") or [int(d) for d in w.shape[2:]]
    kw: dict[str, list[Any]] = {
        "kernel_shape": list(kernel),
        "strides": list(_attr(node, "strides", [1] * rank)),
        "dilations": list(_attr(node, "dilations", [1] * rank)),
    }
    auto_pad = _attr(node, "auto_pad", "NOTSET")
    if isinstance(auto_pad, bytes):
        auto_pad = auto_pad.decode()
    pads = _attr(node, "pads")
    table_ops = onnx_model.CONV_TRANSPOSE if transpose else onnx_model.CONV
    op = table_ops[_IMPL[table]]
    if transpose:
        kw["output_padding"] = list(_attr(node, "output_padding", [0] * rank))
        shape_attr = _attr(node, "output_shape")
        if shape_attr is not None and len(shape_attr) == rank + 2:
            shape_attr = list(shape_attr)[2:]
        kw["output_shape"] = list(shape_attr) if shape_attr is not None else [None] * rank
    checks: list[Check] = []
    c_in = s(x.shape[1])
    kc = s(w.shape[0] if transpose else w.shape[1])
    need = kc if transpose else kc * group
    if c_in != need:

        def ch(values: Values, c=c_in, k=kc, g=group) -> str:
            return (
                f"Input channels C is not equal to kernel channels * group. C: {at(c, values)} kernel channels: "
                f"{at(k, values)} group: {g}"
            )

        checks.append(check(node, sp.Eq(c_in, need), ch, "Fail"))
    axes = []
    for i in range(rank):
        one = {k: v[i] for k, v in kw.items()}
        one["pads"] = None if pads is None else (pads[i], pads[i + rank])
        one["auto_pad"] = auto_pad
        try:
            axes.append(op.bind(s(x.shape[2 + i]), one))
        except ValueError as e:
            raise GraphError(node.name, node.op, str(e)) from None
    for i, a in enumerate(axes):
        a["_axes"], a["_axis"] = axes, i
    phases = getattr(op, "phases", ()) or tuple((j,) for j in range(len(op.requires)))
    for phase in phases:
        for a in axes:
            for index in phase:
                r = op.requires[index]
                holds = r.holds(a)
                if holds is True or holds is sp.true:
                    continue

                def msg(values: Values, r=r, a=a) -> str:
                    concrete = [{k: at(v, values) for k, v in b.items() if k not in ("_axes",)} for b in axes]
                    for j, b in enumerate(concrete):
                        b["_axes"], b["_axis"] = concrete, j
                    return r.text(concrete[a["_axis"]])

                checks.append(check(node, holds, msg, r.error))
    lengths = [s(op.length(a)) for a in axes]
    out_c = s(w.shape[1]) * group if transpose else s(w.shape[0])
    return [Tensor((s(x.shape[0]), out_c, *lengths))], checks


def _conv_rule(table: str, transpose: bool):
    def rule(node: Node, inputs: list[Tensor | None]) -> Out:
        x, w = inputs[0], inputs[1]
        if x is None or w is None:
            raise GraphError(node.name, node.op, "needs X and W")
        return _per_axis(node, x, w, table, transpose)

    return rule


for _t in (SPEC, ORT, SI):
    register(_t, "Conv")(_conv_rule(_t, False))
    register(_t, "ConvTranspose")(_conv_rule(_t, True))


# -- pooling -------------------------------------------------------------------------------------


def _pool(table: str):
    def rule(node: Node, inputs: list[Tensor | None]) -> Out:
        x = inputs[0]
        assert x is not None
        rank = x.rank - 2
        kernel = list(_attr(node, "kernel_shape"))
        strides = list(_attr(node, "strides", [1] * rank))
        dil = list(_attr(node, "dilations", [1] * rank))
        pads = list(_attr(node, "pads", [0] * (2 * rank)))
        ceil_mode = int(_attr(node, "ceil_mode", 0))
        auto_pad = _attr(node, "auto_pad", "NOTSET")
        if isinstance(auto_pad, bytes):
            auto_pad = auto_pad.decode()
        checks: list[Check] = []
        if table == ORT:

            def nonempty(values: Values) -> str:
                return f"Invalid input shape. Only N can be zero. Got:{shape_text(x.shape, values)}"

            checks.append(check(node, sp.And(*(sp.Gt(s(d), 0) for d in x.shape[1:])), nonempty, "Fail"))
        lengths = []
        for i in range(rank):
            n = s(x.shape[2 + i])
            k = dil[i] * (kernel[i] - 1) + 1
            st = strides[i]
            if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
                lengths.append(A.ceildiv(n, st))
                continue
            if auto_pad == "VALID":
                lengths.append(A.ceildiv(n - k + 1, st))
                continue
            total = n + pads[i] + pads[i + rank] - k
            if ceil_mode:
                out = A.ceildiv(total, st) + 1
                if table != SPEC:
                    # the last window must start inside the input or its left padding
                    out = sp.Piecewise((out - 1, (out - 1) * st >= n + pads[i]), (out, True))
            elif table != SPEC:
                # onnxruntime pool_attributes.h ComputeOutputSize: C++ integer division, truncation toward zero,
                # (total / stride) + 1 (runs: n=1, k=2, s=2 gives 1; k=4 gives 0; k=3, s=1 is refused below).
                # Written without a Piecewise of a truncating division (it nests badly through deep U-Nets):
                # ⌊max(total, 0)/s⌋ + 1, less 1 where total <= -s; exact wherever the check total > -2s holds.
                below = A.minimum(A.maximum(1 - st - total, 0), 1)
                out = A.floordiv(A.maximum(total, 0), st) + 1 - below
            else:
                out = A.floordiv(total, st) + 1
            if table == ORT:
                checks.append(
                    check(
                        node,
                        total > -2 * st if not ceil_mode else out >= 0,
                        "Calculated output dimension is negative. Check kernel_shape, pads, strides and dilations.",
                        "Fail",
                    )
                )
            else:
                checks.append(check(node, out >= 1, "an output dimension must be positive.", "spec"))
            lengths.append(out)
        return [Tensor((*x.shape[:2], *lengths))], checks

    return rule


for _t in (SPEC, ORT, SI):
    register(_t, "MaxPool", "AveragePool", "LpPool")(_pool(_t))


@register(SPEC, "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool")
def _global(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None

    def nonempty(values: Values) -> str:
        return f"Invalid input shape. Only N can be zero. Got:{shape_text(x.shape, values)}"

    holds = sp.And(*(sp.Gt(s(d), 0) for d in x.shape[1:]))
    return [Tensor((*x.shape[:2], *([sp.Integer(1)] * (x.rank - 2))))], [check(node, holds, nonempty, "Fail")]


# -- resampling, padding, slicing -----------------------------------------------------------------


def _rational(x: Any) -> sp.Rational:
    return sp.Rational(float(x)) if not isinstance(x, sp.Basic) else sp.nsimplify(x)


@register(SPEC, "Resize", "Upsample")
def _resize(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    scales = _attr(node, "scales")
    sizes = None
    if node.op == "Resize":
        # opset 10: (X, scales); 11+: (X, roi, scales, sizes)
        scale_t = inputs[1] if len(inputs) == 2 else (inputs[2] if len(inputs) > 2 else None)
        size_t = inputs[3] if len(inputs) > 3 else None
        if size_t is not None and size_t.value:
            sizes = [s(v) for v in size_t.value]
        elif scale_t is not None and scale_t.value:
            scales = scale_t.value
    elif scales is None and len(inputs) > 1 and inputs[1] is not None:
        scales = known(node, inputs[1], "scales")
    if sizes is not None:
        return [Tensor(tuple(sizes))], []
    if scales is None or len(scales) != x.rank:
        raise GraphError(node.name, node.op, "needs constant scales or sizes, one per axis")
    return [Tensor(tuple(sp.floor(s(d) * _rational(f)) for d, f in zip(x.shape, scales, strict=True)))], []


@register(SPEC, "Pad")
def _pad(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    pads = _attr(node, "pads")
    if pads is None:
        pads = ints(node, "pads", known(node, inputs[1], "pads"))
    rank = x.rank
    axes_t = inputs[3] if len(inputs) > 3 else None
    axes = ints(node, "axes", known(node, axes_t, "axes")) if axes_t is not None else list(range(rank))
    full = [0] * (2 * rank)
    for j, a in enumerate(axes):
        a = axis(node, a, rank)
        full[a], full[a + rank] = pads[j], pads[j + len(axes)]
    shape = tuple(s(d) + full[i] + full[i + rank] for i, d in enumerate(x.shape))
    checks = [
        check(node, sp.Ge(d, 0), "Tensor shape.Size() must be >= 0", "Fail")
        for d in shape
        if not (d.is_Integer and d >= 0) and any(full)
    ]
    return [Tensor(shape)], checks


_BIG = 2**62


def _clamp(x: Any, dim: Any, lo: int, hi_offset: int) -> Any:
    x = s(x)
    if x.is_Integer and x >= _BIG:
        x = s(dim)
    elif x.is_Integer and x <= -_BIG:
        x = sp.Integer(lo)
    elif x.is_Integer and x < 0:
        x = x + dim
    return A.maximum(A.minimum(x, s(dim) + hi_offset), lo)


def _clamp_end_negative(x: Any, dim: Any) -> Any:
    """A Slice end for a negative step: INT_MIN-like ends mean "before the first element" (-1)."""
    x = s(x)
    if x.is_Integer and x <= -_BIG:
        return sp.Integer(-1)
    if x.is_Integer and x >= _BIG:
        return s(dim) - 1
    if x.is_Integer and x < 0:
        x = x + dim
    return A.maximum(A.minimum(x, s(dim) - 1), -1)


@register(SPEC, "Slice")
def _slice(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    if _attr(node, "starts") is not None:
        starts, ends = list(_attr(node, "starts")), list(_attr(node, "ends"))
        axes = list(_attr(node, "axes", range(len(starts))))
        steps = [1] * len(starts)
    else:
        starts = ints(node, "starts", known(node, inputs[1], "starts"))
        ends = ints(node, "ends", known(node, inputs[2], "ends"))
        axes = ints(node, "axes", known(node, inputs[3], "axes")) if len(inputs) > 3 and inputs[3] else None
        axes = axes if axes is not None else list(range(len(starts)))
        steps = ints(node, "steps", known(node, inputs[4], "steps")) if len(inputs) > 4 and inputs[4] else None
        steps = steps if steps is not None else [1] * len(starts)
    shape = list(x.shape)
    concrete = x.value is not None and all(s(d).is_Integer for d in x.shape)
    # the indices kept on each axis, while they are concrete (small constant or shape tensors keep their values)
    picks: list[list[int]] | None = [list(range(int(d))) for d in x.shape] if concrete else None
    for st, en, a, step in zip(starts, ends, axes, steps, strict=True):
        a = axis(node, a, x.rank)
        dim = s(shape[a])
        if step == 0:
            raise GraphError(node.name, node.op, "'steps' must not be 0")
        if step > 0:
            b, e = _clamp(st, dim, 0, 0), _clamp(en, dim, 0, 0)
        else:
            # ONNX Slice: a negative step clamps starts to [0, dim-1] and ends to [-1, dim-1]
            b, e = _clamp(st, dim, 0, -1), _clamp_end_negative(en, dim)
        shape[a] = A.maximum(A.ceildiv(e - b, step), 0)
        if picks is not None and s(b).is_Integer and s(e).is_Integer:
            picks[a] = list(range(int(b), int(e), step))
        else:
            picks = None
    value = _gathered(x, picks) if picks is not None else None
    return [Tensor(tuple(shape), value)], []


def _gathered(x: Tensor, picks: list[list[int]]) -> tuple[Any, ...]:
    """The row-major values of ``x`` at the product of the per-axis indices ``picks``."""
    assert x.value is not None
    dims = [int(d) for d in x.shape]
    out = []
    for index in itertools.product(*picks):
        flat = 0
        for i, d in zip(index, dims, strict=True):
            flat = flat * d + i
        out.append(x.value[flat])
    return tuple(out)


@register(SPEC, "Concat")
def _concat(node: Node, inputs: list[Tensor | None]) -> Out:
    given = [t for t in inputs if t is not None]
    rank = given[0].rank
    ax = axis(node, int(_attr(node, "axis", 0)), rank)
    checks = []
    first = given[0]
    for _, t, i in concat_mismatches(given, ax):
        a, b = s(t.shape[i]), s(first.shape[i])

        def msg(values: Values, i=i, a=a, b=b) -> str:
            mismatch = f"{at(a, values)} and {at(b, values)}"
            return f"Non concat axis dimensions must match: Axis {i} has mismatched dimensions of {mismatch}"

        checks.append(check(node, sp.Eq(a, b), msg, "Fail"))
    shape = list(first.shape)
    shape[ax] = sp.Add(*(s(t.shape[ax]) for t in given))
    value = None
    if rank == 1 and all(t.value is not None for t in given):
        value = tuple(v for t in given for v in t.value)
    return [Tensor(tuple(shape), value)], checks


# -- reshaping -------------------------------------------------------------------------------------


@register(SPEC, "Flatten")
def _flatten(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    a = int(_attr(node, "axis", 1))
    a = a + x.rank if a < 0 else a
    return [Tensor((product(x.shape[:a]), product(x.shape[a:])))], []


@register(SPEC, "Reshape")
def _reshape(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    requested = [s(v) for v in known(node, inputs[1], "shape")]
    allowzero = int(_attr(node, "allowzero", 0))
    dims = [s(x.shape[i]) if (r == 0 and not allowzero and i < x.rank) else r for i, r in enumerate(requested)]
    total = product(x.shape)
    infer = [i for i, r in enumerate(dims) if r == -1]
    known_size = product([r for r in dims if r != -1])

    def msg(values: Values) -> str:
        return (
            "The input tensor cannot be reshaped to the requested shape. "
            f"Input shape:{shape_text(x.shape, values)}, requested shape:{shape_text(requested, values)}"
        )

    if infer:
        holds = sp.And(sp.Ne(known_size, 0), sp.Eq(sp.Mod(total, known_size), 0))
        dims[infer[0]] = A.floordiv(total, known_size)
    else:
        holds = sp.Eq(total, known_size)
    # row-major contents do not move under a reshape
    value = x.value
    return [Tensor(tuple(dims), value)], [check(node, holds, msg, "Fail")]


@register(SPEC, "Transpose")
def _transpose(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    perm = list(_attr(node, "perm", reversed(range(x.rank))))
    value = None
    if x.value is not None and all(s(d).is_Integer for d in x.shape):
        dims = [int(d) for d in x.shape]
        out = []
        for index in itertools.product(*(range(dims[p]) for p in perm)):
            source = [0] * x.rank
            for j, p in enumerate(perm):
                source[p] = index[j]
            flat = 0
            for i, d in zip(source, dims, strict=True):
                flat = flat * d + i
            out.append(x.value[flat])
        value = tuple(out)
    return [Tensor(tuple(x.shape[p] for p in perm), value)], []


def _axes(node: Node, inputs: list[Tensor | None]) -> list[int] | None:
    if _attr(node, "axes") is not None:
        return list(_attr(node, "axes"))
    if len(inputs) > 1 and inputs[1] is not None:
        return ints(node, "axes", known(node, inputs[1], "axes"))
    return None


@register(SPEC, "Unsqueeze")
def _unsqueeze(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    axes = _axes(node, inputs) or []
    rank = x.rank + len(axes)
    spots = sorted(axis(node, a, rank, "axes") for a in axes)
    shape = list(x.shape)
    for a in spots:
        shape.insert(a, sp.Integer(1))
    value = x.value if x.value is not None and len(x.value) == 1 else x.value if rank == 1 else None
    return [Tensor(tuple(shape), value)], []


@register(SPEC, "Squeeze")
def _squeeze(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    axes = _axes(node, inputs)
    drop = (
        {axis(node, a, x.rank, "axes") for a in axes}
        if axes is not None
        else {i for i, d in enumerate(x.shape) if s(d) == 1}
    )
    return [Tensor(tuple(d for i, d in enumerate(x.shape) if i not in drop), x.value)], []


@register(SPEC, "Gemm")
def _gemm(node: Node, inputs: list[Tensor | None]) -> Out:
    a, b = inputs[0], inputs[1]
    assert a is not None and b is not None
    m, k = (a.shape[1], a.shape[0]) if _attr(node, "transA", 0) else (a.shape[0], a.shape[1])
    kb, n = (b.shape[1], b.shape[0]) if _attr(node, "transB", 0) else (b.shape[0], b.shape[1])
    k, kb = s(k), s(kb)

    def msg(values: Values) -> str:
        return f"GEMM: Dimension mismatch, W: {shape_text(b.shape, values)} K: {at(k, values)} N:{at(n, values)}"

    checks = [] if k == kb else [check(node, sp.Eq(k, kb), msg, "InvalidArgument")]
    return [Tensor((s(m), s(n)))], checks


@register(SPEC, "MatMul")
def _matmul(node: Node, inputs: list[Tensor | None]) -> Out:
    a, b = inputs[0], inputs[1]
    assert a is not None and b is not None
    sa = list(a.shape) if a.rank > 1 else [sp.Integer(1), *a.shape]
    sb = list(b.shape) if b.rank > 1 else [*b.shape, sp.Integer(1)]
    k, kb = s(sa[-1]), s(sb[-2])
    checks = [] if k == kb else [check(node, sp.Eq(k, kb), "MatMul dimension mismatch", "Fail")]
    batch, more = broadcast(node, [tuple(sa[:-2]), tuple(sb[:-2])], _broadcast_message)
    shape = [*batch, sa[-2], sb[-1]]
    if a.rank == 1:
        shape.pop(-2)
    if b.rank == 1:
        shape.pop(-1)
    return [Tensor(tuple(shape))], checks + more


@register(SPEC, "DepthToSpace")
def _d2s(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    b = int(_attr(node, "blocksize"))
    n, c, h, w = (s(d) for d in x.shape)
    msg = "DepthToSpace requires input depth to be a multiple of (block_size * block_size)"
    return [Tensor((n, A.floordiv(c, b * b), h * b, w * b))], [
        check(node, sp.Eq(sp.Mod(c, b * b), 0), msg, "InvalidArgument")
    ]


@register(SPEC, "SpaceToDepth")
def _s2d(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    b = int(_attr(node, "blocksize"))
    n, c, h, w = (s(d) for d in x.shape)
    checks = [
        check(node, sp.Eq(sp.Mod(h, b), 0), "SpaceToDepth requires input height to be a multiple of block_size"),
        check(node, sp.Eq(sp.Mod(w, b), 0), "SpaceToDepth requires input width to be a multiple of block_size"),
    ]
    return [Tensor((n, c * b * b, A.floordiv(h, b), A.floordiv(w, b)))], checks


# -- shape arithmetic ------------------------------------------------------------------------------


@register(SPEC, "Shape")
def _shape(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    start = int(_attr(node, "start", 0))
    end = _attr(node, "end")
    dims = list(x.shape)[start : (int(end) if end is not None else None)]
    return [Tensor((sp.Integer(len(dims)),), tuple(s(d) for d in dims), "int64")], []


@register(SPEC, "Gather")
def _gather(node: Node, inputs: list[Tensor | None]) -> Out:
    data, idx = inputs[0], inputs[1]
    assert data is not None and idx is not None
    ax = axis(node, int(_attr(node, "axis", 0)), data.rank)
    shape = (*data.shape[:ax], *idx.shape, *data.shape[ax + 1 :])
    value = None
    if data.value is not None and data.rank == 1 and idx.value is not None:
        picks = ints(node, "indices", idx.value)
        n = len(data.value)
        if all(-n <= i < n for i in picks):
            value = tuple(data.value[i] for i in picks)
    return [Tensor(tuple(shape), value)], []


@register(SPEC, "Constant")
def _constant(node: Node, inputs: list[Tensor | None]) -> Out:
    t = _attr(node, "value")
    if not isinstance(t, Tensor):
        raise GraphError(node.name, node.op, "needs a 'value' tensor")
    return [t], []


@register(SPEC, "ConstantOfShape")
def _constant_of_shape(node: Node, inputs: list[Tensor | None]) -> Out:
    dims = tuple(s(v) for v in known(node, inputs[0], "input"))
    fill = _attr(node, "value")
    value = None
    if len(dims) == 1 and dims[0].is_Integer and int(dims[0]) <= 64 and isinstance(fill, Tensor) and fill.value:
        value = (fill.value[0],) * int(dims[0])
    return [Tensor(dims, value)], []


@register(SPEC, "Expand")
def _expand(node: Node, inputs: list[Tensor | None]) -> Out:
    x = inputs[0]
    assert x is not None
    target = tuple(s(v) for v in known(node, inputs[1], "shape"))
    shape, checks = broadcast(node, [x.shape, target], _broadcast_message)
    return [Tensor(shape)], checks
