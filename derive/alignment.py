"""Which samples of the full transposed output each framework keeps: its crop window, per side.

A transposed convolution first spreads every input sample over the kernel taps,
``full[i·s + t·d] += x[i]·w[t]`` for ``i < n`` and ``t < k`` (``F = (n-1)·s + d·(k-1) + 1`` samples),
and then keeps a window of it: ``y[m] = full[start + m]`` for ``m < length`` (a sample outside
``0..F-1`` is 0: an output padding past the end, or a negative ``start``). Two layers with the
same weights compute the same function of the input exactly when their windows agree: the same
``start`` and the same ``length``. Equal lengths alone can keep samples shifted by one, e.g.
``torch padding=1, output_padding=1`` (start 1) against ``keras padding='same'`` at kernel 3,
stride 2 (start 0).

Each framework's ``start`` is data below, one function per framework of the call's bound arguments
(ints or SymPy, through :mod:`derive._arith`), from the code that decides it:

* torch ``ConvTranspose1d``: ``padding`` (``output_padding`` and ``output_size`` add at the end);
* TensorFlow ``conv2d_transpose`` (the gradient of ``conv2d``): the forward convolution's pad before,
  ``⌊max((n-1)·s + K - L, 0)/2⌋`` for ``'SAME'`` (``L`` = ``output_shape``), 0 for ``'VALID'``, ``lo``
  for explicit pads (``tensorflow/core/framework/kernel_shape_util.cc::GetWindowedOutputSizeVerbose``);
* Keras 3: the TensorFlow backend calls ``tf.nn.conv_transpose(output_shape=<Keras' length>)``
  (TensorFlow's split); jax calls ``lax.conv_transpose`` with the pads of
  ``_convert_conv_transpose_padding_args_from_keras_to_jax``, and torch (3.15) crops jax's window
  out of ``padding=0`` (``compute_conv_transpose_output_crops_for_torch``): the three agree wherever
  they all accept (``tests/test_alignment.py`` proves it), so Keras' own shape (no backend) has it too;
* tf_keras: ``tf.nn.conv1d_transpose`` with its ``deconv_output_length`` (TensorFlow's split);
* JAX ``lax.conv_transpose``: a correlation of the stride-stretched input padded ``(lo, hi)``, so
  ``start = K - 1 - lo`` (``lo`` from ``_conv_transpose_padding`` for ``'SAME'``/``'VALID'`` and
  consistent pads, from ``padtype_to_pads`` for a string at stride 1, else as given); without
  ``transpose_kernel`` the kernel is applied reversed (``flipped``: reverse it when porting weights);
* Flax ``ConvTranspose``: JAX's, with Flax's padding forms (``'CIRCULAR'`` wraps the ends round:
  no window);
* ONNX ``ConvTranspose``: the begin pad: the spec's split (``pads`` as given, derived pads with the
  odd unit at the end for ``SAME_UPPER``), the reference evaluator's (the same, floor division),
  onnxruntime's ``conv_transpose_attributes.h::DistributePadding`` where it derives the pads (from
  ``output_shape``, given pads or not, or for ``SAME_*``): the total clamped at 0, split as the spec
  splits it. Older onnxruntime sources put the odd unit the other way round; the 1.32 runs of
  ``tests/conformance/test_port_alignment.py`` decide. Shape inference computes no samples (no window);
* chainer, paddle (explicit pads, ``output_size`` or not; ``'VALID'``: 0; ``'SAME'`` at dilation 1: the begin
  pad of ``UpdatePaddingAndDilation``), tinygrad (an int or the pair's first) and mxnet: the (begin) pad. MXNet's
  oneDNN kernels crop the given ``pad`` even with ``target_shape``; its own kernels (``MXNET_MKLDNN_ENABLED=0``)
  the pad ``InferPad`` derives from ``target_shape``, and keep no window at all with a stride and a dilation both
  above 1 (apache/mxnet#13876). These four run in their side venvs:
  ``tests/conformance/test_port_alignment_side.py`` confirms them live;
* caffe: the pad, read from its code (``code-read``: not run here).

:func:`window` gives a call's window, or None where the framework's output is not a window of the
full output or its window is not modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import _arith as A

Args = Mapping[str, Any]


@dataclass(frozen=True)
class Window:
    """The samples a call keeps: ``y[m] = full[start + m]`` for ``m < length`` (ints or SymPy in ``n``)."""

    start: Any
    length: Any
    # the framework applies the kernel reversed (JAX/Flax without transpose_kernel): reverse it to port weights
    flipped: bool = False


@dataclass(frozen=True)
class Rule:
    """One framework's window start as data: a function of the bound call (with ``n`` and ``length``)."""

    # the start, or None where the call keeps no window (or it is not modelled)
    start: Callable[[Args], Any]
    # where the rule lives in the framework's source
    source: str
    # "live": checked with real runs by tests/conformance/test_port_alignment.py (main venv) or
    # test_port_alignment_side.py (mxnet, paddle, chainer, tinygrad in their side venvs); "code-read": from source only
    confirmed: str = "live"
    # whether the kernel is applied reversed
    flipped: Callable[[Args], bool] = lambda a: False
    # the output's layout: where the spatial axis is, for the paste-able crop
    channels_last: bool = False


