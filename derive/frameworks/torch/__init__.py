"""PyTorch: the output lengths of ``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d``, modules and functionals.

What is modelled, per spatial axis (N-d = the same rule per axis, with N-d error texts):

* forward convolution ``⌊(n + lo + hi − K)/s⌋ + 1`` with ``K = d(k−1)+1``; ``padding`` an int,
  ``'valid'`` (0, 0) or ``'same'`` (stride 1 only; ``(⌊d(k−1)/2⌋, ⌈d(k−1)/2⌉)``, the odd unit on
  the right, whatever ``n``);
* transposed convolution ``L0 + output_padding`` with ``L0 = (n−1)s − 2p + d(k−1) + 1``; the
  module's ``forward(input, output_size=X)`` accepts ``L0 ≤ X ≤ L0 + s − 1`` (dilation is ignored
  there) and then passes ``output_padding = X − L0``, ignoring its own ``output_padding``;
* every refusal, in the order torch makes its checks, with torch's own text (``FrameworkError``).

``api="module"`` (``torch.nn.Conv1d(...)(x)``, ``torch.nn.ConvTranspose1d(...)(x, output_size)``)
and ``api="functional"`` (``torch.nn.functional.conv1d`` / ``conv_transpose1d``) differ only in the
padding-string errors and in ``output_size`` (module only).

The model is the canonical CPU call: float32, batch 1, one channel. Torch picks its backend from
the arguments (``ConvParams::use_mkldnn``): its native kernels, or oneDNN when both trailing kernel
sizes exceed 3 (2-D/3-D), or ``size(2)·size(3) > 20480`` (1-D: ``n > 20480``), unless a transposed
call has ``output_padding >= stride``. Both are modelled: oneDNN *returns* a zero-length transposed
output (native: "Output size is too small") and words the dilation-0 and negative-length refusals
its own way. With batch × channels > 1 torch always uses oneDNN (not modelled: such calls accept
every length this model gives, plus zero lengths). Symbolic calls follow the native kernels.

Outside the model (``ParameterError``): ``kernel_size < 1`` (torch refuses it with backend-specific
texts), ``n < 0``, negative dilation with ``padding='same'`` (torch's result then depends on the
kernel's parity through C++ truncation), dilation 0 on a oneDNN transposed call (accepted for some
kernels and strides, refused for others), and the empty padding string on ConvTranspose modules.

Checked against torch 2.13.0+cpu by derive/frameworks/torch/tests/probe.py (real ops on tiny tensors).
Sources read:

* torch/nn/modules/conv.py::_ConvNd.__init__, _ConvTransposeNd._output_padding,
  ConvTranspose1d.forward (installed 2.13.0);
* aten/src/ATen/native/Convolution.cpp::check_shape_forward, convolution_same,
  _convolution_mode, _select_conv_backend;
* aten/src/ATen/native/NaiveConvolutionTranspose2d.cpp::slow_conv_transpose2d_shape_check
  (and the 3-D analogue), aten/src/ATen/native/Pool.h::pooling_same_mode_padding_lr.
"""

from __future__ import annotations

from ... import _arith as A
from ..._record import record
from ...errors import FrameworkError, ParameterError
from ...lengths import effective_kernel
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from .._model import Args

    #: per-axis argument dicts of one call: 1 for Conv1d, 2 for Conv2d, 3 for Conv3d
    Axes = list[Args]

FRAMEWORK = "torch"
#: the version the model was checked against
VERSION = "2.13.0"

APIS = ("module", "functional")


@record
class _Check(Requirement):
    """A requirement whose message is written once for 1, 2 or 3 spatial axes (``nd``)."""

    # the message of an N-d call, from the per-axis arguments
    nd: Callable[[Axes], str] = lambda axes: ""


def _check(rule: str, holds: Callable[[Args], Any], nd: Callable[[Axes], str], error: str = "RuntimeError") -> _Check:
    return _Check(rule, holds, lambda a: nd([a]), error, nd)


# ---------------------------------------------------------------- message helpers


def _vals(axes: Axes, key: str | Callable[[Args], Any]) -> list[Any]:
    return [key(a) if callable(key) else a[key] for a in axes]


