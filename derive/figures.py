"""Pictures of a transposed convolution, generated from the framework models: SVG for the CLI, TikZ for the PDF.

Two kinds of figure, each a frozen dataclass computed from one call of a framework model
(:mod:`derive.inverse`), never drawn by hand:

* :class:`Taps`: where a transposed convolution places its taps. Input sample ``i`` spreads its
  ``k`` taps over the positions ``i·s + d·t`` (``t = 0 .. k-1``) of the *full* output
  (``(n-1)s + d(k-1) + 1`` samples); the framework then keeps ``L`` consecutive samples from
  ``crop`` on: those before and after are *cropped*, and samples past the full output (an output
  padding, a larger ``output_shape``) are zeros no tap reaches. ``crop`` is the padding the
  framework removes before the first output sample, read from its model: the forward
  convolution's padding before an input of length ``L`` (the transposed convolution is that
  convolution's adjoint), or the framework's own rule (ONNX's derived pads, JAX's pads of the
  stretched input, Paddle's pads from the input length).
* :class:`LengthPlot`: the output length over ``n``, with the *accepted range* shaded: every
  length the forward convolution maps back to ``n`` (the preimage; TensorFlow's accepted
  ``output_shape`` interval), and the length the call gives, per ``n``.

:class:`SvgPrinter` and :class:`TikzPrinter` print them (one ``_print_<Node>`` method per kind,
laid out once in :class:`FigurePrinter`, drawn with each format's primitives); :func:`draw` fronts
them, as :func:`derive.latex.to_latex` fronts the LaTeX printer. Output is a pure function of the
figure (no dates, fixed number formatting), so it can be committed and compared with golden files.

>>> t = taps("torch", 3, kernel_size=3, stride=2, padding=1)
>>> t.length, t.crop, t.full
(5, 1, 7)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import alignment, latex_text
from .errors import DeriveError, FrameworkError, ParameterError
from .explain import explain
from .frameworks import jax, onnx, paddle
from .inverse import Space, space

FORMATS = ("svg", "tikz")


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Taps:
    """Where one transposed convolution on one axis places its taps, and which samples it keeps."""

    # the call, as a user writes it
    title: str
    n: int
    kernel: int
    stride: int
    dilation: int
    # samples of the full output removed before output sample 0 (negative: zeros added before it)
    crop: int
    # the output length L
    length: int
    # where ``crop`` comes from, in words
    rule: str = ""

    def __post_init__(self) -> None:
        for name in ("n", "kernel", "stride", "dilation", "length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "length" else 1):
                raise ParameterError(name, "must be a positive integer", value)

    @property
    def full(self) -> int:
        """The length of the full output, every tap kept: ``(n-1)s + d(k-1) + 1``."""
        return (self.n - 1) * self.stride + self.dilation * (self.kernel - 1) + 1

    def position(self, i: int, t: int) -> int:
        """The full-output position of input sample ``i``'s tap ``t``."""
        return i * self.stride + self.dilation * t

    @property
    def span(self) -> tuple[int, int]:
        """The full-output positions the picture shows: the full output and the kept window."""
        return min(0, self.crop), max(self.full, self.crop + self.length)

    def state(self, y: int) -> str:
        """``kept``, ``cropped`` (a full-output sample outside the window) or ``zero`` (kept, no tap reaches it)."""
        kept = self.crop <= y < self.crop + self.length
        if 0 <= y < self.full:
            return "kept" if kept else "cropped"
        return "zero"

    def hits(self, y: int) -> int:
        """How many taps land on full-output position ``y``."""
        return sum(
            1
            for i in range(self.n)
            if (y - i * self.stride) % self.dilation == 0 and 0 <= (y - i * self.stride) // self.dilation < self.kernel
        )

    @property
    def cropped(self) -> tuple[int, int]:
        """How many full-output samples are cropped before and after the window."""
        before = max(0, min(self.crop, self.full))
        after = max(0, self.full - max(0, self.crop + self.length))
        return before, min(after, self.full - before)

    @property
    def zeros(self) -> tuple[int, int]:
        """How many kept samples no tap reaches, before the full output and after it."""
        return max(0, -self.crop), max(0, self.crop + self.length - max(self.full, self.crop))


