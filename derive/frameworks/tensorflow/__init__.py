"""TensorFlow: ``tf.nn.conv1d``/``conv2d`` lengths and the output shapes ``tf.nn.conv*_transpose`` accepts.

A TensorFlow transposed convolution has no length formula: the caller passes ``output_shape`` and the
kernel (``Conv2DBackpropInput``, ``Conv3DBackpropInputV2``) accepts it when the *forward* convolution
of that shape has the transposed input's length. :func:`accepted_lengths` is that set (an interval),
:func:`conv_transpose_length` returns ``output_shape`` or raises TensorFlow's own error.

Checked against tensorflow-cpu 2.21.0 (``derive/frameworks/tensorflow/tests/probe.py`` runs the real ops).
Sources read:

* ``tensorflow/core/framework/kernel_shape_util.cc::GetWindowedOutputSizeVerboseV2`` (C++ truncating
  division: VALID gives 0, not an error, for ``K-2s < n < K``; "Computed output size would be negative");
* ``tensorflow/core/kernels/conv_grad_shape_utils.cc::ConvBackpropExtractAndVerifyDimension``
  ("Size of out_backprop doesn't match computed"), ``::ConvBackpropComputeDimensionsV2``;
* ``tensorflow/core/kernels/conv_grad_input_ops.h`` (CPU: "Current CPU implementations do not yet
  support dilation rates larger than 1.", NHWC only), ``conv_grad_ops_3d.cc`` (singular "implementation");
* ``tensorflow/core/util/padding.cc::CheckValidPadding`` (explicit paddings non-negative);
* ``tensorflow/python/ops/nn_ops.py::conv1d``, ``::conv1d_transpose`` (padding passed to the op
  unconverted, so an explicit list is a ``TypeError``), ``::conv2d_transpose_v2``, ``::convert_padding``,
  ``::conv3d_transpose_v2``, ``::conv_transpose`` (dispatch on the rank of ``output_shape``).

Conventions. Argument names are TensorFlow's (``strides``, ``padding``, ``dilations``,
``output_shape``); TF takes the filter as a tensor, so its spatial size is ``kernel_size``, and
``output_shape`` holds only the spatial lengths. ``padding`` is ``"VALID"``, ``"SAME"`` (upper case, as
TF requires) or, where TF allows explicit padding, a ``(lo, hi)`` pair per axis. ``n`` (the input
length, >= 0: TF accepts empty tensors) is an int for one axis, or a tuple for an N-d call whose other
arguments may be tuples too. An int models one axis of ``tf.nn.conv2d`` / ``conv2d_transpose`` (its W
axis, spatial_dim 2 in messages); a tuple of rank r is ``tf.nn.conv_transpose`` with r spatial axes
(rank 1 is ``conv1d_transpose``, which refuses explicit padding). Layouts are channels-last: the CPU
kernels refuse NCHW ("Conv2DCustomBackpropInputOp only supports NHWC."). ``device="CPU"`` (derive's
keyword, not TF's) models the CPU kernels, which refuse dilation > 1 in the transposed op;
``device="GPU"`` lifts that refusal (code-read only: no GPU was available to run it).
"""

from __future__ import annotations

from ... import _arith as A
from ... import lengths as L
from ..._record import record
from ...errors import ParameterError
from .._axes import per_axis
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

FRAMEWORK = "tensorflow"

CPU_DILATION = "Current CPU implementations do not yet support dilation rates larger than 1."
CPU_DILATION_3D = "Current CPU implementation does not yet support dilation rates larger than 1."
NEGATIVE_PADDING = "All elements of explicit_paddings must be nonnegative"
EXPLICIT_STRING = "'EXPLICIT' is not a valid value for `padding`. To use explicit padding, `padding` must be a list."
DEVICES = ("CPU", "GPU")
#: TensorFlow's CPU kernel families: Eigen's, oneDNN's (``_MklNative*``, the default on CPUs with AVX-512
#: VNNI/BF16 or AMX) and XLA's (the op inside ``tf.function(jit_compile=True)``); ``None`` means this
#: machine's choice (derive.machine: Eigen or oneDNN; XLA is chosen in code, never by the machine)
KERNELS = ("eigen", "onednn", "xla")
#: XLA compiles the op with a negative output_shape into a shape it refuses (tf2xla's TensorShape)
XLA_NEGATIVE = "The total elements specified by orig_input_shape is too large."
#: oneDNN's primitive refuses the shapes (conv_desc_init: pad_l >= 0, pad_r + s > 0, and
#: trunc((L - K + pl + pr)/s) + 1 == n), reported by TF as an AbortedError
ONEDNN_PRIMITIVE = (
    "Operation received an exception:Status: 2, message: could not create a primitive descriptor for the "
    "convolution forward propagation primitive."
)