def _as2d(values: list[Any], fake: Any) -> list[Any]:
    """Torch runs 1-D convolutions as 2-D ones with a height of 1: messages show that fake axis."""
    return [fake, *values] if len(values) == 1 else values


def _names(ndim: int) -> tuple[str, ...]:
    return ("depth", "height", "width") if ndim == 3 else ("height", "width")


def _x(values: list[Any]) -> str:
    return " x ".join(str(v) for v in values)


def _list(values: list[Any]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def _fields(prefix: str, values: list[Any], sep: str) -> str:
    return sep.join(f"{prefix}_{name}: {v}" for name, v in zip(_names(len(values)), values, strict=True))


# ---------------------------------------------------------------- per-axis quantities


def _kernel(a: Args) -> Any:
    return effective_kernel(a["kernel_size"], a["dilation"])


def _same_split(kernel_size: Any, dilation: Any) -> tuple[Any, Any]:
    """Torch's 'same' padding: total d(k-1), left ⌊total/2⌋, the odd unit on the right (stride 1)."""
    total = dilation * (kernel_size - 1)
    lo = A.floordiv(total, 2)
    return lo, total - lo


def _is_same(padding: Any) -> bool:
    # never compare a SymPy value with a str: SymPy would parse the string
    return isinstance(padding, str) and padding == "same"


def _fwd_pads(a: Args) -> tuple[Any, Any]:
    p = a["padding"]
    if _is_same(p):
        return _same_split(a["kernel_size"], a["dilation"])
    if isinstance(p, str):  # 'valid' (an invalid string is refused before this matters)
        return 0, 0
    return p, p


def _padded(a: Args) -> Any:
    """The length check_shape_forward compares with the kernel (for 'same': after the extra right pad)."""
    lo, hi = _fwd_pads(a)
    return a["n"] + lo + hi


def _fwd_length(a: Args) -> Any:
    return A.floordiv(_padded(a) - _kernel(a), a["stride"]) + 1


def _int_pad(a: Args) -> Any:
    p = a["padding"]
    return 0 if isinstance(p, str) else p


def _min_length(a: Args) -> Any:
    """``L0``: the transposed length without output padding (the module's smallest output_size)."""
    return (a["n"] - 1) * a["stride"] - 2 * _int_pad(a) + a["dilation"] * (a["kernel_size"] - 1) + 1


def _output_padding(a: Args) -> Any:
    """The output padding the kernel receives: ``output_size − L0`` when the caller picks the size."""
    if a.get("output_size") is None:
        return a["output_padding"]
    return a["output_size"] - _min_length(a)


def _transposed_length(a: Args) -> Any:
    if a.get("output_size") is not None:
        return a["output_size"]
    return _min_length(a) + a["output_padding"]


def _onednn(axes: Axes) -> bool:
    """Whether CPU torch runs this batch-1, one-channel float32 call through oneDNN, not its own kernels.

    Convolution.cpp::ConvParams::use_mkldnn, for more than one intra-op thread: both trailing kernel
    sizes > 3, or ``N·C·size(2)·size(3) > 20480`` (1-D inputs are viewed as (1, 1, 1, n); a 3-D input's
    last axis is not counted); never for a transposed call with ``output_padding >= stride`` on some
    axis. Symbolic calls are taken to use the native kernels. ``_run`` stores the answer per axis.
    """
    if "_onednn" in axes[0]:
        return axes[0]["_onednn"]
    a = axes[0]
    if len(axes) == 1 and type(a["n"]) is int and type(a["kernel_size"]) is int:
        # 1-D ints, viewed as (1, 1, 1, n): the kernel test fails on the fake height of 1
        if "output_padding" not in a:
            return a["n"] > 20480
        op = _output_padding(a)
        if type(op) is int and type(a["stride"]) is int:
            return op < a["stride"] and a["n"] > 20480
    ns, ks = _as2d(_vals(axes, "n"), 1), _as2d(_vals(axes, "kernel_size"), 1)
    transposed = "output_padding" in axes[0]
    ops = _vals(axes, _output_padding) if transposed else []
    if A.is_symbolic(*ns, *ks, *ops, *_vals(axes, "stride")):
        return False
    if transposed and any(op >= a["stride"] for op, a in zip(ops, axes, strict=True)):
        return False  # is_output_padding_big
    return (ks[-1] > 3 and ks[-2] > 3) or ns[0] * ns[1] > 20480


_ONEDNN_DECONVOLUTION = "could not create a primitive descriptor for the deconvolution forward propagation primitive"


# ---------------------------------------------------------------- the checks, in torch's order

# padding strings (before anything else: argument parsing, the module constructor, _convolution_mode)
_MODULE_PADDING_STRING = _check(
    "padding is an int, 'valid' or 'same'",
    lambda a: not isinstance(a["padding"], str) or a["padding"] in ("same", "valid"),
    # the rest of the text prints a set, whose order changes with PYTHONHASHSEED
    lambda axes: f"Invalid padding string {axes[0]['padding']!r}, should be one of {{",
    "ValueError",
)
_FUNCTIONAL_PADDING_STRING = _check(
    "padding is an int, 'valid' or 'same'",
    lambda a: not isinstance(a["padding"], str) or a["padding"] in ("same", "valid"),
    lambda axes: f"Invalid padding string: '{axes[0]['padding']}'",
)
_SAME_STRIDE_TEXT = "padding='same' is not supported for strided convolutions"
_MODULE_SAME_STRIDE = _check(
    "padding='same' needs stride 1",
    lambda a: A.eq(a["stride"], 1) if _is_same(a["padding"]) else True,
    lambda axes: _SAME_STRIDE_TEXT,
    "ValueError",
)
_FUNCTIONAL_SAME_STRIDE = _check(
    "padding='same' needs stride 1",
    lambda a: A.eq(a["stride"], 1) if _is_same(a["padding"]) else True,
    lambda axes: _SAME_STRIDE_TEXT,
)
_TRANSPOSED_FUNCTIONAL_STRING = _check(
    "padding is an int",
    lambda a: not isinstance(a["padding"], str),
    lambda axes: f"conv_transpose{len(axes)}d(): argument 'padding' must be tuple of ints, not str",
    "TypeError",
)
# _ntuple turns 'same' into ('s','a','m','e'): the constructor accepts it, forward fails
_TRANSPOSED_MODULE_STRING = _check(
    "padding is an int",
    lambda a: not isinstance(a["padding"], str),
    lambda axes: (
        f"conv_transpose{len(axes)}d(): argument 'padding' (position 5) must be tuple of ints, "
        "but found element of type str at pos 0"
        if axes[0].get("output_size") is None
        # _output_padding computes (n-1)*stride - 2*'s'
        else "unsupported operand type(s) for -: 'int' and 'str'"
    ),
    "TypeError",
)
# ConvTranspose{1,2,3}d.forward -> _output_padding, in Python, before any C++ check
_OUTPUT_SIZE_RANGE = _check(
    "L0 <= output_size <= L0 + stride - 1",
    lambda a: (
        True
        if a.get("output_size") is None
        else A.and_(_min_length(a) <= a["output_size"], a["output_size"] <= _min_length(a) + a["stride"] - 1)
    ),
    lambda axes: (
        f"requested an output size of {_list(_vals(axes, 'output_size'))}, but valid sizes range from "
        f"{_list(_vals(axes, _min_length))} to {_list([_min_length(a) + a['stride'] - 1 for a in axes])} "
        f"(for an input of torch.Size({_list(_vals(axes, 'n'))}))"
    ),
    "ValueError",
)
# Convolution.cpp::check_shape_forward
_PADDING = _check("padding >= 0", lambda a: _int_pad(a) >= 0, lambda axes: "negative padding is not supported")
_OUTPUT_PADDING = _check(
    "output_padding >= 0", lambda a: _output_padding(a) >= 0, lambda axes: "negative output_padding is not supported"
)
_STRIDE = _check("stride > 0", lambda a: a["stride"] > 0, lambda axes: "non-positive stride is not supported")
_DILATION_SIGN = _check(
    "dilation >= 0", lambda a: a["dilation"] >= 0, lambda axes: "dilation should be greater than zero"
)
_KERNEL_FITS = _check(
    "n + lo + hi >= dilation*(kernel_size-1) + 1",
    lambda a: _padded(a) >= _kernel(a),
    lambda axes: (
        f"Calculated padded input size per channel: ({_x(_vals(axes, _padded))}). "
        f"Kernel size: ({_x(_vals(axes, _kernel))}). Kernel size can't be greater than actual input size"
    ),
)
# Convolution.cpp::_select_conv_backend (after 1-D inputs are viewed as 2-D)
_NONEMPTY = _check(
    "n > 0",
    lambda a: a["n"] > 0,
    lambda axes: (
        "Only zero batch or zero channel inputs are supported, but got input shape: "
        + _list([1, 1, *_as2d(_vals(axes, "n"), 1)])
    ),
)
# the native kernels' shape checks
# the native kernels' shape checks; oneDNN words these three refusals its own way
_FORWARD_DILATION = _check(
    "dilation > 0",
    lambda a: a["dilation"] > 0,
    lambda axes: (
        "non-positive dilation is not supported"
        if _onednn(axes)
        else f"dilation should be greater than zero, but got {_list(_as2d(_vals(axes, 'dilation'), 1))}"
    ),
)


def _transposed_dilation_positive(a: Args) -> Any:
    if _onednn([a]) and not A.is_symbolic(a["dilation"]) and a["dilation"] == 0:
        # oneDNN accepts dilation 0 for some kernels and strides and refuses it for others
        raise ParameterError("dilation", "must be positive when torch runs the call through oneDNN", 0)
    return a["dilation"] > 0


_TRANSPOSED_DILATION = _check(
    "dilation > 0",
    _transposed_dilation_positive,
    lambda axes: (
        ("dimensions are invalid" if len(axes) == 3 else _ONEDNN_DECONVOLUTION)
        if _onednn(axes)
        else "dilation should be greater than zero, but got "
        + _fields("dilation", _as2d(_vals(axes, "dilation"), 1), ", ")
    ),
)
_OUTPUT_PADDING_RULE = _check(
    "output_padding < stride or output_padding < dilation",
    lambda a: A.or_(_output_padding(a) < a["stride"], _output_padding(a) < a["dilation"]),
    lambda axes: (
        "output padding must be smaller than either stride or dilation, but got "
        + " ".join(
            _fields(name, _as2d(_vals(axes, key), fake), " ")
            for name, key, fake in (
                ("output_padding", _output_padding, 0),
                ("stride", "stride", 1),
                ("dilation", "dilation", 1),
            )
        )
    ),
)
_OUTPUT_SIZE = _check(
    "output length >= 1 (oneDNN: >= 0)",
    # oneDNN returns an empty tensor for a zero length; the native kernels refuse it
    lambda a: _transposed_length(a) >= (0 if _onednn([a]) else 1),
    lambda axes: (
        "could not construct a memory descriptor using a format tag"
        if _onednn(axes)
        else f"Given input size per channel: ({_x(_as2d(_vals(axes, 'n'), 1))}). "
        f"Calculated output size per channel: ({_x(_as2d(_vals(axes, _transposed_length), 1))}). "
        "Output size is too small"
    ),
)

_FORWARD_CHECKS = (_PADDING, _STRIDE, _DILATION_SIGN, _KERNEL_FITS, _NONEMPTY, _FORWARD_DILATION)
_TRANSPOSED_CHECKS = (
    _PADDING,
    _OUTPUT_PADDING,
    _STRIDE,
    _DILATION_SIGN,
    _NONEMPTY,
    _TRANSPOSED_DILATION,
    _OUTPUT_PADDING_RULE,
    _OUTPUT_SIZE,
)

_CONV_DEFAULTS = (("kernel_size", None), ("stride", 1), ("padding", 0), ("dilation", 1))
_TRANSPOSED_DEFAULTS = (("kernel_size", None), ("stride", 1), ("padding", 0), ("output_padding", 0), ("dilation", 1))
_CONV_INTS = ("kernel_size", "stride", "padding", "dilation")
_TRANSPOSED_INTS = (*_CONV_INTS, "output_padding", "output_size")

_FORWARD_SOURCE = (
    "torch/nn/modules/conv.py::_ConvNd.__init__; aten/src/ATen/native/Convolution.cpp::"
    "_convolution_mode, convolution_same, check_shape_forward, _select_conv_backend; ConvUtils.h::conv_output_size"
)
_TRANSPOSED_SOURCE = (
    "aten/src/ATen/native/Convolution.cpp::check_shape_forward, _select_conv_backend; "
    "NaiveConvolutionTranspose2d.cpp::slow_conv_transpose2d_shape_check; ConvUtils.h::conv_input_size"
)

#: ``torch.nn.Conv1d(1, 1, kernel_size, stride, padding, dilation)(x)``
CONV1D = Operation(
    framework=FRAMEWORK,
    name="torch.nn.Conv1d",
    kind="conv",
    defaults=_CONV_DEFAULTS,
    length=_fwd_length,
    requires=(_MODULE_PADDING_STRING, _MODULE_SAME_STRIDE, *_FORWARD_CHECKS),
    source=_FORWARD_SOURCE,
    integer_args=_CONV_INTS,
)
#: ``torch.nn.functional.conv1d(x, w, stride=..., padding=..., dilation=...)``
CONV1D_FUNCTIONAL = Operation(
    framework=FRAMEWORK,
    name="torch.nn.functional.conv1d",
    kind="conv",
    defaults=_CONV_DEFAULTS,
    length=_fwd_length,
    requires=(_FUNCTIONAL_PADDING_STRING, _FUNCTIONAL_SAME_STRIDE, *_FORWARD_CHECKS),
    source=_FORWARD_SOURCE,
    integer_args=_CONV_INTS,
)
#: ``torch.nn.ConvTranspose1d(1, 1, kernel_size, stride, padding, output_padding, dilation=...)(x, output_size)``
CONV_TRANSPOSE1D = Operation(
    framework=FRAMEWORK,
    name="torch.nn.ConvTranspose1d",
    kind="conv_transpose",
    defaults=(*_TRANSPOSED_DEFAULTS, ("output_size", None)),
    length=_transposed_length,
    requires=(_TRANSPOSED_MODULE_STRING, _OUTPUT_SIZE_RANGE, *_TRANSPOSED_CHECKS),
    accepted=lambda a: (A.maximum(_min_length(a), 0 if _onednn([a]) else 1), _min_length(a) + a["stride"] - 1),
    source="torch/nn/modules/conv.py::_ConvTransposeNd._output_padding, ConvTranspose1d.forward; " + _TRANSPOSED_SOURCE,
    integer_args=_TRANSPOSED_INTS,
)
#: ``torch.nn.functional.conv_transpose1d(x, w, stride=..., padding=..., output_padding=..., dilation=...)``
CONV_TRANSPOSE1D_FUNCTIONAL = Operation(
    framework=FRAMEWORK,
    name="torch.nn.functional.conv_transpose1d",
    kind="conv_transpose",
    defaults=_TRANSPOSED_DEFAULTS,
    length=_transposed_length,
    requires=(_TRANSPOSED_FUNCTIONAL_STRING, *_TRANSPOSED_CHECKS),
    source=_TRANSPOSED_SOURCE,
    integer_args=_TRANSPOSED_INTS,
)

OPERATIONS = (CONV1D, CONV1D_FUNCTIONAL, CONV_TRANSPOSE1D, CONV_TRANSPOSE1D_FUNCTIONAL)

_OPS = {
    ("conv", "module"): CONV1D,
    ("conv", "functional"): CONV1D_FUNCTIONAL,
    ("conv_transpose", "module"): CONV_TRANSPOSE1D,
    ("conv_transpose", "functional"): CONV_TRANSPOSE1D_FUNCTIONAL,
}


# ---------------------------------------------------------------- calls


def _operation(kind: str, api: str) -> Operation:
    if api not in APIS:
        raise ParameterError("api", "must be 'module' or 'functional'", api)
    return _OPS[kind, api]


def _split_axes(n: Any, kwargs: Mapping[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """Per-axis keyword dicts (ints broadcast over the axes) and whether the call was N-d (tuples)."""
    given = {"n": n, **kwargs}
    sizes = {len(v) for v in given.values() if isinstance(v, (tuple, list))}
    if not sizes:
        return [given], False
    if len(sizes) > 1:
        raise ParameterError("arguments", "per-axis tuples must all have the same length", given)
    (ndim,) = sizes
    if not 1 <= ndim <= 3:
        raise ParameterError("arguments", "per-axis tuples must have 1, 2 or 3 entries (Conv1d..Conv3d)", given)
    return [{k: v[i] if isinstance(v, (tuple, list)) else v for k, v in given.items()} for i in range(ndim)], True


def _domain(op: Operation, a: Args) -> None:
    """derive's own limits of the model (torch's behaviour outside them is backend-specific)."""
    n, k = a["n"], a["kernel_size"]
    if type(n) is not int or n < 0:
        A.param("n", n, 0)
    if type(k) is not int or k < 1:
        A.param("kernel_size", k, 1)
    padding = a["padding"]
    if _is_same(padding):
        d = a["dilation"]
        if not A.is_symbolic(d) and isinstance(d, int) and d < 0:
            raise ParameterError(
                "dilation", "must be >= 0 with padding='same' (torch's errors then depend on the kernel's parity)", d
            )
    elif isinstance(padding, str) and not padding and op is CONV_TRANSPOSE1D:
        # _single('') is (): torch fails on the tuple's length, with texts outside this model
        raise ParameterError("padding", "must not be the empty string on ConvTranspose modules", padding)
    elif not isinstance(padding, str):
        A.param("padding", padding)


def _mark_backend(axes: Axes) -> None:
    """The backend is chosen for the whole call: record it on every axis for the per-axis checks."""
    onednn = _onednn(axes)
    for a in axes:
        a["_onednn"] = onednn  # type: ignore[index]


def _run(op: Operation, n: Any, kwargs: Mapping[str, Any]) -> tuple[list[Args], bool]:
    """Bind and check one call (every axis, each check in torch's order); the per-axis args."""
    per_axis, nd = _split_axes(n, kwargs)
    axes = []
    for raw in per_axis:
        axis_n = raw.pop("n")
        args = op.bind(axis_n, raw)
        _domain(op, args)
        axes.append(args)
    _mark_backend(axes)
    for r in op.requires:
        for a in axes:  # plain loops: this runs on every numeric call (the solver verifies each answer)
            held = r.holds(a)
            if held is False or (held is not True and A.is_false(held)):
                text = r.nd(axes) if isinstance(r, _Check) else r.text(axes[0])
                raise FrameworkError(FRAMEWORK, text, r.error, r.rule)
    return axes, nd


def _result(values: list[Any], nd: bool) -> Any:
    return tuple(values) if nd else values[0]


def conv_length(
    n: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1, *, api: str = "module"
) -> Any:
    """Output length of ``torch.nn.Conv{1,2,3}d`` (``api="module"``) or ``torch.nn.functional.conv{1,2,3}d``.

    Ints give the 1-D length; per-axis tuples give a tuple (the 2-D/3-D op). ``padding`` is an int
    (or a per-axis tuple), ``'valid'`` or ``'same'``. SymPy integers give a SymPy expression.

    >>> conv_length(7, 3, stride=2, padding=1)
    4
    >>> conv_length((5, 6), 3, padding="same")
    (5, 6)

    Raises:
        FrameworkError: where torch refuses the call, with torch's own message, e.g.
            ``conv_length(2, 5)`` -> "Calculated padded input size per channel: (2). Kernel size: (5). ...".
        ParameterError: for calls outside the model (non-integers, ``kernel_size < 1``, ...).
    """
    op = _operation("conv", api)
    axes, nd = _run(op, n, {"kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation})
    return _result([op.length(a) for a in axes], nd)


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    output_size: Any = None,
    *,
    api: str = "module",
) -> Any:
    """Output length of ``torch.nn.ConvTranspose{1,2,3}d`` or ``torch.nn.functional.conv_transpose{1,2,3}d``.

    ``(n−1)·stride − 2·padding + dilation·(kernel_size−1) + output_padding + 1``. With
    ``output_size`` (module only: ``forward(input, output_size=...)``) the result is ``output_size``
    when it lies in :func:`accepted_lengths`; torch then ignores ``output_padding``.

    >>> conv_transpose_length(3, 3, stride=2, padding=1, output_padding=1)
    6
    >>> conv_transpose_length(3, 3, stride=1, dilation=3, output_padding=2)  # op < dilation is enough
    11

    Raises:
        FrameworkError: where torch refuses the call, with torch's own message (e.g. "output padding
            must be smaller than either stride or dilation, but got output_padding_height: 0 ...").
        ParameterError: for calls outside the model, or ``output_size`` with ``api="functional"``.
    """
    op = _operation("conv_transpose", api)
    kwargs = {
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "dilation": dilation,
    }
    if output_size is not None:
        kwargs["output_size"] = output_size
    axes, nd = _run(op, n, kwargs)
    return _result([op.length(a) for a in axes], nd)


def accepted_lengths(n: Any, kernel_size: Any, stride: Any = 1, padding: Any = 0, dilation: Any = 1) -> tuple[Any, Any]:
    """The ``output_size`` values ``ConvTranspose{1,2,3}d.forward`` accepts and returns, as ``(lo, hi)``.

    Torch's own range is ``[L0, L0 + stride − 1]`` (``L0`` the length without output padding; the
    range ignores dilation although the kernel would accept ``output_padding < dilation``); sizes
    below 1 in it are then refused by the kernel, so ``lo = max(L0, 1)``. Per-axis tuples give
    ``(lo_tuple, hi_tuple)``. A numeric call that accepts nothing raises what torch says for
    ``output_size = L0``; a symbolic call returns the bounds without checks.

    >>> accepted_lengths(3, 3, stride=2, padding=1)
    (5, 6)
    """
    kwargs = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "dilation": dilation}
    per_axis, nd = _split_axes(n, kwargs)
    axes = []
    for raw in per_axis:
        axis_n = raw.pop("n")
        args = CONV_TRANSPOSE1D.bind(axis_n, raw)
        _domain(CONV_TRANSPOSE1D, args)
        axes.append(args)
    _mark_backend(axes)
    bounds = [CONV_TRANSPOSE1D.accepted(a) for a in axes]  # type: ignore[misc]
    numeric = not any(A.is_symbolic(*lo_hi) for lo_hi in bounds)
    if numeric and (any(isinstance(a["padding"], str) for a in axes) or any(lo > hi for lo, hi in bounds)):
        conv_transpose_length(n, kernel_size, stride, padding, 0, dilation, _result(_vals(axes, _min_length), nd))
    elif numeric:
        # a check that does not depend on the chosen size (negative padding, n = 0, dilation <= 0)
        conv_transpose_length(n, kernel_size, stride, padding, 0, dilation, _result([lo for lo, _ in bounds], nd))
    los, his = [lo for lo, _ in bounds], [hi for _, hi in bounds]
    return _result(los, nd), _result(his, nd)


def same_padding(n: Any, kernel_size: Any, stride: Any = 1, dilation: Any = 1) -> tuple[Any, Any]:
    """The ``(left, right)`` padding of ``padding='same'``: ``(⌊d(k−1)/2⌋, ⌈d(k−1)/2⌉)``, independent of ``n``.

    The odd unit goes on the right (torch pads the input explicitly and warns). It equals
    :func:`derive.lengths.same_padding` with ``stride=1``, ``extra="end"``. Stride != 1 raises
    torch's RuntimeError. Per-axis tuples give ``(left_tuple, right_tuple)``.

    >>> same_padding(5, 4)
    (1, 2)
    """
    kwargs = {"kernel_size": kernel_size, "stride": stride, "padding": "same", "dilation": dilation}
    per_axis, nd = _split_axes(n, kwargs)
    axes = []
    for raw in per_axis:
        axis_n = raw.pop("n")
        args = CONV1D_FUNCTIONAL.bind(axis_n, raw)
        _domain(CONV1D_FUNCTIONAL, args)
        axes.append(args)
    if any(A.is_false(_FUNCTIONAL_SAME_STRIDE.holds(a)) for a in axes):
        raise FrameworkError(FRAMEWORK, _SAME_STRIDE_TEXT, "RuntimeError", _FUNCTIONAL_SAME_STRIDE.rule)
    splits = [_same_split(a["kernel_size"], a["dilation"]) for a in axes]
    return _result([lo for lo, _ in splits], nd), _result([hi for _, hi in splits], nd)
