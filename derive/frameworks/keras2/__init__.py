"""Keras 2 and tf.keras: ``Conv{1,2}DTranspose``, ``Conv{1,2}D`` and the ``conv_utils`` length helpers.

Checked against tf-keras 2.21.0 on tensorflow-cpu 2.21.0 (``derive/frameworks/keras2/tests/probe.py``).
Sources read (installed package ``tf_keras/src``):

* ``utils/conv_utils.py::deconv_output_length`` (the transposed length, with ``'full'`` padding at
  helper level), ``::conv_output_length``, ``::normalize_padding``;
* ``layers/convolutional/conv1d_transpose.py``, ``conv2d_transpose.py`` (``__init__`` check of
  output_padding against strides; ``call`` computes the length and passes it to TF as
  ``output_shape``), ``base_conv.py::Conv.__init__`` (causal only for Conv1D and its subclasses,
  strides with dilation), ``::compute_output_shape``;
* ``backend.py::conv2d_transpose`` (dilation > 1 goes through ``tf.nn.atrous_conv2d_transpose``,
  i.e. ``space_to_batch``, which works on CPU but needs the padded input to divide by the rate).

Classic Keras 2.0-2.2.4 ``keras/utils/conv_utils.py::deconv_length`` (read from the
keras-team/keras index; not run: that Keras is not installable next to TF 2.21) is
:func:`deconv_length` (``confirmed="code-read"``).

Two results per layer call, selected by ``backend=`` (as in :mod:`derive.frameworks.keras`):
``None`` is the layer's ``compute_output_shape`` (Keras' own formula: a symbolic ``Input``), and
``"tensorflow"`` is the real call on CPU, which hands that length to TensorFlow as ``output_shape``
and so fails where TF's accepted set excludes it (``'same'`` with ``output_padding=0`` and an even
effective kernel) or where the CPU kernel refuses dilation (Conv1DTranspose).

Conventions: Keras' argument names; channels-last; ``n >= 1`` for layers. An int ``n`` is
``Conv1DTranspose`` / ``Conv1D``; a 2-tuple is ``Conv2DTranspose`` / ``Conv2D``.
"""

from __future__ import annotations

from ... import _arith as A
from ... import lengths as L
from ...errors import ParameterError
from .. import tensorflow as T
from .._model import Operation, Requirement
from ..keras import STRIDES_WITH_DILATION, check_numbers, on_tensorflow

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

FRAMEWORK = "keras2"
BACKENDS = (None, "tensorflow")

PADDING_MESSAGE = (
    'The `padding` argument must be a list/tuple or one of "valid", "same" (or "causal", only for `Conv1D). '
    "Received: {}"
)
CAUSAL_ONLY_CONV1D = "Causal padding is only supported for `Conv1D`and `SeparableConv1D`."
DOWNSAMPLING = "One of the dimensions in the output is <= 0 due to downsampling in"  # then the layer's name


