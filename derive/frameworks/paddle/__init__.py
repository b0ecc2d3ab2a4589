"""PaddlePaddle: ``paddle.nn.functional.conv1d`` / ``conv1d_transpose`` (and ``conv2d`` / ``conv2d_transpose``
for a tuple ``n``); the layers ``paddle.nn.Conv1D`` / ``Conv1DTranspose`` call these.

Checked live against paddlepaddle 3.3.1 (CPU, dynamic mode). Sources read (installed 3.3.1 Python;
C++ from ``PaddlePaddle/Paddle`` @ ``b6cc6c5d`` via the code index, its messages identical to the
3.3.1 runtime's):

* ``python/paddle/nn/functional/conv.py::_update_padding_nd`` (padding forms and their ValueErrors),
  ``::conv1d`` (runs ``conv2d`` on ``(1, L)``), ``::conv1d_transpose`` (runs ``conv2d_transpose`` on
  ``(L, 1)``; the Python-only ``output_padding > stride`` check), ``::conv2d_transpose``;
* ``paddle/phi/infermeta/binary.cc::ConvInferMeta`` — forward ``(n + lo + hi - K)/s + 1`` in C ``int``
  (truncation toward zero), **no positivity check** any more;
* ``paddle/phi/infermeta/binary.cc::ConvTransposeInferMeta`` — ``(n-1)s - lo - hi + K``, then the
  ``output_size`` range ``[L0, L0 + s)`` or ``0 <= output_padding < max(s, d)``;
* ``paddle/phi/kernels/funcs/im2col.cc`` — the consistency check "Output_height and padding(padding_up,
  padding_down) are inconsistent" (seen live; line 107 in the 3.3.1 build);
* ``paddle/phi/kernels/cpu/conv_util.h::UpdatePaddingAndDilation`` — ``"SAME"``: ``pad_sum =
  max((⌈n/s⌉-1)s + k - n, 0)`` split ``⌊/2⌋`` before, **dilation reset to 1**; ``"VALID"``: pads 0.

Surprises (confirmed live):

* ``padding="same"`` silently ignores ``dilation`` (forward and transposed), and a transposed ``same``
  is not ``n·s``: its pads come from the *forward* rule applied to the transposed conv's input,
  e.g. ``n=5, k=3, s=2`` gives 9 (TF/Keras/JAX give 10).
* **output_padding is really bounded by the stride alone**, by three different checks: Python
  (``conv1d_transpose`` only) refuses ``output_padding > stride``; InferMeta refuses
  ``output_padding >= max(stride, dilation)`` (its message prints the empty ``output_size`` list
  instead of ``output_padding``); and what InferMeta lets through with ``stride <= output_padding
  < dilation`` is refused by the CPU kernel, which re-derives the input length from the output
  (``trunc((L + lo + hi - K)/s) + 1 == n``, "Output_height and padding(…) are inconsistent").
  So the documented "less than either stride or dilation" never holds on CPU (577 live cases).
* A forward numerator in ``(-s, 0)`` truncates to length 1; length 0 is returned (an empty tensor);
  a negative length fails when the output is allocated ("The meta data must be valid …").
* ``output_size`` accepts ``[L0, L0 + s - 1]`` regardless of dilation (like PyTorch); the layer
  ``Conv2DTranspose`` drops ``output_padding`` when ``output_size`` is given, ``Conv1DTranspose`` passes
  both and is refused as "mutually exclusive".

Refusal texts are the first line of Paddle's message (the ``[Hint: …]`` line that follows names a
source line of the build).
"""

from __future__ import annotations

from ... import _arith as A
from ...errors import FrameworkError, ParameterError
from .. import _axes
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

FRAMEWORK = "paddle"

_META = "(PreconditionNotMet) The meta data must be valid when call the mutable data function."


def _mode(a: Mapping[str, Any]) -> str:
    p = a["padding"]
    if isinstance(p, str):
        mode = p.upper()
        if mode not in ("SAME", "VALID"):
            raise FrameworkError(
                FRAMEWORK, f"Unknown padding: '{mode}'. It can only be 'SAME' or 'VALID'.", "ValueError", "padding mode"
            )
        return mode
    return "EXPLICIT"