def _K(a: Args, kernel: str, dilation: str | None) -> Any:
    d = 1 if dilation is None or a.get(dilation) is None else a[dilation]
    return d * (a[kernel] - 1) + 1


def _half(total: Any) -> Any:
    """⌊max(total, 0)/2⌋: TensorFlow's pad before."""
    return A.floordiv(A.maximum(total, 0), 2)


def _tf_same(n: Any, s: Any, K: Any, length: Any) -> Any:
    return _half((n - 1) * s + K - length)


# -- torch and the symmetric-pad frameworks ------------------------------------------------------------


def _torch(a: Args) -> Any:
    return a["padding"]


def _named(name: str) -> Callable[[Args], Any]:
    return lambda a: a[name]


def _mxnet_onednn(a: Args) -> Any:
    """oneDNN (the pip build's default) crops the given ``pad`` at the start, ``target_shape`` or not (live)."""
    return a["pad"]


def _mxnet(a: Args) -> Any:
    """MXNet's own CPU kernels (``MXNET_MKLDNN_ENABLED=0``): ``pad``, or with ``target_shape`` the derived pad,
    ``⌈(s·(n-1) + K - target_shape)/2⌉`` (``deconvolution-inl.h::InferPad``: ``(total + 1)/2``). With a stride and
    a dilation both above 1 (kernel > 1) mshadow's ``pack_col2patch`` scatters taps to the wrong samples
    (apache/mxnet#11203, #13876; live in 1.9.1): no window."""
    if a["stride"] != 1 and a["dilate"] != 1 and a["kernel"] != 1:
        return None
    target = a.get("target_shape")
    if target is None or (isinstance(target, int) and target == 0):  # 0 is "not set" to MXNet
        return a["pad"]
    return A.ceildiv(a["stride"] * (a["n"] - 1) + _K(a, "kernel", "dilate") - target, 2)


def _paddle(a: Args) -> Any:
    """The pad before (``output_size`` only sets the length); 'VALID' 0; 'SAME' ``⌊pad_sum/2⌋`` of
    ``conv_util.h::UpdatePaddingAndDilation``, which also sets the dilation to 1 (so a dilated 'SAME' call keeps
    no window of the dilated full output)."""
    p = a["padding"]
    if isinstance(p, str):
        mode = p.upper()
        if mode == "VALID":
            return 0
        if mode != "SAME" or a.get("dilation", 1) != 1:
            return None
        n, s = a["n"], a["stride"]
        return _half((A.ceildiv(n, s) - 1) * s + a["kernel_size"] - n)
    return p[0] if isinstance(p, (tuple, list)) else p


def _tinygrad(a: Args) -> Any:
    """An int or the (before, after) pair's before (``resolve_pool_pads``, one spatial axis)."""
    p = a["padding"]
    if isinstance(p, (tuple, list)):
        return p[0] if len(p) == 2 else None
    return p


# -- TensorFlow and Keras ------------------------------------------------------------------------------


def _tf(a: Args) -> Any:
    p, K = a["padding"], _K(a, "kernel_size", "dilations")
    if p == "SAME":
        return _tf_same(a["n"], a["strides"], K, a["length"])
    if p == "VALID":
        return 0
    if isinstance(p, (tuple, list)) and len(p) == 2 and not isinstance(p[0], (tuple, list)):
        return p[0]
    return None


def _keras(a: Args) -> Any:
    """TensorFlow's split of Keras' length (= jax's and torch's window, see the module docstring)."""
    mode = a["padding"].lower() if isinstance(a["padding"], str) else a["padding"]
    if mode == "valid":
        return 0
    if mode == "same":
        return _tf_same(a["n"], a["strides"], _K(a, "kernel_size", "dilation_rate"), a["length"])
    return None


