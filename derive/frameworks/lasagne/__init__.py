"""Lasagne (on Theano): ``lasagne.layers.Conv2DLayer`` and ``TransposedConv2DLayer`` (alias ``Deconv2DLayer``),
one spatial axis at a time.

Checked live against Lasagne 0.2.dev1 (GitHub master ``Lasagne/Lasagne`` @ ``5d3c63cb``; PyPI's 0.1
has no transposed layer) on Theano 1.0.5 (CPU, ``CorrMM`` kernels, numpy 1.23). Sources read:

* ``lasagne/layers/conv.py::conv_output_length`` — ``valid``: ``n-k+1``, ``full``: ``n+k-1``, ``same``: ``n``,
  int ``p``: ``n+2p-k+1``, then ``⌈·/s⌉`` (equal to ``⌊(n+2p-k)/s⌋+1``);
* ``lasagne/layers/conv.py::conv_input_length`` — ``(n-1)s - 2 crop + k`` with ``crop`` ``valid`` → 0,
  ``full`` → ``k-1``, ``same`` → ``k//2``;
* ``lasagne/layers/conv.py::BaseConvLayer.__init__`` — ``NotImplementedError('`same` padding requires odd
  filter size.')`` (for ``crop='same'`` too); ``TransposedConv2DLayer`` — ``output_size`` is used verbatim
  ("If not specified, the smallest shape will be returned"); no other validation in Lasagne;
* Theano ``theano/tensor/nnet/corr.py`` / ``c_code/corr_gemm.c`` (``Theano/Theano`` @ ``7505f23e``) — the
  run-time checks quoted below.

**Naming inversion**: ``crop`` names the padding of the *forward* convolution being transposed, so
``crop='valid'`` (= 0) crops nothing and gives the largest output ``(n-1)s + k``, and ``crop='full'``
(``k-1``) gives the smallest, ``(n-1)s - k + 2``.

Lasagne checks nothing itself: its static ``output_shape`` always equals the length Theano returns
(live: 0 differences), and refusals come from Theano, when the function is compiled ("There is a
negative shape in the graph!") or run (``CorrMM …``). Found live: a forward length of 0 is refused
with "impossible output shape" when C truncation agrees (``trunc(x/s) + 1 == 0``) and with "shape
inconsistency" when it does not; a transposed ``output_size`` is accepted exactly when the forward
rule maps it back to ``n`` (``[L0, L0 + s - 1]``, like PyTorch). Messages are the first line of
Theano's text (the rest prints tensor shapes). Lasagne's layers take no dilation
(``DilatedConv2DLayer`` is separate and not modelled).
"""

from __future__ import annotations

from ... import _arith as A
from ...errors import FrameworkError
from .. import _axes
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

FRAMEWORK = "lasagne"
_MODES = ("valid", "full", "same")
_NEGATIVE = "There is a negative shape in the graph!"
_ODD = "`same` padding requires odd filter size."


def _amount(value: Any, k: Any, name: str) -> Any:
    """The int padding/crop a mode or int stands for."""
    if isinstance(value, str):
        if value not in _MODES:
            raise FrameworkError(FRAMEWORK, f"Invalid pad: {value}", "ValueError", f"{name} mode")
        return {"valid": 0, "full": k - 1, "same": A.floordiv(k, 2)}[value]
    return A.param(name, value, 0)


def _odd(key: str) -> Requirement:
    return Requirement(
        f"{key}='same' needs an odd filter_size",
        lambda a: A.eq(A.mod(a["filter_size"], 2), 1) if isinstance(a[key], str) and a[key] == "same" else True,
        _ODD,
        "NotImplementedError",
    )


# -- forward ------------------------------------------------------------------------------------------


def _x(a: Mapping[str, Any]) -> Any:
    return a["n"] + 2 * _amount(a["pad"], a["filter_size"], "pad") - a["filter_size"]


def _fwd_length(a: Mapping[str, Any]) -> Any:
    return A.floordiv(_x(a), a["stride"]) + 1


CONV2D_LAYER = Operation(
    framework=FRAMEWORK,
    name="lasagne.layers.Conv2DLayer",
    kind="conv",
    defaults=(("filter_size", None), ("stride", 1), ("pad", 0)),
    length=_fwd_length,
    requires=(
        _odd("pad"),
        Requirement("output length >= 0", lambda a: _fwd_length(a) >= 0, _NEGATIVE, "AssertionError"),
        Requirement(
            "output length 0 only where C truncation gives 1",
            lambda a: A.or_(A.ne(_fwd_length(a), 0), A.truncdiv(_x(a), a["stride"]) + 1 > 0),
            "CorrMM: impossible output shape",
            "ValueError",
        ),
        Requirement(
            "output length != 0", lambda a: A.ne(_fwd_length(a), 0), "CorrMM shape inconsistency:", "ValueError"
        ),
    ),
    source="lasagne/layers/conv.py::conv_output_length, BaseConvLayer; theano/tensor/nnet/corr.py::CorrMM",
    confirmed="live, outside CI (Lasagne 0.2.dev1 at 5d3c63cb is on no package registry)",
    integer_args=("filter_size", "stride"),
)