def _explicit(a: Mapping[str, Any]) -> tuple[Any, Any]:
    p = a["padding"]
    if isinstance(p, (tuple, list)):
        if len(p) != 2:
            raise ParameterError("padding", "must be an int, a (before, after) pair or 'same'/'valid' per axis", p)
        return A.param("padding[0]", p[0]), A.param("padding[1]", p[1])
    p = A.param("padding", p)
    return p, p


def _padding_list(a: Mapping[str, Any]) -> list[Any]:
    """The list ``_update_padding_nd`` prints: symmetric pairs collapse to one value."""
    if _mode(a) != "EXPLICIT":
        return [0]
    lo, hi = _explicit(a)
    if isinstance(a["padding"], (tuple, list)) and not (isinstance(lo, int) and isinstance(hi, int) and lo == hi):
        return [lo, hi]
    return [lo]


def _nonneg_padding(a: Mapping[str, Any]) -> Any:
    if _mode(a) != "EXPLICIT":
        return True
    lo, hi = _explicit(a)
    return A.and_(lo >= 0, hi >= 0)


_PADDING_CHECK = Requirement(
    "padding >= 0",
    _nonneg_padding,
    lambda a: (
        "Invalid padding, all value should be larger than or equal to 0, "
        f"but received: {a.get('_padding_list', _padding_list(a))}"
    ),
    "ValueError",
)


