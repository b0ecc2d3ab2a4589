"""``derive explain``: one transposed-convolution call, its length, and every length it could have given.

For a call and an input length ``n``: the output length (or the framework's refusal), the formula
with the numbers substituted, the *preimage* (every length the framework's forward convolution with
the same kernel, stride, padding and dilation maps back to ``n``), which output padding / output
size reaches each of those lengths, and what the framework refuses, with its own message. Numeric
only: it imports neither SymPy nor Z3.

>>> e = explain("keras", 2, kernel_size=3, strides=2)
>>> e.length, e.preimage, [w.text for w in e.ways]
(5, (5, 6), ['5: output_padding=None (the default) or output_padding=0', '6: output_padding=1'])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import FrameworkError, ParameterError
from .spaces import KerasSpace, Space, TensorflowSpace, TorchSpace, space


@dataclass(frozen=True)
class Way:
    """Consecutive lengths of the preimage and the settings that give them (in step with the lengths)."""

    lengths: tuple[int, int]
    settings: str

    @property
    def text(self) -> str:
        lo, hi = self.lengths
        return f"{lo if lo == hi else f'{lo}..{hi}'}: {self.settings}"


@dataclass(frozen=True)
class Refusal:
    """A setting the framework refuses, with the exception it raises and its own message."""

    setting: str
    error: str
    message: str

    @property
    def text(self) -> str:
        kind = f"{self.error}: " if self.error else ""
        return f"{self.setting}: {kind}{self.message}"


@dataclass(frozen=True)
class Explanation:
    """Everything about one call on one axis."""

    framework: str
    # the call as written, e.g. "keras.layers.Conv1DTranspose(kernel_size=3, strides=2)"
    call: str
    n: int
    # the output length; None when the framework refuses the call or the caller must choose it
    length: int | None
    # the framework's refusal of this very call
    refused: Refusal | None
    # the rule in symbols, and with this call's numbers
    formula: str
    substituted: str
    # the forward convolution whose preimage is shown
    forward: str
    # every length the forward convolution maps back to n, as (lo, hi); None when there is none
    preimage: tuple[int, int] | None
    ways: tuple[Way, ...]
    # settings the framework accepts whose lengths fall outside the preimage, and other remarks
    notes: tuple[str, ...]
    refusals: tuple[Refusal, ...]


def _refusal(setting: str, e: FrameworkError) -> Refusal:
    return Refusal(setting, e.error, e.message)


def _try(sp: Space, n: int, cfg: Mapping[str, Any]) -> tuple[int | None, FrameworkError | None]:
    try:
        return sp.call(n, cfg), None
    except FrameworkError as e:
        return None, e


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}..{hi}"


def _call(sp: Space, cfg: Mapping[str, Any], name: str | None = None) -> str:
    return f"{name or sp.operation}({sp.show(cfg)})"


def explain(framework: str | Space, n: int, *, backend: str | None = None, **kwargs: Any) -> Explanation:
    """Explain ``framework``'s transposed convolution with the keyword arguments ``kwargs`` on input length ``n``.

    ``kwargs`` use the framework's own names (``kernel_size``, ``stride`` / ``strides``, ``padding``,
    ``output_padding``, ``dilation`` / ``dilation_rate`` / ``dilations``, ``output_size`` for torch,
    ``output_shape`` for tensorflow).

    Raises:
        ParameterError: unknown arguments, a missing kernel size, or lengths below 1.
    """
    sp = framework if isinstance(framework, Space) else space(framework, backend)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError("--n", "must be a positive integer", n)
    if isinstance(sp, TorchSpace):
        return _torch(sp, n, dict(kwargs))
    if isinstance(sp, KerasSpace):
        return _keras(sp, n, dict(kwargs))
    if isinstance(sp, TensorflowSpace):
        return _tensorflow(sp, n, dict(kwargs))
    raise ParameterError("framework", "is not covered by explain", sp.framework)


# ---------------------------------------------------------------------------------------------


def _torch(sp: TorchSpace, n: int, kwargs: dict[str, Any]) -> Explanation:
    output_size = kwargs.pop("output_size", None)
    cfg = sp.bind(kwargs)
    k, s, p, a, d = (cfg[x] for x in ("kernel_size", "stride", "padding", "output_padding", "dilation"))
    call_cfg = dict(cfg) if output_size is None else {**cfg, "output_size": output_size}
    length, error = _try(sp, n, call_cfg)
    shown = sp.show(cfg) + ("" if output_size is None else f")(x, output_size={output_size}")
    call = f"{sp.operation}({shown})"
    K = d * (k - 1) + 1
    low = (n - 1) * s - 2 * p + K  # L0: the length with no output padding
    base = "(n-1)·stride - 2·padding + dilation·(kernel_size-1) + 1"
    numbers = f"({n}-1)·{s} - 2·{p} + {d}·({k}-1) + 1"
    if output_size is None:
        formula, substituted = f"{base} + output_padding", f"{numbers} + {a} = {low + a}"
    else:
        formula = f"output_size, accepted from L0 = {base} to L0 + stride - 1"
        substituted = f"L0 = {numbers} = {low}: accepted {_span(max(low, 1), low + s - 1)}"
    forward_cfg = {"kernel_size": k, "stride": s, "padding": p, "dilation": d}
    forward = f"torch.nn.Conv1d({sp.show(forward_cfg)})"
    lo, hi = max(1, low), low + s - 1
    preimage = (lo, hi) if lo <= hi else None
    ways = []
    if preimage:
        ways.append(
            Way(
                preimage,
                f"output_padding={_span(lo - low, hi - low)}, or forward(x, output_size={_span(lo, hi)})",
            )
        )
    notes = []
    if d > s:
        from .frameworks import torch

        back = [torch.conv_length(low + j, k, s, p, d) for j in (s, d - 1)]
        notes.append(
            f"output_padding={_span(s, d - 1)} is accepted too (output_padding < dilation) but gives "
            f"{_span(low + s, low + d - 1)}, which {forward} maps back to {_span(*back)}, not {n}"
        )
    refusals = []
    _, e = _try(sp, n, {**cfg, "output_padding": max(s, d)})
    if e is not None:
        refusals.append(_refusal(f"output_padding>={max(s, d)}", e))
    _, e = _try(sp, n, {**cfg, "output_padding": 0, "output_size": low + s})
    if e is not None:
        refusals.append(_refusal(f"output_size outside {_span(lo, hi)}", e))
    refused = None if error is None else _refusal("this call", error)
    return Explanation(
        sp.framework, call, n, length, refused, formula, substituted, forward, preimage,
        tuple(ways), tuple(notes), tuple(refusals),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------


def _keras(sp: KerasSpace, n: int, kwargs: dict[str, Any]) -> Explanation:
    cfg = sp.bind(kwargs)
    if isinstance(cfg["padding"], str):
        cfg["padding"] = cfg["padding"].lower()
    k, s, mode, op, d = (cfg[x] for x in ("kernel_size", "strides", "padding", "output_padding", "dilation_rate"))
    length, error = _try(sp, n, cfg)
    call = _call(sp, cfg)
    if mode not in ("valid", "same") or any(not isinstance(v, int) for v in (k, s, d)):
        refused = None if error is None else _refusal("this call", error)
        return Explanation(sp.framework, call, n, length, refused, "", "", "", None, (), (), ())
    K = d * (k - 1) + 1
    k_text = f"K = kernel_size = {k}" if d == 1 else f"K = dilation_rate·(kernel_size-1) + 1 = {d}·({k}-1) + 1 = {K}"
    default = (n - 1) * s + max(K, s) if mode == "valid" else n * s
    base = (n - 1) * s + (K if mode == "valid" else K % 2)  # the length of output_padding=0
    if mode == "valid" and op is None:
        formula, numbers = "(n-1)·strides + max(K, strides)", f"({n}-1)·{s} + max({K}, {s})"
    elif mode == "valid":
        formula, numbers = "(n-1)·strides + K + output_padding", f"({n}-1)·{s} + {K} + {op}"
    elif op is None:
        formula, numbers = "n·strides", f"{n}·{s}"
    else:
        formula, numbers = "(n-1)·strides + K mod 2 + output_padding", f"({n}-1)·{s} + {K} mod 2 + {op}"
    value = default if op is None else base + op
    substituted = f"{numbers} = {value}, {k_text}"
    forward_cfg = {"kernel_size": k, "strides": s, "padding": mode, "dilation_rate": d}
    forward = f"{sp.forward}({sp.show(forward_cfg)})"
    lo, hi = ((n - 1) * s + K, (n - 1) * s + K + s - 1) if mode == "valid" else ((n - 1) * s + 1, n * s)

    def reaches(length: int, setting: Any) -> bool:
        got, _ = _try(sp, n, {**cfg, "output_padding": setting})
        return got == length

    ways: list[Way] = []

    def segment(first: int, last: int) -> None:
        """Lengths first..last reached by output_padding = length - base (checked at both ends)."""
        first, last = max(first, base, lo), min(last, base + s - 1, hi)
        if first <= last and reaches(first, first - base) and reaches(last, last - base):
            ways.append(Way((first, last), f"output_padding={_span(first - base, last - base)}"))

    segment(lo, default - 1)
    j = default - base
    also = f"output_padding={j}" if 0 <= j < s and reaches(default, j) else ""
    if reaches(default, None):
        ways.append(Way((default, default), "output_padding=None (the default)" + (f" or {also}" if also else "")))
    elif also:
        ways.append(Way((default, default), also))
    segment(default + 1, hi)
    notes = []
    if mode == "same" and K % 2 == 0:
        _, e = _try(sp, n, {**cfg, "output_padding": 0})
        where = f"which {forward} maps back to {n - 1}, not {n}"
        if e is None:
            notes.append(f"output_padding=0 gives (n-1)·strides = {base}, {where}")
        else:
            notes.append(f"output_padding=0 would give (n-1)·strides = {base} ({where}): {e.message}")
        notes.append(f"{n}·strides = {n * s} has no output_padding (it would be {s} = strides): only None gives it")
    refusals = []
    _, e = _try(sp, n, {**cfg, "output_padding": s})
    if e is not None:
        refusals.append(_refusal(f"output_padding>={s}", e))
    refused = None if error is None else _refusal("this call", error)
    return Explanation(
        sp.framework, call, n, length, refused, formula, substituted, forward, (lo, hi),
        tuple(ways), tuple(notes), tuple(refusals),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------


def _tensorflow(sp: TensorflowSpace, n: int, kwargs: dict[str, Any]) -> Explanation:
    from .frameworks import tensorflow

    cfg = sp.bind(kwargs)
    k, target, s, padding, d = (cfg[x] for x in ("kernel_size", "output_shape", "strides", "padding", "dilations"))
    call = _call(sp, cfg)
    try:
        lo, hi = tensorflow.accepted_lengths(n, k, s, padding, d)
        preimage: tuple[int, int] | None = (lo, hi) if lo <= hi else None
    except FrameworkError as e:
        preimage = None
        refused = _refusal("this call", e)
        return Explanation(sp.framework, call, n, None, refused, "", "", "", None, (), (), ())
    length, error = (None, None) if target is None else _try(sp, n, cfg)
    K = d * (k - 1) + 1
    forward_cfg = {"kernel_size": k, "strides": s, "padding": padding, "dilations": d}
    forward = f"{sp.forward}({', '.join(f'{x}={v!r}' for x, v in forward_cfg.items() if x != 'dilations' or v != 1)})"
    if padding == "SAME":
        formula = "output_shape is accepted when ⌈output_shape/strides⌉ = n"
        substituted = f"⌈L/{s}⌉ = {n} for L = {_span(lo, hi)}"
    else:
        pads = "0" if padding == "VALID" else f"{padding[0]} + {padding[1]}"
        formula = "output_shape is accepted when ⌊(output_shape + lo + hi - K)/strides⌋ + 1 = n"
        substituted = f"⌊(L + {pads} - {K})/{s}⌋ + 1 = {n} for L = {_span(lo, hi)}"
    ways = (Way(preimage, f"output_shape={_span(*preimage)}"),) if preimage else ()
    refusals = []
    _, e = _try(sp, n, {**cfg, "output_shape": hi + 1})
    if e is not None:
        refusals.append(_refusal(f"output_shape outside {_span(lo, hi)}", e))
    refused = None if error is None else _refusal("this call", error)
    notes = () if target is not None else ("TensorFlow has no length formula: the caller passes output_shape",)
    return Explanation(
        sp.framework, call, n, length, refused, formula, substituted, forward, preimage, ways, notes, tuple(refusals)
    )


def lines(e: Explanation) -> list[str]:
    """The explanation as the command line prints it."""
    out = [f"{e.call} on n={e.n}: " + (str(e.length) if e.length is not None else "refused" if e.refused else "-")]
    if e.refused:
        out.append(f"  {e.refused.error}: {e.refused.message}" if e.refused.error else f"  {e.refused.message}")
    if e.formula:
        arithmetic = e.substituted[:1] == "(" or e.substituted[:1].isdigit()
        out.append(f"  {e.formula}{' = ' if arithmetic else ': '}{e.substituted}")
    if e.forward:
        span = "none" if e.preimage is None else _span(*e.preimage)
        out.append(f"every length {e.forward} maps back to {e.n}: {span}")
    out += [f"  {w.text}" for w in e.ways]
    out += [f"note: {x}" for x in e.notes]
    if e.refusals:
        out.append("refused:")
        out += [f"  {r.text}" for r in e.refusals]
    return out


def as_json(e: Explanation) -> dict[str, Any]:
    return {
        "framework": e.framework,
        "call": e.call,
        "n": e.n,
        "length": e.length,
        "refused": None if e.refused is None else e.refused.__dict__,
        "formula": e.formula,
        "substituted": e.substituted,
        "forward": e.forward,
        "preimage": e.preimage,
        "ways": [{"lengths": w.lengths, "settings": w.settings} for w in e.ways],
        "notes": list(e.notes),
        "refusals": [r.__dict__ for r in e.refusals],
    }