# -- transposed ---------------------------------------------------------------------------------------


def _default(a: Mapping[str, Any]) -> Any:
    """``conv_input_length``: ``(n-1)s - 2 crop + k``."""
    k = a["filter_size"]
    return (a["n"] - 1) * a["stride"] - 2 * _amount(a["crop"], k, "crop") + k


def _given(a: Mapping[str, Any]) -> bool:
    return a["output_size"] is not None


def _tr_length(a: Mapping[str, Any]) -> Any:
    return a["output_size"] if _given(a) else _default(a)


def _round_trips(a: Mapping[str, Any]) -> Any:
    k = a["filter_size"]
    back = A.floordiv(a["output_size"] + 2 * _amount(a["crop"], k, "crop") - k, a["stride"]) + 1
    return A.eq(back, a["n"])


TRANSPOSED_CONV2D_LAYER = Operation(
    framework=FRAMEWORK,
    name="lasagne.layers.TransposedConv2DLayer",
    kind="conv_transpose",
    defaults=(("filter_size", None), ("stride", 1), ("crop", 0), ("output_size", None)),
    length=_tr_length,
    requires=(
        _odd("crop"),
        Requirement(
            "output_size maps back to n: ⌊(output_size + 2 crop - k)/s⌋ + 1 == n",
            lambda a: _round_trips(a) if _given(a) else True,
            "CorrMM shape inconsistency:",
            "ValueError",
        ),
        Requirement(
            "(n-1)s - 2 crop + k >= 0", lambda a: True if _given(a) else _default(a) >= 0, _NEGATIVE, "AssertionError"
        ),
        Requirement(
            "(n-1)s - 2 crop + k != 0",
            lambda a: True if _given(a) else A.ne(_default(a), 0),
            "CorrMM backprop wrt. inputs: impossible output shape",
            "ValueError",
        ),
    ),
    accepted=lambda a: (A.maximum(1, _default(a)), _default(a) + a["stride"] - 1),
    source="lasagne/layers/conv.py::conv_input_length, TransposedConv2DLayer; "
    "theano/tensor/nnet/corr.py::CorrMM_gradInputs",
    confirmed="live, outside CI (Lasagne 0.2.dev1 at 5d3c63cb is on no package registry)",
    integer_args=("filter_size", "stride", "output_size"),
)

# -- public functions ---------------------------------------------------------------------------------


def _validate(args: Mapping[str, Any]) -> None:
    A.param("filter_size", args["filter_size"], 1)
    A.param("stride", args.get("stride", 1), 1)
    for key in ("pad", "crop"):
        if key in args and not isinstance(args[key], str):
            A.param(key, args[key], 0)  # negative: Theano's "border_mode must be >= 0", not modelled
    if args.get("output_size") is not None:
        A.param("output_size", args["output_size"], 1)


def _run(op: Operation, n: Any, kw: dict[str, Any]) -> Any:
    if not isinstance(n, (tuple, list)):
        _validate(kw)
        return op(n, **kw)
    axes = []
    for i, args in enumerate(_axes.split(kw, len(n))):
        _validate(args)
        axes.append(op.bind(n[i], args))
    _axes.check_each(op, axes)  # Lasagne's constructor, then Theano's compile, then its run
    return tuple(op.length(a) for a in axes)


def conv_length(n: Any, filter_size: Any, stride: Any = 1, pad: object = 0) -> Any:
    """Output length of ``Conv2DLayer(incoming, num_filters, filter_size, stride=, pad=)`` along one axis.

    ``pad``: an int, ``'valid'`` (0), ``'full'`` (``k-1``) or ``'same'`` (``k//2``, odd ``k`` only).
    """
    return _run(CONV2D_LAYER, n, dict(filter_size=filter_size, stride=stride, pad=pad))


def conv_transpose_length(n: Any, filter_size: Any, stride: Any = 1, crop: object = 0, output_size: Any = None) -> Any:
    """Output length of ``TransposedConv2DLayer(incoming, num_filters, filter_size, stride=, crop=, output_size=)``.

    ``(n-1)s - 2 crop + k`` (``crop='valid'`` is 0: the *largest* output), or ``output_size`` when it
    lies in ``[L0, L0 + s - 1]``.
    """
    return _run(
        TRANSPOSED_CONV2D_LAYER, n, dict(filter_size=filter_size, stride=stride, crop=crop, output_size=output_size)
    )


def accepted_lengths(n: Any, filter_size: Any, stride: Any = 1, crop: object = 0) -> tuple[Any, Any]:
    """The ``output_size`` values Theano accepts: ``[max(1, L0), L0 + s - 1]``."""
    _validate(dict(filter_size=filter_size, stride=stride, crop=crop))
    A.param("n", n, 0)
    op = TRANSPOSED_CONV2D_LAYER
    args = op.bind(n, dict(filter_size=filter_size, stride=stride, crop=crop))
    _check(op.requires[:1], args)  # only the layer's own check: the others concern the default length
    return op.accepted(args)


def _check(requires, args: Mapping[str, Any]) -> None:
    for r in requires:
        if A.is_false(r.holds(args)):
            raise FrameworkError(FRAMEWORK, r.text(args), r.error, r.rule)