@dataclass(frozen=True)
class LengthPlot:
    """A call's output length over ``n``, with every length the forward convolution maps back to ``n`` shaded."""

    title: str
    # the forward convolution whose preimage is shaded
    forward: str
    ns: tuple[int, ...]
    # per n: the accepted range (lo, hi), None when there is none
    accepted: tuple[tuple[int, int] | None, ...]
    # per n: the call's own length, None where the framework refuses it or the caller chooses it
    given: tuple[int | None, ...]
    # the n the call was asked for (marked), or None
    marked: int | None = None

    def __post_init__(self) -> None:
        if not self.ns or len(self.accepted) != len(self.ns) or len(self.given) != len(self.ns):
            raise ParameterError("ns", "must be non-empty, one accepted range and one length per n", self.ns)

    @property
    def top(self) -> int:
        values = [v for r in self.accepted if r for v in r] + [g for g in self.given if g is not None]
        return max([1, *values])


@dataclass(frozen=True)
class Figure:
    """Several panels, one under the other (e.g. a call's taps on each axis and its length plot)."""

    panels: tuple[Taps | LengthPlot, ...]
    caption: str = ""


Node = Taps | LengthPlot | Figure


# ---------------------------------------------------------------- from the framework models


def _value(cfg: Mapping[str, Any], inverse: Any, role: str, default: int = 1) -> Any:
    knob = inverse.knob(role)
    return default if knob is None else cfg[knob.name]


def _int(name: str, value: Any) -> int:
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(name, "must be an integer to draw the taps (one axis)", value)
    return value


