"""Flax: the output length of ``flax.linen.ConvTranspose`` and ``flax.linen.Conv`` (and their nnx twins).

Checked against flax 0.12.8 on jax 0.10.2 (``derive/frameworks/flax/tests/probe.py`` runs ``jax.eval_shape``
of ``Module.init_with_output`` over the grid and real ``init_with_output`` on a sample). Sources read:

* ``flax/linen/linear.py::canonicalize_padding`` (int -> ``[(p, p)] * rank``; a sequence must have
  one int or 2-tuple per spatial axis), ``::ConvTranspose.__call__`` (``'CIRCULAR'`` runs lax with
  ``'VALID'`` and folds the result to ``n·s``; everything else goes to ``lax.conv_transpose`` with
  the default ``use_consistent_padding=False``), ``::_Conv.__call__`` (``'CIRCULAR'``/``'REFLECT'``
  pad ``((K-1)//2, K//2)`` then ``'VALID'``; ``'CAUSAL'`` pads ``d(k-1)`` on the left, 1-D only);
* ``flax/nnx/nn/linear.py::ConvTranspose``, ``::Conv``: the same padding code.

The lengths then follow :mod:`derive.frameworks.jax`. Argument names and defaults are Flax's
(``kernel_size``, ``strides``, ``padding='SAME'``, ``kernel_dilation``, ``input_dilation``,
``transpose_kernel``). The rank is ``len(kernel_size)`` (an int kernel_size means 1-D), and
``padding`` takes Flax's forms: a string, an int, or a sequence of one int or ``(lo, hi)`` tuple per
axis (for 1-D: ``[(lo, hi)]``; a bare ``(lo, hi)`` is refused by Flax and so by the model).
"""

from __future__ import annotations

from ... import _arith as A
from ...errors import ParameterError
from .. import _axes
from .. import jax as J
from .._model import Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

FRAMEWORK = "flax"


def _rank(kernel_size: Any) -> int:
    return len(kernel_size) if isinstance(kernel_size, (tuple, list)) else 1


def _canonical(padding: Any, rank: int) -> Any:
    """``canonicalize_padding``: a string, a list of (lo, hi) pairs, or None (Flax refuses the format)."""
    if isinstance(padding, str):
        return padding
    if (isinstance(padding, int) and not isinstance(padding, bool)) or A.is_symbolic(padding):
        return [(padding, padding)] * rank
    from collections.abc import Sequence  # here, not at the top: a string padding (explain's start-up) needs none

    if isinstance(padding, Sequence) and len(padding) == rank:
        pairs = []
        for p in padding:
            if (isinstance(p, int) and not isinstance(p, bool)) or A.is_symbolic(p):
                pairs.append((p, p))
            elif isinstance(p, tuple) and len(p) == 2:
                pairs.append(p)
            else:
                return None
        return pairs
    return None


def _format_message(a: Mapping[str, Any]) -> str:
    rank = a.get("_rank", 1)
    return (
        f"Invalid padding format: {a['padding']}, should be str, int, or a sequence of len {rank} "
        "where each element is an int or pair of ints."
    )


def _format_ok(a: Mapping[str, Any]) -> bool:
    return _canonical(a["padding"], a.get("_rank", 1)) is not None


def _lax_padding(a: Mapping[str, Any], circular: tuple[str, ...]) -> Any:
    """The padding lax receives for this axis (``[(lo, hi)]`` or a string)."""
    p = _canonical(a["padding"], a.get("_rank", 1))
    if isinstance(p, str):
        return "VALID" if p in circular else p
    return [p[a.get("_axis", 0)]]


def _validate(a: dict[str, Any], *dilations: str) -> None:
    if a.get("kernel_size") is None:
        raise ParameterError("kernel_size", "is required", None)
    for key in ("strides", *dilations):
        if a.get(key) is None:
            a[key] = 1  # Flax broadcasts None to 1
    A.param("n", a["n"], 1)
    A.param("kernel_size", a["kernel_size"], 1)
    A.param("strides", a["strides"], 1)
    for key in dilations:
        A.param(key, a[key], 1)
    p = a["padding"]
    if isinstance(p, (tuple, list)):
        for element in p:
            if isinstance(element, tuple):
                for v in element:
                    A.param("padding", v)
            elif not isinstance(element, list):  # a list element is Flax's format error, not ours
                A.param("padding", element)
    elif not isinstance(p, str):
        A.param("padding", p)


