"""derive: derive, prove and answer questions about convolution and transposed-convolution lengths."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import DeriveError, FrameworkCrashError, FrameworkError, ParameterError, UnsupportedExpressionError
from .lengths import Interval, conv_length, effective_kernel, preimage, same_padding, transposed_length

if TYPE_CHECKING:
    from .prover import Status, Verdict, prove

__version__ = "0.1.0"

__all__ = [
    "DeriveError",
    "FrameworkCrashError",
    "FrameworkError",
    "Interval",
    "ParameterError",
    "Status",
    "UnsupportedExpressionError",
    "Verdict",
    "conv_length",
    "effective_kernel",
    "preimage",
    "prove",
    "same_padding",
    "transposed_length",
]

# the prover pulls in SymPy and Z3: import it only when asked, so numeric use stays fast
_LAZY = {"prove": "prover", "Verdict": "prover", "Status": "prover"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'derive' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
