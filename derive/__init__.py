"""derive: derive, prove and answer questions about convolution and transposed-convolution lengths."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the console's start-up pays for each import)
if TYPE_CHECKING:
    from typing import Any

    from .errors import DeriveError, FrameworkCrashError, FrameworkError, ParameterError, UnsupportedExpressionError
    from .lengths import Interval, conv_length, effective_kernel, preimage, same_padding, transposed_length
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

# each public name's module, imported on first use (PEP 562): `import derive.cli` runs no dataclass machinery,
# and the prover (SymPy, Z3) loads only when asked
_MODULES = {
    "errors": ("DeriveError", "FrameworkCrashError", "FrameworkError", "ParameterError", "UnsupportedExpressionError"),
    "lengths": ("Interval", "conv_length", "effective_kernel", "preimage", "same_padding", "transposed_length"),
    "prover": ("Status", "Verdict", "prove"),
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # once: later lookups skip this hook
        return value
    raise AttributeError(f"module 'derive' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
