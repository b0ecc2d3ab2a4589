"""tinygrad: ``Tensor.conv2d`` and ``Tensor.conv_transpose2d`` (any number of spatial axes).

Checked live against tinygrad 0.14.0 (``DEV=PYTHON``; shapes are tracked eagerly when the graph is
built, so every refusal below happens at the call, before any kernel runs). Sources read
(installed 0.14.0; same code at ``tinygrad/tinygrad`` HEAD ``a9069c17``):

* ``tinygrad/mixin/op.py::conv2d`` — pads the input (``_pad_constant``), then ``_pool``;
* ``tinygrad/mixin/op.py::conv_transpose2d`` — stretches the input to ``(n-1)s+1``, pads each axis with
  ``(d(k-1) - lo, d(k-1) - hi + output_padding)`` and runs a stride-1 ``conv2d``;
* ``tinygrad/mixin/op.py::_pad_constant`` — negative pads become a ``shrink`` first;
* ``tinygrad/mixin/movement.py::_pool`` — ``assert d(k-1)+1 <= i, "kernel size cannot be greater than actual
  input size"``, output ``ceildiv(i - d(k-1), s)``;
* ``tinygrad/helpers.py::resolve_pool_pads`` — the padding formats and their ``ValueError``;
* ``tinygrad/uop/ops.py`` (``Ops.SHRINK`` shape rule) — ``ValueError("invalid shrink … for …")``.

What it does, per axis (``K = d(k-1)+1``; ``padding`` int or ``(lo, hi)``):

* forward: ``⌈(n + lo + hi - d(k-1))/s⌉`` (= ``⌊(n+lo+hi-K)/s⌋ + 1``), refused when the padded input
  is shorter than ``K``;
* transposed: ``(n-1)s + K - lo - hi + output_padding``. **Nothing checks output_padding** against
  stride or dilation (any int, even negative, is used as is), and negative or large paddings are
  accepted until the padded stretched input becomes shorter than the kernel (AssertionError) or a
  pad would crop more than the whole input (``ValueError: invalid shrink``).

``padding`` follows tinygrad: an int; for one axis a pair ``(lo, hi)``; for ``n`` a tuple of D lengths
either D ints (symmetric per axis, in axis order) or 2D ints in tinygrad's flat order
``(lo_last, hi_last, …, lo_first, hi_first)`` (last axis first, like ``torch.nn.functional.pad``).
Refusal messages are tinygrad's texts for a batch of 1 with 1 channel (the shrink message prints the
whole tensor shape).
"""

from __future__ import annotations

from ... import _arith as A
from ...errors import FrameworkError, ParameterError
from .. import _axes
from .._model import Operation, Requirement

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

FRAMEWORK = "tinygrad"


def _K(a: Mapping[str, Any]) -> Any:
    return a["dilation"] * (a["kernel_size"] - 1) + 1


def _shrink_ok(m: Any, lo: Any, hi: Any) -> Any:
    """``_pad_constant``'s shrink of an axis of length m padded by (lo, hi) is valid (vacuous when both >= 0)."""
    return A.and_(m + lo >= 0, m + hi >= 0, m + lo + hi >= 0)


def _shrink_arg(m: Any, lo: Any, hi: Any) -> tuple[Any, Any]:
    start = A.maximum(-lo, 0)
    return start, A.minimum(hi + m, m) - start


def _shrink_message(axes: Sequence[tuple[Any, Any, Any]]) -> str:
    """tinygrad's text for a shrink over (batch 1, channel 1, *axes) given each axis's (m, lo, hi)."""
    marg = ((0, 1), (0, 1), *(_shrink_arg(m, lo, hi) for m, lo, hi in axes))
    return f"invalid shrink {marg} for {(1, 1, *(m for m, _, _ in axes))}"


# -- forward ------------------------------------------------------------------------------------------


def _lohi(a: Mapping[str, Any]) -> tuple[Any, Any]:
    """One axis's padding: an int (both sides) or a (lo, hi) pair; negative values are allowed."""
    p = a["padding"]
    if isinstance(p, (tuple, list)):
        if len(p) != 2:
            raise ParameterError("padding", "must be an int or a (lo, hi) pair for one axis", p)
        return A.param("padding[0]", p[0]), A.param("padding[1]", p[1])
    p = A.param("padding", p)
    return p, p


_fwd_pads = _lohi


def _fwd_length(a: Mapping[str, Any]) -> Any:
    lo, hi = _fwd_pads(a)
    return A.ceildiv(a["n"] + lo + hi - a["dilation"] * (a["kernel_size"] - 1), a["stride"])


CONV2D = Operation(
    framework=FRAMEWORK,
    name="tinygrad.Tensor.conv2d",
    kind="conv",
    defaults=(("kernel_size", None), ("stride", 1), ("dilation", 1), ("padding", 0)),
    length=_fwd_length,
    requires=(
        Requirement(
            "a negative pad crops at most the whole input",
            lambda a: _shrink_ok(a["n"], *_fwd_pads(a)),
            lambda a: _shrink_message([(a["n"], *_fwd_pads(a))]),
            "ValueError",
        ),
        Requirement(
            "padded input n + lo + hi >= d(k-1)+1",
            lambda a: a["n"] + sum(_lohi(a)) >= _K(a),
            "kernel size cannot be greater than actual input size",
            "AssertionError",
        ),
    ),
    source="tinygrad/mixin/op.py::conv2d, tinygrad/mixin/movement.py::_pool",
    confirmed="live",
    integer_args=("kernel_size", "stride", "dilation"),
)