def _delegate(requirements: Sequence[Requirement], to_lax) -> tuple[Requirement, ...]:
    """The lax requirements, evaluated on the arguments Flax hands to lax."""
    out = []
    for r in requirements:
        out.append(
            Requirement(
                r.rule,
                lambda a, r=r: r.holds(to_lax(a)),
                lambda a, r=r: r.text(to_lax(a)),
                r.error,
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# ConvTranspose


def _tr_base(a: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "n": a["n"],
        "kernel_size": a["kernel_size"],
        "strides": a["strides"],
        "padding": _lax_padding(a, ("CIRCULAR",)),
        "rhs_dilation": a["kernel_dilation"],
        "transpose_kernel": a["transpose_kernel"],
        "use_consistent_padding": False,
    }


def _with_axes(a: Mapping[str, Any], base) -> dict[str, Any]:
    """``base(a)``, and in an N-d call every axis converted the same way (for whole-shape messages)."""
    if "_axes" not in a:
        return base(a)
    axes = [base(x) for x in a["_axes"]]
    for x in axes:
        x["_axes"] = axes
    return axes[a["_axis"]]


def _tr_to_lax(a: Mapping[str, Any]) -> dict[str, Any]:
    return _with_axes(a, _tr_base)


def _tr_length(a: Mapping[str, Any]) -> Any:
    if a["padding"] == "CIRCULAR":
        return a["n"] * a["strides"]  # VALID, padded to whole periods of n·s and folded
    return J.CONV_TRANSPOSE.length(_tr_to_lax(a))


CONV_TRANSPOSE = J._Op(
    framework=FRAMEWORK,
    name="flax.linen.ConvTranspose",
    kind="conv_transpose",
    defaults=(
        ("kernel_size", None),
        ("strides", None),
        ("padding", "SAME"),
        ("kernel_dilation", None),
        ("transpose_kernel", False),
    ),
    length=_tr_length,
    requires=(
        Requirement("padding format (str, int, or one int/pair per axis)", _format_ok, _format_message, "ValueError"),
        *_delegate(J.CONV_TRANSPOSE.requires, _tr_to_lax),
    ),
    source="flax/linen/linear.py::canonicalize_padding, ::ConvTranspose.__call__; "
    "flax/nnx/nn/linear.py::ConvTranspose; then jax.lax.conv_transpose",
    integer_args=("kernel_size", "strides", "kernel_dilation"),
    validate=lambda a: _validate(a, "kernel_dilation"),
)


# ---------------------------------------------------------------------------------------------
# Conv


def _fwd_K(a: Mapping[str, Any]) -> Any:
    return a["kernel_dilation"] * (a["kernel_size"] - 1) + 1


def _fwd_pre_pad(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """The padding Flax applies itself (jnp.pad) before calling lax with 'VALID'."""
    p = a["padding"]
    if p in ("CIRCULAR", "REFLECT"):
        K = _fwd_K(a)
        return A.floordiv(K - 1, 2), A.floordiv(K, 2)
    if p == "CAUSAL":
        return a["kernel_dilation"] * (a["kernel_size"] - 1), 0
    return 0, 0


def _fwd_base(a: Mapping[str, Any]) -> dict[str, Any]:
    lo, hi = _fwd_pre_pad(a)
    return {
        "n": a["n"] + lo + hi,
        "kernel_size": a["kernel_size"],
        "window_strides": a["strides"],
        "padding": _lax_padding(a, ("CIRCULAR", "REFLECT", "CAUSAL")),
        "lhs_dilation": a["input_dilation"],
        "rhs_dilation": a["kernel_dilation"],
    }


def _fwd_to_lax(a: Mapping[str, Any]) -> dict[str, Any]:
    return _with_axes(a, _fwd_base)


def _fwd_length(a: Mapping[str, Any]) -> Any:
    return J.CONV.length(_fwd_to_lax(a))


CONV = J._Op(
    framework=FRAMEWORK,
    name="flax.linen.Conv",
    kind="conv",
    defaults=(
        ("kernel_size", None),
        ("strides", 1),
        ("padding", "SAME"),
        ("input_dilation", 1),
        ("kernel_dilation", 1),
    ),
    length=_fwd_length,
    requires=(
        Requirement("padding format (str, int, or one int/pair per axis)", _format_ok, _format_message, "ValueError"),
        Requirement(
            "CAUSAL only for 1-D",
            lambda a: a["padding"] != "CAUSAL" or a.get("_rank", 1) == 1,
            "Causal padding is only implemented for 1D convolutions.",
            "ValueError",
        ),
        *_delegate(J.CONV.requires, _fwd_to_lax),
    ),
    source="flax/linen/linear.py::canonicalize_padding, ::_Conv.__call__; flax/nnx/nn/linear.py::Conv; "
    "then jax.lax.conv_general_dilated",
    integer_args=("kernel_size", "strides", "input_dilation", "kernel_dilation"),
    validate=lambda a: _validate(a, "input_dilation", "kernel_dilation"),
)


# ---------------------------------------------------------------------------------------------
# public API


def _call(op: J._Op, n: Any, kwargs: dict[str, Any], columns: tuple[str, ...]) -> Any:
    rank = _rank(kwargs["kernel_size"])
    if rank == 1 and not isinstance(n, (tuple, list)):
        if isinstance(kwargs["kernel_size"], (tuple, list)):
            kwargs = {**kwargs, "kernel_size": kwargs["kernel_size"][0]}
        kwargs = {
            key: (value[0] if key in columns and isinstance(value, (tuple, list)) and len(value) == 1 else value)
            for key, value in kwargs.items()
        }
        return op(n, **kwargs)
    ns = tuple(n) if isinstance(n, (tuple, list)) else (n,) * rank
    if len(ns) != rank:
        raise ParameterError("n", f"must have one length per kernel axis ({rank})", n)
    per_column = {
        key: _axes.per_axis(rank, key, kwargs[key]) for key in ("kernel_size", *columns) if kwargs[key] is not None
    }
    axes = []
    for i in range(rank):
        kw = {**kwargs, **{key: values[i] for key, values in per_column.items()}}
        axes.append(kw)
    bound = [op.bind(x, kw) for x, kw in zip(ns, axes, strict=True)]
    for i, args in enumerate(bound):
        args["_axes"], args["_axis"], args["_rank"] = bound, i, rank
    _axes.check_each(op, bound)
    return tuple(op.length(args) for args in bound)


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    strides: Any = None,
    padding: Any = "SAME",
    kernel_dilation: Any = None,
    transpose_kernel: bool = False,
) -> Any:
    """Output length of ``flax.linen.ConvTranspose`` (default ``padding='SAME'``: ``n·s``).

    An int or pair padding goes to ``lax.conv_transpose`` as pads of the stride-stretched input:
    ``max(0, (n-1)s + lo + hi - K + 2)``. ``'CIRCULAR'`` gives ``n·s``.

    >>> conv_transpose_length(5, 3, 2), conv_transpose_length(5, 3, 2, "VALID"), conv_transpose_length(5, 3, 2, 1)
    (10, 11, 9)
    """
    kwargs = dict(
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        kernel_dilation=kernel_dilation,
        transpose_kernel=transpose_kernel,
    )
    return _call(CONV_TRANSPOSE, n, kwargs, ("strides", "kernel_dilation"))


def conv_length(
    n: Any,
    kernel_size: Any,
    strides: Any = 1,
    padding: Any = "SAME",
    input_dilation: Any = 1,
    kernel_dilation: Any = 1,
) -> Any:
    """Output length of ``flax.linen.Conv`` (default ``padding='SAME'``: ``⌈n/s⌉``).

    ``'CIRCULAR'``/``'REFLECT'`` pad ``((K-1)//2, K//2)`` and ``'CAUSAL'`` pads ``d(k-1)`` on the left
    before a ``'VALID'`` convolution, so all three give ``⌈n/s⌉`` too.

    >>> conv_length(5, 3, 2), conv_length(5, 3, 2, "VALID"), conv_length(5, 3, 1, "CAUSAL")
    (3, 2, 5)
    """
    kwargs = dict(
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        input_dilation=input_dilation,
        kernel_dilation=kernel_dilation,
    )
    return _call(CONV, n, kwargs, ("strides", "input_dilation", "kernel_dilation"))


OPERATIONS = (CONV, CONV_TRANSPOSE)
