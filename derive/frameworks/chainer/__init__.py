"""Chainer: ``chainer.functions.convolution_1d`` / ``deconvolution_1d`` (``convolution_nd`` /
``deconvolution_nd`` for a tuple ``n``; the links ``L.Convolution1D`` / ``L.Deconvolution1D`` call these).

Checked live against chainer 7.8.1 (numpy 1.23, CPU arrays). Sources read (installed 7.8.1; the same
code at ``chainer/chainer`` HEAD ``a8e15cbe``):

* ``chainer/utils/conv.py::get_conv_outsize`` — ``⌊(n + 2p - dk)/s⌋ + 1``; with ``cover_all``
  ``⌊(n + 2p - dk + s - 1)/s⌋ + 1`` (the last partial window counts), ``dk = k + (k-1)(d-1)``;
* ``chainer/utils/conv.py::get_deconv_outsize`` — ``s(n-1) + dk - 2p``;
* ``chainer/functions/connection/convolution_nd.py`` and ``chainer/utils/conv_nd.py::im2col_nd_cpu`` —
  ``assert all(out > 0 …), 'Output sizes should be positive.'``;
* ``chainer/functions/connection/deconvolution_nd.py::DeconvolutionND.check_type_forward`` — with
  ``outsize``: ``get_conv_outsize(outsize) <= n <= get_conv_outsize(outsize, cover_all=True)``
  (``InvalidType``); ``::forward`` — without: ``assert out > 0, 'Output sizes should be positive.'``;
  ``::_set_cover_all`` then switches ``cover_all`` on for the backward pass when needed.

What it does, per axis: with ``outsize`` the accepted sizes are ``D-s+1 … D+s-1`` (``2s-1`` values,
``D = s(n-1) + dk - 2p`` the default), i.e. **also sizes below the default**: those round-trip only
through a ``cover_all`` convolution. A default length ``<= 0`` is refused; ``outsize = 0`` is
accepted when in range and gives an empty output. The 2-D functions (``convolution_2d``,
``deconvolution_2d``) compute the same lengths with other messages ("Height in the output should be
positive." / "… must be positive."); they are not modelled separately.

Chainer requires ``outsize`` as a tuple (``outsize=(10,)``); derive takes the int per axis.
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

FRAMEWORK = "chainer"

_POSITIVE = "Output sizes should be positive."


def _ints(**values: Any) -> None:
    """The helpers' arguments: a length (size >= 0), a kernel, stride and dilation >= 1, any integer pad."""
    for name, value in values.items():
        A.param(name, value, {"size": 0, "p": None}.get(name, 1))


def get_conv_outsize(size: Any, k: Any, s: Any, p: Any, cover_all: bool = False, d: Any = 1) -> Any:
    """``chainer.utils.conv.get_conv_outsize`` (ints or SymPy)."""
    _ints(size=size, k=k, s=s, p=p, d=d)
    dk = k + (k - 1) * (d - 1)
    if cover_all:
        return A.floordiv(size + p * 2 - dk + s - 1, s) + 1
    return A.floordiv(size + p * 2 - dk, s) + 1


def get_deconv_outsize(size: Any, k: Any, s: Any, p: Any, cover_all: bool = False, d: Any = 1) -> Any:
    """``chainer.utils.conv.get_deconv_outsize`` (ints or SymPy)."""
    _ints(size=size, k=k, s=s, p=p, d=d)
    dk = (k - 1) * d + 1
    if cover_all:
        return s * (size - 1) + dk - s + 1 - 2 * p
    return s * (size - 1) + dk - 2 * p


# -- forward ------------------------------------------------------------------------------------------


def _fwd_length(a: Mapping[str, Any]) -> Any:
    return get_conv_outsize(a["n"], a["ksize"], a["stride"], a["pad"], a["cover_all"], a["dilate"])


CONVOLUTION_ND = Operation(
    framework=FRAMEWORK,
    name="chainer.functions.convolution_1d",
    kind="conv",
    defaults=(("ksize", None), ("stride", 1), ("pad", 0), ("cover_all", False), ("dilate", 1)),
    length=_fwd_length,
    requires=(Requirement("output length > 0", lambda a: _fwd_length(a) > 0, _POSITIVE, "AssertionError"),),
    source="chainer/utils/conv.py::get_conv_outsize; chainer/utils/conv_nd.py::im2col_nd_cpu",
    confirmed="live",
    integer_args=("ksize", "stride", "pad", "dilate"),
)

# -- transposed ---------------------------------------------------------------------------------------


def _default(a: Mapping[str, Any]) -> Any:
    return get_deconv_outsize(a["n"], a["ksize"], a["stride"], a["pad"], d=a["dilate"])


def _given(a: Mapping[str, Any]) -> bool:
    return a["outsize"] is not None


def _tr_length(a: Mapping[str, Any]) -> Any:
    return a["outsize"] if _given(a) else _default(a)


def _dk_text(i: int, d: Any) -> str:
    k = f"in_types[1].shape[{i + 2}]"
    return f"({k} + ({k} - 1) * {d - 1})"


def _low_message(a: Mapping[str, Any]) -> str:
    if not _given(a):  # the check only exists with outsize (conditions() still asks for a text)
        return "Invalid operation is performed in: DeconvolutionND (Forward)"
    i = a.get("_axis", 0)
    low = get_conv_outsize(a["outsize"], a["ksize"], a["stride"], a["pad"], False, a["dilate"])
    return (
        f"Invalid operation is performed in: DeconvolutionND (Forward)\n\n"
        f"Expect: ({a['outsize'] + 2 * a['pad']} - {_dk_text(i, a['dilate'])}) // {a['stride']} + 1 "
        f"<= in_types[0].shape[{i + 2}]\nActual: {low} > {a['n']}"
    )


