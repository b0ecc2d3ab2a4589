"""BVLC Caffe: the ``Convolution`` and ``Deconvolution`` layers (``convolution_param``), per spatial axis.

**Code-read, not run**: Caffe is not pip-installable (it needs a C++ build with protobuf, glog,
BLAS and Boost), so these models come from the source only. Sources read at ``BVLC/caffe`` HEAD
``9b891540183ddc834a02b2bd81b31afae71b2153`` (2020-02-13, the last commit):

* ``src/caffe/layers/conv_layer.cpp::ConvolutionLayer::compute_output_shape`` —
  ``output_dim = (input_dim + 2 * pad - kernel_extent) / stride + 1`` in C ``int`` arithmetic (division
  truncates toward zero), ``kernel_extent = dilation * (kernel - 1) + 1``;
* ``src/caffe/layers/deconv_layer.cpp::DeconvolutionLayer::compute_output_shape`` —
  ``output_dim = stride * (input_dim - 1) + kernel_extent - 2 * pad``;
* ``src/caffe/layers/base_conv_layer.cpp::BaseConvolutionLayer::LayerSetUp`` —
  ``CHECK_GT(kernel_shape_data[i], 0) << "Filter dimensions must be nonzero."``,
  ``CHECK_GT(stride_data[i], 0) << "Stride dimensions must be nonzero."``; dilation is not checked
  (0 makes the kernel extent 1);
* ``src/caffe/blob.cpp::Blob::Reshape`` — ``CHECK_GE(shape[i], 0)``: a zero-length output is allowed, a
  negative one aborts the process (glog fatal ``Check failed: shape[i] >= 0 (-1 vs. 0)``);
* ``src/caffe/proto/caffe.proto`` — ``kernel_size``, ``stride``, ``pad``, ``dilation`` are ``repeated uint32``
  (negative values cannot be written; derive raises ParameterError for them).

What it does: there is **no output_padding / adj and no output size**: a Deconvolution has exactly one
length, ``s(n-1) + K - 2p``, the smallest preimage of its forward convolution; the other
``s-1`` lengths cannot be produced. The forward length truncates, so a padded input shorter
than the kernel by less than ``s`` still gives length 1 (``0 > n+2p-K > -s``), by ``s .. 2s-1``
gives 0, and only more aborts.
"""

from __future__ import annotations

from ... import _arith as A
from ...errors import ParameterError
from .. import _axes
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

FRAMEWORK = "caffe"
_FATAL = "glog CHECK (fatal: aborts the process)"
_SOURCE_COMMIT = "9b891540183ddc834a02b2bd81b31afae71b2153"


def _K(a: Mapping[str, Any]) -> Any:
    return a["dilation"] * (a["kernel_size"] - 1) + 1


_KERNEL = Requirement(
    "kernel_size > 0",
    lambda a: a["kernel_size"] > 0,
    "Check failed: kernel_shape_data[i] > 0 (0 vs. 0) Filter dimensions must be nonzero.",
    _FATAL,
)
_STRIDE = Requirement(
    "stride > 0",
    lambda a: a["stride"] > 0,
    "Check failed: stride_data[i] > 0 (0 vs. 0) Stride dimensions must be nonzero.",
    _FATAL,
)


def _blob(length) -> Requirement:
    return Requirement(
        "output length >= 0 (Blob::Reshape)",
        lambda a: length(a) >= 0,
        lambda a: f"Check failed: shape[i] >= 0 ({length(a)} vs. 0)",
        _FATAL,
    )


def _fwd_length(a: Mapping[str, Any]) -> Any:
    return A.truncdiv(a["n"] + 2 * a["pad"] - _K(a), a["stride"]) + 1


def _tr_length(a: Mapping[str, Any]) -> Any:
    return a["stride"] * (a["n"] - 1) + _K(a) - 2 * a["pad"]


_DEFAULTS = (("kernel_size", None), ("stride", 1), ("pad", 0), ("dilation", 1))

CONVOLUTION = Operation(
    framework=FRAMEWORK,
    name="caffe Convolution layer",
    kind="conv",
    defaults=_DEFAULTS,
    length=_fwd_length,
    requires=(_KERNEL, _STRIDE, _blob(_fwd_length)),
    source=f"src/caffe/layers/conv_layer.cpp::ConvolutionLayer::compute_output_shape @ {_SOURCE_COMMIT[:8]}",
    confirmed="code-read",
    integer_args=("kernel_size", "stride", "pad", "dilation"),
)

DECONVOLUTION = Operation(
    framework=FRAMEWORK,
    name="caffe Deconvolution layer",
    kind="conv_transpose",
    defaults=_DEFAULTS,
    length=_tr_length,
    requires=(_KERNEL, _STRIDE, _blob(_tr_length)),
    source=f"src/caffe/layers/deconv_layer.cpp::DeconvolutionLayer::compute_output_shape @ {_SOURCE_COMMIT[:8]}",
    confirmed="code-read",
    integer_args=("kernel_size", "stride", "pad", "dilation"),
)


def _validate(args: Mapping[str, Any]) -> None:
    # uint32 in caffe.proto: a negative value cannot even be written in a prototxt
    for key in ("kernel_size", "stride", "pad", "dilation"):
        if key in args:
            A.param(key, args[key], 0)


def _run(op: Operation, n: Any, kw: dict[str, Any]) -> Any:
    if not isinstance(n, (tuple, list)):
        _validate(kw)
        return op(n, **kw)
    axes = []
    for i in range(len(n)):
        args = {}
        for key, value in kw.items():
            if isinstance(value, (tuple, list)):
                # caffe.proto: a repeated field is given once (all axes) or once per axis
                if len(value) not in (1, len(n)):
                    raise ParameterError(key, f"must be given once or {len(n)} times, one per axis", value)
                value = value[0] if len(value) == 1 else value[i]
            args[key] = value
        _validate(args)
        axes.append(op.bind(n[i], args))
    _axes.check_each(op, axes)  # LayerSetUp checks every axis, then Reshape does
    return tuple(op.length(a) for a in axes)


def conv_length(n: Any, kernel_size: Any, stride: Any = 1, pad: Any = 0, dilation: Any = 1) -> Any:
    """Output length of a ``Convolution`` layer: ``trunc((n + 2 pad - K)/stride) + 1``."""
    return _run(CONVOLUTION, n, dict(kernel_size=kernel_size, stride=stride, pad=pad, dilation=dilation))


def conv_transpose_length(n: Any, kernel_size: Any, stride: Any = 1, pad: Any = 0, dilation: Any = 1) -> Any:
    """Output length of a ``Deconvolution`` layer: ``stride (n-1) + K - 2 pad`` (there is no output padding)."""
    return _run(DECONVOLUTION, n, dict(kernel_size=kernel_size, stride=stride, pad=pad, dilation=dilation))
