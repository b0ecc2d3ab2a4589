"""JAX ``lax``: the output length of ``lax.conv_general_dilated`` and ``lax.conv_transpose``.

Checked against jax/jaxlib 0.10.2 (installed source and ``derive/frameworks/jax/tests/probe.py``, which runs
``jax.eval_shape`` over the whole grid and the real op on a sample). Sources read:

* ``jax/_src/lax/convolution.py::conv_general_dilated`` (string padding with ``lhs_dilation``,
  explicit-pads structure), ``::conv_transpose`` (which padding goes through
  ``_conv_transpose_padding``), ``::_conv_transpose_padding``, ``::conv_shape_tuple``
  (negative-padding check, ``core.stride_dim``), ``::_conv_general_dilated_shape_rule``;
* ``jax/_src/lax/lax.py::padtype_to_pads`` (SAME / SAME_LOWER / VALID, case-insensitive);
* ``jax/_src/core.py::stride_dim`` (``max(0, (d - window)//stride + 1)``: 0, never an error),
  ``::dilate_dim``.

Argument names are JAX's own (``window_strides``, ``padding``, ``lhs_dilation``, ``rhs_dilation``;
``strides``, ``transpose_kernel``, ``use_consistent_padding``). JAX takes the kernel as an array, so
its spatial size is the extra argument ``kernel_size``. ``padding`` is a string or, as in JAX, a
sequence of ``(low, high)`` pairs, one per spatial axis: ``[(lo, hi)]`` for one axis (a bare
``(lo, hi)`` is refused by JAX and so by the model). ``n`` is an int (one axis) or a tuple (N-d; the
other per-axis arguments may then be tuples too, and the result is a tuple). ``n`` must be >= 1.
"""

from __future__ import annotations

from ... import _arith as A
from ... import lengths as L
from ..._record import record
from ...errors import FrameworkError, ParameterError
from .. import _axes
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

FRAMEWORK = "jax"

STRING_PADDING_WITH_LHS_DILATION = (
    "String padding is not implemented for transposed convolution using this op. "
    "Please either exactly specify the required padding or use conv_transpose."
)
PADTYPES = ("VALID", "SAME", "SAME_LOWER")


