"""Keras 3 rule tables: what a built Keras 3.15 model does when it is called eagerly (``model(x)``).

Keras' own ``compute_output_shape`` checks do not run when a built model is called: each layer's
``call`` runs its backend's op and the backend decides. Three tables, one per backend and kernels:

* ``keras-tensorflow``: Keras on TensorFlow 2.21 with the **Eigen** CPU kernels (``TF_ENABLE_ONEDNN_OPTS=0``);
* ``keras-tensorflow-onednn``: the same with TensorFlow's **oneDNN** kernels (``TF_ENABLE_ONEDNN_OPTS=1``, the
  default on CPUs with AVX-512 VNNI/BF16 or AMX, see :mod:`derive.machine`). It differs from the Eigen table
  only where a convolution, a max pooling or a transposed convolution has an empty input or output:

  - a convolution (``Conv*D``, ``DepthwiseConv*D``; a dilated one's inner convolution of ``⌈n/d⌉``) whose
    output would be empty returns a tensor of its *input's* shape (``mkl_conv_ops.cc``: "Corner cases:
    output with 0 elements" allocates ``src_tf_shape``; Keras' "empty output" check then never fires), to
    which the layer adds its bias (Keras' ``ops.add``: ``tf.nn.bias_add`` or broadcasting). Modelled: the
    add's "Incompatible shapes" refusal, and the sizes where the result is the layer's own shape (an empty
    input with ``same`` padding or a 1x1 kernel, one input channel broadcast to the filters), which run on as
    on Eigen. Elsewhere a wrong-shaped tensor reaches later layers, and derive does **not** follow it: at
    those sizes (and wherever a dilated convolution's inner output is empty) the table refuses, with a check
    whose message begins "derive does not model this size" (error ``NotModelled``), so the answer says where
    derive cannot answer instead of guessing;
  - ``MaxPooling*D`` of a non-empty input with an empty output (``VALID``, ``k - 2s < n < k`` on an axis):
    where an axis has ``n > k - s``, oneDNN's pooling descriptor refuses (``AbortedError``: "could not create
    a descriptor for a pooling forward propagation primitive"; its check is ``trunc((n - k)/s) + 1 == out``);
    else, where the last spatial axis is the empty one, the kernel divides by zero and **aborts the process**
    (SIGFPE); an empty output on another axis is returned as on Eigen. ``AveragePooling*D`` returns every
    empty output as Eigen does;
  - ``Conv*DTranspose``: :mod:`derive.frameworks.keras` with ``kernels="onednn"`` (an empty tensor returned
    unchecked, oneDNN's consistency check, a negative ``output_shape`` aborts the process: SIGABRT).

  Everything else (resizing, global pooling, merges, dense, reshapes, normalisation) runs TensorFlow's
  usual kernels in eager mode: checked live on every op of the zoo, the same as on Eigen. A check that
  aborts the process has error ``SIGABRT``/``SIGFPE`` and a message that begins "tensorflow aborts the process";
* ``keras-jax``: Keras on JAX 0.10 (CPU).

Sources read (keras 3.15.1, installed package): ``backend/{tensorflow,jax}/nn.py::conv`` (the
"empty output" ValueError when the output has no element and the input has some),
``::conv_transpose`` (TF: ``tf.nn.conv_transpose`` with Keras' length, the checks of
:mod:`derive.frameworks.keras` on the tensorflow backend; JAX: ``lax.conv_transpose`` with
``_convert_conv_transpose_padding_args_from_keras_to_jax``), ``::max_pool`` / ``::average_pool``
(TF: ``tf.nn.max_pool``; JAX: ``lax.reduce_window``, no check), ``layers/reshaping/cropping{1,2}d.py``,
``reshape.py`` with ``ops/operation_utils.py::compute_reshape_output_shape``, ``layers/merging/*``,
``layers/input_spec.py::assert_input_compatibility`` (the model's declared input shape, with the
last axis squeezed when it is 1), ``backend/tensorflow/numpy.py::max`` (an empty max is refused);
TensorFlow's ``kernel_shape_util.cc::GetWindowedOutputSizeVerboseV2`` (truncating division),
``nn_ops.py::with_space_to_batch`` (a dilated convolution: convolution of ``⌈n/d⌉`` then a crop,
``BatchToSpaceND``'s "cropped_shape[i]=... must be non-negative"), ``concat_op.cc``, ``bcast.h``
("Incompatible shapes"). Every rule is checked live on both backends by
``tests/conformance/test_net_keras.py`` (the model zoo of ``tests/keras_zoo.py`` at every swept size).

Layouts are channels-last (``channels_first`` is refused). Nodes carry the layer's config as
attributes (see :mod:`derive.net.frontends.keras`); ``op`` is the layer's class name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from ...frameworks import keras as K
from ..graph import NOT_MODELLED, Check, GraphError, Node, Tensor
from . import register
from .common import Values, at, concat_mismatches, s

TF, ONEDNN, JAX = "keras-tensorflow", "keras-tensorflow-onednn", "keras-jax"
TABLES = (TF, ONEDNN, JAX)
#: the tables of Keras' tensorflow backend
TENSORFLOW = (TF, ONEDNN)
#: what each table models, printed with every answer
DESCRIPTIONS = {
    TF: "Keras 3.15 on TensorFlow 2.21, Eigen CPU kernels (TF_ENABLE_ONEDNN_OPTS=0), model called eagerly",
    ONEDNN: "Keras 3.15 on TensorFlow 2.21, oneDNN CPU kernels (TF_ENABLE_ONEDNN_OPTS=1), model called eagerly",
    JAX: "Keras 3.15 on JAX 0.10 (CPU), model called eagerly",
}
#: oneDNN's max pooling descriptor refusal (mkl_maxpooling_op.cc, as TF 2.21 reports it)
POOL_DESCRIPTOR = (
    "Compute received an exception:Status: 2, message: could not create a descriptor for a pooling forward "
    "propagation primitive, in file tensorflow/core/kernels/mkl/mkl_maxpooling_op.cc:211"
)

Out = tuple[list[Tensor], list[Check]]
Rule = Callable[[Node, list[Tensor], str], Out]


def _rule(*ops: str) -> Callable[[Rule], Rule]:
    """Register ``fn(node, inputs, table)`` in both tables for each of ``ops``."""

    def add(fn: Rule) -> Rule:
        for table in TABLES:

            def bound(node: Node, inputs: list[Tensor | None], table: str = table) -> Out:
                if any(t is None for t in inputs):
                    raise GraphError(node.name, node.op, "an input is missing")
                return fn(node, inputs, table)  # type: ignore[arg-type]

            register(table, *ops)(bound)
        return fn

    return add


def _check(node: Node, holds: Any, message: Any, error: str) -> Check:
    return Check(holds, node.name, node.op, message, error)


def _tuple_text(shape: Sequence[Any], values: Values) -> str:
    """A shape as Keras/JAX/TensorShape print it: ``(1, 0, 6, 2)`` (one dim: ``(5,)``)."""
    dims = [str(at(d, values)) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _tf_shape(shape: Sequence[Any], values: Values) -> str:
    """TensorShape::DebugString: ``[1,5,8,1]``."""
    return "[" + ",".join(str(at(d, values)) for d in shape) + "]"


def _trunc(a: int, b: int) -> int:
    """C++ integer division (towards zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _spatial(node: Node, x: Tensor, rank: int) -> tuple[Any, ...]:
    if node.attrs.get("data_format", "channels_last") != "channels_last":
        raise GraphError(node.name, node.op, "data_format='channels_first' is not modelled (channels-last only)")
    if x.rank != rank + 2:
        raise GraphError(node.name, node.op, f"expects a rank-{rank + 2} input (got rank {x.rank})")
    return x.shape[1:-1]


def _nonzero(dims: Sequence[Any]) -> Any:
    """Every dim is non-zero (a product of sizes >= 0 is non-zero iff each factor is)."""
    return sp.And(*[sp.Ne(d, 0) for d in dims if not s(d).is_Integer or s(d) == 0])


def _some_zero(dims: Sequence[Any]) -> Any:
    return sp.Or(*[sp.Eq(d, 0) for d in dims if not s(d).is_Integer or s(d) == 0])


# ---------------------------------------------------------------- the model's declared input


@_rule("Input")
def _input(node: Node, inputs: list[Tensor], table: str) -> Out:
    """``InputSpec`` check of the model's call: each declared (non-None) dim must match, last axis squeezed if 1."""
    (x,) = inputs
    declared = tuple(node.attrs["shape"])
    if len(declared) != x.rank:
        raise GraphError(node.name, node.op, f"the input has rank {x.rank}, the model declares {declared}")
    holds = sp.And(*[sp.Eq(d, want) for d, want in zip(x.shape, declared, strict=True) if want is not None])

    def message(v: Values) -> str:
        shown = x.shape[:-1] if at(x.shape[-1], v) == 1 else x.shape
        return (
            f"Input 0 with name '{node.attrs['input']}' of layer '{node.attrs['model']}' is incompatible with the "
            f"layer: expected shape={declared}, found shape={_tuple_text(shown, v)}"
        )

    return [x], [_check(node, holds, message, "ValueError")]


# ---------------------------------------------------------------- shape-preserving layers

_SAME = (
    "Activation ReLU LeakyReLU ELU PReLU Softmax BatchNormalization LayerNormalization GroupNormalization "
    "Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise GaussianDropout AlphaDropout "
    "Identity Rescaling"
).split()


@_rule(*_SAME)
def _same(node: Node, inputs: list[Tensor], table: str) -> Out:
    return [Tensor(inputs[0].shape)], []


# ---------------------------------------------------------------- convolutions

EMPTY = (
    "The convolution operation resulted in an empty output. {shape}This can happen if the input is too small for "
    "the given kernel size, strides, dilation rate, and padding mode. Please check the input shape and "
    "convolution parameters."
)


def _negative(n: Any, k: int, st: int) -> Callable[[Values], str]:
    """TF's GetWindowedOutputSizeVerboseV2 refusal for an input of length ``n``."""

    def message(v: Values) -> str:
        x = at(n, v)
        return (
            f"Computed output size would be negative: {_trunc(x - k + st, st)} "
            f"[input_size: {x}, effective_filter_size: {k}, stride: {st}]"
        )

    return message


def _empty_check(node: Node, x: Tensor, out: tuple[Any, ...], table: str) -> list[Check]:
    """Keras' backend ``conv``: "empty output" when the output has no element and the input has some."""
    holds = sp.Or(_nonzero(out), _some_zero(x.shape))
    if holds is sp.true:
        return []
    if table == TF:
        message: Any = lambda v: EMPTY.format(shape=f"Output shape: {_tuple_text(out, v)}. ")  # noqa: E731
    else:
        message = EMPTY.format(shape="")
    return [_check(node, holds, message, "ValueError")]


def _conv_attrs(node: Node, rank: int) -> tuple[list[int], list[int], list[int], str]:
    a = node.attrs
    return list(a["kernel_size"]), list(a["strides"]), list(a["dilation_rate"]), a["padding"].lower()


@_rule("Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D")
def _conv(node: Node, inputs: list[Tensor], table: str) -> Out:
    """A convolution; a depthwise one has no "empty output" check on either backend (TensorFlow runs it as
    ``tf.nn.depthwise_conv2d``, a 1-D one with an inserted H = 1 axis, JAX as a grouped ``conv_general_dilated``)."""
    x = inputs[0]
    depthwise = node.op.startswith("Depthwise")
    rank = int(node.op[-2])
    ns = list(_spatial(node, x, rank))
    ks, sts, ds, padding = _conv_attrs(node, rank)
    if depthwise and table in TENSORFLOW and any(s > 1 for s in sts) and any(d > 1 for d in ds):
        raise GraphError(node.name, node.op, "strides > 1 with dilation > 1 (Keras decomposes it): not modelled")
    if node.attrs.get("groups", 1) != 1 and table in TENSORFLOW:
        raise GraphError(node.name, node.op, "groups > 1 runs through XLA on the tensorflow backend: not modelled")
    if padding == "causal":  # Conv1D: ops.pad by (K-1)·d on the left, then a valid convolution
        ns = [n + d * (k - 1) for n, k, d in zip(ns, ks, ds, strict=True)]
        padding = "valid"
    checks: list[Check] = []
    outs: list[Any] = []
    dilated = any(d > 1 for d in ds)
    for n, k, st, d in zip(ns, ks, sts, ds, strict=True):
        eff = d * (k - 1) + 1
        if padding == "same":
            outs.append(sp.ceiling(n / st) if not (table in TENSORFLOW and dilated) else n)
            continue
        if table == JAX:
            outs.append(sp.Max(0, sp.floor((n - eff) / st) + 1))
            continue
        if not dilated:
            # trunc((n - K + s)/s) >= 0  ⇔  n - K + s > -s
            holds = n - eff + 2 * st >= 1
            if holds is not sp.true:
                checks.append(_check(node, holds, _negative(n, eff, st), "InvalidArgumentError"))
            outs.append(sp.Max(0, sp.floor((n - eff) / st) + 1))
    if table in TENSORFLOW and dilated and padding == "valid":
        # with_space_to_batch: a stride-1 convolution of ⌈n/d⌉ (checked on every axis), then a crop per axis
        for n, k, d in zip(ns, ks, ds, strict=True):
            inner = sp.ceiling(n / d)
            holds = inner - k + 1 >= 0
            if holds is not sp.true:
                checks.append(_check(node, holds, _negative(inner, k, 1), "InvalidArgumentError"))
        if table == ONEDNN:  # an empty inner output comes back input-shaped; else every crop is >= 1
            empty = sp.Or(*[sp.Eq(sp.ceiling(n / d) - k + 1, 0) for n, k, d in zip(ns, ks, ds, strict=True)])
            checks += _onednn_conv_refusal(node, empty)
            outs = [n - d * (k - 1) for n, k, d in zip(ns, ks, ds, strict=True)]
    if table == TF and dilated and padding == "valid":
        for i, (n, k, d) in enumerate(zip(ns, ks, ds, strict=True)):
            out = n - d * (k - 1)
            if (out >= 0) is not sp.true:
                checks.append(
                    _check(
                        node,
                        out >= 0,
                        lambda v, i=i + (depthwise and rank == 1), out=out: (
                            f"cropped_shape[{i}]={at(out, v)} must be non-negative"
                        ),
                        "InvalidArgumentError",
                    )
                )
            outs.append(out)
    channels = x.shape[-1] * node.attrs["depth_multiplier"] if depthwise else sp.Integer(node.attrs["filters"])
    shape = (x.shape[0], *outs, channels)
    if table == ONEDNN and dilated:
        if padding == "same":  # with_space_to_batch pads an empty input into another wrong shape
            checks += _onednn_conv_refusal(node, _some_zero(shape))
    elif table == ONEDNN:
        return _onednn_empty_conv(node, x, shape, checks)
    elif not depthwise:
        checks += _empty_check(node, x, shape, table)
    return [Tensor(shape)], checks


def _onednn_empty_conv(node: Node, x: Tensor, shape: tuple[Any, ...], checks: list[Check]) -> Out:
    """oneDNN's convolution whose output would be empty returns a tensor of its *input's* shape
    (``mkl_conv_ops.cc``); the layer then adds its bias as Keras' ``ops.add`` does (``tf.nn.bias_add`` where the
    bias length is the tensor's dim 1 or last, else broadcasting). Where that add refuses ("Incompatible
    shapes") the answer is TensorFlow's message; where it runs and the result has the layer's own shape (an
    empty input, ``same`` padding, one input channel broadcast to the filters) the model runs on as on Eigen;
    where a wrong-shaped tensor goes on to later layers derive refuses the size (it does not follow that
    tensor: doing so blows every later shape up into cases). The output shape is the convolution's own, which
    holds wherever no check fails."""
    empty = _some_zero(shape)
    if empty is sp.false:
        return [Tensor(shape)], checks
    out = list(checks)
    cin, f = s(x.shape[-1]), s(shape[-1])
    same = sp.Eq(cin, f)  # where the input-shaped result (after the bias) is the layer's own shape
    if node.attrs.get("use_bias", True):
        bias = (*([sp.Integer(1)] * (len(shape) - 1)), f)
        _, added = _add_step(node, tuple(s(d) for d in x.shape), bias, ONEDNN)
        out += [_check(node, sp.Or(sp.Not(empty), c.holds), c.message, c.error) for c in added]
        # broadcasting a 1-channel tensor with the bias gives the layer's channels (bias_add keeps the tensor's)
        taken = sp.And(f > 1, sp.Or(sp.Eq(f, x.shape[1]), sp.Eq(f, cin)))
        same = sp.Or(same, sp.And(sp.Eq(cin, 1), sp.Not(taken)))
    same = sp.And(same, *[sp.Eq(a, b) for a, b in zip(x.shape[:-1], shape[:-1], strict=True)])

    def message(v: Values) -> str:
        return (
            "derive does not model this size: oneDNN returns a tensor of the input's shape for an empty "
            f"convolution output, here {_tf_shape(x.shape, v)} where the layer's output is "
            f"{_tf_shape(shape, v)}, and later layers run on that wrong-shaped tensor"
        )

    out.append(_check(node, sp.Or(sp.Not(empty), same), message, NOT_MODELLED))
    return [Tensor(shape)], out


def _onednn_conv_refusal(node: Node, empty: Any) -> list[Check]:
    """A dilated convolution's (space-to-batch) empty inner output on oneDNN: refused, never followed."""
    holds = sp.Not(empty)
    if holds is sp.true:
        return []
    message = (
        "derive does not model this size: oneDNN returns a tensor of the input's shape for an empty "
        "convolution output, here inside a dilated convolution's space-to-batch, whose result is another shape"
    )
    return [_check(node, holds, message, NOT_MODELLED)]


def _transpose_axes(node: Node, ns: Sequence[Any], table: str) -> list[dict[str, Any]]:
    """Each axis's arguments for derive.frameworks.keras' transposed-convolution model (its N-d call).

    ``n`` is bound as a placeholder symbol (the model validates its argument's type; an input length here
    may be a Piecewise or Max whose integrality SymPy cannot tell), replaced by the real length after."""
    a = node.attrs
    pads = a.get("output_padding")
    rows = []
    for i, n in enumerate(ns):
        kw = dict(
            kernel_size=a["kernel_size"][i],
            strides=a["strides"][i],
            padding=a["padding"],
            output_padding=None if pads is None else pads[i],
            dilation_rate=a["dilation_rate"][i],
            backend="tensorflow" if table in TENSORFLOW else "jax",
            kernels="onednn" if table == ONEDNN else "eigen",
        )
        row = K.CONV_TRANSPOSE.bind(sp.Dummy(f"n{i}", integer=True, nonnegative=True), kw)
        row["_length"] = n
        rows.append(row)
    for i, row in enumerate(rows):
        row["_axis"], row["_axes"] = i, rows
    return rows


def _real(rows: list[dict[str, Any]]) -> dict[Any, Any]:
    """placeholder -> the real input length, for every axis."""
    return {row["n"]: row["_length"] for row in rows}


def _concrete(rows: list[dict[str, Any]], v: Values) -> list[dict[str, Any]]:
    """The rows at one size (placeholders replaced by the input lengths there), for the messages."""
    out = [{k: val for k, val in row.items() if k not in ("_axes", "_length")} for row in rows]
    for row, src in zip(out, rows, strict=True):
        row["n"] = at(src["_length"], v)
    for row in out:
        row["_axes"] = out
    return out


@_rule("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
def _conv_transpose(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    rank = int(node.op[4])
    ns = _spatial(node, x, rank)
    rows = _transpose_axes(node, ns, table)
    op = K.CONV_TRANSPOSE
    real = _real(rows)
    checks: list[Check] = []

    def add(i: int, req: Any, row: dict[str, Any]) -> None:
        holds = req.holds(row)
        if holds is True or holds is sp.true:
            return
        holds = sp.false if holds is False else sp.sympify(holds).xreplace(real)

        def message(v: Values, i: int = i, req: Any = req) -> str:
            text = req.text(_concrete(rows, v)[i])
            return f"tensorflow aborts the process ({req.error}): {text}" if req.crash else text

        checks.append(_check(node, holds, message, req.error))

    # the layer's own checks ran in its constructor; TF's run once over every axis, then axis by axis
    for req in op.requires[: op.per_axis_from]:
        for i, row in enumerate(rows):
            add(i, req, row)
    for i, row in enumerate(rows):
        for req in op.requires[op.per_axis_from :]:
            add(i, req, row)
    outs = []
    for row in rows:
        length = sp.sympify(K.transposed_length(row)).xreplace(real)
        if table == JAX:
            # lax.conv_transpose of an empty input: no dilated input, only Keras' pads minus the kernel
            eff = row["dilation_rate"] * (row["kernel_size"] - 1) + 1
            lo, hi = _jax_pads(eff, row["strides"], row["padding"].lower(), row["output_padding"])
            length = sp.Piecewise((lo + hi - eff + 1, sp.Eq(row["_length"], 0)), (length, True))
        outs.append(length)
    return [Tensor((x.shape[0], *outs, sp.Integer(node.attrs["filters"])))], checks


def _jax_pads(eff: int, st: int, padding: str, op: int | None) -> tuple[int, int]:
    """backend_utils._convert_conv_transpose_padding_args_from_keras_to_jax."""
    if padding == "valid":
        op = max(eff, st) - eff if op is None else op
        return eff - 1, eff - 1 + op
    pad = st + eff - 2 if op is None else eff + eff % 2 - 2 + op
    lo = min(pad // 2 + pad % 2, eff - 1)
    return lo, pad - lo


# ---------------------------------------------------------------- pooling


@_rule(*(f"{k}Pooling{r}D" for k in ("Max", "Average") for r in (1, 2, 3)))
def _pool(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    rank = int(node.op[-2])
    ns = _spatial(node, x, rank)
    ks, sts, padding = list(node.attrs["pool_size"]), list(node.attrs["strides"]), node.attrs["padding"].lower()
    outs, checks = [], []
    for n, k, st in zip(ns, ks, sts, strict=True):
        if padding == "same":
            outs.append(sp.ceiling(n / st))
            continue
        if table in TENSORFLOW:
            holds = n - k + 2 * st >= 1
            if holds is not sp.true:
                checks.append(_check(node, holds, _negative(n, k, st), "InvalidArgumentError"))
        outs.append(sp.Max(0, sp.floor((n - k) / st) + 1))
    if table == ONEDNN and node.op.startswith("Max") and padding == "valid":
        checks += _onednn_max_pool(node, x, ns, ks, sts)
    return [Tensor((x.shape[0], *outs, x.shape[-1]))], checks


def _onednn_max_pool(node: Node, x: Tensor, ns: Sequence[Any], ks: list[int], sts: list[int]) -> list[Check]:
    """oneDNN's max pooling of a non-empty input whose output is empty (an empty input returns at once): its
    descriptor refuses an axis with ``k - s < n < k`` (``trunc((n-k)/s) + 1 != 0``); else an empty last
    axis divides by zero in the kernel (SIGFPE, checked live on 1-, 2- and 3-D, 1 and 8 channels)."""
    full = _nonzero(x.shape)
    refused = sp.Or(*[sp.And(n < k, n > k - st) for n, k, st in zip(ns, ks, sts, strict=True)])
    last, k, st = ns[-1], ks[-1], sts[-1]
    crashes = sp.And(last < k, last <= k - st)  # with the negative-size check passed: trunc((n-k+s)/s) == 0
    checks = []
    if sp.And(full, refused) is not sp.false:
        checks.append(_check(node, sp.Not(sp.And(full, refused)), POOL_DESCRIPTOR, "AbortedError"))
    if sp.And(full, crashes) is not sp.false:
        message = (
            "tensorflow aborts the process (SIGFPE): oneDNN's max pooling kernel divides by its empty output "
            "width (a floating point exception)"
        )
        checks.append(_check(node, sp.Not(sp.And(full, crashes)), message, "SIGFPE"))
    return checks


@_rule(*(f"Global{k}Pooling{r}D" for k in ("Max", "Average") for r in (1, 2, 3)))
def _global_pool(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    rank = int(node.op[-2])
    _spatial(node, x, rank)
    keep = bool(node.attrs.get("keepdims", False))
    shape = (x.shape[0], *([sp.Integer(1)] * rank if keep else []), x.shape[-1])
    checks = []
    if node.op.startswith("GlobalMax"):
        holds = _nonzero(x.shape)
        if holds is not sp.true:
            if table in TENSORFLOW:
                checks.append(_check(node, holds, "Cannot compute the max of an empty tensor.", "InvalidArgumentError"))
            else:
                message = "zero-size array to reduction operation max which has no identity"
                checks.append(_check(node, holds, message, "ValueError"))
    return [Tensor(shape)], checks


# ---------------------------------------------------------------- resampling, padding, cropping


@_rule("UpSampling1D", "UpSampling2D", "UpSampling3D")
def _upsample(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    rank = int(node.op[-2])
    ns = _spatial(node, x, rank)
    if node.attrs.get("interpolation", "nearest") != "nearest":
        raise GraphError(node.name, node.op, "only interpolation='nearest' is modelled")
    return [Tensor((x.shape[0], *[n * f for n, f in zip(ns, node.attrs["size"], strict=True)], x.shape[-1]))], []


@_rule("Resizing")
def _resizing(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    ns = _spatial(node, x, 2)
    a = node.attrs
    if a.get("crop_to_aspect_ratio") or a.get("pad_to_aspect_ratio") or a.get("interpolation") != "bilinear":
        raise GraphError(node.name, node.op, "only interpolation='bilinear' without aspect-ratio crop/pad is modelled")
    holds = _nonzero(ns)
    checks = []
    if holds is not sp.true:
        if table in TENSORFLOW:
            checks.append(_check(node, holds, "input image must be of non-zero size", "InvalidArgumentError"))
        else:
            checks.append(_check(node, holds, "division by zero", "ZeroDivisionError"))
    return [Tensor((x.shape[0], sp.Integer(a["height"]), sp.Integer(a["width"]), x.shape[-1]))], checks


@_rule("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")
def _zero_pad(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    rank = int(node.op[-2])
    ns = _spatial(node, x, rank)
    pads = node.attrs["padding"]
    return [Tensor((x.shape[0], *[n + lo + hi for n, (lo, hi) in zip(ns, pads, strict=True)], x.shape[-1]))], []


@_rule("Cropping1D", "Cropping2D")
def _crop(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    rank = int(node.op[-2])
    ns = _spatial(node, x, rank)
    crops = [tuple(c) for c in node.attrs["cropping"]]
    holds = sp.And(*[lo + hi < n for n, (lo, hi) in zip(ns, crops, strict=True)])
    shown = crops[0] if rank == 1 else tuple(crops)

    def message(v: Values) -> str:
        if rank == 1:
            return (
                "`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
                f"Received: inputs.shape={_tuple_text(x.shape, v)}, cropping={shown}"
            )
        return (
            "Values in `cropping` argument should be smaller than the corresponding spatial dimension of the input. "
            f"Received: inputs.shape={_tuple_text(x.shape, v)}, cropping={shown}"
        )

    outs = [n - lo - hi for n, (lo, hi) in zip(ns, crops, strict=True)]
    return [Tensor((x.shape[0], *outs, x.shape[-1]))], [_check(node, holds, message, "ValueError")]


# ---------------------------------------------------------------- merging


@_rule("Concatenate")
def _concatenate(node: Node, inputs: list[Tensor], table: str) -> Out:
    rank = inputs[0].rank
    if any(t.rank != rank for t in inputs):
        raise GraphError(node.name, node.op, "inputs of different ranks")
    axis = node.attrs.get("axis", -1) % rank
    first = inputs[0]
    checks = []
    if table in TENSORFLOW:  # ConcatOp: each input against the first, dimension by dimension
        for i, t, j in concat_mismatches(inputs, axis):
            checks.append(
                _check(
                    node,
                    sp.Eq(first.shape[j], t.shape[j]),
                    lambda v, i=i, j=j, t=t: (
                        f"ConcatOp : Dimension {j} in both shapes must be equal: shape[0] = "
                        f"{_tf_shape(first.shape, v)} vs. shape[{i}] = {_tf_shape(t.shape, v)}"
                    ),
                    "InvalidArgumentError",
                )
            )
    else:
        holds = sp.And(*[sp.Eq(first.shape[j], t.shape[j]) for t in inputs[1:] for j in range(rank) if j != axis])
        if holds is not sp.true:

            def message(v: Values) -> str:
                shapes = ", ".join(_tuple_text(t.shape, v) for t in inputs)
                return (
                    "Cannot concatenate arrays with shapes that differ in dimensions other than the one being "
                    f"concatenated: concatenating along dimension {axis} for shapes {shapes}."
                )

            checks.append(_check(node, holds, message, "TypeError"))
    shape = list(first.shape)
    shape[axis] = sp.Add(*[t.shape[axis] for t in inputs])
    return [Tensor(tuple(shape))], checks


#: the lax primitive JAX names in its broadcasting error
_LAX = {"Add": "add", "Average": "add", "Subtract": "sub", "Multiply": "mul", "Maximum": "max", "Minimum": "min"}


_ERROR = {TF: "InvalidArgumentError", ONEDNN: "InvalidArgumentError", JAX: "TypeError"}


def _bias_add(node: Node, x1: tuple[Any, ...], x2: tuple[Any, ...]) -> tuple[Any, list[Check]]:
    """``keras/src/backend/tensorflow/numpy.py::add``: when exactly one dim of ``x2`` is > 1 (a 0 counts as
    squeezable) and it equals ``x1``'s dim 1 or last, Keras calls ``tf.nn.bias_add(x1, tf.squeeze(x2))``; a
    squeezed ``x2`` that kept a 0 is not 1-D and BiasAdd refuses it. Returns (where that path runs, the check)."""
    one = []
    for p, v in enumerate(x2):
        others = [q <= 1 for i, q in enumerate(x2) if i != p]
        one.append(sp.And(v > 1, *others, sp.Or(sp.Eq(v, x1[1]), sp.Eq(v, x1[-1]))))
    taken = sp.Or(*one)
    zero = sp.Or(*[sp.Eq(d, 0) for d in x2])
    holds = sp.Not(sp.And(taken, zero))
    if taken is sp.false or holds is sp.true:
        return taken, []

    def message(v: Values) -> str:
        kept = [str(at(d, v)) for d in x2 if at(d, v) != 1]
        return f"Biases must be 1D: [{','.join(kept)}]"

    return sp.And(taken, sp.Not(zero)), [_check(node, holds, message, "InvalidArgumentError")]


def _broadcast_message(node: Node, left: Sequence[Any], right: Sequence[Any], table: str) -> Callable[[Values], str]:
    """TF's BCast "Incompatible shapes", or JAX's lax primitive's broadcasting refusal."""

    def message(v: Values) -> str:
        if table in TENSORFLOW:
            return f"Incompatible shapes: {_tf_shape(left, v)} vs. {_tf_shape(right, v)}"
        name = _LAX[node.op]
        return f"{name} got incompatible shapes for broadcasting: {_tuple_text(left, v)}, {_tuple_text(right, v)}."

    return message


@_rule(*_LAX)
def _merge(node: Node, inputs: list[Tensor], table: str) -> Out:
    """Merge layers fold their inputs left to right with a broadcasting op (equal ranks: no reshape)."""
    if len({t.rank for t in inputs}) != 1:
        raise GraphError(node.name, node.op, "inputs of different ranks (Keras reshapes them): not modelled")
    shape = tuple(s(d) for d in inputs[0].shape)
    checks = []
    for t in inputs[1:]:
        shape, added = _add_step(node, shape, t.shape, table, bias_add=node.op in ("Add", "Average"))
        checks += added
    return [Tensor(shape)], checks


def _add_step(
    node: Node, shape: tuple[Any, ...], other: Sequence[Any], table: str, bias_add: bool = True
) -> tuple[tuple[Any, ...], list[Check]]:
    """One broadcasting op of ``shape`` with ``other`` (equal ranks); Keras' add on TensorFlow (``bias_add``)
    may take ``tf.nn.bias_add`` instead (a merge layer's Add/Average, a layer's bias)."""
    checks = []
    bias = sp.false
    if table in TENSORFLOW and bias_add and len(shape) > 1:
        bias, check = _bias_add(node, shape, tuple(s(d) for d in other))
        checks += check
    out, holds = [], []
    for a, b in zip(shape, other, strict=True):
        b = s(b)
        if a == b or b == 1:
            out.append(a)
        elif a == 1:
            out.append(b)
        else:
            holds.append(sp.Or(sp.Eq(a, b), sp.Eq(a, 1), sp.Eq(b, 1)))
            out.append(b if b.is_Integer else sp.Piecewise((b, sp.Eq(a, 1)), (a, True)))
    if holds and sp.Or(bias, sp.And(*holds)) is not sp.true:
        message = _broadcast_message(node, shape, other, table)
        checks.append(_check(node, sp.Or(bias, sp.And(*holds)), message, _ERROR[table]))
    # where Keras took tf.nn.bias_add, the output has the first operand's shape
    out = [
        o if bias is sp.false or s(o) == s(a) else sp.Piecewise((a, bias), (o, True))
        for o, a in zip(out, shape, strict=True)
    ]
    return tuple(out), checks


# ---------------------------------------------------------------- flatten, reshape, dense


@_rule("Flatten")
def _flatten(node: Node, inputs: list[Tensor], table: str) -> Out:
    x = inputs[0]
    return [Tensor((x.shape[0], sp.Mul(*[s(d) for d in x.shape[1:]])))], []


@_rule("Reshape")
def _reshape(node: Node, inputs: list[Tensor], table: str) -> Out:
    """``compute_reshape_output_shape`` on the concrete input shape (batch excluded), then ops.reshape."""
    x = inputs[0]
    target = tuple(node.attrs["target_shape"])
    rest = x.shape[1:]
    numel = sp.Mul(*[s(d) for d in rest])
    known = 1
    for d in target:
        if d != -1:
            known *= d
    if -1 not in target:
        holds = sp.Eq(numel, known)
        text = "The total size of the tensor must be unchanged. Received: input_shape={}, target_shape={}"
        shape = tuple(sp.Integer(d) for d in target)
    else:
        holds = sp.And(sp.Ne(known, 0), sp.Eq(sp.Mod(numel, known), 0)) if known else sp.false
        text = (
            "The total size of the tensor must be unchanged, however, the input size cannot by divided by the "
            "specified dimensions in target_shape. Received: input_shape={}, target_shape={}"
        )
        shape = tuple(numel / known if d == -1 else sp.Integer(d) for d in target)
    checks = []
    if holds is not sp.true:
        checks.append(_check(node, holds, lambda v: text.format(_tuple_text(rest, v), target), "ValueError"))
    return [Tensor((x.shape[0], *shape))], checks


@_rule("Dense")
def _dense(node: Node, inputs: list[Tensor], table: str) -> Out:
    """The built layer's ``InputSpec(axes={-1: input_dim})``, checked by ``Layer.__call__`` before the matmul."""
    x = inputs[0]
    want = node.attrs["input_dim"]
    layer = node.attrs.get("layer", node.name)
    checks = []
    if s(x.shape[-1]) != want:

        def message(v: Values) -> str:
            return (
                f"Input 0 with name 'None' of layer '{layer}' is incompatible with the layer: expected axis -1 "
                f"of input shape to have value {want}, but received input with shape {_tuple_text(x.shape, v)}"
            )

        checks.append(_check(node, sp.Eq(x.shape[-1], want), message, "ValueError"))
    return [Tensor((*x.shape[:-1], sp.Integer(node.attrs["units"])))], checks
