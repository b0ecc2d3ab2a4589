"""The ``torch-eager`` rule table: what eager torch 2.13 (CPU) does at each aten op of a ``torch.export`` graph.

Convolutions reuse derive's per-layer torch model (:mod:`derive.frameworks.torch`: its lengths and
its requirements, with torch's own messages, proved and checked live); pooling follows
``aten/src/ATen/native/Pool.h::pooling_output_shape_pad_lr`` and ``pool2d_shape_check``; the other
ops follow their ATen shape functions (``cat``: ``check_cat_shape_except_dim``, broadcasting:
``infer_size_impl``, ``linear``/``addmm``, ``view``: ``infer_size``, ``upsample``:
``UpSample.h::compute_output_size`` / ``upsample_2d_common_check``). Python-level checks that
export turns into guards (``F.instance_norm``'s spatial-size check) are restored here as checks.
Each node's arguments come as ``attrs["args"]`` / ``attrs["kwargs"]`` with :class:`Ref` for the
node's tensor inputs (``sym_size`` results are 0-d tensors whose ``value`` is the dim expression).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ...errors import FrameworkError
from ...evaluate import evaluate
from ...frameworks import torch as torch_model
from ...frameworks._model import Operation
from ..graph import Check, GraphError, Node, Tensor
from . import register
from .common import Values, concat_mismatches, s

TABLE = "torch-eager"


@dataclass(frozen=True)
class Ref:
    """The ``index``-th tensor input of a node, in its encoded arguments."""

    index: int


_SYM = "symint"
Out = tuple[list[Tensor], list[Check]]


def at(x: Any, values: Values) -> Any:
    """A dim (or a list of them) at one size, as an int (a bare Symbol too: SymPy's Symbol is also a Boolean)."""
    if isinstance(x, (list, tuple)):
        return type(x)(at(y, values) for y in x)
    if isinstance(x, sp.Expr):
        v = evaluate(x, values)
        return int(v) if v.denominator == 1 else v
    return x


def _resolve(x: Any, inputs: list[Tensor | None]) -> Any:
    if isinstance(x, Ref):
        t = inputs[x.index]
        if t is not None and t.dtype == _SYM:
            return t.value[0]  # type: ignore[index]
        return t
    if isinstance(x, tuple):
        return tuple(_resolve(a, inputs) for a in x)
    if isinstance(x, dict):
        return {k: _resolve(v, inputs) for k, v in x.items()}
    return x


def _scalar(v: Any) -> Tensor:
    return Tensor((), (s(v),), _SYM)


def _aten(*ops: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(node, *args, **kwargs) -> (Tensor | list[Tensor], checks)`` for aten ``ops``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        def rule(node: Node, inputs: list[Tensor | None]) -> Out:
            args = _resolve(node.attrs.get("args", ()), inputs)
            kwargs = _resolve(node.attrs.get("kwargs", {}), inputs)
            try:
                out, checks = fn(node, *args, **kwargs)
            except TypeError as e:
                raise GraphError(node.name, node.op, f"unexpected arguments ({e})") from None
            return (out if isinstance(out, list) else [out]), checks

        register(TABLE, *ops)(rule)
        return fn

    return wrap


def _check(node: Node, holds: Any, message: Any, error: str = "RuntimeError") -> Check:
    where = node.attrs.get("module", "")
    return Check(holds, f"{node.name} [{where}]" if where else node.name, node.op, message, error)


def _ints(node: Node, name: str, v: Any, n: int) -> list[Any]:
    """An int-list argument expanded to ``n`` axes (torch's ``expand_param_if_needed``)."""
    if isinstance(v, (int, sp.Expr)):
        return [v] * n
    v = list(v)
    if len(v) == 1:
        return v * n
    if len(v) != n:
        raise GraphError(node.name, node.op, f"'{name}' must have 1 or {n} entries (got {v})")
    return v


def _x(values: Sequence[Any]) -> str:
    return "x".join(str(v) for v in values)


def _shape_text(shape: Sequence[Any], values: Values) -> str:
    return "[" + ", ".join(str(at(d, values)) for d in shape) + "]"


def _size_text(shape: Sequence[Any], values: Values) -> str:
    return "torch.Size(" + _shape_text(shape, values) + ")"


# ---------------------------------------------------------------- pass-through and shape values


_SAME_SHAPE = (
    "aten.relu.default aten.relu_.default aten.leaky_relu.default aten.leaky_relu_.default aten.gelu.default "
    "aten.silu.default aten.silu_.default aten.sigmoid.default aten.tanh.default aten.exp.default "
    "aten.hardtanh.default aten.hardtanh_.default aten.elu.default aten.elu_.default aten.mish.default "
    "aten.softplus.default aten.hardswish.default aten.hardswish_.default aten.hardsigmoid.default "
    "aten.dropout.default aten.dropout_.default aten.feature_dropout.default aten.alpha_dropout.default "
    "aten.batch_norm.default aten.group_norm.default aten.prelu.default aten.clone.default "
    "aten.contiguous.default aten.to.dtype aten.to.dtype_layout aten.to.device aten.type_as.default "
    "aten.detach.default aten.detach_.default aten.alias.default aten.lift_fresh_copy.default "
    "aten.softmax.int aten.log_softmax.int aten._softmax.default aten.sin.default aten.cos.default "
    "aten.sqrt.default aten.rsqrt.default aten.abs.default aten.neg.default aten.clamp.default "
    "aten.clamp_.default aten.float.default aten.pow.Tensor_Scalar aten.relu6.default aten.hardsigmoid_.default "
    "aten.sigmoid_.default aten.tanh_.default aten.dropout2d.default aten.layer_norm.default aten.square.default"
).split()


@_aten(*_SAME_SHAPE)
def _same(node: Node, x: Tensor, *args: Any, **kwargs: Any) -> Out:
    checks = []
    if node.op == "aten.layer_norm.default":
        normalized = list(args[0] if args else kwargs["normalized_shape"])
        tail = x.shape[len(x.shape) - len(normalized) :]
        holds = sp.And(*[sp.Eq(a, b) for a, b in zip(tail, normalized, strict=True)])
        checks.append(
            _check(
                node,
                holds,
                lambda v: (
                    f"Given normalized_shape={list(normalized)}, expected input with shape "
                    f"[*, {', '.join(str(d) for d in normalized)}], but got input of size{_shape_text(x.shape, v)}"
                ),
            )
        )
    return Tensor(x.shape, dtype=x.dtype), checks


@_aten("aten.instance_norm.default")
def _instance_norm(node: Node, x: Tensor, *args: Any, **kwargs: Any) -> Out:
    use_input_stats = args[4] if len(args) > 4 else kwargs.get("use_input_stats", True)
    checks = []
    if use_input_stats:
        # F.instance_norm's _verify_spatial_size (Python: export keeps it only as a guard)
        spatial = sp.Mul(*x.shape[2:])
        checks.append(
            _check(
                node,
                spatial > 1,
                lambda v: (
                    f"Expected more than 1 spatial element when training, got input size {_size_text(x.shape, v)}"
                ),
                "ValueError",
            )
        )
    return Tensor(x.shape), checks


@_aten("aten._assert_tensor_metadata.default")
def _nothing(node: Node, *args: Any, **kwargs: Any) -> Out:
    return [], []


@register(TABLE, "getitem")
def _getitem(node: Node, inputs: list[Tensor | None]) -> Out:
    if inputs[0] is None:
        raise GraphError(node.name, node.op, "indexes nothing")
    return [inputs[0]], []


@_aten("aten.sym_size.int")
def _sym_size(node: Node, x: Tensor, dim: int) -> Out:
    return _scalar(x.shape[dim]), []


def _value(v: Any) -> Any:
    if isinstance(v, Tensor):
        if v.dtype != _SYM:
            raise TypeError("a tensor in shape arithmetic")
        return v.value[0]  # type: ignore[index]
    return s(v)


_ARITH = {
    "operator.add": lambda a, b: a + b,
    "operator.sub": lambda a, b: a - b,
    "operator.mul": lambda a, b: a * b,
    "operator.floordiv": lambda a, b: sp.floor(a / b),
    "operator.mod": lambda a, b: sp.Mod(a, b),
    "operator.truediv": lambda a, b: a / b,
}


@register(TABLE, *_ARITH, "operator.neg")
def _arith(node: Node, inputs: list[Tensor | None]) -> Out:
    args = [_value(a) for a in _resolve(node.attrs["args"], inputs)]
    if node.op == "operator.neg":
        return [_scalar(-args[0])], []
    return [_scalar(_ARITH[node.op](*args))], []


@_aten("aten.ones.default", "aten.zeros.default", "aten.empty.memory_format", "aten.full.default")
def _factory(node: Node, size: Sequence[Any], *args: Any, **kwargs: Any) -> Out:
    return Tensor(tuple(s(d) for d in size)), []


@_aten("aten.arange.start", "aten.arange.default", "aten.arange.start_step")
def _arange(node: Node, *args: Any, **kwargs: Any) -> Out:
    nums = [a for a in args if isinstance(a, (int, float, sp.Expr))]
    start, end, step = (0, nums[0], 1) if len(nums) == 1 else (*nums[:2], nums[2] if len(nums) > 2 else 1)
    return Tensor((sp.ceiling((s(end) - s(start)) / s(step)),)), []


# ---------------------------------------------------------------- broadcasting ops


def _broadcast(node: Node, a: Tensor, b: Tensor) -> tuple[tuple[Any, ...], list[Check]]:
    """``infer_size_impl``: align from the right; per axis equal or one of them 1."""
    rank = max(a.rank, b.rank)
    pa = (sp.Integer(1),) * (rank - a.rank) + tuple(s(d) for d in a.shape)
    pb = (sp.Integer(1),) * (rank - b.rank) + tuple(s(d) for d in b.shape)
    out, checks = [], []
    for i, (x, y) in enumerate(zip(pa, pb, strict=True)):
        if x == y or y == 1:
            out.append(x)
            continue
        if x == 1:
            out.append(y)
            continue
        checks.append(
            _check(
                node,
                sp.Or(sp.Eq(x, y), sp.Eq(x, 1), sp.Eq(y, 1)),
                lambda v, x=x, y=y, i=i: (
                    f"The size of tensor a ({at(x, v)}) must match the size of tensor b ({at(y, v)}) "
                    f"at non-singleton dimension {i}"
                ),
            )
        )
        out.append(sp.Piecewise((y, sp.Eq(x, 1)), (x, True)))
    return tuple(out), checks


_BINARY = (
    "aten.add.Tensor aten.add_.Tensor aten.sub.Tensor aten.sub_.Tensor aten.mul.Tensor aten.mul_.Tensor "
    "aten.div.Tensor aten.div_.Tensor aten.maximum.default aten.minimum.default aten.where.self "
    "aten.add.Scalar aten.mul.Scalar aten.sub.Scalar aten.div.Scalar aten.rsub.Scalar aten.rsub.Tensor "
    "aten.pow.Tensor_Tensor"
).split()


@_aten(*_BINARY)
def _binary(node: Node, a: Any, b: Any = None, *rest: Any, **kwargs: Any) -> Out:
    tensors = [t for t in (a, b, *rest) if isinstance(t, Tensor) and t.dtype != _SYM]
    shape: tuple[Any, ...] = tensors[0].shape
    checks: list[Check] = []
    for t in tensors[1:]:
        shape, found = _broadcast(node, Tensor(shape), t)
        checks += found
    if node.op.startswith(("aten.add_", "aten.sub_", "aten.mul_", "aten.div_")) and shape != tensors[0].shape:
        # an in-place op cannot grow its first operand
        first = tensors[0]
        holds = sp.And(*[sp.Eq(x, y) for x, y in zip(first.shape, shape, strict=True)])
        checks.append(
            _check(
                node,
                holds,
                lambda v: (
                    f"output with shape {_shape_text(first.shape, v)} doesn't match the broadcast shape "
                    f"{_shape_text(shape, v)}"
                ),
            )
        )
    return Tensor(shape), checks


# ---------------------------------------------------------------- convolutions (derive's torch model)


def _conv_message(kind: str, per_axis: list[dict[str, Any]]) -> Callable[[Values], str]:
    """torch's message at a failing size: the model's own N-d call, evaluated there."""

    def message(v: Values) -> str:
        call = {k: tuple(at(a[k], v) for a in per_axis) for k in per_axis[0]}
        n = call.pop("n")
        try:
            if kind == "conv":
                torch_model.conv_length(n, api="functional", **call)
            else:
                torch_model.conv_transpose_length(n, api="functional", **call)
        except FrameworkError as e:
            return e.message
        return "the convolution refuses this size"

    return message


def _conv_checks(node: Node, kind: str, per_axis: list[dict[str, Any]]) -> list[Check]:
    op = torch_model.CONV1D_FUNCTIONAL if kind == "conv" else torch_model.CONV_TRANSPOSE1D_FUNCTIONAL
    message = _conv_message(kind, per_axis)
    conds = [op.conditions(a["n"], **{k: val for k, val in a.items() if k != "n"}) for a in per_axis]
    checks = []
    for i in range(len(conds[0])):  # torch's order: each requirement, over every axis
        for c in conds:
            held = c[i].predicate
            if held is True or held is sp.true:
                continue
            checks.append(_check(node, held, message))
    return checks


def _channels(node: Node, x: Tensor, w: Tensor, groups: int, transposed: bool) -> list[Check]:
    c = x.shape[1] if x.rank == w.rank else x.shape[0]
    want = w.shape[0] if transposed else w.shape[1] * groups
    if s(c) == s(want):
        return []
    return [
        _check(
            node,
            sp.Eq(c, want),
            lambda v: (
                f"Given groups={groups}, weight of size {_shape_text(w.shape, v)}, expected input"
                f"{_shape_text(x.shape, v)} to have {want} channels, but got {at(c, v)} channels instead"
            ),
        )
    ]


def _conv_input(node: Node, x: Tensor, w: Tensor) -> tuple[int, tuple[Any, ...]]:
    """A convolution's number of spatial axes (the weight's) and the input's sizes on them (batched or not)."""
    nd = w.rank - 2
    if x.rank not in (nd + 1, nd + 2):
        raise GraphError(node.name, node.op, f"expects a {nd + 1}-D or {nd + 2}-D input (got rank {x.rank})")
    return nd, x.shape[-nd:]


def _conv_output(op: Operation, x: Tensor, channels: Any, per_axis: list[dict[str, Any]]) -> Tensor:
    """A convolution's output: the input's batch (if any), ``channels``, and each axis' length by the torch model."""
    lengths = [op.length(op.bind(a["n"], {k: v for k, v in a.items() if k != "n"})) for a in per_axis]
    return Tensor((*x.shape[: x.rank - len(per_axis) - 1], channels, *lengths))


def _conv(node: Node, x: Tensor, w: Tensor, stride: Any, padding: Any, dilation: Any, groups: int) -> Out:
    nd, spatial = _conv_input(node, x, w)
    strides, dilations = _ints(node, "stride", stride, nd), _ints(node, "dilation", dilation, nd)
    pads = padding if isinstance(padding, str) else _ints(node, "padding", padding, nd)
    per_axis = [
        {
            "n": spatial[i],
            "kernel_size": int(w.shape[2 + i]),
            "stride": strides[i],
            "padding": pads if isinstance(pads, str) else pads[i],
            "dilation": dilations[i],
        }
        for i in range(nd)
    ]
    checks = _channels(node, x, w, groups, False) + _conv_checks(node, "conv", per_axis)
    return _conv_output(torch_model.CONV1D_FUNCTIONAL, x, w.shape[0], per_axis), checks


@_aten("aten.conv1d.default", "aten.conv2d.default", "aten.conv3d.default")
def _convnd(
    node: Node,
    x: Tensor,
    w: Tensor,
    b: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Out:
    return _conv(node, x, w, stride, padding, dilation, groups)


@_aten("aten.conv1d.padding", "aten.conv2d.padding", "aten.conv3d.padding")
def _convnd_mode(
    node: Node,
    x: Tensor,
    w: Tensor,
    b: Any = None,
    stride: Any = 1,
    padding: str = "valid",
    dilation: Any = 1,
    groups: int = 1,
) -> Out:
    return _conv(node, x, w, stride, padding, dilation, groups)


@_aten("aten.convolution.default")
def _convolution(
    node: Node,
    x: Tensor,
    w: Tensor,
    b: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    transposed: bool,
    output_padding: Any,
    groups: int,
) -> Out:
    if transposed:
        return _conv_transpose(node, x, w, stride, padding, output_padding, groups, dilation)
    return _conv(node, x, w, stride, padding, dilation, groups)


def _conv_transpose(
    node: Node, x: Tensor, w: Tensor, stride: Any, padding: Any, output_padding: Any, groups: int, dilation: Any
) -> Out:
    nd, spatial = _conv_input(node, x, w)
    st, pa = _ints(node, "stride", stride, nd), _ints(node, "padding", padding, nd)
    op, di = _ints(node, "output_padding", output_padding, nd), _ints(node, "dilation", dilation, nd)
    per_axis = [
        {
            "n": spatial[i],
            "kernel_size": int(w.shape[2 + i]),
            "stride": st[i],
            "padding": pa[i],
            "output_padding": op[i],
            "dilation": di[i],
        }
        for i in range(nd)
    ]
    checks = _channels(node, x, w, groups, True) + _conv_checks(node, "conv_transpose", per_axis)
    return _conv_output(torch_model.CONV_TRANSPOSE1D_FUNCTIONAL, x, w.shape[1] * groups, per_axis), checks


@_aten("aten.conv_transpose1d.default", "aten.conv_transpose2d.input", "aten.conv_transpose3d.input")
def _conv_transpose_nd(
    node: Node,
    x: Tensor,
    w: Tensor,
    b: Any = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Out:
    return _conv_transpose(node, x, w, stride, padding, output_padding, groups, dilation)


# ---------------------------------------------------------------- pooling


def _pool_length(n: Any, k: int, p: int, st: int, d: int, ceil: bool) -> Any:
    """Pool.h::pooling_output_shape_pad_lr (div_rtn is floor division)."""
    out = sp.floor((n + 2 * p - d * (k - 1) - 1 + (st - 1 if ceil else 0)) / st) + 1
    if ceil:
        # the last window must start inside the input or the left padding
        out = sp.Piecewise((out - 1, (out - 1) * st >= n + p), (out, True))
    return out


def _pool(
    node: Node, x: Tensor, kernel: Any, stride: Any, padding: Any, dilation: Any, ceil: bool, nd: int, name: str
) -> Out:
    ks = _ints(node, "kernel_size", kernel, nd)
    sts = _ints(node, "stride", stride if stride not in ((), [], None) else kernel, nd)
    ps, ds = _ints(node, "padding", padding, nd), _ints(node, "dilation", dilation, nd)
    for k, p, d in zip(ks, ps, ds, strict=True):
        if p > (d * (k - 1) + 1) // 2 if name == "max" else p > k // 2:
            raise GraphError(node.name, node.op, f"pad should be at most half of effective kernel size (got pad={p})")
    spatial = x.shape[-nd:]
    outs = [_pool_length(n, k, p, st, d, ceil) for n, k, p, st, d in zip(spatial, ks, ps, sts, ds, strict=True)]
    lead = x.shape[: x.rank - nd]
    planes = x.shape[-nd - 1] if x.rank > nd else 1

    def message(v: Values) -> str:
        if nd == 1:
            return f"{name}_pool1d() Invalid computed output size: {at(outs[0], v)}"
        ins = [at(planes, v), *[at(n, v) for n in spatial]]
        got = [at(planes, v), *[at(o, v) for o in outs]]
        return f"Given input size: ({_x(ins)}). Calculated output size: ({_x(got)}). Output size is too small"

    checks = [_check(node, o >= 1, message) for o in outs]
    return Tensor((*lead, *outs)), checks


def _pool_rule(nd: int, name: str) -> Callable[..., Out]:
    def rule(node: Node, x: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0, *rest: Any, **kw: Any) -> Out:
        if name == "max":
            dilation = rest[0] if rest else kw.get("dilation", 1)
            ceil = rest[1] if len(rest) > 1 else kw.get("ceil_mode", False)
        else:
            dilation = 1
            ceil = rest[0] if rest else kw.get("ceil_mode", False)
        return _pool(node, x, kernel_size, stride, padding, dilation, bool(ceil), nd, name)

    return rule


for _nd in (1, 2, 3):
    _aten(f"aten.max_pool{_nd}d.default", f"aten.max_pool{_nd}d_with_indices.default")(_pool_rule(_nd, "max"))
    _aten(f"aten.avg_pool{_nd}d.default")(_pool_rule(_nd, "avg"))


def _adaptive(node: Node, x: Tensor, output_size: Any) -> Out:
    nd = len(output_size) if isinstance(output_size, (list, tuple)) else 1
    sizes = _ints(node, "output_size", output_size, nd)
    spatial = x.shape[-nd:]
    lead = x.shape[: x.rank - nd]
    out = [spatial[i] if sizes[i] is None else s(sizes[i]) for i in range(nd)]
    name = node.op.split(".")[1]
    checks = [
        _check(
            node,
            n >= 1,
            lambda v, i=i: (
                f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes "
                f"{_shape_text(x.shape, v)} with dimension {x.rank - nd + i} being empty"
            ),
        )
        for i, n in enumerate(spatial)
        if (s(n) >= 1) is not sp.true
    ]
    return Tensor((*lead, *out)), checks


@_aten(
    *(f"aten.adaptive_{k}_pool{d}d.default" for k in ("avg", "max") for d in (1, 2, 3)),
    "aten._adaptive_avg_pool2d.default",
)
def _adaptive_rule(node: Node, x: Tensor, output_size: Any) -> Out:
    return _adaptive(node, x, output_size)


# ---------------------------------------------------------------- resizing


def _upsample(node: Node, x: Tensor, output_size: Any, scales: Any, nd: int) -> Out:
    spatial = x.shape[-nd:]
    if output_size is not None:
        outs = [s(o) for o in _ints(node, "output_size", output_size, nd)]
    elif scales is not None:
        # UpSample.h::compute_output_size: floor(input_size * scale) in double precision
        outs = [
            sp.floor(n * sp.Rational(str(float(f))))
            for n, f in zip(spatial, _ints(node, "scale", scales, nd), strict=True)
        ]
    else:
        raise GraphError(node.name, node.op, "needs an output size or scale factors")
    lead = x.shape[: x.rank - nd]
    names = ("D", "H", "W")[-nd:] if nd > 1 else ("W",)

    def message(v: Values) -> str:
        ins = ", ".join(f"{k}: {at(n, v)}" for k, n in zip(names, spatial, strict=True))
        got = ", ".join(f"{k}: {at(o, v)}" for k, o in zip(names, outs, strict=True))
        return f"Input and output sizes should be greater than 0, but got input ({ins}) output ({got})"

    holds = sp.And(*[n > 0 for n in spatial], *[o > 0 for o in outs])
    return Tensor((*lead, *outs)), [_check(node, holds, message)]


def _upsample_rule(nd: int) -> Callable[..., Out]:
    def rule(node: Node, x: Tensor, output_size: Any = None, *rest: Any, **kw: Any) -> Out:
        scales = next((r for r in rest if isinstance(r, (list, tuple))), kw.get("scale_factors"))
        return _upsample(node, x, output_size, scales, nd)

    return rule


for _nd, _modes in ((1, ("nearest", "linear")), (2, ("nearest", "bilinear", "bicubic")), (3, ("nearest", "trilinear"))):
    for _mode in _modes:
        _aten(f"aten.upsample_{_mode}{_nd}d.vec", f"aten._upsample_nearest_exact{_nd}d.vec")(_upsample_rule(_nd))


@_aten("aten.pixel_shuffle.default")
def _pixel_shuffle(node: Node, x: Tensor, r: int) -> Out:
    c = x.shape[-3]
    checks = []
    if not (s(c) % (r * r) == 0):
        checks.append(
            _check(
                node,
                sp.Eq(sp.Mod(c, r * r), 0),
                lambda v: (
                    "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                    f"upscale_factor, "
                    f"but input.size(-3)={at(c, v)} is not divisible by {r * r}"
                ),
            )
        )
    return Tensor((*x.shape[:-3], c / (r * r), x.shape[-2] * r, x.shape[-1] * r)), checks


@_aten("aten.pixel_unshuffle.default")
def _pixel_unshuffle(node: Node, x: Tensor, r: int) -> Out:
    h, w = x.shape[-2], x.shape[-1]
    checks = [
        _check(
            node,
            sp.Eq(sp.Mod(d, r), 0),
            lambda v, d=d, k=k, i=i: (
                f"pixel_unshuffle expects {k} to be divisible by downscale_factor, but input.size({i - 2})={at(d, v)} "
                f"is not divisible by {r}"
            ),
        )
        for i, (k, d) in enumerate((("height", h), ("width", w)))
    ]
    return Tensor((*x.shape[:-3], x.shape[-3] * r * r, sp.floor(h / r), sp.floor(w / r))), checks


# ---------------------------------------------------------------- pad, slice, cat, view


def _pad(node: Node, x: Tensor, pad: Sequence[Any], mode: str = "constant", value: Any = None) -> Out:
    pad = list(pad)
    if len(pad) % 2 or len(pad) // 2 > x.rank:
        raise GraphError(node.name, node.op, f"padding length must be even and at most 2·rank (got {len(pad)})")
    shape = list(x.shape)
    checks = []
    for j in range(len(pad) // 2):
        axis = x.rank - 1 - j
        lo, hi = s(pad[2 * j]), s(pad[2 * j + 1])
        n = shape[axis]
        out = n + lo + hi
        if mode == "constant":
            if (out >= 0) is not sp.true:
                checks.append(
                    _check(
                        node,
                        out >= 0,
                        lambda v, n=n, lo=lo, hi=hi, axis=axis: (
                            f"The input size {at(n, v)}, plus negative padding {lo} and {hi} resulted in a negative "
                            f"output size, which is invalid. Check dimension {axis} of your input."
                        ),
                    )
                )
        elif mode == "reflect":
            checks.append(
                _check(
                    node,
                    sp.And(lo < n, hi < n),
                    lambda v, n=n, lo=lo, hi=hi, axis=axis: (
                        f"Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                        f"padding ({lo}, {hi}) at dimension {axis} of input {_shape_text(x.shape, v)}"
                    ),
                )
            )
        elif mode in ("replicate", "circular"):
            if mode == "circular":
                checks.append(
                    _check(
                        node, sp.And(lo <= n, hi <= n), lambda v: "Padding value causes wrapping around more than once."
                    )
                )
        else:
            raise GraphError(node.name, node.op, f"padding mode '{mode}' is not modelled")
        shape[axis] = out
    return Tensor(tuple(shape)), checks


_aten("aten.pad.default")(_pad)


@_aten("aten.constant_pad_nd.default")
def _constant_pad(node: Node, x: Tensor, pad: Sequence[Any], value: Any = 0) -> Out:
    return _pad(node, x, pad, "constant")


@_aten("aten.reflection_pad1d.default", "aten.reflection_pad2d.default", "aten.reflection_pad3d.default")
def _reflect_pad(node: Node, x: Tensor, pad: Sequence[Any]) -> Out:
    return _pad(node, x, pad, "reflect")


@_aten("aten.replication_pad1d.default", "aten.replication_pad2d.default", "aten.replication_pad3d.default")
def _replicate_pad(node: Node, x: Tensor, pad: Sequence[Any]) -> Out:
    return _pad(node, x, pad, "replicate")


_BIG = 2**62


def _clamp_index(i: Any, n: Any) -> Any:
    """A slice bound as torch normalises it: negative counts from the end, then clamped to [0, n]."""
    i = s(i)
    if i.is_Integer:
        if i >= _BIG:
            return n
        if i < 0:
            return sp.Max(n + i, 0)
        return sp.Min(i, n)
    return sp.Min(sp.Max(i, 0), n)


@_aten("aten.slice.Tensor")
def _slice(node: Node, x: Tensor, dim: int = 0, start: Any = None, end: Any = None, step: int = 1) -> Out:
    axis = dim % x.rank
    n = x.shape[axis]
    lo = _clamp_index(0 if start is None else start, n)
    hi = _clamp_index(_BIG if end is None else end, n)
    length = sp.Max(sp.floor((hi - lo + step - 1) / step), 0)
    shape = list(x.shape)
    shape[axis] = length
    return Tensor(tuple(shape)), []


@_aten("aten.narrow.default")
def _narrow(node: Node, x: Tensor, dim: int, start: Any, length: Any) -> Out:
    axis = dim % x.rank
    n = x.shape[axis]
    shape = list(x.shape)
    shape[axis] = s(length)
    holds = sp.And(s(start) >= 0, s(start) + s(length) <= n)
    return Tensor(tuple(shape)), [
        _check(
            node,
            holds,
            lambda v: f"start ({at(start, v)}) + length ({at(length, v)}) exceeds dimension size ({at(n, v)}).",
        )
    ]


@_aten("aten.cat.default", "aten.concat.default", "aten.concatenate.default")
def _cat(node: Node, tensors: Sequence[Tensor], dim: int = 0) -> Out:
    ts = [t for t in tensors if not (t.rank == 1 and s(t.shape[0]) == 0)]  # legacy empty tensors are skipped
    rank = ts[0].rank
    axis = dim % rank
    checks = []
    first = ts[0]
    for j, t, i in concat_mismatches(ts, axis):
        checks.append(
            _check(
                node,
                sp.Eq(first.shape[i], t.shape[i]),
                lambda v, i=i, t=t, j=j: (
                    f"Sizes of tensors must match except in dimension {axis}. "
                    f"Expected size {at(first.shape[i], v)} but got size {at(t.shape[i], v)} "
                    f"for tensor number {j} in the list."
                ),
            )
        )
    shape = list(first.shape)
    shape[axis] = sp.Add(*[t.shape[axis] for t in ts])
    return Tensor(tuple(shape)), checks


def _numel(shape: Sequence[Any]) -> Any:
    return sp.Mul(*[s(d) for d in shape])


@_aten("aten.view.default", "aten.reshape.default", "aten._unsafe_view.default", "aten.expand.default")
def _view(node: Node, x: Tensor, size: Sequence[Any], *rest: Any, **kw: Any) -> Out:
    size = [s(d) for d in size]
    if node.op == "aten.expand.default":
        pad = len(size) - x.rank
        shape = []
        checks = []
        for i, d in enumerate(size):
            old = x.shape[i - pad] if i >= pad else sp.Integer(1)
            if d == -1:
                shape.append(old)
                continue
            if s(old) != d and s(old) != 1:
                checks.append(
                    _check(
                        node,
                        sp.Or(sp.Eq(old, d), sp.Eq(old, 1)),
                        lambda v, old=old, d=d, i=i: (
                            f"The expanded size of the tensor ({at(d, v)}) must match the existing size "
                            f"({at(old, v)}) at non-singleton dimension {i}.  "
                            f"Target sizes: {_shape_text(size, v)}.  Tensor sizes: "
                            f"{_shape_text(x.shape, v)}"
                        ),
                    )
                )
            shape.append(d)
        return Tensor(tuple(shape)), checks
    numel = _numel(x.shape)
    free = [i for i, d in enumerate(size) if d == -1]
    known = _numel([d for d in size if d != -1])

    def message(v: Values) -> str:
        return f"shape '{_shape_text(size, v)}' is invalid for input of size {at(numel, v)}"

    if free:
        holds = sp.And(sp.Ne(known, 0), sp.Eq(sp.Mod(numel, known), 0))
        size[free[0]] = numel / known
    else:
        holds = sp.Eq(numel, known)
    checks = [] if sp.simplify(holds) is sp.true else [_check(node, holds, message)]
    return Tensor(tuple(size)), checks


@_aten("aten.flatten.using_ints")
def _flatten(node: Node, x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Out:
    if x.rank == 0:
        return Tensor((sp.Integer(1),)), []
    a, b = start_dim % x.rank, end_dim % x.rank
    return Tensor((*x.shape[:a], _numel(x.shape[a : b + 1]), *x.shape[b + 1 :])), []


@_aten("aten.unsqueeze.default")
def _unsqueeze(node: Node, x: Tensor, dim: int) -> Out:
    axis = dim % (x.rank + 1)
    return Tensor((*x.shape[:axis], sp.Integer(1), *x.shape[axis:])), []


@_aten("aten.squeeze.dim", "aten.squeeze.dims", "aten.squeeze.default")
def _squeeze(node: Node, x: Tensor, dim: Any = None) -> Out:
    dims = range(x.rank) if dim is None else ([dim] if isinstance(dim, int) else list(dim))
    axes = {d % x.rank for d in dims}
    for a in axes:
        if not s(x.shape[a]).is_Integer:
            raise GraphError(node.name, node.op, "squeezing a symbolic dim depends on its size: not modelled")
    return Tensor(tuple(d for i, d in enumerate(x.shape) if not (i in axes and s(d) == 1))), []


@_aten("aten.transpose.int")
def _transpose(node: Node, x: Tensor, a: int, b: int) -> Out:
    shape = list(x.shape)
    shape[a], shape[b] = shape[b], shape[a]
    return Tensor(tuple(shape)), []


@_aten("aten.permute.default")
def _permute(node: Node, x: Tensor, dims: Sequence[int]) -> Out:
    return Tensor(tuple(x.shape[d] for d in dims)), []


@_aten("aten.t.default")
def _t(node: Node, x: Tensor) -> Out:
    return Tensor(tuple(reversed(x.shape))), []


# ---------------------------------------------------------------- linear algebra


@_aten("aten.linear.default")
def _linear(node: Node, x: Tensor, w: Tensor, b: Any = None) -> Out:
    k, out = x.shape[-1], w.shape[0]
    lead = _numel(x.shape[:-1])
    checks = []
    if s(k) != s(w.shape[1]):
        checks.append(
            _check(
                node,
                sp.Eq(k, w.shape[1]),
                lambda v: (
                    f"mat1 and mat2 shapes cannot be multiplied ({at(lead, v)}x{at(k, v)} and {w.shape[1]}x{out})"
                ),
            )
        )
    return Tensor((*x.shape[:-1], out)), checks


@_aten("aten.matmul.default", "aten.mm.default", "aten.bmm.default")
def _matmul(node: Node, a: Tensor, b: Tensor) -> Out:
    k1, k2 = a.shape[-1], b.shape[-2] if b.rank > 1 else b.shape[0]
    checks = []
    if s(k1) != s(k2):
        checks.append(
            _check(
                node,
                sp.Eq(k1, k2),
                lambda v: (
                    f"mat1 and mat2 shapes cannot be multiplied ({at(_numel(a.shape[:-1]), v)}x{at(k1, v)} and "
                    f"{at(k2, v)}x{at(b.shape[-1], v)})"
                ),
            )
        )
    if b.rank == 1:
        return Tensor(a.shape[:-1]), checks
    lead, more = _broadcast(node, Tensor(a.shape[:-2]), Tensor(b.shape[:-2]))
    return Tensor((*lead, a.shape[-2], b.shape[-1])), checks + more


@_aten("aten.scaled_dot_product_attention.default")
def _attention(node: Node, q: Tensor, k: Tensor, v: Tensor, *args: Any, **kwargs: Any) -> Out:
    return Tensor((*q.shape[:-1], v.shape[-1])), []


@_aten("aten.mean.dim", "aten.sum.dim_IntList", "aten.amax.default", "aten.var.correction", "aten.std.correction")
def _reduce(node: Node, x: Tensor, dims: Any = None, *rest: Any, **kw: Any) -> Out:
    keep = bool(rest[0]) if rest and isinstance(rest[0], bool) else bool(kw.get("keepdim", False))
    axes = set(range(x.rank)) if dims is None else {d % x.rank for d in ([dims] if isinstance(dims, int) else dims)}
    shape = [sp.Integer(1) if i in axes else d for i, d in enumerate(x.shape) if keep or i not in axes]
    return Tensor(tuple(shape)), []
