"""The symbolic length model of one spatial axis: forward convolution, transposed convolution, preimage.

Notation (the same in every document derive writes):

* ``n`` the input length of the operation (for a transposed convolution, its short side);
* ``k`` kernel size, ``d`` dilation, ``K = d(k-1)+1`` the effective kernel, ``s`` stride;
* ``(lo, hi)`` padding before and after; ``a`` output padding.

Padding is an int (symmetric), a ``(lo, hi)`` pair, or a mode: ``"valid"`` (0, 0), ``"same"``
(output ⌈n/s⌉, the odd unit of padding at the end), ``"same_lower"`` (…at the start),
``"full"`` (K-1, K-1) or ``"causal"`` (K-1, 0).

Every function takes ints (returns ints, never importing SymPy) or SymPy integer expressions
(returns SymPy expressions). Multi-dimensional convolutions are these functions per axis.
"""

from __future__ import annotations

from . import _arith as A
from ._record import record
from .errors import ParameterError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from typing import Any

    Value = Any  # int | sympy.Expr

MODES = ("valid", "same", "same_lower", "full", "causal")
#: modes whose padding depends on the input length (the rest reduce to fixed (lo, hi))
SAME_MODES = ("same", "same_lower")


@record
class FloorAffine:
    """The map ``x ↦ ⌊(x + offset)/stride⌋ + shift``: every forward convolution length has this form.

    Its inverse images are intervals of length ``stride``, which is where every preimage
    (and so every transposed-convolution length) comes from.
    """

    offset: Value
    stride: Value
    shift: Value

    def __call__(self, x: Value) -> Value:
        return A.floordiv(x + self.offset, self.stride) + self.shift

    def inverse(self, y: Value) -> tuple[Value, Value]:
        """All x with ``self(x) == y``: ``[s(y - shift) - offset, that + s - 1]`` (every integer y has them)."""
        low = self.stride * (y - self.shift) - self.offset
        return low, low + self.stride - 1


@record
class Interval:
    """The integers ``lower..upper`` (empty when ``lower > upper``)."""

    lower: Value
    upper: Value

    @property
    def empty(self) -> Any:
        """True/False for ints; a SymPy condition for symbolic bounds."""
        return A.not_(self.lower <= self.upper) if A.is_symbolic(self.lower, self.upper) else self.lower > self.upper

    def __contains__(self, x: object) -> bool:
        return self.lower <= x <= self.upper  # type: ignore[operator]

    def __iter__(self):
        return iter(range(self.lower, self.upper + 1))

    def __len__(self) -> int:
        return max(0, self.upper - self.lower + 1)

    def __str__(self) -> str:
        return f"{self.lower}..{self.upper}"


def effective_kernel(kernel: Value, dilation: Value = 1) -> Value:
    """``K = d(k-1)+1``, the extent of a dilated kernel (of integers: the models apply their own bounds)."""
    A.param("kernel", kernel)
    A.param("dilation", dilation)
    return dilation * (kernel - 1) + 1


def _check(kernel: Value, stride: Value, dilation: Value) -> None:
    A.param("kernel", kernel, 1)
    A.param("stride", stride, 1)
    A.param("dilation", dilation, 1)


def fixed_padding(padding: object, kernel: Value, dilation: Value = 1) -> tuple[Value, Value]:
    """The ``(lo, hi)`` of an int, a pair, or a mode whose padding does not depend on the input."""
    A.param("kernel", kernel, 1)  # whatever the padding: the pair of a kernel that cannot be is no answer
    A.param("dilation", dilation, 1)
    K = effective_kernel(kernel, dilation)
    if isinstance(padding, str):
        fixed = {"valid": (0, 0), "full": (K - 1, K - 1), "causal": (K - 1, 0)}
        if padding in fixed:
            return fixed[padding]
        if padding in SAME_MODES:
            raise ParameterError("padding", "depends on the input length in 'same' modes; use same_padding()", padding)
        raise ParameterError("padding", f"must be an int, a (lo, hi) pair or one of {', '.join(MODES)}", padding)
    if isinstance(padding, (tuple, list)):
        if len(padding) != 2:
            raise ParameterError("padding", "must be an int, a (lo, hi) pair or a mode", padding)
        return A.param("padding[0]", padding[0], 0), A.param("padding[1]", padding[1], 0)
    p = A.param("padding", padding, 0)
    return p, p