# -- transposed ---------------------------------------------------------------------------------------


def _tr_pads(a: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """(stretched length m, conv pad before, conv pad after) of the stride-1 conv2d that does the work."""
    dk = a["dilation"] * (a["kernel_size"] - 1)
    m = (a["n"] - 1) * a["stride"] + 1
    lo, hi = _lohi(a)
    return m, dk - lo, dk - hi + a["output_padding"]


def _tr_length(a: Mapping[str, Any]) -> Any:
    lo, hi = _lohi(a)
    return (a["n"] - 1) * a["stride"] + _K(a) - lo - hi + a["output_padding"]


CONV_TRANSPOSE2D = Operation(
    framework=FRAMEWORK,
    name="tinygrad.Tensor.conv_transpose2d",
    kind="conv_transpose",
    defaults=(
        ("kernel_size", None),
        ("stride", 1),
        ("dilation", 1),
        ("padding", 0),
        ("output_padding", 0),
    ),
    length=_tr_length,
    requires=(
        Requirement(
            "a negative conv pad crops at most the whole stretched input",
            lambda a: _shrink_ok(*_tr_pads(a)),
            lambda a: _shrink_message([_tr_pads(a)]),
            "ValueError",
        ),
        Requirement(
            "output length (n-1)s + d(k-1)+1 - lo - hi + output_padding >= 1",
            lambda a: _tr_length(a) >= 1,
            "kernel size cannot be greater than actual input size",
            "AssertionError",
        ),
    ),
    source="tinygrad/mixin/op.py::conv_transpose2d, ::conv2d, ::_pad_constant; tinygrad/mixin/movement.py::_pool",
    confirmed="live",
    integer_args=("kernel_size", "stride", "dilation", "output_padding"),
)

# -- padding formats and the public functions ---------------------------------------------------------


def _resolve_padding(padding: object, dims: int) -> list[tuple[Any, Any]]:
    """tinygrad's ``resolve_pool_pads`` + ``flat_to_grouped``: ``(lo, hi)`` per axis, in axis order."""
    if isinstance(padding, (tuple, list)):
        if len(padding) not in (dims, 2 * dims):
            shown = tuple(padding) if isinstance(padding, tuple) else list(padding)
            raise FrameworkError(
                FRAMEWORK,
                f"Padding must be an int or a sequence of length {dims} or {2 * dims}, "
                f"but got padding={shown!r} with dims={dims}.",
                "ValueError",
                "padding format",
            )
        if len(padding) == 2 * dims:  # flat form (lo_last, hi_last, ..., lo_first, hi_first) wins
            flat = list(padding)
            return list(zip(flat[-2::-2], flat[::-2], strict=True))
        return [(p, p) for p in padding]
    return [(padding, padding)] * dims


def _check_common(kernel_size: Any, stride: Any, dilation: Any) -> None:
    A.param("kernel_size", kernel_size, 1)
    A.param("stride", stride, 1)
    A.param("dilation", dilation, 1)


def _run(op: Operation, n: Any, kernel_size: Any, padding: object, **kw: Any) -> Any:
    """Evaluate op on every axis with tinygrad's check order (all shrinks first, then the pool assert)."""
    single = not isinstance(n, (tuple, list))
    ns = [n] if single else list(n)
    dims = len(ns)
    if dims == 0:
        raise ParameterError("n", "must have at least one axis", n)
    pads = _resolve_padding(padding, dims)
    axes = _axes.split({"kernel_size": kernel_size, **kw}, dims)
    bound = []
    for i, (n_i, (lo, hi), args) in enumerate(zip(ns, pads, axes, strict=True)):
        _check_common(args["kernel_size"], args.get("stride", 1), args.get("dilation", 1))
        try:
            bound.append(op.bind(n_i, {**args, "padding": (lo, hi)}))
        except ParameterError as e:
            raise ParameterError(e.parameter, e.rule, e.value, f"axis {i}" if not single else "") from None
    shrink, assertion = op.requires
    # a negative pad anywhere shrinks every axis in one call: the message lists them all
    if any(A.is_false(shrink.holds(a)) for a in bound):
        geometry = [_tr_pads(a) if op is CONV_TRANSPOSE2D else (a["n"], *_fwd_pads(a)) for a in bound]
        raise FrameworkError(FRAMEWORK, _shrink_message(geometry), shrink.error, shrink.rule)
    for a in bound:
        if A.is_false(assertion.holds(a)):
            raise FrameworkError(FRAMEWORK, assertion.text(a), assertion.error, assertion.rule)
    lengths = tuple(op.length(a) for a in bound)
    return lengths[0] if single else lengths


def conv_length(n: Any, kernel_size: Any, stride: Any = 1, dilation: Any = 1, padding: object = 0) -> Any:
    """Output length of ``x.conv2d(w, stride=, dilation=, padding=)`` for ``w`` of spatial size ``kernel_size``.

    ``n`` an int (one axis) or a tuple (one entry per axis; other arguments broadcast or per axis).
    """
    return _run(CONV2D, n, kernel_size, padding, stride=stride, dilation=dilation)


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    stride: Any = 1,
    dilation: Any = 1,
    padding: object = 0,
    output_padding: Any = 0,
) -> Any:
    """Output length of ``x.conv_transpose2d(w, stride=, dilation=, padding=, output_padding=)``.

    ``(n-1)s + d(k-1)+1 - lo - hi + output_padding``; ``output_padding`` is never checked.
    """
    return _run(
        CONV_TRANSPOSE2D, n, kernel_size, padding, stride=stride, dilation=dilation, output_padding=output_padding
    )