def _axes(a: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return a.get("_axes", [a])


def _tuple(a: Mapping[str, Any], key: str) -> tuple[Any, ...]:
    return tuple(x[key] for x in _axes(a))


def _rank(a: Mapping[str, Any]) -> int:
    return len(_axes(a))


def _mode(a: Mapping[str, Any]) -> str:
    return a["padding"].lower()


# ---------------------------------------------------------------------------------------------
# the conv_utils helpers


def _formula_args(
    n: Any,
    kernel: Any,
    padding: Any,
    stride: Any,
    dilation: Any,
    modes: tuple[str, ...] = ("same", "valid", "full"),
    least_stride: int = 0,
) -> None:
    """The formulas' own domain: a length n >= 0, kernel and dilation >= 1, one of the modes.

    ``deconv_output_length``'s stride defaults to 0 (valid there); ``conv_output_length`` divides by it.
    """
    A.param("n", n, 0)
    A.param("stride", stride, least_stride)
    for name, value in (("kernel", kernel), ("dilation", dilation)):
        A.param(name, value, 1)
    if padding not in modes:
        raise ParameterError("padding", f"must be one of {', '.join(modes)}", padding)


def deconv_formula(n: Any, kernel: Any, padding: str, output_padding: Any, stride: Any, dilation: Any) -> Any:
    """``deconv_output_length``: with ``K = k + (k-1)(d-1)``,

    output_padding None: valid ``n·s + max(K-s, 0)``, full ``n·s - (s + K - 2)``, same ``n·s``;
    given: ``(n-1)s + K - 2·pad + op`` with pad ``K//2`` (same), 0 (valid), ``K-1`` (full).
    """
    _formula_args(n, kernel, padding, stride, dilation)
    if output_padding is not None:
        A.param("output_padding", output_padding, 0)
    K = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return n * stride + A.maximum(K - stride, 0)
        if padding == "full":
            return n * stride - (stride + K - 2)
        return n * stride
    pad = {"same": A.floordiv(K, 2), "valid": 0, "full": K - 1}[padding]
    return (n - 1) * stride + K - 2 * pad + output_padding


def _helper_validate(names: tuple[str, str, str, str]) -> Any:
    n_key, k_key, s_key, d_key = names

    def validate(a: dict[str, Any]) -> None:
        A.param(n_key, a["n"], 0)
        A.param(k_key, a[k_key], 1)
        A.param(s_key, a[s_key], 0)  # deconv_output_length's own default stride is 0
        A.param(d_key, a[d_key], 1)
        if a.get("output_padding") is not None:
            A.param("output_padding", a["output_padding"], 0)
        if not isinstance(a["padding"], str):
            raise ParameterError("padding", "must be a string", a["padding"])

    return validate


def _assert_padding(allowed: tuple[str, ...]) -> Requirement:
    # the helpers only `assert padding in {...}`: an AssertionError with no message
    return Requirement(
        f"padding in {{{', '.join(allowed)}}} (assert)", lambda a: a["padding"] in allowed, "", "AssertionError"
    )


DECONV_OUTPUT_LENGTH = T._Op(
    framework=FRAMEWORK,
    name="tf_keras.src.utils.conv_utils.deconv_output_length",
    kind="conv_transpose",
    defaults=(("filter_size", None), ("padding", None), ("output_padding", None), ("stride", 0), ("dilation", 1)),
    length=lambda a: deconv_formula(
        a["n"], a["filter_size"], a["padding"], a["output_padding"], a["stride"], a["dilation"]
    ),
    requires=(_assert_padding(("same", "valid", "full")),),
    source="tf_keras/src/utils/conv_utils.py::deconv_output_length",
    integer_args=("filter_size", "output_padding", "stride", "dilation"),
    validate=_helper_validate(("input_length", "filter_size", "stride", "dilation")),
)


def conv_formula(n: Any, kernel: Any, padding: str, stride: Any, dilation: Any) -> Any:
    """``conv_output_length``: ``⌈m/s⌉`` with m = n (same, causal), ``n-K+1`` (valid), ``n+K-1`` (full)."""
    _formula_args(n, kernel, padding, stride, dilation, ("same", "valid", "full", "causal"), least_stride=1)
    K = L.effective_kernel(kernel, dilation)
    m = {"same": n, "causal": n, "valid": n - K + 1, "full": n + K - 1}[padding]
    return A.floordiv(m + stride - 1, stride)


CONV_OUTPUT_LENGTH = T._Op(
    framework=FRAMEWORK,
    name="tf_keras.src.utils.conv_utils.conv_output_length",
    kind="conv",
    defaults=(("filter_size", None), ("padding", None), ("stride", None), ("dilation", 1)),
    length=lambda a: conv_formula(a["n"], a["filter_size"], a["padding"], a["stride"], a["dilation"]),
    requires=(_assert_padding(("same", "valid", "full", "causal")),),
    source="tf_keras/src/utils/conv_utils.py::conv_output_length",
    integer_args=("filter_size", "stride", "dilation"),
    validate=_helper_validate(("input_length", "filter_size", "stride", "dilation")),
)


def _classic_validate(a: dict[str, Any]) -> None:
    _helper_validate(("dim_size", "kernel_size", "stride_size", "dilation"))(a)


#: Keras 2.2.1-2.2.4 ``deconv_length`` (2.2.1 added output_padding, 2.2.3 dilation; with both None/1
#: it is the 2.0-2.2.0 function)
DECONV_LENGTH = T._Op(
    framework=FRAMEWORK,
    name="keras.utils.conv_utils.deconv_length",
    kind="conv_transpose",
    defaults=(
        ("stride_size", None),
        ("kernel_size", None),
        ("padding", None),
        ("output_padding", None),
        ("dilation", 1),
    ),
    length=lambda a: deconv_formula(
        a["n"], a["kernel_size"], a["padding"], a["output_padding"], a["stride_size"], a["dilation"]
    ),
    requires=(_assert_padding(("same", "valid", "full")),),
    source="keras-team/keras@2.2.4 keras/utils/conv_utils.py::deconv_length",
    confirmed="code-read",
    integer_args=("stride_size", "kernel_size", "output_padding", "dilation"),
    validate=_classic_validate,
)


# ---------------------------------------------------------------------------------------------
# layers


def _layer_validate(a: dict[str, Any]) -> None:
    check_numbers(a)
    if not isinstance(a["padding"], str):
        raise ParameterError("padding", "must be a string", a["padding"])
    if a["backend"] not in BACKENDS:
        raise ParameterError("backend", "must be None or 'tensorflow'", a["backend"])
    if "kernels" in a:
        T.resolve_kernels(a)


def layer_transposed_length(a: Mapping[str, Any]) -> Any:
    return deconv_formula(a["n"], a["kernel_size"], _mode(a), a["output_padding"], a["strides"], a["dilation_rate"])


LAYER_PADDING = Requirement(
    "padding (any case) is valid, same or causal",
    lambda a: _mode(a) in ("valid", "same", "causal"),
    lambda a: PADDING_MESSAGE.format(_mode(a)),
)
CAUSAL = Requirement(
    "causal only for Conv1D (and its subclass Conv1DTranspose)",
    lambda a: _rank(a) == 1 or _mode(a) != "causal",
    CAUSAL_ONLY_CONV1D,
)
OUTPUT_PADDING_BELOW_STRIDES = Requirement(
    "output_padding < strides",
    lambda a: a["output_padding"] is None or a["output_padding"] < a["strides"],
    lambda a: (
        "Strides must be greater than output padding. "
        f"Received strides={_tuple(a, 'strides')}, output_padding={_tuple(a, 'output_padding')}."
    ),
)


def _on_tf(a: Mapping[str, Any]) -> bool:
    return a.get("backend") == "tensorflow"


def _direct(a: Mapping[str, Any]) -> bool:
    """The real call reaches ``tf.nn.conv*_transpose``: Conv1DTranspose always, Conv2DTranspose at dilation 1."""
    return _on_tf(a) and (_rank(a) == 1 or all(x["dilation_rate"] == 1 for x in _axes(a)))


def _atrous(a: Mapping[str, Any]) -> bool:
    return _on_tf(a) and not _direct(a)


def _atrous_padded(a: Mapping[str, Any]) -> Any:
    """``atrous_conv2d_transpose`` pads the input to a multiple of the rate: ``n + (-(L + P) mod d)``.

    L is Keras' length and P the SAME pad ``K - 1`` (0 for VALID); ``space_to_batch`` needs the
    result to divide by d, which fails only for 'same' with output_padding 0 and an even K.
    """
    d = a["dilation_rate"]
    total = L.effective_kernel(a["kernel_size"], d) - 1 if _mode(a) == "same" else 0
    return a["n"] + A.mod(-(layer_transposed_length(a) + total), d)


_ATROUS = (
    Requirement(
        "Conv2DTranspose with dilation: both dilation rates equal",
        lambda a: not _atrous(a) or len(set(_tuple(a, "dilation_rate"))) == 1,
        lambda a: (
            "Expected the 2 dimensions of the `dilation_rate` argument to be equal to each other. "
            f"Received: dilation_rate={_tuple(a, 'dilation_rate')}"
        ),
    ),
    Requirement(
        "Conv2DTranspose with dilation: space_to_batch's padded input divides by the rate",
        lambda a: not _atrous(a) or A.eq(A.mod(_atrous_padded(a), a["dilation_rate"]), 0),
        lambda a: (
            f"padded_shape[{a.get('_axis', 1)}]={_atrous_padded(a)} is not divisible by "
            f"block_shape[{a.get('_axis', 1)}]={a['dilation_rate']}"
        ),
        "InvalidArgumentError",
    ),
)


def _tf(index: int) -> Requirement:
    return on_tensorflow(index, length=layer_transposed_length, when=_direct)


CONV_TRANSPOSE = T._Op(
    framework=FRAMEWORK,
    name="tf.keras.layers.Conv1DTranspose",
    kind="conv_transpose",
    defaults=(
        ("kernel_size", None),
        ("strides", 1),
        ("padding", "valid"),
        ("output_padding", None),
        ("dilation_rate", 1),
        ("backend", None),
        ("kernels", None),
    ),
    length=layer_transposed_length,
    requires=(
        LAYER_PADDING,
        CAUSAL,
        STRIDES_WITH_DILATION,
        OUTPUT_PADDING_BELOW_STRIDES,
        Requirement(
            "padding is not causal (deconv_output_length asserts)",
            lambda a: _mode(a) != "causal",
            "",
            "AssertionError",
        ),
        _tf(0),  # CPU (Eigen): no dilation
        _tf(2),  # output_shape >= 0 (Eigen: refused)
        _tf(3),  # output_shape >= 0 (oneDNN: the process aborts)
        _tf(4),  # oneDNN: forward sizes of every axis >= 0
        _ATROUS[0],
        # per axis
        _tf(5),
        _tf(6),
        _tf(7),
        _ATROUS[1],
    ),
    source="tf_keras/src/layers/convolutional/conv1d_transpose.py::Conv1DTranspose.call",
    integer_args=("kernel_size", "strides", "output_padding", "dilation_rate"),
    validate=_layer_validate,
    per_axis_from=10,
    rank=1,
)


def _formula_length(a: Mapping[str, Any]) -> Any:
    return conv_formula(a["n"], a["kernel_size"], _mode(a), a["strides"], a["dilation_rate"])


def layer_conv_length(a: Mapping[str, Any]) -> Any:
    """The layer's length; run on TensorFlow's oneDNN kernels, an empty output comes back with the
    input's shape instead (``mkl_conv_ops.cc`` allocates ``src_tf_shape`` when any axis is 0)."""
    out = _formula_length(a)
    if a.get("backend") != "tensorflow" or a.get("kernels") != "onednn":
        return out
    return A.ite(A.or_(*[A.eq(_formula_length(x), 0) for x in a.get("_axes", [a])]), a["n"], out)


CONV = T._Op(
    framework=FRAMEWORK,
    name="tf.keras.layers.Conv1D",
    kind="conv",
    defaults=(
        ("kernel_size", None),
        ("strides", 1),
        ("padding", "valid"),
        ("dilation_rate", 1),
        ("backend", None),
        ("kernels", None),
    ),
    length=layer_conv_length,
    requires=(
        LAYER_PADDING,
        CAUSAL,
        STRIDES_WITH_DILATION,
        Requirement(
            "output length >= 0 (TensorShape refuses negative dims; 0 passes)",
            lambda a: _formula_length(a) >= 0,
            DOWNSAMPLING,
        ),
    ),
    source="tf_keras/src/layers/convolutional/base_conv.py::Conv.compute_output_shape",
    integer_args=("kernel_size", "strides", "dilation_rate"),
    validate=lambda a: _layer_validate({**a, "output_padding": None}),
    per_axis_from=3,
    rank=1,
)


# ---------------------------------------------------------------------------------------------
# public API


def _layer_rank(n: Any) -> None:
    if isinstance(n, (tuple, list)) and len(n) not in (1, 2):
        raise ParameterError("n", "must be an int (Conv1D*) or a 2-tuple (Conv2D*)", n)


def conv_length(
    n: Any,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    dilation_rate: Any = 1,
    backend: Any = None,
    kernels: str | None = None,
) -> Any:
    """Output length of ``tf.keras.layers.Conv1D`` (2-tuple ``n``: ``Conv2D``); 0 passes, negative is refused.

    The real call on TensorFlow's Eigen kernels gives the same length wherever this one is accepted;
    on oneDNN (``backend="tensorflow", kernels="onednn"``) a length-0 output comes back as the input.

    >>> conv_length(2, 3), conv_length(5, 3, 2, "causal")
    (0, 3)
    """
    _layer_rank(n)
    kwargs = dict(kernel_size=kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate)
    return T.dispatch(
        CONV, n, {**kwargs, "backend": backend, "kernels": kernels}, ("kernel_size", "strides", "dilation_rate")
    )


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    dilation_rate: Any = 1,
    backend: Any = None,
    kernels: str | None = None,
) -> Any:
    """Output length of ``tf.keras.layers.Conv1DTranspose`` (2-tuple ``n``: ``Conv2DTranspose``).

    ``kernels`` picks TensorFlow's CPU kernels ("eigen" or "onednn"; None: this machine's).

    >>> conv_transpose_length(3, 2, 2, "same", output_padding=0), conv_transpose_length(3, 3, 2, "valid")
    (4, 7)
    """
    _layer_rank(n)
    kwargs = dict(
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        output_padding=output_padding,
        dilation_rate=dilation_rate,
        backend=backend,
        kernels=kernels,
    )
    return T.dispatch(CONV_TRANSPOSE, n, kwargs, ("kernel_size", "strides", "output_padding", "dilation_rate"))