def keras_jax_start(a: Args) -> Any:
    """Keras' jax (and torch, 3.15) backend: ``K - 1 - left_pad`` of ``_convert_..._from_keras_to_jax``."""
    K, s, op = _K(a, "kernel_size", "dilation_rate"), a["strides"], a["output_padding"]
    if a["padding"].lower() == "valid":
        return 0
    pad_len = s + K - 2 if op is None else K + A.mod(K, 2) - 2 + op
    left = A.minimum(A.ceildiv(pad_len, 2), K - 1)
    return K - 1 - left


# -- JAX and Flax --------------------------------------------------------------------------------------


def _jax_lo(padding: Any, K: Any, s: Any, consistent: bool) -> Any:
    """The low pad ``lax.conv_general_dilated`` gets on the stretched input (None: not a window)."""
    if padding in ("SAME", "VALID") or (consistent and not isinstance(padding, str)):
        if padding == "SAME":
            return A.ite(s > K - 1, K - 1, A.ceildiv(K + s - 2, 2))
        if padding == "VALID":
            return K - 1
        return K - 1 - padding[0][0]
    if isinstance(padding, str):  # stride 1 only: padtype_to_pads of a plain forward convolution
        mode = padding.upper()
        if mode == "SAME":
            return A.floordiv(K - 1, 2)
        if mode == "SAME_LOWER":
            return A.ceildiv(K - 1, 2)
        return 0 if mode == "VALID" else None
    return padding[0][0]


def _jax(a: Args) -> Any:
    K = _K(a, "kernel_size", "rhs_dilation")
    lo = _jax_lo(a["padding"], K, a["strides"], bool(a.get("use_consistent_padding")))
    return None if lo is None else K - 1 - lo


def _flax(a: Args) -> Any:
    p = a["padding"]
    if p == "CIRCULAR":
        return None  # the ends are folded round onto n·s samples: no window of the full output
    if isinstance(p, int) or A.is_symbolic(p):
        p = [(p, p)]
    elif isinstance(p, (tuple, list)) and len(p) == 1 and not isinstance(p[0], (tuple, list)):
        p = [(p[0], p[0])]
    K = _K(a, "kernel_size", "kernel_dilation")
    lo = _jax_lo(p, K, a["strides"], False)
    return None if lo is None else K - 1 - lo


def _unflipped(a: Args) -> bool:
    return not a.get("transpose_kernel")


# -- ONNX ----------------------------------------------------------------------------------------------


def _onnx_natural(a: Args) -> Any:
    return a["strides"] * (a["n"] - 1) + a["output_padding"] + _K(a, "kernel_shape", "dilations")


def _onnx_pads(a: Args) -> tuple[Any, Any]:
    p = a["pads"]
    return (0, 0) if p is None else (p[0], p[1])


def _onnx_spec(a: Args) -> Any:
    same = a["auto_pad"] in ("SAME_UPPER", "SAME_LOWER")
    if a.get("output_shape") is not None or same:
        target = a["output_shape"] if a.get("output_shape") is not None else a["n"] * a["strides"]
        total = _onnx_natural(a) - target
        half = A.floordiv(total, 2)
        return half if a["auto_pad"] == "SAME_UPPER" else total - half
    return 0 if a["auto_pad"] == "VALID" else _onnx_pads(a)[0]


def _onnx_reference(a: Args) -> Any:
    if not (a["pads"] is None and a["auto_pad"] in ("SAME_UPPER", "SAME_LOWER")):
        return _onnx_pads(a)[0]  # the reference crops the given pads (output_shape only sets the length)
    total = _onnx_natural(a) - a["length"]
    half = A.floordiv(total, 2)
    return half if a["auto_pad"] == "SAME_UPPER" else total - half


def _onnx_ort(a: Args) -> Any:
    if a.get("output_shape") is not None:
        total = A.maximum(0, _onnx_natural(a) - a["output_shape"])
    elif a["auto_pad"] in ("SAME_UPPER", "SAME_LOWER"):
        total = A.maximum(0, _onnx_natural(a) - a["n"] * a["strides"])
    else:
        return _onnx_pads(a)[0]
    half = A.floordiv(total, 2)
    return half if a["auto_pad"] == "SAME_UPPER" else total - half


def _none(a: Args) -> Any:
    return None


# -- the table -----------------------------------------------------------------------------------------

_KERAS = Rule(_keras, "keras/src/backend/tensorflow/nn.py::conv_transpose (tf.nn.conv_transpose)", channels_last=True)
_KERAS_JAX = Rule(
    keras_jax_start,
    "keras/src/backend/common/backend_utils.py::_convert_conv_transpose_padding_args_from_keras_to_jax",
    channels_last=True,
)
_TF_SPLIT = "tensorflow/core/framework/kernel_shape_util.cc::GetWindowedOutputSizeVerbose (pad before)"