def _pads_and_dilation(a: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """(before, after, dilation) after ``UpdatePaddingAndDilation``, for the op's input length n."""
    mode = _mode(a)
    n, k, s = a["n"], a["kernel_size"], a["stride"]
    if mode == "SAME":
        total = A.maximum((A.ceildiv(n, s) - 1) * s + k - n, 0)
        before = A.floordiv(total, 2)
        return before, total - before, 1  # dilation silently reset to 1
    if mode == "VALID":
        return 0, 0, a["dilation"]
    lo, hi = _explicit(a)
    return lo, hi, a["dilation"]


def _K(k: Any, d: Any) -> Any:
    return d * (k - 1) + 1


# -- forward ------------------------------------------------------------------------------------------


def _fwd_length(a: Mapping[str, Any]) -> Any:
    if _mode(a) == "SAME":
        return A.ceildiv(a["n"], a["stride"])  # = trunc((n + pad_sum - k)/s) + 1 with the reset dilation
    lo, hi, d = _pads_and_dilation(a)
    return A.truncdiv(a["n"] + lo + hi - _K(a["kernel_size"], d), a["stride"]) + 1


CONV1D = Operation(
    framework=FRAMEWORK,
    name="paddle.nn.functional.conv1d",
    kind="conv",
    defaults=(("kernel_size", None), ("stride", 1), ("padding", 0), ("dilation", 1)),
    length=_fwd_length,
    requires=(
        _PADDING_CHECK,
        Requirement("output length >= 0", lambda a: _fwd_length(a) >= 0, _META, "RuntimeError"),
    ),
    source="python/paddle/nn/functional/conv.py::conv1d; paddle/phi/infermeta/binary.cc::ConvInferMeta",
    confirmed="live",
    integer_args=("kernel_size", "stride", "dilation"),
)

# -- transposed ---------------------------------------------------------------------------------------


def _infer(a: Mapping[str, Any]) -> Any:
    """ConvTransposeInferMeta's ``infer_shape``: ``(n-1)s - before - after + d'(k-1) + 1``."""
    lo, hi, d = _pads_and_dilation(a)
    return (a["n"] - 1) * a["stride"] - lo - hi + _K(a["kernel_size"], d)


def _has_size(a: Mapping[str, Any]) -> bool:
    return a["output_size"] is not None


def _has_padding(a: Mapping[str, Any]) -> Any:
    # Python tests ``output_padding != 0``: a zero output_padding is "not given"
    op = a["output_padding"]
    return A.ne(op, 0) if A.is_symbolic(op) else op != 0


def _tr_length(a: Mapping[str, Any]) -> Any:
    if _has_size(a):
        return a["output_size"]
    return _infer(a) + a["output_padding"]


def _dim(a: Mapping[str, Any]) -> Any:
    return a.get("_axis", 0)


def _size_list(a: Mapping[str, Any]) -> str:
    # conv1d_transpose appends the unit axis: [[L, 1]]; conv2d_transpose prints both axes
    return a.get("_size_list", f"[[{a['output_size']}, 1]]")


def _size_low_message(a: Mapping[str, Any]) -> str:
    return (
        "(InvalidArgument) output_size of Op(ConvTransposeOp) should not be less than the inferred output size. "
        f"But received output_size = {_size_list(a)}, whose dim {_dim(a)} is less than the inferred output size "
        f"[{_infer(a)}]"
    )


def _size_high_message(a: Mapping[str, Any]) -> str:
    s, L0 = a["stride"], _infer(a)
    return (
        "(InvalidArgument) output_size of Op(ConvTransposeOp) should be less than inferred size + stride. "
        f"But received output_size = {_size_list(a)}, whose dim {_dim(a)} is not less than the inferred output "
        f"size ({L0}) + stride ({s}) = {L0 + s}"
    )


def _op_low_message(a: Mapping[str, Any]) -> str:
    shown = a.get("_padding_out_list", f"[[{a['output_padding']}, 0]]")
    return (
        "(InvalidArgument) output_padding of Op(ConvTransposeOp) should not be less than the 0. "
        f"But received output_padding = {shown}, whose dim {_dim(a)} is less than 0"
    )


def _op_high_message(a: Mapping[str, Any]) -> str:
    # Paddle formats the (empty) output_size list here, not output_padding
    return (
        "(InvalidArgument) output_padding of Op(ConvTransposeOp) should be less than either stride or dilation. "
        f"But received output_size = [[]], whose dim {_dim(a)} is not less than either stride ({a['stride']})  "
        f"or dilation ({_pads_and_dilation(a)[2]})"
    )


def _when(cond: Any, pred: Any) -> Any:
    """``pred`` where ``cond`` holds (cond a bool or SymPy Boolean)."""
    if cond is True:
        return pred
    if cond is False:
        return True
    return A.implies(cond, pred)


_EXCLUSIVE = Requirement(
    "output_size and a non-zero output_padding are not both given",
    lambda a: _when(_has_size(a), A.not_(_has_padding(a))),
    "output_padding option is mutually exclusive with output_size",
    "ValueError",
)
_PY_STRIDE = Requirement(
    "output_padding <= stride (conv1d_transpose's Python check)",
    lambda a: _when(_has_padding(a), a["output_padding"] <= a["stride"]),
    lambda a: (
        "The size of output_padding should not be greater than stride."
        f"But got output_padding={a['output_padding']} and stride={a['stride']}"
    ),
    "ValueError",
)
_RUNTIME = (
    Requirement(
        "output_size >= (n-1)s - lo - hi + K",
        lambda a: a["output_size"] >= _infer(a) if _has_size(a) else True,
        _size_low_message,
        "ValueError",
    ),
    Requirement(
        "output_size < (n-1)s - lo - hi + K + s",
        lambda a: a["output_size"] < _infer(a) + a["stride"] if _has_size(a) else True,
        _size_high_message,
        "ValueError",
    ),
    Requirement(
        "output_padding >= 0",
        lambda a: True if _has_size(a) else _when(_has_padding(a), a["output_padding"] >= 0),
        _op_low_message,
        "ValueError",
    ),
    Requirement(
        "output_padding < max(stride, dilation) (dilation 1 under 'same')",
        lambda a: (
            True
            if _has_size(a)
            else _when(_has_padding(a), a["output_padding"] < A.maximum(a["stride"], _pads_and_dilation(a)[2]))
        ),
        _op_high_message,
        "ValueError",
    ),
)
_ALLOCATE = Requirement("output length >= 0", lambda a: _tr_length(a) >= 0, _META, "RuntimeError")


def _consistent(a: Mapping[str, Any]) -> Any:
    lo, hi, d = _pads_and_dilation(a)
    return A.eq(A.truncdiv(_tr_length(a) + lo + hi - _K(a["kernel_size"], d), a["stride"]) + 1, a["n"])


def _kernel_message(a: Mapping[str, Any]) -> str:
    side = ("height", "up", "down") if _dim(a) == 0 else ("width", "left", "right")
    return f"(InvalidArgument) Output_{side[0]} and padding(padding_{side[1]}, padding_{side[2]}) are inconsistent."


# the CPU kernel (im2col/col2im) re-derives the input length from the output with the forward rule;
# this is what really bounds output_padding by the stride (infermeta allows up to the dilation)
_KERNEL = Requirement(
    "trunc((L + lo + hi - K)/s) + 1 == n (the CPU kernel's consistency check)",
    _consistent,
    _kernel_message,
    "ValueError",
)

_TR_DEFAULTS = (
    ("kernel_size", None),
    ("stride", 1),
    ("padding", 0),
    ("output_padding", 0),
    ("dilation", 1),
    ("output_size", None),
)

CONV1D_TRANSPOSE = Operation(
    framework=FRAMEWORK,
    name="paddle.nn.functional.conv1d_transpose",
    kind="conv_transpose",
    defaults=_TR_DEFAULTS,
    length=_tr_length,
    requires=(_PADDING_CHECK, _EXCLUSIVE, _PY_STRIDE, *_RUNTIME, _ALLOCATE, _KERNEL),
    # a negative output_size passes InferMeta but fails allocation
    accepted=lambda a: (A.maximum(0, _infer(a)), _infer(a) + a["stride"] - 1),
    source="python/paddle/nn/functional/conv.py::conv1d_transpose; "
    "paddle/phi/infermeta/binary.cc::ConvTransposeInferMeta; UpdatePaddingAndDilation",
    confirmed="live",
    integer_args=("kernel_size", "stride", "output_padding", "dilation", "output_size"),
)

# conv2d_transpose (used per axis for a tuple n): the same without the Python output_padding check
CONV2D_TRANSPOSE = Operation(
    framework=FRAMEWORK,
    name="paddle.nn.functional.conv2d_transpose",
    kind="conv_transpose",
    defaults=_TR_DEFAULTS,
    length=_tr_length,
    requires=(_PADDING_CHECK, _EXCLUSIVE, *_RUNTIME, _ALLOCATE, _KERNEL),
    accepted=CONV1D_TRANSPOSE.accepted,
    source="python/paddle/nn/functional/conv.py::conv2d_transpose; "
    "paddle/phi/infermeta/binary.cc::ConvTransposeInferMeta; UpdatePaddingAndDilation",
    confirmed="live",
    integer_args=CONV1D_TRANSPOSE.integer_args,
)

CONV2D = Operation(
    framework=FRAMEWORK,
    name="paddle.nn.functional.conv2d",
    kind="conv",
    defaults=CONV1D.defaults,
    length=_fwd_length,
    requires=CONV1D.requires,
    source="python/paddle/nn/functional/conv.py::conv2d; paddle/phi/infermeta/binary.cc::ConvInferMeta",
    confirmed="live",
    integer_args=CONV1D.integer_args,
)

# -- public functions ---------------------------------------------------------------------------------


def _validate(kernel_size: Any, stride: Any, dilation: Any) -> None:
    # Paddle's own "should be larger than 0" checks on stride/dilation are not modelled
    A.param("kernel_size", kernel_size, 1)
    A.param("stride", stride, 1)
    A.param("dilation", dilation, 1)


def _split_padding(padding: object, dims: int) -> list[object]:
    """Per-axis padding for 2-D: a mode, an int, [p_h, p_w] or [before_h, after_h, before_w, after_w]."""
    if isinstance(padding, str) or not isinstance(padding, (tuple, list)):
        return [padding] * dims
    if len(padding) == dims and all(not isinstance(p, (tuple, list)) for p in padding):
        return list(padding)
    if len(padding) == 2 * dims:
        return [(padding[2 * i], padding[2 * i + 1]) for i in range(dims)]
    if len(padding) == dims and all(isinstance(p, (tuple, list)) for p in padding):
        return [tuple(p) for p in padding]
    raise FrameworkError(FRAMEWORK, f"In valid padding: {padding}", "ValueError", "padding format")


def _run_nd(op: Operation, n: tuple, kw: dict[str, Any]) -> tuple:
    """conv2d / conv2d_transpose per axis, with Paddle's order: Python checks, then InferMeta per axis."""
    dims = len(n)
    if dims != 2:
        raise ParameterError("n", "must be an int (conv1d*) or a pair (conv2d*)", n)
    pads = _split_padding(kw["padding"], dims)
    axes = []
    for i, rest in enumerate(_axes.split({key: value for key, value in kw.items() if key != "padding"}, dims)):
        args = {"padding": pads[i], **rest}
        _validate(args["kernel_size"], args["stride"], args["dilation"])
        axes.append(op.bind(n[i], args))
    shared = {"_axis": 0}
    if "output_size" in kw:
        sizes = [a["output_size"] for a in axes]
        paddings = [a["output_padding"] for a in axes]
        shared["_size_list"] = f"[{sizes}]"
        shared["_padding_out_list"] = f"[{paddings}]"
    per_axis = [_padding_list(a) for a in axes]
    # _update_padding_nd prints one value per axis when every axis is symmetric, else every pair
    if all(len(p) == 1 for p in per_axis):
        shared["_padding_list"] = [p[0] for p in per_axis]
    else:
        shared["_padding_list"] = [v for a in axes for v in _explicit(a)]
    axes = [{**a, **shared, "_axis": i} for i, a in enumerate(axes)]
    runtime = [r for r in op.requires if any(r is x for x in _RUNTIME)]
    first, last = (op.requires.index(runtime[0]), op.requires.index(runtime[-1]) + 1) if runtime else (-1, -1)
    python = op.requires[:first] if runtime else op.requires[:1]
    after = op.requires[last:] if runtime else op.requires[1:]
    _axes.check_each(op, axes, python)  # Python-level checks see the whole call
    for a in axes:  # InferMeta loops over the axes, both checks inside
        for r in runtime:
            if A.is_false(r.holds(a)):
                raise FrameworkError(FRAMEWORK, r.text(a), r.error, r.rule)
    for r in after:  # then the output is allocated and the kernel runs
        for a in axes:
            if A.is_false(r.holds(a)):
                raise FrameworkError(FRAMEWORK, r.text(a), r.error, r.rule)
    return tuple(op.length(a) for a in axes)


def conv_length(n: Any, kernel_size: Any, stride: Any = 1, padding: object = 0, dilation: Any = 1) -> Any:
    """Output length of ``F.conv1d(x, w, stride=, padding=, dilation=)`` (a pair ``n``: ``F.conv2d``).

    ``trunc((n + lo + hi - K)/s) + 1``; ``padding="same"``: ``⌈n/s⌉`` whatever the dilation.
    """
    if isinstance(n, (tuple, list)):
        return _run_nd(
            CONV2D, tuple(n), dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
        )
    _validate(kernel_size, stride, dilation)
    return CONV1D(n, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    stride: Any = 1,
    padding: object = 0,
    output_padding: Any = 0,
    dilation: Any = 1,
    output_size: Any = None,
) -> Any:
    """Output length of ``F.conv1d_transpose(x, w, stride=, padding=, output_padding=, dilation=, output_size=)``.

    A pair ``n`` models ``F.conv2d_transpose`` (no Python ``output_padding > stride`` check).
    """
    kw = dict(
        kernel_size=kernel_size,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        output_size=output_size,
    )
    if isinstance(n, (tuple, list)):
        return _run_nd(CONV2D_TRANSPOSE, tuple(n), kw)
    _validate(kernel_size, stride, dilation)
    return CONV1D_TRANSPOSE(n, **kw)


def accepted_lengths(
    n: Any, kernel_size: Any, stride: Any = 1, padding: object = 0, dilation: Any = 1
) -> tuple[Any, Any]:
    """The ``output_size`` values ``conv1d_transpose`` accepts: ``[max(0, L0), L0 + s - 1]`` (no dilation in it)."""
    _validate(kernel_size, stride, dilation)
    A.param("n", n, 0)
    args = CONV1D_TRANSPOSE.bind(n, dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation))
    if A.is_false(_PADDING_CHECK.holds(args)):  # the only check not about output_padding or the default length
        raise FrameworkError(FRAMEWORK, _PADDING_CHECK.text(args), _PADDING_CHECK.error, _PADDING_CHECK.rule)
    return CONV1D_TRANSPOSE.accepted(args)
