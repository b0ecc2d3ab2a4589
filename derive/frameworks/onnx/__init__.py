"""ONNX ``ConvTranspose`` and ``Conv``: the spec, and what onnx's shape inference, onnx's reference
evaluator and onnxruntime really do (they disagree with the spec and with each other).

Every function takes ``implementation=``:

* ``"spec"`` (default): the operator documentation (ConvTranspose-22 / Conv-22), read in onnx
  ``onnx/defs/nn/defs.cc`` (HEAD ``f7546912``: ``ConvTransposeOpSchemaGenerator`` doc,
  ``conv_transpose_auto_pad_doc``, ``pads_doc``). The spec has no error texts; where it rules a call
  out, the message quotes the sentence that does (``error="spec"``). Two readings are ours: the
  ``output_padding`` bound "less than the corresponding stride/dilation" is read as
  ``< max(stride, dilation)`` (onnxruntime's reading), and an output length < 1 is ruled out.
* ``"shape_inference"``: ``onnx.shape_inference.infer_shapes(strict_mode=True)`` of onnx 1.23.2
  (``convTransposeShapeInference``, ``convPoolShapeInference``; C++ truncating division).
* ``"reference"``: ``onnx.reference.ReferenceEvaluator`` of onnx 1.23.2
  (``onnx/reference/ops/op_conv_transpose.py``, ``op_col2im.py::_col2im_shape_check``, ``op_conv.py``).
* ``"onnxruntime"``: onnxruntime 1.32.0, CPU provider. Session creation runs ONNX shape inference
  (its refusals come first), then ``conv_attributes.h`` / ``conv_transpose_attributes.h``
  (read at a later commit; the 1.32 checks and messages were taken from runs).

All four are checked by ``derive/frameworks/onnx/tests/probe.py`` (``confirmed="live"``). Argument
names and defaults are ONNX's attributes: ``kernel_shape``, ``strides``, ``pads``, ``dilations``,
``output_padding``, ``auto_pad='NOTSET'``, ``output_shape``. One axis: ``n`` an int, scalar
attributes an int (or a one-element list), ``pads`` ``[begin, end]``. N-d: ``n`` a tuple, the
attributes lists, ``pads`` ``[x1_begin, x2_begin, ..., x1_end, x2_end]``; the result is a tuple.
"""

from __future__ import annotations

from ... import _arith as A
from ... import lengths as L
from ..._record import record
from ...errors import FrameworkError, ParameterError
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

FRAMEWORK = "onnx"
IMPLEMENTATIONS = ("spec", "shape_inference", "reference", "onnxruntime")
AUTO_PADS = ("NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID")
SAME = ("SAME_UPPER", "SAME_LOWER")

# the observed behaviour of shape inference when output_shape < the input length: it returns
# without adding the spatial dimensions (``// TODO(ONNX): throw exception?``), so there is no length
NO_SPATIAL_DIMS = "shape inference returns no spatial dimensions (output_shape[i] < input dimension)"