def _high_message(a: Mapping[str, Any]) -> str:
    if not _given(a):  # the check only exists with outsize (conditions() still asks for a text)
        return "Invalid operation is performed in: DeconvolutionND (Forward)"
    i = a.get("_axis", 0)
    high = get_conv_outsize(a["outsize"], a["ksize"], a["stride"], a["pad"], True, a["dilate"])
    return (
        f"Invalid operation is performed in: DeconvolutionND (Forward)\n\n"
        f"Expect: in_types[0].shape[{i + 2}] <= ({a['outsize'] + 2 * a['pad']} - {_dk_text(i, a['dilate'])} "
        f"+ {a['stride']} - 1) // {a['stride']} + 1\nActual: {a['n']} > {high}"
    )


DECONVOLUTION_ND = Operation(
    framework=FRAMEWORK,
    name="chainer.functions.deconvolution_1d",
    kind="conv_transpose",
    defaults=(("ksize", None), ("stride", 1), ("pad", 0), ("outsize", None), ("dilate", 1)),
    length=_tr_length,
    requires=(
        Requirement(
            "get_conv_outsize(outsize) <= n",
            lambda a: (
                get_conv_outsize(a["outsize"], a["ksize"], a["stride"], a["pad"], False, a["dilate"]) <= a["n"]
                if _given(a)
                else True
            ),
            _low_message,
            "InvalidType",
        ),
        Requirement(
            "n <= get_conv_outsize(outsize, cover_all=True)",
            lambda a: (
                a["n"] <= get_conv_outsize(a["outsize"], a["ksize"], a["stride"], a["pad"], True, a["dilate"])
                if _given(a)
                else True
            ),
            _high_message,
            "InvalidType",
        ),
        Requirement(
            "without outsize: s(n-1) + dk - 2p > 0",
            lambda a: True if _given(a) else _default(a) > 0,
            _POSITIVE,
            "AssertionError",
        ),
    ),
    # Chainer's type check also passes some negative outsizes; derive takes outsize >= 0 only
    accepted=lambda a: (A.maximum(0, _default(a) - a["stride"] + 1), _default(a) + a["stride"] - 1),
    source="chainer/utils/conv.py::get_deconv_outsize; "
    "chainer/functions/connection/deconvolution_nd.py::DeconvolutionND.check_type_forward, ::forward",
    confirmed="live",
    integer_args=("ksize", "stride", "pad", "outsize", "dilate"),
)

# -- public functions ---------------------------------------------------------------------------------


def _validate(args: Mapping[str, Any]) -> None:
    # Chainer does not check these itself; out of range they fail deep inside numpy, not modelled
    A.param("ksize", args["ksize"], 1)
    A.param("stride", args.get("stride", 1), 1)
    A.param("dilate", args.get("dilate", 1), 1)
    A.param("pad", args.get("pad", 0), 0)
    if args.get("outsize") is not None:
        A.param("outsize", args["outsize"], 0)
    if not isinstance(args.get("cover_all", False), bool):
        raise ParameterError("cover_all", "must be a bool", args["cover_all"])


def _run(op: Operation, n: Any, kw: dict[str, Any]) -> Any:
    if not isinstance(n, (tuple, list)):
        _validate(kw)
        return op(n, **kw)
    axes = []
    for i, args in enumerate(_axes.split(kw, len(n))):
        _validate(args)
        axes.append({**op.bind(n[i], args), "_axis": i})
    type_checks, asserts = op.requires[:-1], op.requires[-1:]
    if op is CONVOLUTION_ND:
        type_checks, asserts = (), op.requires
    for a in axes:  # check_type_forward: both bounds of an axis, then the next axis
        for r in type_checks:
            if A.is_false(r.holds(a)):
                raise FrameworkError(FRAMEWORK, r.text(a), r.error, r.rule)
    _axes.check_each(op, axes, asserts)
    return tuple(op.length(a) for a in axes)


def conv_length(n: Any, ksize: Any, stride: Any = 1, pad: Any = 0, cover_all: bool = False, dilate: Any = 1) -> Any:
    """Output length of ``F.convolution_1d(x, W, stride=, pad=, cover_all=, dilate=)`` (``W`` of size ``ksize``)."""
    return _run(CONVOLUTION_ND, n, dict(ksize=ksize, stride=stride, pad=pad, cover_all=cover_all, dilate=dilate))


def conv_transpose_length(
    n: Any, ksize: Any, stride: Any = 1, pad: Any = 0, outsize: Any = None, dilate: Any = 1
) -> Any:
    """Output length of ``F.deconvolution_1d(x, W, stride=, pad=, outsize=(outsize,), dilate=)``.

    ``s(n-1) + dk - 2p``, or ``outsize`` when ``D-s+1 <= outsize <= D+s-1``.
    """
    return _run(DECONVOLUTION_ND, n, dict(ksize=ksize, stride=stride, pad=pad, outsize=outsize, dilate=dilate))


def accepted_lengths(n: Any, ksize: Any, stride: Any = 1, pad: Any = 0, dilate: Any = 1) -> tuple[Any, Any]:
    """The ``outsize`` values Chainer accepts: ``[max(0, D - s + 1), D + s - 1]``, ``D`` the default length."""
    _validate(dict(ksize=ksize, stride=stride, pad=pad, dilate=dilate))
    A.param("n", n, 0)
    # no checks: the only one without outsize (default > 0) does not apply when outsize is given
    return DECONVOLUTION_ND.accepted(DECONVOLUTION_ND.bind(n, dict(ksize=ksize, stride=stride, pad=pad, dilate=dilate)))