def _same_before(length: int, K: int, s: int, lower: bool = False) -> int:
    """The forward convolution's 'SAME' padding before an input of ``length``: ⌊total/2⌋ (⌈total/2⌉ for SAME_LOWER)."""
    total = max((-(-length // s) - 1) * s + K - length, 0)
    return -(-total // 2) if lower else total // 2


def _pair(value: Any) -> tuple[int, int] | None:
    """``(lo, hi)`` from a pair or a one-axis list of one pair; None for anything else."""
    if isinstance(value, (tuple, list)) and len(value) == 1 and isinstance(value[0], (tuple, list)):
        value = value[0]
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0], value[1]
    return None


def crop_before(inverse: Any, n: int, cfg: Mapping[str, Any], length: int) -> tuple[int, int, str]:
    """``(crop, dilation, rule)``: what the framework removes before output sample 0, from its model.

    Raises:
        ParameterError: a padding the picture cannot place (CIRCULAR, a non-integer).
    """
    fw = inverse.framework
    k = _int(inverse.role("kernel"), cfg[inverse.role("kernel")])
    s = _int("stride", _value(cfg, inverse, "stride"))
    d = _int("dilation", _value(cfg, inverse, "dilation"))
    K = d * (k - 1) + 1
    if fw == "onnx":
        impl = "reference" if inverse.backend == "reference" else "spec"
        lo, _ = onnx.transpose_pads(n, **cfg, implementation=impl)
        return lo, d, f"the pads ONNX's {impl} removes from the full output (begin {lo})"
    if fw == "paddle":
        lo, _, d_used = paddle._pads_and_dilation({**cfg, "n": n})
        return lo, d_used, f"Paddle's padding before, computed from the input length n (begin {lo})"
    padding = cfg[inverse.role("padding")] if inverse.knob("padding") is not None else _value(cfg, inverse, "mode", 0)
    if fw in ("jax", "flax"):
        if isinstance(padding, str) and padding.upper() == "CIRCULAR":
            raise ParameterError("padding", "cannot be drawn as taps: CIRCULAR wraps around", padding)
        if padding == "SAME_LOWER":  # strides 1: a plain convolution of the input
            return (K - 1) // 2, d, "pads (⌈(K-1)/2⌉, ⌊(K-1)/2⌋) of the input"
        if isinstance(padding, str):
            before, _ = jax.transpose_padding(k, s, padding.upper(), d)
            return K - 1 - before, d, f"K - 1 - {before}: JAX's pads of the stride-stretched input"
        pair = _pair(padding) or ((padding, padding) if isinstance(padding, int) else None)
        if pair is None:
            raise ParameterError("padding", "must be a mode, an int or one (lo, hi) pair to draw the taps", padding)
        if cfg.get("use_consistent_padding"):
            return pair[0], d, "the forward convolution's padding before (use_consistent_padding)"
        return K - 1 - pair[0], d, f"K - 1 - {pair[0]}: the pads are the stride-stretched input's"
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return 0, d, "'valid': nothing cropped before"
        if mode == "FULL":
            return K - 1, d, "'full': K - 1 cropped before"
        if fw == "lasagne" and mode == "SAME":
            return k // 2, d, "'same': filter_size // 2 cropped before"
        if mode in ("SAME", "SAME_UPPER", "SAME_LOWER"):
            lo = _same_before(length, K, s, lower=mode == "SAME_LOWER")
            return lo, d, f"the forward convolution's 'same' padding before a length-{length} input ({lo})"
        raise ParameterError("padding", "must be a mode the picture knows", padding)
    pair = _pair(padding)
    if pair is not None:
        return pair[0], d, f"the padding before ({pair[0]})"
    p = _int("padding", padding)
    return p, d, f"padding {p} on both sides"


def taps(framework: Any, n: int, *, backend: str | None = None, **kwargs: Any) -> Taps:
    """Where ``framework``'s transposed convolution with ``kwargs`` places its taps on input length ``n``.

    The length is the model's (for TensorFlow the caller's ``output_shape``, which must be given).

    Raises:
        ParameterError: unknown arguments, a missing kernel or output_shape, a padding that cannot be drawn.
        FrameworkError: the framework refuses the call (its own message).
    """
    inverse = framework if isinstance(framework, Space) else space(framework, backend)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError("n", "must be a positive integer", n)
    cfg = inverse.bind(kwargs)
    target = inverse.knob("target")
    if inverse.needs_target and target is not None and cfg[target.name] is None:
        raise ParameterError(target.name, f"must be given to draw {inverse.operation}'s taps", None)
    length = inverse.call(n, cfg)
    crop, dilation, rule = crop_before(inverse, n, cfg, length)
    # the crop window port proves with, confirmed by real runs, wins where the framework has one
    found = alignment.rule(inverse.framework, inverse.backend)
    if found is not None:
        win = alignment.window(inverse, n, cfg, length)
        if win is None:
            raise ParameterError(
                "call", "cannot be drawn as taps: its output is no window of the full output", inverse.call_text(cfg)
            )
        if int(win.start) != crop:
            crop, rule = int(win.start), f"{int(win.start)} cropped before ({found.source})"
    k = _int(inverse.role("kernel"), cfg[inverse.role("kernel")])
    s = _int("stride", _value(cfg, inverse, "stride"))
    return Taps(f"{inverse.call_text(cfg)} on n={n}", n, k, s, dilation, crop, length, rule)


def length_plot(
    framework: Any, n: int, *, backend: str | None = None, ns: Sequence[int] | None = None, **kwargs: Any
) -> LengthPlot:
    """The call's length and the accepted range (the forward convolution's preimage) over ``ns`` (default 1..n+3)."""
    inverse = framework if isinstance(framework, Space) else space(framework, backend)
    values = tuple(ns) if ns is not None else tuple(range(1, max(n + 3, 6) + 1))
    found = [explain(inverse, m, **kwargs) for m in values]
    forward = next((e.forward for e in found if e.forward), inverse.forward_operation)
    title = found[0].call if found else inverse.operation
    return LengthPlot(
        title, forward, values, tuple(e.preimage for e in found), tuple(e.length for e in found), marked=n
    )


def explain_figure(
    framework: str, ns: Sequence[int], rows: Sequence[Mapping[str, Any]], backend: str | None = None
) -> Figure:
    """What ``derive explain --svg`` draws: per axis the taps (both ends of the accepted range when the caller
    chooses the length) and the length over n."""
    inverse = space(framework, backend)
    panels: list[Taps | LengthPlot] = []
    for n, row in zip(ns, rows, strict=True):
        cfg = inverse.bind(row)
        target = inverse.knob("target")
        if inverse.needs_target and target is not None and cfg[target.name] is None:
            e = explain(inverse, n, **row)
            ends = sorted(set(e.preimage or ()))
            panels += [taps(inverse, n, **{**row, target.name: x}) for x in ends]
        else:
            try:
                panels.append(taps(inverse, n, **row))
            except FrameworkError:
                pass  # the refusal is explain's to print; the length plot still shows the accepted range
        panels.append(length_plot(inverse, n, **row))
    return Figure(tuple(panels))


#: explicit paddings tried for a space's EXPLICIT mode, in the shapes frameworks take (pair, list of pairs, int)
_EXPLICIT = ((1, 0), [(1, 0)], 1)


def samples(framework: str, n: int = 3, kernel: int = 3, stride: int = 2, limit: int = 6) -> list[Taps]:
    """One call per padding mode of ``framework`` (kernel 3, stride 2 on n = 3; explicit padding (1, 0) or 1),
    plus an output padding of 1 where there is one: the chapter pictures. Calls the framework refuses are left out;
    where the caller chooses the length (TensorFlow's output_shape), both ends of the accepted range are drawn.
    """
    inverse = space(framework)
    base = {inverse.role("kernel"): kernel, inverse.role("stride"): stride}
    mode, padding, adjust, target = (inverse.knob(r) for r in ("mode", "padding", "adjust", "target"))
    calls: list[dict[str, Any]] = []
    if mode is not None:
        for m in inverse.modes:
            if m == "EXPLICIT":
                calls += [{**base, mode.name: v} for v in _EXPLICIT]
            elif m == "NOTSET" and padding is not None:
                calls.append({**base, mode.name: m, padding.name: (1, 0)})
            else:
                upper = mode.default is None or str(mode.default).isupper()
                calls.append({**base, mode.name: m if upper else m.lower()})
    elif padding is not None:
        calls.append({**base, padding.name: 1})
    if adjust is not None and calls:
        calls.append({**calls[0], adjust.name: 1})
    found: list[Taps] = []
    seen: set[tuple[Any, ...]] = set()
    for call in calls:
        try:
            if inverse.needs_target and target is not None:
                preimage = explain(inverse, n, **call).preimage or ()
                drawn = [taps(inverse, n, **{**call, target.name: x}) for x in sorted(set(preimage))]
            else:
                drawn = [taps(inverse, n, **call)]
        except DeriveError:
            continue  # a mode this call cannot use (e.g. SAME_LOWER needs stride 1), or a shape it does not take
        for d in drawn:
            key = (d.title.split("(")[0], d.length, d.crop, d.dilation)
            if key in seen or any(d.title == f.title for f in found):
                continue
            seen.add(key)
            found.append(d)
    return found[:limit]


# ---------------------------------------------------------------- printing


class FigurePrinter:
    """Lays a figure out in grid units (y downward) and draws it with the primitives a format printer defines."""

    format = ""
    # the scale, in the format's own length, of one grid unit
    unit = 1.0

    def __init__(self, titles: bool = True) -> None:
        # False: leave each panel's call and note out (a document prints them in the caption, where they wrap)
        self.titles = titles
        self.out: list[str] = []
        self.height = 0.0
        # the width with the texts (for SVG), and of the graphics alone (TikZ texts keep their size)
        self.width = 0.0
        self.extent = 0.0

    def doprint(self, node: Node) -> str:
        self.out = []
        self.height = self.width = self.extent = 0.0
        panels = node.panels if isinstance(node, Figure) else (node,)
        y = 0.0
        for panel in panels:
            y = self._print(panel, y) + 1.0
        self.height = y - 1.0
        return self._document(node)

    def _print(self, node: Taps | LengthPlot, y: float) -> float:
        method = getattr(self, f"_print_{type(node).__name__}", None)
        if method is None:
            raise ParameterError("figure", f"has no {self.format} printer", type(node).__name__)
        return method(node, y)

    # -- layout ------------------------------------------------------------------------------

    def _print_Taps(self, t: Taps, y0: float) -> float:
        """The input samples, each one's taps on its own row, the full output with its window, the output samples."""
        first, last = t.span
        x0 = 3.0 - first  # column of full-output position 0 (3 units for the row labels)

        def col(y: int) -> float:
            return x0 + y

        y = self._head(y0, t.title, _taps_caption(t))
        self._text(2.6, y + 0.5, "input", "end", "label")
        for i in range(t.n):
            self._rect(col(i * t.stride), y, 1, 1, "input")
            self._text(col(i * t.stride) + 0.5, y + 0.5, str(i), "middle", "cell")
        y += 1.4
        top_of_taps = y
        for i in range(t.n):
            row = y + 0.7 * i
            start, end = col(t.position(i, 0)) + 0.5, col(t.position(i, t.kernel - 1)) + 0.5
            self._line(start, row + 0.35, end, row + 0.35, "tapline")
            for j in range(t.kernel):
                self._dot(col(t.position(i, j)) + 0.5, row + 0.35, 0.22, "tap")
        self._text(2.6, top_of_taps + 0.35, "taps", "end", "label")
        y += 0.7 * t.n + 0.3
        self._text(2.6, y + 0.5, "full", "end", "label")
        for p in range(first, last):
            state = t.state(p)
            self._rect(col(p), y, 1, 1, state)
            hits = t.hits(p)
            self._text(col(p) + 0.5, y + 0.5, str(hits) if state != "zero" else "0", "middle", "cell")
        y += 1.2
        self._text(2.6, y + 0.5, "output", "end", "label")
        for x in range(t.length):
            self._text(col(t.crop + x) + 0.5, y + 0.5, str(x), "middle", "cell")
        self._line(col(t.crop), y + 0.05, col(t.crop + t.length), y + 0.05, "window")
        y += 1.2
        items = [("kept", "kept: the number on a sample is how many taps land on it")]
        if any(t.state(p) == "cropped" for p in range(first, last)):
            items.append(("cropped", "cropped: computed, then removed by the padding"))
        if any(t.state(p) == "zero" for p in range(first, last)):
            items.append(("zero", "zero: an output sample no tap reaches"))
        y = self._legend(y, items)
        self.extent = max(self.extent, col(last) + 0.5)
        self.width = max(self.width, self.extent, _text_width(t.title, "title"), _text_width(_taps_caption(t), "note"))
        return y

    def _print_LengthPlot(self, plot: LengthPlot, y0: float) -> float:
        """Columns per n: the accepted range shaded, the call's length a dot; axes with ticks."""
        note = caption(plot)
        head = self._head(y0, plot.title, note)
        top = plot.top
        step = _tick_step(top)
        scale = 8.0 / top  # the plot is 8 units tall whatever the lengths
        left, bottom = 3.0, head + 0.8 + 8.0

        def ypos(v: float) -> float:
            return bottom - v * scale

        right = left + 1.6 * len(plot.ns) + 0.4
        for v in range(0, top + 1, step):
            self._line(left - 0.2, ypos(v), right, ypos(v), "grid" if v else "axis")
            self._text(left - 0.35, ypos(v), str(v), "end", "cell")
        self._line(left, ypos(0), left, ypos(top) - 0.3, "axis")
        for j, (m, accepted, given) in enumerate(zip(plot.ns, plot.accepted, plot.given, strict=True)):
            cx = left + 1.0 + 1.6 * j
            if accepted is not None:
                lo, hi = accepted
                self._rect(cx - 0.4, ypos(hi + 0.5), 0.8, (hi - lo + 1) * scale, "accepted")
                self._text(cx, ypos(hi + 0.5) - 0.35, str(lo) if lo == hi else f"{lo}..{hi}", "middle", "cell")
            if given is not None:
                self._dot(cx, ypos(given), 0.18, "given")
            self._text(cx, bottom + 0.55, str(m), "middle", "marked" if m == plot.marked else "cell")
        self._text(right + 0.2, bottom + 0.55, "n", "start", "label")
        y = bottom + 1.4
        legend = [("accepted", "accepted lengths (the preimage)")]
        if any(g is not None for g in plot.given):
            legend.append(("given", "the call's length"))
        else:
            legend.append(("none", "the call gives no length of its own: the caller chooses one"))
        y = self._legend(y, legend)
        self.extent = max(self.extent, right + 1.0)
        self.width = max(self.width, self.extent, _text_width(plot.title, "title"), _text_width(note, "note"))
        return y

    def _head(self, y0: float, title: str, note: str) -> float:
        """The panel's call and note (when printed); returns the y below them."""
        if not self.titles:
            return y0
        self._text(0, y0 + 0.5, title, "start", "title")
        self._text(0, y0 + 1.3, note, "start", "note")
        return y0 + 2.2

    def _legend(self, y: float, items: Sequence[tuple[str, str]]) -> float:
        """One row per item (a swatch and its meaning); returns the y below the legend."""
        x = 3.0
        for style, text in items:
            if style == "given":
                self._dot(x + 0.4, y + 0.4, 0.18, style)
            elif style != "none":
                self._rect(x, y + 0.1, 0.6, 0.6, style)
            self._text(x + 1.0, y + 0.4, text, "start", "note")
            self.width = max(self.width, _text_width(text, "note", x + 1.0))
            y += 0.9
        return y

    # -- primitives (one format each) ----------------------------------------------------------

    def _rect(self, x: float, y: float, w: float, h: float, style: str) -> None:
        raise NotImplementedError

    def _line(self, x1: float, y1: float, x2: float, y2: float, style: str) -> None:
        raise NotImplementedError

    def _dot(self, x: float, y: float, r: float, style: str) -> None:
        raise NotImplementedError

    def _text(self, x: float, y: float, text: str, anchor: str, style: str) -> None:
        raise NotImplementedError

    def _document(self, node: Node) -> str:
        raise NotImplementedError


def _text_width(text: str, style: str, x: float = 0.0) -> float:
    """Where a text starting at ``x`` ends, roughly (grid units per character of each style's font)."""
    return x + len(text) * {"title": 0.33, "note": 0.25}.get(style, 0.25)


def caption(node: Taps | LengthPlot) -> str:
    """The note a panel prints under its call (a document prints it in the figure's caption)."""
    if isinstance(node, Taps):
        return _taps_caption(node)
    return f"length over n; shaded: every length {node.forward} maps back to n"


def _taps_caption(t: Taps) -> str:
    before, after = t.cropped
    zb, za = t.zeros
    parts = [f"full output (n-1)s + d(k-1) + 1 = {t.full}", f"kept L = {t.length} from position {t.crop}"]
    if before or after:
        parts.append(f"cropped {before} before, {after} after")
    if zb or za:
        parts.append(f"{zb + za} zero sample{'s' * (zb + za != 1)}")
    return "; ".join(parts) + (f" ({t.rule})" if t.rule else "")


def _tick_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if top / step <= 8:
            return step
    return 10 ** len(str(top))


def _num(v: float) -> str:
    """A coordinate with at most three decimals and no trailing zeros (stable text)."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_SVG_STYLE = """\
  <style>
    .title { font: bold 13px sans-serif; } .note { font: 11px sans-serif; fill: #444; }
    .label { font: italic 11px sans-serif; } .cell { font: 10px monospace; } .marked { font: bold 11px monospace; }
    .input { fill: #dbe8f6; stroke: #2b5797; } .kept { fill: #ffffff; stroke: #333; }
    .cropped { fill: #d9d9d9; stroke: #999; } .zero { fill: #ffffff; stroke: #999; stroke-dasharray: 3 2; }
    .accepted { fill: #b9d7a8; stroke: #5a8f3c; } .tap { fill: #2b5797; } .given { fill: #b22222; }
    .tapline { stroke: #2b5797; stroke-width: 2; } .window { stroke: #b22222; stroke-width: 2; }
    .axis { stroke: #333; } .grid { stroke: #ddd; }
  </style>"""


class SvgPrinter(FigurePrinter):
    """A standalone SVG document (CSS classes for the styles), 24 px per grid unit."""

    format = "svg"
    unit = 24.0

    def _u(self, v: float) -> str:
        return _num(v * self.unit)

    def _rect(self, x: float, y: float, w: float, h: float, style: str) -> None:
        self.out.append(
            f'  <rect class="{style}" x="{self._u(x)}" y="{self._u(y)}" width="{self._u(w)}" height="{self._u(h)}"/>'
        )

    def _line(self, x1: float, y1: float, x2: float, y2: float, style: str) -> None:
        self.out.append(
            f'  <line class="{style}" x1="{self._u(x1)}" y1="{self._u(y1)}" x2="{self._u(x2)}" y2="{self._u(y2)}"/>'
        )

    def _dot(self, x: float, y: float, r: float, style: str) -> None:
        self.out.append(f'  <circle class="{style}" cx="{self._u(x)}" cy="{self._u(y)}" r="{self._u(r)}"/>')

    def _text(self, x: float, y: float, text: str, anchor: str, style: str) -> None:
        self.out.append(
            f'  <text class="{style}" x="{self._u(x)}" y="{self._u(y)}" text-anchor="{anchor}" '
            f'dominant-baseline="central">{html.escape(text, quote=False)}</text>'
        )

    def _document(self, node: Node) -> str:
        w, h = self._u(self.width + 0.5), self._u(self.height + 0.5)
        caption = node.caption if isinstance(node, Figure) else ""
        head = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
            f"  <title>{html.escape(caption or _first_title(node), quote=False)}</title>",
            _SVG_STYLE,
            f'  <rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>',
        ]
        return "\n".join([*head, *self.out, "</svg>"]) + "\n"


_TEX_SPECIAL = {
    **latex_text.SPECIAL,
    "⌈": r"$\lceil$",
    "⌉": r"$\rceil$",
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "·": r"$\cdot$",
}

_TIKZ_STYLES = {
    "input": "fill=blue!12, draw=blue!60!black",
    "kept": "fill=white, draw=black!80",
    "cropped": "fill=black!18, draw=black!45",
    "zero": "fill=white, draw=black!45, densely dashed",
    "accepted": "fill=green!50!black!30, draw=green!40!black",
    "tap": "fill=blue!60!black",
    "given": "fill=red!70!black",
    "tapline": "draw=blue!60!black, line width=0.8pt",
    "window": "draw=red!70!black, line width=0.8pt",
    "axis": "draw=black!80",
    "grid": "draw=black!15",
}
_TIKZ_TEXT = {
    "title": r"\bfseries\footnotesize",
    "note": r"\scriptsize",
    "label": r"\itshape\scriptsize",
    "cell": r"\ttfamily\tiny",
    "marked": r"\ttfamily\bfseries\tiny",
}


def _tex(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(c, c) for c in text)


class TikzPrinter(FigurePrinter):
    """A ``tikzpicture`` (y downward via a negative y unit), scaled to at most ``width_cm`` wide."""

    format = "tikz"

    def __init__(self, width_cm: float = 15.5, unit_cm: float = 0.42, titles: bool = True) -> None:
        super().__init__(titles)
        self.width_cm = width_cm
        self.unit_cm = unit_cm

    def _rect(self, x: float, y: float, w: float, h: float, style: str) -> None:
        self.out.append(rf"  \path[{style}] ({_num(x)},{_num(y)}) rectangle ({_num(x + w)},{_num(y + h)});")

    def _line(self, x1: float, y1: float, x2: float, y2: float, style: str) -> None:
        self.out.append(rf"  \path[{style}] ({_num(x1)},{_num(y1)}) -- ({_num(x2)},{_num(y2)});")

    def _dot(self, x: float, y: float, r: float, style: str) -> None:
        self.out.append(rf"  \path[{style}] ({_num(x)},{_num(y)}) circle[radius={_num(r)}];")

    def _text(self, x: float, y: float, text: str, anchor: str, style: str) -> None:
        where = {"start": "west", "end": "east", "middle": "center"}[anchor]
        self.out.append(
            rf"  \node[anchor={where}, inner sep=0pt, font={_TIKZ_TEXT[style]}] at ({_num(x)},{_num(y)}) "
            f"{{{_tex(text)}}};"
        )

    def _document(self, node: Node) -> str:
        unit = min(self.unit_cm, self.width_cm / max(self.extent, 1.0))
        styles = ", ".join(f"{name}/.style={{{spec}}}" for name, spec in _TIKZ_STYLES.items())
        # text keeps its size when the grid shrinks; wide pictures get a smaller font through the scale
        scale = _num(min(1.0, unit / self.unit_cm))
        return (
            "\n".join(
                [
                    rf"\begin{{tikzpicture}}[x={_num(unit)}cm, y=-{_num(unit)}cm, {styles},",
                    rf"  every node/.append style={{scale={scale}}}]",
                    *self.out,
                    r"\end{tikzpicture}",
                ]
            )
            + "\n"
        )


def _first_title(node: Node) -> str:
    if isinstance(node, Figure):
        return node.panels[0].title if node.panels else ""
    return node.title


PRINTERS: dict[str, type[FigurePrinter]] = {"svg": SvgPrinter, "tikz": TikzPrinter}


def draw(node: Node, format: str = "svg", **settings: Any) -> str:
    """A figure as ``format`` text: ``"svg"`` (a standalone document) or ``"tikz"`` (a tikzpicture).

    Raises:
        ParameterError: an unknown format.
    """
    if format not in PRINTERS:
        raise ParameterError("format", f"must be one of {', '.join(FORMATS)}", format)
    return PRINTERS[format](**settings).doprint(node)


def write_svg(node: Node, path: str | Path) -> Path:
    """Write ``node`` as an SVG file (the CLI's ``--svg FILE``)."""
    out = Path(path)
    if out.is_dir():
        raise ParameterError("--svg", "must be a file, not a directory", str(out))
    out.write_text(draw(node, "svg"))
    return out


__all__ = [
    "FORMATS",
    "Figure",
    "FigurePrinter",
    "LengthPlot",
    "SvgPrinter",
    "Taps",
    "TikzPrinter",
    "caption",
    "crop_before",
    "draw",
    "explain_figure",
    "length_plot",
    "samples",
    "taps",
    "write_svg",
]