@record
class _Op(Operation):
    """An :class:`Operation` whose ``bind`` also runs derive-level validation (ParameterError only)."""

    # extra validation of the bound arguments: required values, ranges, padding element types
    validate: Callable[[dict[str, Any]], None] | None = None

    def bind(self, n: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        args = super().bind(n, kwargs)
        if self.validate is not None:
            self.validate(args)
        return args


# ---------------------------------------------------------------------------------------------
# padding helpers


def _is_pair(p: object) -> bool:
    return isinstance(p, (tuple, list)) and len(p) == 2


def _pairs_ok(padding: object) -> bool:
    """JAX unpacks ``for lo, hi in padding``: a sequence whose every element is a 2-sequence."""
    return isinstance(padding, (tuple, list)) and all(_is_pair(p) for p in padding)


def _check_pad_values(padding: object, name: str = "padding") -> None:
    if isinstance(padding, (tuple, list)):
        for i, p in enumerate(padding):
            if isinstance(p, (tuple, list)):
                for j, v in enumerate(p):
                    A.param(f"{name}[{i}][{j}]", v)
            else:
                A.param(f"{name}[{i}]", p)


def _pair(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """The one (lo, hi) pair of a per-axis explicit padding ``[(lo, hi)]``."""
    lo, hi = a["padding"][0]
    return lo, hi


def _shape_text(values: Sequence[Any]) -> str:
    """A shape as numpy prints it inside JAX's message: ``(np.int64(5),)``."""
    inner = ", ".join(f"np.int64({v})" for v in values)
    return f"({inner},)" if len(values) == 1 else f"({inner})"


def _negative_padding_message(a: Mapping[str, Any], pads: Callable, lhs: Callable) -> str:
    """JAX's message lists every axis: ``got padding=((-3, -3),) for lhs_shape[2:]=(np.int64(5),)``."""
    axes = a.get("_axes", [a])
    padding = tuple(tuple(pads(x)) for x in axes)
    return (
        "Negative padding is larger than the size of the corresponding dimension: "
        f"got padding={padding!r} for lhs_shape[2:]={_shape_text([lhs(x) for x in axes])}"
    )


def _wrong_count_message(a: Mapping[str, Any]) -> str:
    rank = len(a.get("_axes", [a]))
    got = a.get("_count", len(a["padding"]))
    return f"Wrong number of explicit pads for convolution: expected {rank}, got {got}."


def _count_ok(a: Mapping[str, Any]) -> bool:
    # an N-d call splits the pads one per axis and records how many were given in "_count"
    if "_count" in a:
        return a["_count"] == len(a["_axes"])
    return len(a["padding"]) == 1


def _need(a: Mapping[str, Any], *names: str) -> None:
    for name in names:
        if a.get(name) is None:
            raise ParameterError(name, "is required", None)


def _fill(a: dict[str, Any], **defaults: Any) -> None:
    """``None`` means 1 for strides and dilations, as in JAX."""
    for key, value in defaults.items():
        if a.get(key) is None:
            a[key] = value


# ---------------------------------------------------------------------------------------------
# lax.conv_general_dilated


def _fwd_validate(a: dict[str, Any]) -> None:
    _need(a, "kernel_size", "padding")
    _fill(a, window_strides=1, lhs_dilation=1, rhs_dilation=1)
    A.param("n", a["n"], 1)
    A.param("kernel_size", a["kernel_size"], 1)
    A.param("window_strides", a["window_strides"], 1)
    A.param("lhs_dilation", a["lhs_dilation"], 1)
    A.param("rhs_dilation", a["rhs_dilation"], 1)
    if not isinstance(a["padding"], (str, tuple, list)):
        raise ParameterError("padding", "must be a string or a sequence of (low, high) pairs", a["padding"])
    _check_pad_values(a["padding"])


def _fwd_dilated(a: Mapping[str, Any]) -> Any:
    """The lhs-dilated input length ``(n-1)·lhs_dilation + 1``."""
    return (a["n"] - 1) * a["lhs_dilation"] + 1


def _fwd_K(a: Mapping[str, Any]) -> Any:
    return L.effective_kernel(a["kernel_size"], a["rhs_dilation"])


def _fwd_length(a: Mapping[str, Any]) -> Any:
    p, s = a["padding"], a["window_strides"]
    if isinstance(p, str):
        mode = p.upper()
        if mode in ("SAME", "SAME_LOWER"):
            return A.ceildiv(a["n"], s)  # padtype_to_pads then stride_dim: exactly ⌈n/s⌉ for n >= 1
        return A.maximum(0, A.floordiv(a["n"] - _fwd_K(a), s) + 1)
    lo, hi = _pair(a)
    return A.maximum(0, A.floordiv(_fwd_dilated(a) + lo + hi - _fwd_K(a), s) + 1)


def _explicit(a: Mapping[str, Any]) -> bool:
    return not isinstance(a["padding"], str)


# conv_general_dilated's checks of explicit pads; conv_transpose passes its pads on to it, so both operations make them
PAIRS = Requirement(
    "explicit padding is a sequence of (low, high) pairs",
    lambda a: not _explicit(a) or _pairs_ok(a["padding"]),
    lambda a: (
        "padding argument to conv_general_dilated should be a string or a sequence of "
        f"(low, high) pairs, got {a['padding']}"
    ),
    "ValueError",
)
PAIR_COUNT = Requirement(
    "one (low, high) pair per spatial axis",
    lambda a: not _explicit(a) or _count_ok(a),
    _wrong_count_message,
    "TypeError",
)


CONV = _Op(
    framework=FRAMEWORK,
    name="jax.lax.conv_general_dilated",
    kind="conv",
    defaults=(
        ("kernel_size", None),
        ("window_strides", None),
        ("padding", None),
        ("lhs_dilation", None),
        ("rhs_dilation", None),
    ),
    length=_fwd_length,
    requires=(
        Requirement(
            "string padding only with lhs_dilation == 1",
            lambda a: A.or_(_explicit(a), A.eq(a["lhs_dilation"], 1)),
            STRING_PADDING_WITH_LHS_DILATION,
            "ValueError",
        ),
        Requirement(
            "padding string is VALID, SAME or SAME_LOWER (any case)",
            lambda a: _explicit(a) or a["padding"].upper() in PADTYPES,
            "Unrecognized padding type: expected 'VALID', 'SAME', or 'SAME_LOWER', got {padding}.",
            "RuntimeError",
        ),
        PAIRS,
        PAIR_COUNT,
        Requirement(
            "dilated input + lo + hi >= 0",
            lambda a: not _explicit(a) or _fwd_dilated(a) + sum(_pair(a)) >= 0,
            lambda a: _negative_padding_message(a, _pair, _fwd_dilated),
            "ValueError",
        ),
    ),
    source="jax/_src/lax/convolution.py::conv_general_dilated, ::conv_shape_tuple; "
    "jax/_src/lax/lax.py::padtype_to_pads; jax/_src/core.py::stride_dim",
    integer_args=("kernel_size", "window_strides", "lhs_dilation", "rhs_dilation"),
    validate=_fwd_validate,
)


# ---------------------------------------------------------------------------------------------
# lax.conv_transpose


def _tr_validate(a: dict[str, Any]) -> None:
    _need(a, "kernel_size", "padding")
    _fill(a, strides=1, rhs_dilation=1)
    A.param("n", a["n"], 1)
    A.param("kernel_size", a["kernel_size"], 1)
    A.param("strides", a["strides"], 1)
    A.param("rhs_dilation", a["rhs_dilation"], 1)
    if not isinstance(a["padding"], (str, tuple, list)):
        raise ParameterError("padding", "must be a string or a sequence of (low, high) pairs", a["padding"])
    _check_pad_values(a["padding"])
    if a["use_consistent_padding"] and not isinstance(a["padding"], str):
        for p in a["padding"]:
            if isinstance(p, tuple) and len(p) != 2:
                raise ParameterError("padding", "must hold (low, high) pairs", a["padding"])


def _tr_K(a: Mapping[str, Any]) -> Any:
    return L.effective_kernel(a["kernel_size"], a["rhs_dilation"])


def _via_transpose_padding(a: Mapping[str, Any]) -> bool:
    """conv_transpose turns padding into stretched-input pads itself only for these cases."""
    return bool(a["use_consistent_padding"]) or a["padding"] in ("SAME", "VALID")


def transpose_padding(kernel_size: Any, strides: Any, padding: Any, rhs_dilation: Any = 1) -> tuple[Any, Any]:
    """``_conv_transpose_padding``: the (before, after) pads JAX applies to the stride-stretched input.

    ``padding`` is ``"SAME"``, ``"VALID"`` or a forward-convolution ``(lo, hi)`` pair (the
    ``use_consistent_padding=True`` reading).
    """
    k = L.effective_kernel(A.param("kernel_size", kernel_size, 1), A.param("rhs_dilation", rhs_dilation, 1))
    s = A.param("strides", strides, 1)
    if padding == "SAME":
        pad_len = k + s - 2
        pad_a = A.ite(s > k - 1, k - 1, A.ceildiv(pad_len, 2))
    elif padding == "VALID":
        pad_len = k + s - 2 + A.maximum(k - s, 0)
        pad_a = k - 1
    elif isinstance(padding, tuple) and len(padding) == 2:
        pad_a = k - A.param("padding[0]", padding[0]) - 1
        pad_len = pad_a + k - A.param("padding[1]", padding[1]) - 1
    else:
        raise FrameworkError(FRAMEWORK, f"Invalid padding mode: {padding}", "ValueError", "padding mode")
    return pad_a, pad_len - pad_a


def _tr_pads(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """The pads conv_general_dilated receives (explicit paths only)."""
    if a["use_consistent_padding"]:
        lo, hi = _pair(a)
        K = _tr_K(a)
        return K - lo - 1, K - hi - 1
    return _pair(a)


def _tr_dilated(a: Mapping[str, Any]) -> Any:
    return (a["n"] - 1) * a["strides"] + 1


def _tr_length(a: Mapping[str, Any]) -> Any:
    n, s, p, K = a["n"], a["strides"], a["padding"], _tr_K(a)
    if _via_transpose_padding(a):
        if p == "SAME":
            return n * s
        if p == "VALID":
            return (n - 1) * s + A.maximum(K, s)
        lo, hi = _pair(a)
        return A.maximum(0, (n - 1) * s + K - lo - hi)
    if isinstance(p, str):  # only reachable with stride 1: a plain forward convolution
        if p.upper() in ("SAME", "SAME_LOWER"):
            return n
        return A.maximum(0, n - K + 1)
    lo, hi = _pair(a)
    return A.maximum(0, (n - 1) * s + lo + hi - K + 2)


def _consistent_bad_element(a: Mapping[str, Any]) -> Any:
    """With use_consistent_padding, every per-axis padding must be a tuple (else 'Invalid padding mode')."""
    p = a["padding"]
    if isinstance(p, str):
        return None if p in ("SAME", "VALID") else p
    for element in p:
        if not isinstance(element, tuple):
            return element
    return None


def _direct_string(a: Mapping[str, Any]) -> bool:
    return not _via_transpose_padding(a) and isinstance(a["padding"], str)


CONV_TRANSPOSE = _Op(
    framework=FRAMEWORK,
    name="jax.lax.conv_transpose",
    kind="conv_transpose",
    defaults=(
        ("kernel_size", None),
        ("strides", None),
        ("padding", None),
        ("rhs_dilation", None),
        ("transpose_kernel", False),
        ("use_consistent_padding", False),
    ),
    length=_tr_length,
    requires=(
        Requirement(
            "use_consistent_padding: padding is SAME, VALID or tuples",
            lambda a: not a["use_consistent_padding"] or _consistent_bad_element(a) is None,
            lambda a: f"Invalid padding mode: {_consistent_bad_element(a)}",
            "ValueError",
        ),
        Requirement(
            "other padding strings only with strides == 1",
            lambda a: A.or_(not _direct_string(a), A.eq(a["strides"], 1)),
            STRING_PADDING_WITH_LHS_DILATION,
            "ValueError",
        ),
        Requirement(
            "padding string is VALID, SAME or SAME_LOWER (any case)",
            lambda a: not _direct_string(a) or a["padding"].upper() in PADTYPES,
            "Unrecognized padding type: expected 'VALID', 'SAME', or 'SAME_LOWER', got {padding}.",
            "RuntimeError",
        ),
        PAIRS,
        PAIR_COUNT,
        Requirement(
            "stretched input (n-1)s+1 + pads >= 0",
            lambda a: not _explicit(a) or _tr_dilated(a) + sum(_tr_pads(a)) >= 0,
            lambda a: _negative_padding_message(a, _tr_pads, _tr_dilated),
            "ValueError",
        ),
    ),
    source="jax/_src/lax/convolution.py::conv_transpose, ::_conv_transpose_padding, ::conv_general_dilated, "
    "::conv_shape_tuple; jax/_src/core.py::stride_dim",
    integer_args=("kernel_size", "strides", "rhs_dilation"),
    validate=_tr_validate,
)


# ---------------------------------------------------------------------------------------------
# N-d calls: one axis at a time, each check over every axis before the next check (as JAX does)


def call_nd(op: Operation, ns: Sequence[Any], per_axis: Sequence[Mapping[str, Any]], count: int | None = None) -> Any:
    """Bind every axis, run each requirement over all axes in order, return the tuple of lengths.

    Each axis's argument dict gets ``_axes`` (all axes' dicts) so that messages naming the whole
    shape (JAX's negative-padding message) render like the framework's; ``count`` is the number of
    explicit pads given, when it differs from the rank.
    """
    axes = [op.bind(n, kw) for n, kw in zip(ns, per_axis, strict=True)]
    for args in axes:
        args["_axes"] = axes
        if count is not None:
            args["_count"] = count
    _axes.check_each(op, axes)
    return tuple(op.length(args) for args in axes)


def _split_padding(rank: int, padding: Any) -> tuple[list[Any], int | None]:
    """Per-axis paddings ``[(lo, hi)]`` from JAX's sequence of pairs (strings are shared by every axis)."""
    if isinstance(padding, str):
        return [padding] * rank, None
    if not isinstance(padding, (tuple, list)):
        raise ParameterError("padding", "must be a string or a sequence of (low, high) pairs", padding)
    if len(padding) != rank:
        # JAX's count check fires later; give each axis the first pair (or nothing) and report the count
        return [list(padding[:1])] * rank, len(padding)
    return [[p] for p in padding], None


def _dispatch(op: Operation, n: Any, kwargs: dict[str, Any], scalar: tuple[str, ...]) -> Any:
    if not isinstance(n, (tuple, list)):
        return op(n, **kwargs)
    rank = len(n)
    padding, count = _split_padding(rank, kwargs.get("padding"))
    columns = {key: _axes.per_axis(rank, key, kwargs[key]) for key in scalar if kwargs.get(key) is not None}
    per_axis = []
    for i in range(rank):
        kw = {key: value for key, value in kwargs.items() if key not in columns}
        kw.update({key: column[i] for key, column in columns.items()})
        kw["padding"] = padding[i]
        per_axis.append(kw)
    return call_nd(op, n, per_axis, count)


# ---------------------------------------------------------------------------------------------
# public API


def conv_length(
    n: Any,
    kernel_size: Any,
    window_strides: Any,
    padding: str | Sequence[tuple[Any, Any]],
    lhs_dilation: Any = None,
    rhs_dilation: Any = None,
) -> Any:
    """Output length of ``lax.conv_general_dilated`` (0 where the window does not fit; never negative).

    >>> conv_length(2, 5, 2, "VALID")
    0
    >>> conv_length(5, 3, 2, "SAME_LOWER")
    3
    >>> conv_length((5, 6), (3, 2), (1, 2), [(1, 1), (0, 0)])
    (5, 3)
    """
    kwargs = dict(
        kernel_size=kernel_size,
        window_strides=window_strides,
        padding=padding,
        lhs_dilation=lhs_dilation,
        rhs_dilation=rhs_dilation,
    )
    return _dispatch(CONV, n, kwargs, ("kernel_size", "window_strides", "lhs_dilation", "rhs_dilation"))


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    strides: Any,
    padding: str | Sequence[tuple[Any, Any]],
    rhs_dilation: Any = None,
    transpose_kernel: bool = False,
    use_consistent_padding: bool = False,
) -> Any:
    """Output length of ``lax.conv_transpose``.

    ``"SAME"`` gives ``n·s``, ``"VALID"`` ``(n-1)s + max(K, s)``. Explicit pairs are, by default, pads
    of the stride-stretched input: ``max(0, (n-1)s + lo + hi - K + 2)``; with
    ``use_consistent_padding=True`` they are forward-convolution pads: ``max(0, (n-1)s + K - lo - hi)``.
    ``transpose_kernel`` flips the kernel and does not change the length.

    >>> conv_transpose_length(3, 3, 2, "SAME"), conv_transpose_length(3, 3, 2, "VALID")
    (6, 7)
    >>> conv_transpose_length(3, 3, 2, [(0, 0)]), conv_transpose_length(3, 3, 2, [(1, 1)], use_consistent_padding=True)
    (3, 5)
    """
    kwargs = dict(
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        rhs_dilation=rhs_dilation,
        transpose_kernel=transpose_kernel,
        use_consistent_padding=use_consistent_padding,
    )
    return _dispatch(CONV_TRANSPOSE, n, kwargs, ("kernel_size", "strides", "rhs_dilation"))


OPERATIONS = (CONV, CONV_TRANSPOSE)
