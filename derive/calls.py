"""A transposed convolution of several axes as a call to paste, from one setting per axis.

``--n 4,4`` asks for a 2-D layer: derive answers each axis on its own (the 1-D models), and this module
writes the layer the user asked for, ``keras.layers.Conv2DTranspose(filters, kernel_size=(4, 4),
strides=(4, 4))``: the N-d name, the channel arguments the constructor requires, and a tuple with one
value per axis (a padding mode stays one string: frameworks take one mode for every axis).
"""

from __future__ import annotations

from .errors import DeriveError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

#: the positional arguments a layer's constructor requires before the shape knobs, by module prefix
LEADING = {
    "keras.layers.": "filters",
    "tf.keras.layers.": "filters",
    "torch.nn.": "in_channels, out_channels",
    "flax.linen.": "features",
}

_RANKED = (("1DTranspose", "{}DTranspose"), ("Transpose1d", "Transpose{}d"),
           ("conv1d_transpose", "conv{}d_transpose"), ("deconvolution_1d", "deconvolution_{}d"))  # fmt: skip


def rank_name(operation: str, rank: int) -> str:
    """The layer of ``rank`` axes: ``Conv1DTranspose`` -> ``Conv2DTranspose``, ``ConvTranspose1d`` -> ``...2d``."""
    if rank == 1:
        return operation
    for one, many in _RANKED:
        operation = operation.replace(one, many.format(rank))
    return operation


def leading(operation: str) -> str:
    """The placeholders of the constructor's required channel arguments (``filters``), or ``''``."""
    return next((text for prefix, text in LEADING.items() if operation.startswith(prefix)), "")


class NoCallError(DeriveError):
    """The axes' settings differ in a value one call cannot give per axis (a padding mode, None)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def call(space: Any, settings: Sequence[Mapping[str, Any]]) -> str:
    """The call with one setting per axis (``space`` is a :class:`derive.inverse.Space`).

    One axis gives the space's own call text. Kernel and stride are always shown, any other knob when an
    axis has it off its default; a value the axes share that is not a number (a mode, None) is shown once.

    Raises:
        NoCallError: the axes need different values of a knob that takes one value for every axis.
    """
    if len(settings) == 1:
        return space.call_text(settings[0])
    parts = [leading(space.operation)] if leading(space.operation) else []
    forward = ""
    for k in space.knobs:
        if not any(k.name in s for s in settings):
            continue
        values = [s.get(k.name, k.default) for s in settings]
        if not (k.role in ("kernel", "stride") or any(v != k.default for v in values)):
            continue
        if k.name == "pads" and all(isinstance(v, tuple) and len(v) == 2 for v in values):
            # onnx: every axis's begin, then every axis's end
            parts.append(f"pads={tuple(v[0] for v in values) + tuple(v[1] for v in values)!r}")
            continue
        numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        if not numbers and any(v != values[0] for v in values):
            raise NoCallError(k.name)
        shared = not numbers
        text = f"{k.name}={values[0] if shared else tuple(values)!r}"
        if k.role == "target" and space.operation.startswith("torch.nn."):
            forward = f"(x, {text})"  # torch takes output_size in forward, not in the constructor
        else:
            parts.append(text)
    return f"{rank_name(space.operation, len(settings))}({', '.join(parts)}){forward}"
