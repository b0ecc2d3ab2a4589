"""Apache MXNet 1.x: ``mx.nd.Convolution`` / ``mx.nd.Deconvolution`` (and their ``mx.sym`` twins).

Checked live against mxnet 1.9.1 (the last release; pip wheel built with oneDNN, numpy<1.24), both
with oneDNN (the default) and with ``MXNET_MKLDNN_ENABLED=0`` (MXNet's own CPU kernels). Sources read:

* ``src/operator/nn/deconvolution-inl.h::DeconvolutionParam::InferPad`` (``apache/mxnet`` @ ``847779ef``):
  with a non-zero ``target_shape`` the pads are derived, ``o = s(n-1) + K``, ``CHECK_GE(o, target) <<
  "too big target shape"``, ``T = o - target``, ``adj = T % 2``, ``pad = (T + 1) / 2``;
* ``src/operator/nn/deconvolution.cc::DeconvolutionShape`` (1.9.1: line 158): ``CHECK_GE(stride-1, adj) <<
  "adj(x) must be samller than stride[0]"`` (sic), then ``out = s(n-1) + K - 2 pad + adj``;
* ``src/operator/nn/convolution.cc::ConvolutionShape`` (1.9.1: line 146): ``CHECK_LE(K, n + 2 pad) <<
  "kernel size exceed input"``, ``out = (n + 2 pad - K)/s + 1``;
* ``include/mxnet/tuple.h``: a dimension of ``-1`` means "unknown" to shape inference, so an output
  length of -1 passes it and fails later; ``< -1`` fails ``"shape dim size must be >= -1"``.

Surprises (all confirmed live):

* **stride 1 + target_shape**: an odd crop ``T`` gives ``adj = 1 > stride - 1 = 0`` and the "samller"
  check refuses a target that symmetric-plus-one-sided cropping could reach; only targets of the
  parity of ``n + K - 1`` are accepted. So the accepted targets are ``1..s(n-1)+K`` for ``s > 1``
  but every other value for ``s = 1`` (``accepted_lengths`` returns the hull).
* **oneDNN ignores the pads InferPad derives from target_shape**: shape inference says ``target``, but
  the oneDNN primitive is built with the *given* ``pad`` on both sides, and oneDNN accepts the
  output length only when its own forward rule ``trunc((target + 2 pad - K)/s) + 1`` gives back
  ``n``; so the default pip build refuses most targets unless ``pad`` is set to match
  (``DECONVOLUTION_ONEDNN``; found from 9600 live target cases, 0 exceptions). With
  ``MXNET_MKLDNN_ENABLED=0`` every target in range works (``DECONVOLUTION``).
* An output length of 0 is returned (an empty tensor); -1 fails with a backend-specific message.
* (values, not lengths) the native CPU kernel computes wrong values for a dilated deconvolution
  (stride 2, dilate 2: ``[1,0,1,1,2,1,1,1,1]`` where oneDNN gives ``[1,0,2,0,3,0,2,0,1]``).
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

FRAMEWORK = "mxnet"

# the letters MXNet's messages give the spatial axes of 1-, 2- and 3-D operators
_AXIS_NAMES = {1: ("x",), 2: ("y", "x"), 3: ("d", "y", "x")}


def _K(a: Mapping[str, Any]) -> Any:
    return a["dilate"] * (a["kernel"] - 1) + 1


def _axis(a: Mapping[str, Any]) -> tuple[int, int]:
    """(axis index, number of spatial axes) of a bound call; 1-D unless the N-d wrapper says otherwise."""
    return a.get("_axis", 0), a.get("_ndim", 1)


# -- forward ------------------------------------------------------------------------------------------


def _fwd_message(a: Mapping[str, Any]) -> str:
    i, nd = _axis(a)
    letter = _AXIS_NAMES.get(nd, ("x",) * nd)[i]
    return (
        f"Check failed: dilated_ksize_{letter} <= AddPad(dshape[{i + 2}], param_.pad[{i}]) "
        f"({_K(a)} vs. {a['n'] + 2 * a['pad']}) : kernel size exceed input"
    )


CONVOLUTION = Operation(
    framework=FRAMEWORK,
    name="mxnet.nd.Convolution",
    kind="conv",
    defaults=(("kernel", None), ("stride", 1), ("dilate", 1), ("pad", 0)),
    length=lambda a: A.floordiv(a["n"] + 2 * a["pad"] - _K(a), a["stride"]) + 1,
    requires=(
        Requirement(
            "dilated kernel d(k-1)+1 <= n + 2 pad", lambda a: _K(a) <= a["n"] + 2 * a["pad"], _fwd_message, "MXNetError"
        ),
    ),
    source="src/operator/nn/convolution.cc::ConvolutionShape",
    confirmed="live",
    integer_args=("kernel", "stride", "dilate", "pad"),
)

# -- transposed ---------------------------------------------------------------------------------------


def _has_target(a: Mapping[str, Any]) -> bool:
    # MXNet: a target_shape entry of 0 means "not set"
    t = a["target_shape"]
    return t is not None and not (isinstance(t, int) and t == 0)


def _full(a: Mapping[str, Any]) -> Any:
    """``o = s(n-1) + K``: the uncropped length, InferPad's starting point."""
    return a["stride"] * (a["n"] - 1) + _K(a)