@record
class _Op(Operation):
    """An :class:`Operation` with derive-level validation in ``bind`` and TF's check order over axes."""

    # validation of the bound arguments (raises ParameterError only)
    validate: Callable[[dict[str, Any]], None] | None = None
    # requirements before this index are checked once for the whole call (over every axis); the rest
    # run axis by axis, as TF's kernels loop over spatial dimensions
    per_axis_from: int = 0
    # the number of spatial axes of the real op (1 for conv1d*, 2 for conv2d*, 3 for conv3d*)
    rank: int = 2
    # requirements from this index on involve the caller's chosen output length (output_shape), so
    # accepted_lengths() skips them; None when the caller cannot choose the output length
    output_from: int | None = None

    def bind(self, n: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        args = super().bind(n, kwargs)
        if self.validate is not None:
            self.validate(args)
        return args

    def accepted_lengths(self, n: Any, **kwargs: Any) -> tuple[Any, Any]:
        """The interval of output lengths the caller may choose (checks that do not involve it first)."""
        if self.accepted is None or self.output_from is None:
            return super().accepted_lengths(n, **kwargs)
        args = self.bind(n, {**kwargs, "output_shape": 0})  # a placeholder, never checked
        for r in self.requires[: self.output_from]:
            if A.is_false(r.holds(args)):
                raise r.failure(self.framework, args)
        return self.accepted(args)


def call_nd(op: _Op, ns: Sequence[Any], per_axis: Sequence[Mapping[str, Any]]) -> tuple[Any, ...]:
    """Bind every axis, check the whole-call requirements over all axes, then the rest axis by axis.

    Each axis's argument dict gets ``_axis`` (its index) and ``_axes`` (all axes' dicts), so that
    messages naming a tensor dimension or the whole call render like the framework's.
    """
    axes = [op.bind(n, kw) for n, kw in zip(ns, per_axis, strict=True)]
    for i, args in enumerate(axes):
        args["_axis"], args["_axes"] = i, axes

    def fail(r: Requirement, args: Mapping[str, Any]) -> None:
        if A.is_false(r.holds(args)):
            raise r.failure(op.framework, args)

    for r in op.requires[: op.per_axis_from]:
        for args in axes:
            fail(r, args)
    for args in axes:
        for r in op.requires[op.per_axis_from :]:
            fail(r, args)
    return tuple(op.length(args) for args in axes)


def dispatch(op: _Op, n: Any, kwargs: dict[str, Any], columns: tuple[str, ...]) -> Any:
    """Call ``op`` on one axis (int ``n``) or on every axis of a tuple ``n`` (``columns`` may be per axis)."""
    if not isinstance(n, (tuple, list)):
        return op(n, **kwargs)
    rank = len(n)
    split = {key: per_axis(rank, key, kwargs[key]) for key in columns if key in kwargs}
    rows = [{**kwargs, **{key: split[key][i] for key in split}} for i in range(rank)]
    return call_nd(op, n, rows)


# ---------------------------------------------------------------------------------------------
# padding and the forward length (GetWindowedOutputSizeVerboseV2)


def _explicit(a: Mapping[str, Any]) -> bool:
    return not isinstance(a["padding"], str)


def _pad_total(a: Mapping[str, Any]) -> Any:
    """``lo + hi`` of explicit padding, 0 for VALID (SAME is handled apart)."""
    return a["padding"][0] + a["padding"][1] if _explicit(a) else 0


def _K(a: Mapping[str, Any]) -> Any:
    return L.effective_kernel(a["kernel_size"], a["dilations"])


def _stride(a: Mapping[str, Any]) -> Any:
    return a["strides"] if "strides" in a else a["stride"]


def _numerator(a: Mapping[str, Any], x: Any) -> Any:
    """VALID/EXPLICIT: the forward output size of an input of length ``x`` is ``trunc(numerator/s)``."""
    return x + _pad_total(a) - _K(a) + _stride(a)


def windowed_length(a: Mapping[str, Any], x: Any) -> Any:
    """TF's forward length of an input of length ``x`` where it is not negative.

    C++ truncation makes ``-s < numerator < 0`` give 0 (not an error): that is ``max(0, ⌊num/s⌋)``.
    SAME is ``⌈x/s⌉`` (x >= 0).
    """
    s = _stride(a)
    if a["padding"] == "SAME":
        return A.floordiv(x + s - 1, s)
    return A.maximum(0, A.floordiv(_numerator(a, x), s))


def conv_forward_length(a: Mapping[str, Any]) -> Any:
    """The forward op's length: oneDNN returns the *input's* shape when any output axis is empty
    (``mkl_conv_ops.cc``: "Corner cases: output with 0 elements" allocates ``src_tf_shape``)."""
    out = windowed_length(a, a["n"])
    if a.get("kernels") != "onednn":
        return out
    empty = A.or_(*[A.eq(windowed_length(x, x["n"]), 0) for x in a.get("_axes", [a])])
    return A.ite(empty, a["n"], out)


def _onednn_pads(a: Mapping[str, Any], x: Any) -> tuple[Any, Any]:
    """The (lo, hi) pads TF hands oneDNN for an input of length ``x`` (GetWindowedOutputSizeVerboseV2)."""
    if a["padding"] == "SAME":
        s = _stride(a)
        total = A.maximum(0, (A.floordiv(x + s - 1, s) - 1) * s + _K(a) - x)
        return A.floordiv(total, 2), total - A.floordiv(total, 2)
    if _explicit(a):
        return a["padding"][0], a["padding"][1]
    return 0, 0


def _onednn_consistent(a: Mapping[str, Any], x: Any, y: Any) -> Any:
    """conv_desc_init's check that a convolution of length ``x`` has output length ``y``."""
    lo, hi = _onednn_pads(a, x)
    s = _stride(a)
    return A.and_(lo >= 0, hi + s > 0, A.eq(A.truncdiv(x - _K(a) + lo + hi, s) + 1, y))


def _windowed_ok(a: Mapping[str, Any], x: Any) -> Any:
    """The forward size of ``x`` is not negative: ``trunc(num/s) >= 0`` ⇔ ``num > -s``."""
    if a["padding"] == "SAME":
        return True
    return _numerator(a, x) + _stride(a) >= 1


def _negative_message(a: Mapping[str, Any], x: Any) -> str:
    value = A.truncdiv(_numerator(a, x), _stride(a))
    return (
        f"Computed output size would be negative: {value} "
        f"[input_size: {x}, effective_filter_size: {_K(a)}, stride: {_stride(a)}]"
    )


def _padding_list(a: Mapping[str, Any]) -> list[list[Any]]:
    """The padding list a TF user passes (batch and channel pairs around the spatial ones, NWC/NHWC)."""
    pairs = [list(x["padding"]) for x in a.get("_axes", [a])]
    return [[0, 0], *pairs, [0, 0]]


def kernels(a: Mapping[str, Any]) -> str:
    """The kernel family that runs this call: oneDNN hands the transposed op with explicit padding (and
    every GPU call) back to the Eigen-shaped rules (``mkl_eager_op_rewrite.cc::RewriteConv2D``)."""
    chosen = a.get("kernels") or "eigen"
    if chosen == "onednn" and a["kind"] == "conv_transpose" and (_explicit(a) or a.get("device", "CPU") != "CPU"):
        return "eigen"
    return chosen


def _empty(a: Mapping[str, Any]) -> Any:
    """oneDNN's transposed op returns zeros of ``output_shape`` unchecked when either tensor is empty."""
    return A.or_(*[A.or_(A.eq(x["n"], 0), A.eq(x["output_shape"], 0)) for x in a.get("_axes", [a])])


def resolve_kernels(a: dict[str, Any]) -> None:
    """Fill in this machine's kernels where the caller gave none; refuse unknown kernels."""
    if a.get("kernels") is None:
        from ...machine import tensorflow_kernels

        a["kernels"] = tensorflow_kernels().kernels
    if a["kernels"] not in KERNELS:
        raise ParameterError("kernels", f"must be one of {', '.join(KERNELS)} (or None: this machine's)", a["kernels"])


def _validate(a: dict[str, Any], *, transposed: bool) -> None:
    A.param("n", a["n"], 0)
    resolve_kernels(a)
    a["kind"] = "conv_transpose" if transposed else "conv"
    if a["kernel_size"] is None:
        raise ParameterError("kernel_size", "is required (the filter's spatial size)", None)
    A.param("kernel_size", a["kernel_size"], 1)
    A.param("strides" if "strides" in a else "stride", _stride(a), 1)
    A.param("dilations", a["dilations"], 1)
    p = a["padding"]
    if p is None:
        raise ParameterError("padding", "is required ('VALID', 'SAME' or a (lo, hi) pair)", None)
    if isinstance(p, (tuple, list)):
        if len(p) != 2:
            raise ParameterError("padding", "must be 'VALID', 'SAME' or one (lo, hi) pair per axis", p)
        a["padding"] = (A.param("padding[0]", p[0]), A.param("padding[1]", p[1]))
    elif not isinstance(p, str):
        raise ParameterError("padding", "must be 'VALID', 'SAME' or one (lo, hi) pair per axis", p)
    if transposed:
        if a["output_shape"] is None:
            raise ParameterError("output_shape", "is required: TensorFlow has no transposed length formula", None)
        A.param("output_shape", a["output_shape"])
        if a["device"] not in DEVICES:
            raise ParameterError("device", f"must be one of {', '.join(DEVICES)}", a["device"])


def _attr_message(allowed: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda a: f"Value for attr 'padding' of \"{a['padding']}\" is not in the list of allowed values: {allowed}"


def _padding_requirements(*, explicit: bool, rank: int) -> tuple[Requirement, ...]:
    """How each op treats the padding argument, in the order the Python wrapper and the op check it."""
    allowed = '"SAME", "VALID"' if rank == 3 else '"SAME", "VALID", "EXPLICIT"'
    reqs = []
    if explicit:  # conv2d / conv2d_transpose: convert_padding turns a list into EXPLICIT
        reqs.append(
            Requirement("padding is not the string 'EXPLICIT'", lambda a: a["padding"] != "EXPLICIT", EXPLICIT_STRING)
        )
    else:  # conv1d, conv1d_transpose, conv3d_transpose pass the padding to the op as it is
        reqs.append(
            Requirement(
                "padding is a string (no explicit padding)",
                lambda a: not _explicit(a),
                lambda a: f"Expected string for argument 'padding' not {_padding_list(a)}.",
                "TypeError",
            )
        )
    reqs.append(
        Requirement(
            f"padding is one of {allowed}",
            lambda a: _explicit(a) or a["padding"] in ("SAME", "VALID", "EXPLICIT")[: 2 if rank == 3 else 3],
            _attr_message(allowed),
            "InvalidArgumentError",
        )
    )
    if not explicit and rank != 3:  # the op takes EXPLICIT, but these wrappers never fill explicit_paddings
        reqs.append(
            Requirement(
                "padding is not 'EXPLICIT' without explicit_paddings (oneDNN's forward op: no pads)",
                lambda a: a["padding"] != "EXPLICIT" or (a["kind"] == "conv" and kernels(a) == "onednn"),
                "explicit_paddings attribute must contain 8 values, but got: 0",
                "InvalidArgumentError",
            )
        )
    return tuple(reqs)


NONNEGATIVE_PADS = Requirement(
    "explicit paddings >= 0 (oneDNN's forward op does not check)",
    lambda a: (
        not _explicit(a)
        or (a["kind"] == "conv" and kernels(a) == "onednn")
        or A.and_(a["padding"][0] >= 0, a["padding"][1] >= 0)
    ),
    NEGATIVE_PADDING,
    "InvalidArgumentError",
)

XLA_FORWARD = Requirement(
    "tf.function (XLA): n + lo + hi >= K (graph shape inference)",
    lambda a: kernels(a) != "xla" or a["padding"] == "SAME" or a["n"] + _pad_total(a) >= _K(a),
    lambda a: f"Negative dimension size caused by subtracting {_K(a)} from {a['n'] + _pad_total(a)}",
    "ValueError",
)

ONEDNN_FORWARD = Requirement(
    "oneDNN: a non-empty output has pad_lo >= 0 and pad_hi + s > 0",
    lambda a: (
        kernels(a) != "onednn"
        # the empty corner case returns before the primitive (SymPy operands: A.or_, not Python's or)
        or A.or_(A.eq(conv_forward_length(a), a["n"]), _onednn_consistent(a, a["n"], windowed_length(a, a["n"])))
    ),
    ONEDNN_PRIMITIVE,
    "AbortedError",
)


# ---------------------------------------------------------------------------------------------
# forward: tf.nn.conv2d (one axis) and tf.nn.conv1d


def _conv(name: str, stride_key: str, *, explicit: bool, rank: int) -> _Op:
    reqs = _padding_requirements(explicit=explicit, rank=rank)
    return _Op(
        framework=FRAMEWORK,
        name=name,
        kind="conv",
        defaults=(("kernel_size", None), (stride_key, 1), ("padding", None), ("dilations", 1), ("kernels", None)),
        length=conv_forward_length,
        requires=(
            *reqs,
            NONNEGATIVE_PADS,
            XLA_FORWARD,
            Requirement(
                "output size >= 0 (C++ truncation: 0 when -s < n+lo+hi-K+s < 0)",
                lambda a: _windowed_ok(a, a["n"]),
                lambda a: _negative_message(a, a["n"]),
                "InvalidArgumentError",
            ),
            ONEDNN_FORWARD,
        ),
        source="tensorflow/core/framework/kernel_shape_util.cc::GetWindowedOutputSizeVerboseV2",
        integer_args=("kernel_size", stride_key, "dilations"),
        validate=lambda a: _validate(a, transposed=False),
        per_axis_from=len(reqs) + 1,
        rank=rank,
    )


CONV2D = _conv("tf.nn.conv2d", "strides", explicit=True, rank=2)
CONV1D = _conv("tf.nn.conv1d", "stride", explicit=False, rank=1)


# ---------------------------------------------------------------------------------------------
# transposed: tf.nn.conv1d_transpose / conv2d_transpose / conv3d_transpose


def accepted_interval(a: Mapping[str, Any], n: Any) -> tuple[Any, Any]:
    """Every output length L whose forward size is ``n`` (and not negative), as ``(lo, hi)``.

    VALID/EXPLICIT: ``[(n-1)s + K - P, (n-1)s + K - P + s - 1]`` with P = lo + hi, clipped at 0; for
    n = 0 truncation widens the bottom to ``K - P - 2s + 1``. SAME: ``[(n-1)s + 1, n·s]`` (n = 0: {0}).
    oneDNN: the same for n >= 2; VALID n = 1 widens to ``[max(1, K - s + 1), K + s - 1]`` (oneDNN's
    truncating check); n = 0 accepts every length; and ``output_shape = 0`` is accepted for every n
    (an empty output is never checked), outside the interval returned here.
    """
    s = _stride(a)
    if kernels(a) == "onednn":
        if not A.is_symbolic(n) and n == 0:
            return 0, float("inf")  # an empty input is never checked
        if a["padding"] == "SAME":
            return (n - 1) * s + 1, n * s
        low = (n - 1) * s + _K(a)
        return A.ite(n >= 2, low, A.maximum(1, _K(a) - s + 1)), low + s - 1
    if a["padding"] == "SAME":
        return A.maximum(0, (n - 1) * s + 1), n * s
    low = (n - 1) * s + _K(a) - _pad_total(a)
    return A.maximum(0, A.ite(n >= 1, low, low - s + 1)), low + s - 1


def _spatial_dim(op_rank: int) -> Callable[[Mapping[str, Any]], int]:
    """The tensor dimension TF names in its message (NHWC: H = 1, W = 2; conv1d runs as NHWC with H = 1)."""
    return lambda a: 1 + a.get("_axis", op_rank - 1) + (1 if op_rank == 1 else 0)


def _mismatch_message(op_rank: int) -> Callable[[Mapping[str, Any]], str]:
    spatial_dim = _spatial_dim(op_rank)

    def message(a: Mapping[str, Any]) -> str:
        n, out = a["n"], a["output_shape"]
        return (
            f"Size of out_backprop doesn't match computed: actual = {n}, computed = {windowed_length(a, out)} "
            f"spatial_dim: {spatial_dim(a)} input: {out} filter: {a['kernel_size']} output: {n} "
            f"stride: {_stride(a)} dilation: {a['dilations']}"
        )

    return message


def _crash_message(a: Mapping[str, Any]) -> str:
    return (
        "Check failed: (::tsl::TfCheckOkDeprecationMarker(), tensor::MakeShape(input_tensor, &input_tf_shape)) is OK "
        f"(INVALID_ARGUMENT: Dimension {a['output_shape']} must be >= 0)"
    )


def transpose_requirements(op_rank: int) -> tuple[Requirement, ...]:
    """The checks of ``Conv{2,3}DBackpropInput`` once ``output_shape`` is known, in TF's order, per kernel family.

    Eigen (``conv_grad_input_ops.h``): the CPU dilation refusal, the pads, the sign of ``output_shape``,
    then per axis the sign of its forward size and "Size of out_backprop doesn't match computed".
    oneDNN (``mkl_conv_grad_input_ops.cc``): a negative ``output_shape`` aborts the process (a CHECK in
    ``MakeInputTfShape``); an empty input or output is returned unchecked; then the forward sizes of
    every axis and oneDNN's own consistency check (dilation allowed). Indices 0-4 are checked once for
    the whole call, 5-7 axis by axis (the Keras models reuse these by index).
    Reused by the Keras models, whose TensorFlow backend calls these ops with a computed shape.
    """
    return (
        Requirement(
            "dilations == 1 on CPU (Eigen)",
            lambda a: a.get("device", "CPU") != "CPU" or kernels(a) != "eigen" or A.eq(a["dilations"], 1),
            CPU_DILATION_3D if op_rank == 3 else CPU_DILATION,
            "InvalidArgumentError",
        ),
        NONNEGATIVE_PADS,
        Requirement(
            "output_shape >= 0",
            lambda a: kernels(a) == "onednn" or a["output_shape"] >= 0,
            lambda a: XLA_NEGATIVE if kernels(a) == "xla" else f"Dimension {a['output_shape']} must be >= 0",
            "InvalidArgumentError",
        ),
        Requirement(
            "oneDNN: output_shape >= 0, else the process aborts",
            lambda a: kernels(a) != "onednn" or a["output_shape"] >= 0,
            _crash_message,
            "SIGABRT",
            crash=True,
        ),
        Requirement(
            "oneDNN: forward size of output_shape >= 0 on every axis (unless a tensor is empty)",
            lambda a: kernels(a) != "onednn" or A.or_(_empty(a), _windowed_ok(a, a["output_shape"])),
            lambda a: _negative_message(a, a["output_shape"]),
            "InvalidArgumentError",
        ),
        # from here on, per spatial axis
        Requirement(
            "forward size of output_shape >= 0",
            lambda a: kernels(a) == "onednn" or _windowed_ok(a, a["output_shape"]),
            lambda a: _negative_message(a, a["output_shape"]),
            "InvalidArgumentError",
        ),
        Requirement(
            "forward size of output_shape == n (output_shape in accepted_lengths)",
            lambda a: kernels(a) == "onednn" or _in_interval(a["output_shape"], accepted_interval(a, a["n"])),
            _mismatch_message(op_rank),
            "InvalidArgumentError",
        ),
        Requirement(
            "oneDNN: trunc((output_shape - K + lo + hi)/s) + 1 == n (unless a tensor is empty)",
            lambda a: kernels(a) != "onednn" or A.or_(_empty(a), _onednn_consistent(a, a["output_shape"], a["n"])),
            ONEDNN_PRIMITIVE,
            "AbortedError",
        ),
    )


def transposed_length(a: Mapping[str, Any]) -> Any:
    """``output_shape``, except on XLA for an empty input: its backprop convolution of a length-0 input
    dilated by s, padded as TF computes (``pad_after`` from ``(n-1)s + 1 = 1 - s``), is ``L + s - 1`` long."""
    out = a["output_shape"]
    if kernels(a) != "xla":
        return out
    return A.ite(A.eq(a["n"], 0), out + _stride(a) - 1, out)


def _in_interval(x: Any, interval: tuple[Any, Any]) -> Any:
    lo, hi = interval
    return A.and_(lo <= x, x <= hi)


def _conv_transpose(name: str, *, explicit: bool, rank: int) -> _Op:
    reqs = _padding_requirements(explicit=explicit, rank=rank)
    return _Op(
        framework=FRAMEWORK,
        name=name,
        kind="conv_transpose",
        defaults=(
            ("kernel_size", None),
            ("output_shape", None),
            ("strides", 1),
            ("padding", "SAME"),
            ("dilations", 1),
            ("device", "CPU"),
            ("kernels", None),
        ),
        length=transposed_length,
        requires=(*reqs, *transpose_requirements(rank)),
        accepted=lambda a: accepted_interval(a, a["n"]),
        source="tensorflow/core/kernels/conv_grad_shape_utils.cc::ConvBackpropExtractAndVerifyDimension",
        integer_args=("kernel_size", "output_shape", "strides", "dilations"),
        validate=lambda a: _validate(a, transposed=True),
        per_axis_from=len(reqs) + 5,
        rank=rank,
        output_from=len(reqs) + 2,
    )


CONV1D_TRANSPOSE = _conv_transpose("tf.nn.conv1d_transpose", explicit=False, rank=1)
CONV2D_TRANSPOSE = _conv_transpose("tf.nn.conv2d_transpose", explicit=True, rank=2)
CONV3D_TRANSPOSE = _conv_transpose("tf.nn.conv3d_transpose", explicit=False, rank=3)
#: ``tf.nn.conv_transpose`` dispatches on the number of spatial axes
TRANSPOSE_BY_RANK = {1: CONV1D_TRANSPOSE, 2: CONV2D_TRANSPOSE, 3: CONV3D_TRANSPOSE}


# ---------------------------------------------------------------------------------------------
# public API


def _transpose_op(n: Any) -> _Op:
    if not isinstance(n, (tuple, list)):
        return CONV2D_TRANSPOSE
    if len(n) not in TRANSPOSE_BY_RANK:
        raise ParameterError("n", "must be an int or a tuple of 1, 2 or 3 lengths", n)
    return TRANSPOSE_BY_RANK[len(n)]


def _padding_column(n: Any, padding: Any) -> Any:
    """Explicit padding of an N-d call is one (lo, hi) pair per axis; a single pair is refused."""
    if isinstance(n, (tuple, list)) and isinstance(padding, (tuple, list)):
        if len(padding) != len(n) or not all(isinstance(p, (tuple, list)) for p in padding):
            raise ParameterError("padding", f"must be one (lo, hi) pair per spatial axis ({len(n)})", padding)
    return padding


def conv_length(
    n: Any, kernel_size: Any, strides: Any, padding: Any, dilations: Any = 1, kernels: str | None = None
) -> Any:
    """Output length of ``tf.nn.conv2d`` (a tuple ``n`` of length 1 is ``tf.nn.conv1d``).

    ``trunc((n + lo + hi - K + s)/s)`` (VALID: no pads), so a too-short input gives 0 while the
    numerator is above ``-s``; below, TF refuses. SAME gives ``⌈n/s⌉``.

    >>> [conv_length(*call, kernels="eigen") for call in ((2, 5, 2, "VALID"), (5, 3, 2, "SAME"), (3, 3, 1, (1, 1)))]
    [0, 3, 3]

    oneDNN gives an empty output the input's shape: ``conv_length(2, 5, 2, "VALID", kernels="onednn")`` is 2.
    """
    kwargs = dict(kernel_size=kernel_size, padding=_padding_column(n, padding), dilations=dilations, kernels=kernels)
    if isinstance(n, (tuple, list)) and len(n) == 1:
        return dispatch(CONV1D, n, {**kwargs, "stride": strides}, ("kernel_size", "stride", "padding", "dilations"))
    if isinstance(n, (tuple, list)) and len(n) != 2:
        raise ParameterError("n", "must be an int or a tuple of 1 or 2 lengths (conv1d, conv2d)", n)
    return dispatch(CONV2D, n, {**kwargs, "strides": strides}, ("kernel_size", "strides", "padding", "dilations"))


def conv1d_length(
    n: Any, kernel_size: Any, stride: Any, padding: Any, dilations: Any = 1, kernels: str | None = None
) -> Any:
    """Output length of ``tf.nn.conv1d`` (its keyword is ``stride``; explicit padding is a TypeError)."""
    return CONV1D(n, kernel_size=kernel_size, stride=stride, padding=padding, dilations=dilations, kernels=kernels)


_TRANSPOSE_COLUMNS = ("kernel_size", "output_shape", "strides", "padding", "dilations")


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    output_shape: Any,
    strides: Any = 1,
    padding: Any = "SAME",
    dilations: Any = 1,
    device: str = "CPU",
    kernels: str | None = None,
) -> Any:
    """``output_shape`` when ``tf.nn.conv2d_transpose`` (tuple ``n``: ``tf.nn.conv_transpose``) accepts it.

    Raises :class:`~derive.errors.FrameworkError` with TF's message otherwise, e.g. "Size of
    out_backprop doesn't match computed: ...", and :class:`~derive.errors.FrameworkCrashError` where the
    call aborts the process (oneDNN, a negative ``output_shape``). ``kernels`` is "eigen", "onednn" or
    "xla" (None: this machine's, :mod:`derive.machine`); XLA returns ``output_shape + strides - 1`` on
    an empty input.

    >>> conv_transpose_length(3, 3, 8, 2, "VALID", kernels="eigen")
    8
    >>> conv_transpose_length(3, 3, 8, 2, "VALID", dilations=2, kernels="onednn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derive.errors.FrameworkError: tensorflow refuses: AbortedError: ...could not create a primitive descriptor...
    """
    op = _transpose_op(n)
    kwargs = dict(
        kernel_size=kernel_size,
        output_shape=output_shape,
        strides=strides,
        padding=_padding_column(n, padding),
        dilations=dilations,
        device=device,
        kernels=kernels,
    )
    return dispatch(op, n, kwargs, _TRANSPOSE_COLUMNS)


def conv1d_transpose_length(
    n: Any,
    kernel_size: Any,
    output_shape: Any,
    strides: Any = 1,
    padding: Any = "SAME",
    dilations: Any = 1,
    device: str = "CPU",
    kernels: str | None = None,
) -> Any:
    """``output_shape`` when ``tf.nn.conv1d_transpose`` accepts it (explicit padding is a TypeError)."""
    return CONV1D_TRANSPOSE(
        n,
        kernel_size=kernel_size,
        output_shape=output_shape,
        strides=strides,
        padding=padding,
        dilations=dilations,
        device=device,
        kernels=kernels,
    )


def accepted_lengths(
    n: Any,
    kernel_size: Any,
    strides: Any = 1,
    padding: Any = "SAME",
    dilations: Any = 1,
    device: str = "CPU",
    kernels: str | None = None,
) -> Any:
    """The interval ``(lo, hi)`` of ``output_shape`` values the transposed op accepts (a tuple of them for N-d).

    Empty when ``lo > hi`` (explicit pads larger than the whole output). On CPU, dilations > 1 raise
    TF's refusal instead, since no output shape is accepted.

    >>> [accepted_lengths(n, 3, 2, pad, kernels="eigen") for n, pad in ((3, "VALID"), (3, "SAME"), (0, "VALID"))]
    [(7, 8), (5, 6), (0, 2)]
    >>> accepted_lengths(1, 3, 2, "VALID", kernels="onednn"), accepted_lengths(0, 3, 2, "VALID", kernels="onednn")
    ((2, 4), (0, inf))
    """
    op = _transpose_op(n)
    kwargs = dict(
        kernel_size=kernel_size,
        strides=strides,
        padding=_padding_column(n, padding),
        dilations=dilations,
        device=device,
        kernels=kernels,
    )
    if not isinstance(n, (tuple, list)):
        return op.accepted_lengths(n, **kwargs)
    rank = len(n)
    split = {key: per_axis(rank, key, kwargs[key]) for key in ("kernel_size", "strides", "padding", "dilations")}
    rows = [{**kwargs, **{key: split[key][i] for key in split}, "output_shape": 0} for i in range(rank)]
    # the checks that do not involve output_shape come once for the whole call, as in TF
    axes = [op.bind(x, kw) for x, kw in zip(n, rows, strict=True)]
    for i, args in enumerate(axes):
        args["_axis"], args["_axes"] = i, axes
    for r in op.requires[: op.output_from]:
        for args in axes:
            if A.is_false(r.holds(args)):
                raise r.failure(op.framework, args)
    return tuple(accepted_interval(args, args["n"]) for args in axes)


OPERATIONS = (CONV2D, CONV1D, CONV1D_TRANSPOSE, CONV2D_TRANSPOSE, CONV3D_TRANSPOSE)