@record
class _Op(Operation):
    """An :class:`Operation` that validates its bound arguments and knows its N-d check order."""

    validate: Callable[[dict[str, Any]], None] | None = None
    # groups of requirement indexes: each group is checked axis by axis (all of a group's
    # requirements on axis 0, then on axis 1...), the groups one after the other
    phases: tuple[tuple[int, ...], ...] = ()

    def bind(self, n: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        args = super().bind(n, kwargs)
        if self.validate is not None:
            self.validate(args)
        return args


def _validate(a: dict[str, Any]) -> None:
    if a.get("kernel_shape") is None:
        raise ParameterError("kernel_shape", "is required", None)
    A.param("n", a["n"], 1)
    A.param("kernel_shape", a["kernel_shape"], 1)
    A.param("strides", a["strides"], 1)
    A.param("dilations", a["dilations"], 1)
    if a["auto_pad"] not in AUTO_PADS:
        raise ParameterError("auto_pad", f"must be one of {', '.join(AUTO_PADS)}", a["auto_pad"])
    if a["pads"] is not None:
        if not isinstance(a["pads"], (tuple, list)) or len(a["pads"]) != 2:
            raise ParameterError("pads", "must be [begin, end] for one axis", a["pads"])
        a["pads"] = (A.param("pads[0]", a["pads"][0]), A.param("pads[1]", a["pads"][1]))
    if "output_padding" in a:
        A.param("output_padding", a["output_padding"])
    if a.get("output_shape") is not None:
        A.param("output_shape", a["output_shape"])


def _K(a: Mapping[str, Any]) -> Any:
    return L.effective_kernel(a["kernel_shape"], a["dilations"])


def _natural(a: Mapping[str, Any]) -> Any:
    """``s(n-1) + output_padding + K``: the length before any padding is removed."""
    return a["strides"] * (a["n"] - 1) + a["output_padding"] + _K(a)


def _pads(a: Mapping[str, Any]) -> tuple[Any, Any]:
    return a["pads"] if a["pads"] is not None else (0, 0)


def _given(a: Mapping[str, Any], key: str) -> bool:
    return a.get(key) is not None


def _axis(a: Mapping[str, Any]) -> int:
    return a.get("_axis", 0)


def _axes(a: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return a.get("_axes", [a])


def _ort_shape(a: Mapping[str, Any]) -> str:
    """onnxruntime's ``TensorShape::ToString`` of the spatial input shape: ``{3}``, ``{3,4}``."""
    return "{" + ",".join(str(x["n"]) for x in _axes(a)) + "}"


def _unless(cond: bool, holds: Callable[[], Any]) -> Any:
    """True when ``cond`` (a Python bool about the call's form); otherwise the predicate ``holds()``."""
    return True if cond else holds()


CT_DEFAULTS = (
    ("kernel_shape", None),
    ("strides", 1),
    ("pads", None),
    ("dilations", 1),
    ("output_padding", 0),
    ("auto_pad", "NOTSET"),
    ("output_shape", None),
)
CT_INTS = ("kernel_shape", "strides", "dilations", "output_padding", "output_shape")


# ---------------------------------------------------------------------------------------------
# ConvTranspose: the spec


def spec_pads(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """The (begin, end) pads the spec uses at this call (derived pads put the odd unit at the end
    for SAME_UPPER and at the start otherwise, NOTSET included)."""
    if _given(a, "output_shape") or a["auto_pad"] in SAME:
        total = _natural(a) - (a["output_shape"] if _given(a, "output_shape") else a["n"] * a["strides"])
        half = A.floordiv(total, 2)
        return (half, total - half) if a["auto_pad"] == "SAME_UPPER" else (total - half, half)
    return (0, 0) if a["auto_pad"] == "VALID" else _pads(a)


def _spec_length(a: Mapping[str, Any]) -> Any:
    if _given(a, "output_shape"):
        return a["output_shape"]
    if a["auto_pad"] in SAME:
        return a["n"] * a["strides"]
    lo, hi = spec_pads(a)
    return _natural(a) - lo - hi


_SPEC_CT_REQUIRES = (
    Requirement(
        "pads and auto_pad are not both set",
        lambda a: a["pads"] is None or a["auto_pad"] == "NOTSET",
        "pads: This attribute cannot be used simultaneously with auto_pad attribute.",
        "spec",
    ),
    Requirement(
        "pads >= 0 (unless output_shape is given: pads are then ignored)",
        lambda a: _unless(
            a["pads"] is None or _given(a, "output_shape"), lambda: A.and_(a["pads"][0] >= 0, a["pads"][1] >= 0)
        ),
        lambda a: f"pads {list(a['pads'])}: it can take any value greater than or equal to 0.",
        "spec",
    ),
    Requirement(
        "0 <= output_padding < max(stride, dilation)",
        lambda a: A.and_(a["output_padding"] >= 0, a["output_padding"] < A.maximum(a["strides"], a["dilations"])),
        'Each padding value in "output_padding" must be less than the corresponding stride/dilation dimension.',
        "spec",
    ),
    Requirement(
        "output_shape <= s(n-1) + output_padding + K (derived pads >= 0)",
        lambda a: _unless(not _given(a, "output_shape"), lambda: a["output_shape"] <= _natural(a)),
        lambda a: (
            f"output_shape {a['output_shape']} needs total_padding {_natural(a) - a['output_shape']}: "
            "pads can take any value greater than or equal to 0."
        ),
        "spec",
    ),
    Requirement(
        "output length >= 1",
        lambda a: _spec_length(a) >= 1,
        lambda a: f"the output length would be {_spec_length(a)}: an output dimension must be positive.",
        "spec",
    ),
)


# ---------------------------------------------------------------------------------------------
# ConvTranspose: onnx shape inference (and onnxruntime's load-time inference)


def _si_pads_total(a: Mapping[str, Any]) -> Any:
    if a["pads"] is not None:
        return a["pads"][0] + a["pads"][1]
    if a["auto_pad"] in SAME:
        return A.maximum(_K(a) - a["strides"], 0)  # ConvTranspose-14+: total_pad = max(K - s, 0)
    return 0


def _si_length(a: Mapping[str, Any]) -> Any:
    if _given(a, "output_shape"):
        return a["output_shape"]
    return _natural(a) - _si_pads_total(a)


_SI_CT_LOAD = (
    Requirement(
        "pads >= 0",
        lambda a: _unless(a["pads"] is None, lambda: A.and_(a["pads"][0] >= 0, a["pads"][1] >= 0)),
        "Attribute pads must not contain negative values",
        "ShapeInferenceError",
    ),
    Requirement(
        "pads only with auto_pad NOTSET",
        lambda a: a["pads"] is None or a["auto_pad"] == "NOTSET",
        "The pads attribute cannot be used simultaneously with auto_pad attribute",
        "ShapeInferenceError",
    ),
    Requirement(
        "output_shape >= 0",
        lambda a: _unless(not _given(a, "output_shape"), lambda: a["output_shape"] >= 0),
        "Attribute output_shape must not contain negative values",
        "ShapeInferenceError",
    ),
    Requirement(
        "output_padding >= 0",
        lambda a: a["output_padding"] >= 0,
        "Attribute output_padding must not contain negative values",
        "ShapeInferenceError",
    ),
)

_SI_CT_REQUIRES = (
    *_SI_CT_LOAD,
    Requirement(
        "output_shape >= n (else no spatial dimensions are inferred)",
        lambda a: _unless(not _given(a, "output_shape"), lambda: a["output_shape"] >= a["n"]),
        NO_SPATIAL_DIMS,
        "",
    ),
)


# ---------------------------------------------------------------------------------------------
# ConvTranspose: onnx reference evaluator


def _ref_derived(a: Mapping[str, Any]) -> bool:
    """The reference derives pads only when the pads attribute is absent and auto_pad is SAME_*."""
    return a["pads"] is None and a["auto_pad"] in SAME


def _ref_length(a: Mapping[str, Any]) -> Any:
    if _given(a, "output_shape"):
        return a["output_shape"]
    if _ref_derived(a):
        return a["n"] * a["strides"]
    lo, hi = _pads(a)
    return _natural(a) - lo - hi


def ref_pads(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """The (begin, end) pads the reference evaluator crops (Python floor division)."""
    if not _ref_derived(a):
        return _pads(a)
    total = _natural(a) - _ref_length(a)
    half = A.floordiv(total, 2)
    return (half, total - half) if a["auto_pad"] == "SAME_UPPER" else (total - half, half)


def _ref_blocks(a: Mapping[str, Any]) -> Any:
    """col2im's number of sliding blocks: ``(L + pb + pe - K)//s + 1``; it must equal n."""
    lo, hi = ref_pads(a)
    return A.floordiv(_ref_length(a) + lo + hi - _K(a), a["strides"]) + 1


def _ref_blocks_ok(a: Mapping[str, Any]) -> Any:
    axes = _axes(a)
    if len(axes) == 1:
        return A.eq(_ref_blocks(a), a["n"])
    import math  # here, not at the top: only an N-d call of the reference backend needs it (explain's start-up)

    # col2im compares the products over all axes, not each axis
    return A.eq(math.prod(_ref_blocks(x) for x in axes), math.prod(x["n"] for x in axes))


def _ref_blocks_message(a: Mapping[str, Any]) -> str:
    axes = _axes(a)
    blocks = [_ref_blocks(x) for x in axes]
    listed = ", ".join(f"np.int64({b})" for b in blocks)
    import math

    return (
        "expected size of input's dimension 2 to match the calculated number of sliding blocks "
        f"[{listed}] = {math.prod(blocks)}, but got input.size(2)={math.prod(x['n'] for x in axes)}."
    )


_REF_CT_REQUIRES = (
    Requirement(
        "col2im: sliding blocks (L + pads - K)//s + 1 == n",
        _ref_blocks_ok,
        _ref_blocks_message,
        "ValueError",
    ),
    Requirement(
        "output length >= 0 (np.zeros)",
        lambda a: _ref_length(a) >= 0,
        "negative dimensions are not allowed",
        "ValueError",
    ),
)


def _ref_accepted(a: Mapping[str, Any]) -> tuple[Any, Any]:
    if _ref_derived(a):
        return 0, None
    lo, hi = _pads(a)
    low = a["strides"] * (a["n"] - 1) + _K(a) - lo - hi
    return A.maximum(0, low), low + a["strides"] - 1


# ---------------------------------------------------------------------------------------------
# ConvTranspose: onnxruntime


def _ort_total(a: Mapping[str, Any]) -> Any:
    """Total padding onnxruntime removes (explicit output: clamped at 0; SAME: towards n·s, clamped)."""
    if _given(a, "output_shape"):
        return A.maximum(0, _natural(a) - a["output_shape"])
    if a["auto_pad"] in SAME:
        return A.maximum(0, _natural(a) - a["n"] * a["strides"])
    lo, hi = _pads(a)
    return lo + hi


def _ort_length(a: Mapping[str, Any]) -> Any:
    if _given(a, "output_shape"):
        return a["output_shape"]
    return _natural(a) - _ort_total(a)


def _ort_expected(a: Mapping[str, Any]) -> Any:
    """The input length onnxruntime recomputes from the output (C++ division)."""
    return A.truncdiv(_ort_length(a) + _ort_total(a) - _K(a), a["strides"]) + 1


_ORT_CT_REQUIRES = (
    *_SI_CT_LOAD,
    Requirement(
        "output_padding < max(stride, dilation)",
        lambda a: a["output_padding"] < A.maximum(a["strides"], a["dilations"]),
        lambda a: (
            f"output_padding[{_axis(a)}] ({a['output_padding']}) must be less than max(stride, dilation) "
            f"({A.maximum(a['strides'], a['dilations'])}) for spatial dimension {_axis(a)}."
        ),
        "InvalidArgument",
    ),
    Requirement(
        "explicit output_shape > 0",
        lambda a: _unless(not _given(a, "output_shape"), lambda: A.ne(a["output_shape"], 0)),
        "Explicit output size must be positive. Got: {output_shape}",
        "InvalidArgument",
    ),
    Requirement(
        "explicit output_shape consistent with n",
        lambda a: _unless(not _given(a, "output_shape"), lambda: A.eq(_ort_expected(a), a["n"])),
        lambda a: (
            "Explicit output_shape is inconsistent with input spatial dimensions and convolution parameters. "
            f"Expected input size {_ort_expected(a)} but got {a['n']} (output_size={a['output_shape']}, "
            f"kernel={a['kernel_shape']}, stride={a['strides']}, dilation={a['dilations']}, "
            f"output_padding={a['output_padding']})."
        ),
        "InvalidArgument",
    ),
    Requirement(
        "computed output length > 0",
        lambda a: _unless(_given(a, "output_shape"), lambda: _ort_length(a) > 0),
        lambda a: f"Computed output dimension is <= 0 for dim {_axis(a)}. Input shape: {_ort_shape(a)}",
        "InvalidArgument",
    ),
    Requirement(
        "computed output consistent with n (output_padding < stride)",
        lambda a: _unless(_given(a, "output_shape"), lambda: A.eq(_ort_expected(a), a["n"])),
        lambda a: (
            "Computed output shape is inconsistent with input spatial dimensions. "
            f"output_padding ({a['output_padding']}) may be too large for stride ({a['strides']}). "
            f"Expected input size {_ort_expected(a)} but got {a['n']}."
        ),
        "InvalidArgument",
    ),
)


def _ort_accepted(a: Mapping[str, Any]) -> tuple[Any, Any]:
    s = a["strides"]
    top = s * (a["n"] - 1) + _K(a) + s - 1
    return 1, A.ite(a["output_padding"] < s, top, 0)


# ---------------------------------------------------------------------------------------------
# the ConvTranspose operations

_SOURCE = {
    "spec": "onnx/defs/nn/defs.cc::ConvTransposeOpSchemaGenerator (doc), conv_transpose_auto_pad_doc, pads_doc",
    "shape_inference": "onnx/defs/nn/defs.cc::convTransposeShapeInference",
    "reference": "onnx/reference/ops/op_conv_transpose.py::ConvTranspose._run; op_col2im.py::_col2im_shape_check",
    "onnxruntime": "onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h::PrepareForCompute, "
    "::ComputePadsAndOutputShape (1.32 messages from runs); ONNX shape inference at session creation",
}

CONV_TRANSPOSE: dict[str, _Op] = {
    "spec": _Op(
        FRAMEWORK,
        "onnx ConvTranspose (spec)",
        "conv_transpose",
        CT_DEFAULTS,
        _spec_length,
        _SPEC_CT_REQUIRES,
        accepted=lambda a: (1, _natural(a)),
        source=_SOURCE["spec"],
        confirmed="code-read",
        integer_args=CT_INTS,
        validate=_validate,
        phases=tuple((i,) for i in range(len(_SPEC_CT_REQUIRES))),
    ),
    "shape_inference": _Op(
        FRAMEWORK,
        "onnx ConvTranspose (onnx.shape_inference)",
        "conv_transpose",
        CT_DEFAULTS,
        _si_length,
        _SI_CT_REQUIRES,
        accepted=lambda a: (a["n"], None),
        source=_SOURCE["shape_inference"],
        integer_args=CT_INTS,
        validate=_validate,
        phases=tuple((i,) for i in range(len(_SI_CT_REQUIRES))),
    ),
    "reference": _Op(
        FRAMEWORK,
        "onnx ConvTranspose (onnx.reference)",
        "conv_transpose",
        CT_DEFAULTS,
        _ref_length,
        _REF_CT_REQUIRES,
        accepted=_ref_accepted,
        source=_SOURCE["reference"],
        integer_args=CT_INTS,
        validate=_validate,
        phases=((0,), (1,)),
    ),
    "onnxruntime": _Op(
        FRAMEWORK,
        "onnxruntime ConvTranspose",
        "conv_transpose",
        CT_DEFAULTS,
        _ort_length,
        _ORT_CT_REQUIRES,
        accepted=_ort_accepted,
        source=_SOURCE["onnxruntime"],
        integer_args=CT_INTS,
        validate=_validate,
        # load-time shape inference attribute by attribute, then the output_padding loop over all
        # axes, then one axis at a time (ComputePadsAndOutputShape)
        phases=((0,), (1,), (2,), (3,), (4,), (5, 6, 7, 8)),
    ),
}


# ---------------------------------------------------------------------------------------------
# Conv (forward)

CONV_DEFAULTS = (
    ("kernel_shape", None),
    ("strides", 1),
    ("pads", None),
    ("dilations", 1),
    ("auto_pad", "NOTSET"),
)
CONV_INTS = ("kernel_shape", "strides", "dilations")


def _padded(a: Mapping[str, Any], pads: tuple[Any, Any]) -> Any:
    return a["n"] + pads[0] + pads[1]


def _spec_conv_pads(a: Mapping[str, Any]) -> tuple[Any, Any] | None:
    """None for SAME_* (the length is then ⌈n/s⌉)."""
    if a["auto_pad"] in SAME:
        return None
    return (0, 0) if a["auto_pad"] == "VALID" else _pads(a)


def _floor_length(a: Mapping[str, Any], pads: tuple[Any, Any] | None) -> Any:
    if pads is None:
        return A.ceildiv(a["n"], a["strides"])
    return A.floordiv(_padded(a, pads) - _K(a), a["strides"]) + 1


def _si_conv_length(a: Mapping[str, Any]) -> Any:
    # pads, when present, win over auto_pad; SAME_* pads make the length ⌈n/s⌉ (residual rule)
    if a["pads"] is None and a["auto_pad"] in SAME:
        return A.ceildiv(a["n"], a["strides"])
    return A.truncdiv(_padded(a, _pads(a)) - _K(a), a["strides"]) + 1


def _ref_conv_pads(a: Mapping[str, Any]) -> tuple[Any, Any] | None:
    # auto_pad wins over pads in the reference
    if a["auto_pad"] == "VALID":
        return 0, 0
    if a["auto_pad"] in SAME:
        return None
    return _pads(a)


_PADS_NONNEG = Requirement(
    "pads >= 0",
    lambda a: _unless(a["pads"] is None, lambda: A.and_(a["pads"][0] >= 0, a["pads"][1] >= 0)),
    "Attribute pads must not contain negative values",
    "ShapeInferenceError",
)

CONV: dict[str, _Op] = {
    "spec": _Op(
        FRAMEWORK,
        "onnx Conv (spec)",
        "conv",
        CONV_DEFAULTS,
        lambda a: _floor_length(a, _spec_conv_pads(a)),
        (
            _SPEC_CT_REQUIRES[0],
            Requirement(
                "pads >= 0",
                lambda a: _unless(a["pads"] is None, lambda: A.and_(a["pads"][0] >= 0, a["pads"][1] >= 0)),
                lambda a: f"pads {list(a['pads'])}: it can take any value greater than or equal to 0.",
                "spec",
            ),
            Requirement(
                "padded input >= effective kernel",
                lambda a: _unless(
                    _spec_conv_pads(a) is None, lambda: _padded(a, _spec_conv_pads(a) or (0, 0)) >= _K(a)
                ),
                lambda a: (
                    f"the padded input ({_padded(a, _spec_conv_pads(a) or (0, 0))}) is shorter than the "
                    f"dilated kernel ({_K(a)}): an output dimension must be positive."
                ),
                "spec",
            ),
        ),
        source="onnx/defs/nn/defs.cc::ConvOpSchemaGenerator (doc), conv_auto_pad_doc, pads_doc",
        confirmed="code-read",
        integer_args=CONV_INTS,
        validate=_validate,
        phases=((0,), (1,), (2,)),
    ),
    "shape_inference": _Op(
        FRAMEWORK,
        "onnx Conv (onnx.shape_inference)",
        "conv",
        CONV_DEFAULTS,
        _si_conv_length,
        (_PADS_NONNEG,),
        source="onnx/defs/nn/defs.cc::convPoolShapeInference; onnx/defs/shape_inference.h::checkedDivide",
        integer_args=CONV_INTS,
        validate=_validate,
        phases=((0,),),
    ),
    "reference": _Op(
        FRAMEWORK,
        "onnx Conv (onnx.reference)",
        "conv",
        CONV_DEFAULTS,
        lambda a: _floor_length(a, _ref_conv_pads(a)),
        (
            Requirement(
                "output length >= 0 (np.empty in im2col)",
                lambda a: _floor_length(a, _ref_conv_pads(a)) >= 0,
                "negative dimensions are not allowed",
                "ValueError",
            ),
            Requirement(
                "pads >= 0 (np.pad)",
                lambda a: _unless(
                    _ref_conv_pads(a) is None, lambda: A.and_(*(p >= 0 for p in _ref_conv_pads(a) or (0, 0)))
                ),
                "index can't contain negative values",
                "ValueError",
            ),
        ),
        source="onnx/reference/ops/op_conv.py::_conv_implementation, ::im2col",
        integer_args=CONV_INTS,
        validate=_validate,
        phases=((0,), (1,)),
    ),
    "onnxruntime": _Op(
        FRAMEWORK,
        "onnxruntime Conv",
        "conv",
        CONV_DEFAULTS,
        lambda a: _floor_length(a, _spec_conv_pads(a)),
        (
            _PADS_NONNEG,
            Requirement(
                "pads only with auto_pad NOTSET",
                lambda a: a["pads"] is None or a["auto_pad"] == "NOTSET",
                "A Conv/ConvTranspose node has both 'auto_pad' and 'pads' attributes",
                "Fail",
            ),
            Requirement(
                "SAME_* only without dilation",
                lambda a: _unless(a["auto_pad"] not in SAME, lambda: A.eq(a["dilations"], 1)),
                "Dilation not supported for AutoPadType::SAME_UPPER or AutoPadType::SAME_LOWER.",
                "InvalidArgument",
            ),
            Requirement(
                "padded input >= effective kernel (output > 0)",
                lambda a: _floor_length(a, _spec_conv_pads(a)) > 0,
                lambda a: f"Invalid input shape: {_ort_shape(a)}",
                "InvalidArgument",
            ),
        ),
        source="onnxruntime/core/providers/cpu/nn/conv_attributes.h::ConvAttributes, ::InferPadsAndOutputShape "
        "(1.32 messages from runs)",
        integer_args=CONV_INTS,
        validate=_validate,
        phases=((0,), (1,), (2, 3)),
    ),
}


# ---------------------------------------------------------------------------------------------
# public API


def _op(table: dict[str, _Op], implementation: str) -> _Op:
    if implementation not in table:
        raise ParameterError("implementation", f"must be one of {', '.join(IMPLEMENTATIONS)}", implementation)
    return table[implementation]


def _scalar(name: str, value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ParameterError(name, "must have one value for a 1-D call", value)
        return value[0]
    return value


def _one_axis(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A 1-D call's attributes, each per-axis one as its single value (pads and auto_pad as they are)."""
    return {key: value if key in ("pads", "auto_pad") else _scalar(key, value) for key, value in kwargs.items()}


def _column(rank: int, name: str, value: Any) -> list[Any]:
    if value is None or isinstance(value, str):
        return [value] * rank
    if isinstance(value, (tuple, list)):
        if len(value) != rank:
            raise ParameterError(name, f"must have one value per spatial axis ({rank})", value)
        return list(value)
    return [value] * rank


def _call(op: _Op, n: Any, kwargs: dict[str, Any]) -> Any:
    if not isinstance(n, (tuple, list)):
        return op(n, **_one_axis(kwargs))
    rank = len(n)
    pads = kwargs.get("pads")
    if pads is not None and (not isinstance(pads, (tuple, list)) or len(pads) != 2 * rank):
        raise ParameterError("pads", f"must have 2 x {rank} values [x1_begin, ..., x1_end, ...]", pads)
    columns = {key: _column(rank, key, value) for key, value in kwargs.items() if key != "pads"}
    axes = []
    for i in range(rank):
        kw = {key: column[i] for key, column in columns.items()}
        kw["pads"] = None if pads is None else (pads[i], pads[i + rank])
        axes.append(op.bind(n[i], kw))
    for i, args in enumerate(axes):
        args["_axes"], args["_axis"] = axes, i
    for phase in op.phases:
        for args in axes:
            for index in phase:
                r = op.requires[index]
                if A.is_false(r.holds(args)):
                    raise FrameworkError(op.framework, r.text(args), r.error, r.rule)
    return tuple(op.length(args) for args in axes)


def conv_transpose_length(
    n: Any,
    kernel_shape: Any,
    strides: Any = 1,
    pads: Sequence[Any] | None = None,
    dilations: Any = 1,
    output_padding: Any = 0,
    auto_pad: str = "NOTSET",
    output_shape: Any = None,
    implementation: str = "spec",
) -> Any:
    """Output length of ONNX ``ConvTranspose`` under ``implementation``.

    spec: ``s(n-1) + output_padding + K - pads``; SAME_* ``n·s``; a given ``output_shape`` is the
    length (pads derived from it). The implementations differ: shape inference's SAME_* removes
    ``max(K-s, 0)`` (so output_padding adds to ``n·s`` and ``K < s`` gives less than ``n·s``) and
    never checks output_padding; the reference accepts an ``output_shape`` without pads only in a
    stride-wide window; onnxruntime clamps derived padding at 0.

    >>> conv_transpose_length(3, 3, 2, auto_pad="SAME_UPPER", output_padding=1)
    6
    >>> conv_transpose_length(3, 3, 2, auto_pad="SAME_UPPER", output_padding=1, implementation="shape_inference")
    7
    >>> conv_transpose_length(3, 1, 3, auto_pad="SAME_UPPER", implementation="onnxruntime")
    7
    """
    kwargs = dict(
        kernel_shape=kernel_shape,
        strides=strides,
        pads=pads,
        dilations=dilations,
        output_padding=output_padding,
        auto_pad=auto_pad,
        output_shape=output_shape,
    )
    return _call(_op(CONV_TRANSPOSE, implementation), n, kwargs)


def accepted_lengths(
    n: Any,
    kernel_shape: Any,
    strides: Any = 1,
    pads: Sequence[Any] | None = None,
    dilations: Any = 1,
    output_padding: Any = 0,
    auto_pad: str = "NOTSET",
    implementation: str = "spec",
) -> tuple[Any, Any]:
    """The ``output_shape`` values ConvTranspose accepts (one axis): ``(lo, hi)``, ``hi=None`` unbounded.

    An interval with ``lo > hi`` is empty (onnxruntime with ``output_padding >= stride``).
    """
    kwargs = dict(
        kernel_shape=kernel_shape,
        strides=strides,
        pads=pads,
        dilations=dilations,
        output_padding=output_padding,
        auto_pad=auto_pad,
    )
    return _op(CONV_TRANSPOSE, implementation).accepted_lengths(n, **_one_axis(kwargs))


def transpose_pads(
    n: Any,
    kernel_shape: Any,
    strides: Any = 1,
    pads: Sequence[Any] | None = None,
    dilations: Any = 1,
    output_padding: Any = 0,
    auto_pad: str = "NOTSET",
    output_shape: Any = None,
    implementation: str = "spec",
) -> tuple[Any, Any]:
    """The (begin, end) padding removed from the full transposed output (one axis).

    spec: derived pads (from ``output_shape`` or SAME_*) put the odd unit at the end for SAME_UPPER
    and at the start for NOTSET/SAME_LOWER; SAME_* may derive negative pads when ``K + a < s``.
    reference: the same split with Python floor division (code-read: the probe sees lengths only).
    """
    if implementation not in ("spec", "reference"):
        raise ParameterError("implementation", "must be 'spec' or 'reference' for transpose_pads", implementation)
    op = CONV_TRANSPOSE[implementation]
    kwargs = dict(
        kernel_shape=kernel_shape,
        strides=strides,
        pads=pads,
        dilations=dilations,
        output_padding=output_padding,
        auto_pad=auto_pad,
        output_shape=output_shape,
    )
    args = op.bind(n, _one_axis(kwargs))
    op.check(args)
    return spec_pads(args) if implementation == "spec" else ref_pads(args)


def conv_length(
    n: Any,
    kernel_shape: Any,
    strides: Any = 1,
    pads: Sequence[Any] | None = None,
    dilations: Any = 1,
    auto_pad: str = "NOTSET",
    implementation: str = "spec",
) -> Any:
    """Output length of ONNX ``Conv`` under ``implementation``.

    spec / reference / onnxruntime: ``⌊(n + pads - K)/s⌋ + 1`` (SAME_*: ``⌈n/s⌉``); shape inference
    truncates toward zero instead and never refuses, so a too-short input infers 1, 0 or a negative
    length.

    >>> conv_length(2, 3, 2, implementation="shape_inference"), conv_length(2, 3, 2, implementation="reference")
    (1, 0)
    """
    kwargs = dict(kernel_shape=kernel_shape, strides=strides, pads=pads, dilations=dilations, auto_pad=auto_pad)
    return _call(_op(CONV, implementation), n, kwargs)


OPERATIONS = (*CONV.values(), *CONV_TRANSPOSE.values())