def forward_map(kernel: Value, stride: Value = 1, dilation: Value = 1, padding: object = 0) -> FloorAffine:
    """The forward length as a :class:`FloorAffine` map (``same``: ⌈n/s⌉ = ⌊(n+s-1)/s⌋)."""
    _check(kernel, stride, dilation)
    if padding in SAME_MODES:
        return FloorAffine(stride - 1, stride, 0)
    lo, hi = fixed_padding(padding, kernel, dilation)
    return FloorAffine(lo + hi - effective_kernel(kernel, dilation), stride, 1)


def conv_length(n: Value, kernel: Value, stride: Value = 1, dilation: Value = 1, padding: object = 0) -> Value:
    """Forward convolution output length ``⌊(n + lo + hi - K)/s⌋ + 1`` (``same``: ⌈n/s⌉).

    Integer inputs whose padded length is shorter than the kernel raise :class:`ParameterError`
    (the convolution has no output position); a symbolic call returns the formula.
    """
    A.param("n", n, 1)
    f = forward_map(kernel, stride, dilation, padding)
    if not A.is_symbolic(n, kernel, stride, dilation) and padding not in SAME_MODES:
        lo, hi = fixed_padding(padding, kernel, dilation)
        K = effective_kernel(kernel, dilation)
        if not A.is_symbolic(lo, hi) and n + lo + hi < K:
            raise ParameterError(
                "n", "padded length n+lo+hi must be >= the effective kernel d(k-1)+1", n, f"padded {n + lo + hi} < {K}"
            )
    return f(n)


def same_padding(
    n: Value, kernel: Value, stride: Value = 1, dilation: Value = 1, extra: str = "end"
) -> tuple[Value, Value]:
    """The ``(lo, hi)`` that 'same' pads an input of length ``n`` with.

    Total ``max(0, (⌈n/s⌉-1)s + K - n)``; the odd unit goes at the end (``extra="end"``: TF SAME,
    ONNX SAME_UPPER, PyTorch) or at the start (``extra="start"``: ONNX SAME_LOWER, JAX SAME_LOWER).
    """
    A.param("n", n, 1)
    _check(kernel, stride, dilation)
    total = A.maximum(0, (A.ceildiv(n, stride) - 1) * stride + effective_kernel(kernel, dilation) - n)
    half = A.floordiv(total, 2)
    if extra == "end":
        return half, total - half
    if extra == "start":
        return total - half, half
    raise ParameterError("extra", "must be 'end' or 'start'", extra)


def transposed_length(
    n: Value,
    kernel: Value,
    stride: Value = 1,
    dilation: Value = 1,
    padding: object = 0,
    output_padding: Value | None = None,
) -> Value:
    """Transposed convolution output length.

    Fixed padding: ``(n-1)s + K - lo - hi + a`` (``a`` defaults to 0, the smallest preimage).
    'same' modes: ``(n-1)s + 1 + a`` (``a`` defaults to ``s-1``, giving ``n·s``, the largest preimage,
    as TensorFlow, Keras and JAX do).
    """
    A.param("n", n, 1)
    _check(kernel, stride, dilation)
    if output_padding is not None:
        A.param("output_padding", output_padding, 0)
    if padding in SAME_MODES:
        a = stride - 1 if output_padding is None else output_padding
        return (n - 1) * stride + 1 + a
    lo, hi = fixed_padding(padding, kernel, dilation)
    a = 0 if output_padding is None else output_padding
    return (n - 1) * stride + effective_kernel(kernel, dilation) - lo - hi + a


def preimage(n: Value, kernel: Value, stride: Value = 1, dilation: Value = 1, padding: object = 0) -> Interval:
    """Every input length ``L >= 1`` the forward convolution maps to ``n``, as an interval.

    Derived from the forward map's inverse (never typed in separately): ``[max(1, low), low + s - 1]``.
    """
    A.param("n", n, 1)
    low, high = forward_map(kernel, stride, dilation, padding).inverse(n)
    return Interval(A.maximum(1, low), high)