def _pad_adj(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """The (pad, adj) MXNet uses: the given ones, or those InferPad derives from target_shape."""
    if not _has_target(a):
        return a["pad"], a["adj"]
    crop = _full(a) - a["target_shape"]
    return A.floordiv(crop + 1, 2), A.mod(crop, 2)


def _given_length(a: Mapping[str, Any]) -> Any:
    return _full(a) - 2 * a["pad"] + a["adj"]


def _tr_length(a: Mapping[str, Any]) -> Any:
    if _has_target(a):
        return a["target_shape"]  # = o - 2⌈T/2⌉ + (T mod 2) for the crop T = o - target >= 0
    return _given_length(a)


def _target_message(a: Mapping[str, Any]) -> str:
    return f"Check failed: o_pad[i] >= target_shape[i] ({_full(a)} vs. {a['target_shape']}) : too big target shape"


def _adj_message(a: Mapping[str, Any]) -> str:
    i, nd = _axis(a)
    letter = _AXIS_NAMES.get(nd, ("x",) * nd)[i]
    return (
        f"Check failed: param_.stride[{i}]-1 >= o_adj[{i}] ({a['stride'] - 1} vs. {_pad_adj(a)[1]}) : "
        f"adj({letter}) must be samller than stride[{i}]"
    )


def _negative_message(a: Mapping[str, Any]) -> str:
    L = _tr_length(a)
    return f"Check failed: dim_size >= -1 ({L} vs. -1) : shape dim size must be >= -1, while received {L}"


_DECONV_REQUIRES = (
    Requirement(
        "target_shape <= s(n-1) + d(k-1)+1",
        lambda a: _full(a) >= a["target_shape"] if _has_target(a) else True,
        _target_message,
        "MXNetError",
    ),
    Requirement(
        "adj <= stride - 1 (with target_shape: adj = (s(n-1)+K-target) mod 2)",
        lambda a: _pad_adj(a)[1] <= a["stride"] - 1,
        _adj_message,
        "MXNetError",
    ),
    Requirement(
        "output length >= -1 (-1 means unknown)", lambda a: _tr_length(a) >= -1, _negative_message, "MXNetError"
    ),
)

DECONVOLUTION = Operation(
    framework=FRAMEWORK,
    name="mxnet.nd.Deconvolution (MXNET_MKLDNN_ENABLED=0; = shape inference)",
    kind="conv_transpose",
    defaults=(("kernel", None), ("stride", 1), ("dilate", 1), ("pad", 0), ("adj", 0), ("target_shape", None)),
    length=_tr_length,
    requires=(
        *_DECONV_REQUIRES,
        Requirement(
            "output length != -1",
            lambda a: A.ne(_tr_length(a), -1),
            "Check failed: dim_size_is_known(*it): Shape dim size cannot be a negative value -1",
            "MXNetError",
        ),
    ),
    accepted=lambda a: (1, _full(a)),
    source="src/operator/nn/deconvolution-inl.h::DeconvolutionParam::InferPad, deconvolution.cc::DeconvolutionShape",
    confirmed="live",
    integer_args=("kernel", "stride", "dilate", "pad", "adj", "target_shape"),
)

DECONVOLUTION_ONEDNN = Operation(
    framework=FRAMEWORK,
    name="mxnet.nd.Deconvolution (oneDNN, the pip default)",
    kind="conv_transpose",
    defaults=DECONVOLUTION.defaults,
    length=_tr_length,
    requires=(
        *_DECONV_REQUIRES,
        Requirement(
            "output length != -1",
            lambda a: A.ne(_tr_length(a), -1),
            "could not construct a memory descriptor using a format tag",
            "MXNetError",
        ),
        Requirement(
            "with target_shape: oneDNN builds its primitive from the given pad and accepts only a target its"
            " own forward rule trunc((target + 2 pad - K)/s) + 1 maps back to n",
            lambda a: (
                A.eq(A.truncdiv(a["target_shape"] + 2 * a["pad"] - _K(a), a["stride"]) + 1, a["n"])
                if _has_target(a)
                else True
            ),
            "could not create a descriptor for a dilated deconvolution forward propagation primitive",
            "MXNetError",
        ),
    ),
    accepted=DECONVOLUTION.accepted,
    source=DECONVOLUTION.source + "; src/operator/nn/mkldnn/mkldnn_deconvolution.cc (executes with param pad/adj)",
    confirmed="live",
    integer_args=DECONVOLUTION.integer_args,
)

# -- public functions ---------------------------------------------------------------------------------


def _validate(**kw: Any) -> None:
    # MXNet stores these in TShape; zero or negative kernel/stride/dilate and negative pad/adj are not
    # meaningful requests (MXNet's own "incorrect ... size" checks are not modelled)
    for name in ("kernel", "stride", "dilate"):
        if name in kw and not isinstance(kw[name], (tuple, list)):
            A.param(name, kw[name], 1)
    for name in ("pad", "adj", "target_shape"):
        if kw.get(name) is not None and not isinstance(kw[name], (tuple, list)):
            A.param(name, kw[name], 0)


def _run(op: Operation, n: Any, **kw: Any) -> Any:
    """op on one axis (n an int/SymPy value) or per axis (n a tuple), checks in MXNet's order."""
    if not isinstance(n, (tuple, list)):
        _validate(**kw)
        return op(n, **kw)
    dims = len(n)
    if dims not in (1, 2, 3):
        raise ParameterError("n", "must have 1, 2 or 3 spatial axes", n)
    axes: list[dict[str, Any]] = []
    for i, args in enumerate(_axes.split(kw, dims)):
        _validate(**args)
        axes.append({**op.bind(n[i], args), "_axis": i, "_ndim": dims})
    _axes.check_each(op, axes)  # MXNet makes each check for every axis before the next check
    return tuple(op.length(a) for a in axes)


def conv_length(n: Any, kernel: Any, stride: Any = 1, dilate: Any = 1, pad: Any = 0) -> Any:
    """Output length of ``mx.nd.Convolution(..., kernel=, stride=, dilate=, pad=)``: ``⌊(n+2pad-K)/s⌋+1``."""
    return _run(CONVOLUTION, n, kernel=kernel, stride=stride, dilate=dilate, pad=pad)


def conv_transpose_length(
    n: Any,
    kernel: Any,
    stride: Any = 1,
    dilate: Any = 1,
    pad: Any = 0,
    adj: Any = 0,
    target_shape: Any = None,
    onednn: bool = False,
) -> Any:
    """Output length of ``mx.nd.Deconvolution(..., kernel=, stride=, dilate=, pad=, adj=, target_shape=)``.

    ``s(n-1) + K - 2 pad + adj``; with a non-zero ``target_shape`` that target (pad and adj ignored and
    derived). ``onednn=True`` models the default pip build, whose oneDNN kernel refuses targets the
    given ``pad`` does not map back to ``n`` (MXNet's switch is the environment variable ``MXNET_MKLDNN_ENABLED``).
    """
    op = DECONVOLUTION_ONEDNN if onednn else DECONVOLUTION
    return _run(op, n, kernel=kernel, stride=stride, dilate=dilate, pad=pad, adj=adj, target_shape=target_shape)


def accepted_lengths(n: Any, kernel: Any, stride: Any = 1, dilate: Any = 1) -> tuple[Any, Any]:
    """The hull ``(1, s(n-1)+K)`` of the target_shape values MXNet accepts.

    For ``stride > 1`` every value in it is accepted; for ``stride == 1`` only those of the parity of
    ``n + K - 1`` (an odd crop needs ``adj = 1``, which the "samller than stride" check refuses).
    """
    _validate(kernel=kernel, stride=stride, dilate=dilate)
    A.param("n", n, 0)
    # no checks: those without target_shape concern the pad/adj length, not the target's
    return DECONVOLUTION.accepted(DECONVOLUTION.bind(n, dict(kernel=kernel, stride=stride, dilate=dilate)))