def deconv_output_length(
    input_length: Any, filter_size: Any, padding: str, output_padding: Any = None, stride: Any = 0, dilation: Any = 1
) -> Any:
    """``tf_keras.src.utils.conv_utils.deconv_output_length`` (the helper: also ``'full'``; stride defaults to 0).

    >>> deconv_output_length(3, 3, "full", None, 2), deconv_output_length(3, 3, "full", 1, 2)
    (3, 4)
    """
    return DECONV_OUTPUT_LENGTH(
        input_length,
        filter_size=filter_size,
        padding=padding,
        output_padding=output_padding,
        stride=stride,
        dilation=dilation,
    )


def conv_output_length(input_length: Any, filter_size: Any, padding: str, stride: Any, dilation: Any = 1) -> Any:
    """``tf_keras.src.utils.conv_utils.conv_output_length`` (may be 0 or negative: no check).

    >>> conv_output_length(2, 5, "valid", 2), conv_output_length(3, 3, "full", 2)
    (-1, 3)
    """
    return CONV_OUTPUT_LENGTH(input_length, filter_size=filter_size, padding=padding, stride=stride, dilation=dilation)


def deconv_length(
    dim_size: Any, stride_size: Any, kernel_size: Any, padding: str, output_padding: Any = None, dilation: Any = 1
) -> Any:
    """Classic Keras 2.x ``keras.utils.conv_utils.deconv_length`` (code-read; 2.2.4 signature).

    >>> deconv_length(3, 2, 3, "valid"), deconv_length(3, 2, 3, "full"), deconv_length(3, 2, 3, "same", 1)
    (7, 3, 6)
    """
    return DECONV_LENGTH(
        dim_size,
        stride_size=stride_size,
        kernel_size=kernel_size,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )


OPERATIONS: tuple[Operation, ...] = (CONV_TRANSPOSE, CONV, DECONV_OUTPUT_LENGTH, CONV_OUTPUT_LENGTH, DECONV_LENGTH)