#: (framework, backend) -> its window rule; the backend None entry is the framework's default
RULES: dict[tuple[str, str | None], Rule] = {
    ("torch", None): Rule(_torch, "torch/nn/modules/conv.py::ConvTranspose1d (padding on both sides)"),
    ("tensorflow", None): Rule(_tf, _TF_SPLIT, channels_last=True),
    ("keras", None): _KERAS,
    ("keras", "tensorflow"): _KERAS,
    ("keras", "jax"): _KERAS_JAX,
    ("keras", "torch"): Rule(
        keras_jax_start,
        "keras/src/backend/common/backend_utils.py::compute_conv_transpose_output_crops_for_torch",
        channels_last=True,
    ),
    ("keras2", None): Rule(_keras, "tf_keras/src/layers/convolutional/conv1d_transpose.py::call", channels_last=True),
    ("keras2", "tensorflow"): Rule(
        _keras, "tf_keras/src/layers/convolutional/conv1d_transpose.py::call", channels_last=True
    ),
    ("jax", None): Rule(_jax, "jax/_src/lax/convolution.py::conv_transpose", flipped=_unflipped),
    ("flax", None): Rule(_flax, "flax/linen/linear.py::ConvTranspose.__call__", flipped=_unflipped, channels_last=True),
    ("onnx", None): Rule(_onnx_spec, "onnx/defs/nn/defs.cc::ConvTransposeOpSchemaGenerator (pads, auto_pad)"),
    ("onnx", "reference"): Rule(_onnx_reference, "onnx/reference/ops/op_conv_transpose.py::ConvTranspose._run"),
    ("onnx", "onnxruntime"): Rule(
        _onnx_ort, "onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h::DistributePadding"
    ),
    ("onnx", "shape_inference"): Rule(_none, "onnx shape inference computes shapes, not samples"),
    ("caffe", None): Rule(_named("pad"), "caffe/src/caffe/layers/deconv_layer.cpp (col2im with pad)", "code-read"),
    ("chainer", None): Rule(_named("pad"), "chainer/functions/connection/deconvolution_nd.py (col2im_nd with pad)"),
    ("mxnet", None): Rule(_mxnet, "src/operator/nn/deconvolution-inl.h (pad, InferPad for target_shape)"),
    ("mxnet", "onednn"): Rule(_mxnet_onednn, "src/operator/nn/dnnl/dnnl_deconvolution.cc (pad)"),
    ("paddle", None): Rule(_paddle, "paddle/phi/kernels/cpu/conv_util.h::UpdatePaddingAndDilation (pad before)"),
    ("tinygrad", None): Rule(_tinygrad, "tinygrad/mixin/op.py::conv_transpose2d (the pad before)"),
}


def rule(framework: str, backend: str | None = None) -> Rule | None:
    """The window rule of a framework (and backend), or None where none is modelled (lasagne)."""
    return RULES.get((framework, backend), RULES.get((framework, None)) if backend is None else None)


def window(space: Any, n: Any, cfg: Mapping[str, Any], length: Any = None) -> Window | None:
    """The window of ``space``'s call ``cfg`` at input length ``n`` (an int or a SymPy symbol).

    ``length`` is the call's output length (computed with the framework model when not given);
    None where the framework keeps no window or its window is not modelled.
    """
    r = rule(space.framework, space.backend)
    if r is None:
        return None
    if length is None:
        length = space.symbolic(n, cfg)[0] if A.is_symbolic(n) else space.call(n, cfg)
    args = {**cfg, "n": n, "length": length}
    start = r.start(args)
    if start is None:
        return None
    return Window(start, length, bool(r.flipped(args)))


def full_output(x: list[float], w: list[float], s: int, d: int) -> list[float]:
    """The uncropped transposed output of a one-channel signal (what the windows index), for tests and probes."""
    k = len(w)
    out = [0.0] * ((len(x) - 1) * s + d * (k - 1) + 1)
    for i, xi in enumerate(x):
        for t, wt in enumerate(w):
            out[i * s + t * d] += xi * wt
    return out


def kept(full: list[float], win: Window) -> list[float]:
    """``full[start : start + length]`` with zeros outside ``full`` (a numeric window)."""
    return [full[j] if 0 <= j < len(full) else 0.0 for j in range(win.start, win.start + win.length)]
