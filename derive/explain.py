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

import itertools

from ._record import record
from .display import Displayed
from .errors import FrameworkError, ParameterError
from .inverse import Space, space

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


@record
class Way:
    """Consecutive lengths of the preimage and the settings that give them (in step with the lengths)."""

    lengths: tuple[int, int]
    settings: str

    @property
    def text(self) -> str:
        lo, hi = self.lengths
        return f"{lo if lo == hi else f'{lo}..{hi}'}: {self.settings}"


@record
class Refusal:
    """A setting the framework refuses, with the exception it raises and its own message."""

    setting: str
    error: str
    message: str

    @property
    def text(self) -> str:
        kind = f"{self.error}: " if self.error else ""
        return f"{self.setting}: {kind}{self.message}"


@record(repr=False)
class Explanation(Displayed):
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
    # the argument the caller gives the length with when the call has no length of its own (tensorflow's
    # output_shape); "" otherwise
    set_by: str = ""


#: how far explain follows accepted output sizes outside the preimage, on each side
TARGET_SCAN = 256


def _refusal(setting: str, e: FrameworkError) -> Refusal:
    return Refusal(setting, e.error, e.message)


def _try(inverse: Space, n: int, cfg: Mapping[str, Any]) -> tuple[int | None, FrameworkError | None]:
    try:
        return inverse.call(n, cfg), None
    except FrameworkError as e:
        return None, e


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}..{hi}"


def explain(framework: str | Space, n: int, *, backend: str | None = None, **kwargs: Any) -> Explanation:
    """Explain ``framework``'s transposed convolution with the keyword arguments ``kwargs`` on input length ``n``.

    ``kwargs`` use the framework's own names (``kernel_size``, ``stride`` / ``strides``, ``padding``,
    ``output_padding``, ``dilation`` / ``dilation_rate`` / ``dilations``, ``output_size`` for torch,
    ``output_shape`` for tensorflow, ...). Every length and setting shown comes from the framework
    model: the preimage from its forward convolution, each way from calling the transposed one.

    Raises:
        ParameterError: unknown arguments, a missing kernel size, or lengths below 1.
    """
    inverse = framework if isinstance(framework, Space) else space(framework, backend)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError("--n", "must be a positive integer", n)
    cfg = inverse.bind(kwargs)
    target = inverse.knob("target")
    chosen = target is not None and cfg[target.name] is not None
    length, error = (None, None) if inverse.needs_target and not chosen else _try(inverse, n, cfg)
    call = inverse.call_text(cfg)
    refused = None if error is None else _refusal("this call", error)
    set_by = target.name if inverse.needs_target and not chosen and target is not None else ""
    bare = Explanation(inverse.framework, call, n, length, refused, "", "", "", None, (), (), (), set_by)
    fwd = inverse.forward(cfg)
    if fwd is None:
        return bare
    forward, fn = fwd
    try:
        formula, substituted = inverse.formula(n, cfg)
    except FrameworkError as e:  # e.g. tensorflow computes no interval for a refused dilation
        return bare if refused else Explanation(**{**bare.__dict__, "refused": _refusal("this call", e)})
    preimage = _preimage(fn, n)
    ways, notes, refusals = _settings(inverse, n, cfg, preimage, forward, fn)
    if inverse.needs_target and not chosen and target is not None:
        notes.append(f"{inverse.operation} has no length formula: the caller passes {target.name}")
    kernels = tensorflow_kernels_note(inverse)
    if kernels:
        notes.append(kernels)
    return Explanation(
        inverse.framework, call, n, length, refused, formula, substituted, forward, preimage,
        tuple(ways), tuple(notes), tuple(refusals), set_by,
    )  # fmt: skip


def tensorflow_kernels_note(inverse: Space) -> str:
    """Which TensorFlow CPU kernels the answer is for, where TensorFlow runs the call (always said: they differ)."""
    runs_tf = inverse.framework == "tensorflow" or (
        inverse.framework in ("keras", "keras2") and inverse.backend == "tensorflow"
    )
    if not runs_tf:
        return ""
    if inverse.framework == "tensorflow" and inverse.backend is not None:
        return f"TensorFlow kernels: {inverse.backend} (--backend)"
    from .machine import tensorflow_kernels

    other = "--backend eigen|onednn|xla" if inverse.framework == "tensorflow" else "TF_ENABLE_ONEDNN_OPTS=0|1"
    return f"TensorFlow kernels: {tensorflow_kernels()}; {other} for another"


def _below(fn: Callable[[int], int], length: int, n: int) -> bool:
    """Whether the forward convolution maps ``length`` below ``n`` (a refused input is a too-short one)."""
    try:
        return fn(length) < n
    except FrameworkError:
        return True


def _first(holds: Callable[[int], bool], lo: int, hi: int) -> int:
    """The least value in lo..hi where a monotone predicate holds (it holds at hi)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if holds(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _preimage(fn: Callable[[int], int], n: int) -> tuple[int, int] | None:
    """Every length the forward convolution maps to ``n``, as (lo, hi); it is non-decreasing in the length."""
    top = 1
    while _below(fn, top, n + 1):
        top *= 2
        if top > 1 << 64:
            return None  # refused at every length
    first = _first(lambda x: not _below(fn, x, n), 1, top)
    past = _first(lambda x: not _below(fn, x, n + 1), first, top)
    return (first, past - 1) if first < past else None


def _runs(pairs: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(setting, length) pairs cut into runs where both go up by one: ((first, last) setting, (first, last) length)."""
    out: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for v, length in pairs:
        if out and out[-1][0][1] == v - 1 and out[-1][1][1] == length - 1:
            (v0, _), (l0, _) = out[-1]
            out[-1] = ((v0, v), (l0, length))
        else:
            out.append(((v, v), (length, length)))
    return out


def _back(fn: Callable[[int], int], lo: int, hi: int) -> str:
    """What the forward convolution gives lo..hi (it refuses only lengths too short for its kernel)."""
    if _below(fn, hi, 0):
        return "a refusal"
    first = _first(lambda x: not _below(fn, x, 0), lo, hi)
    text = _span(fn(first), fn(hi))
    return text if first == lo else f"{text} ({_span(lo, first - 1)} refused as too short)"


class _Found:
    """What the settings of one call give, gathered knob by knob (notes and refusals in the order found)."""

    def __init__(self) -> None:
        self.hits: dict[int, int] = {}  # preimage length -> the first output padding giving it
        self.default_hit: int | None = None
        self.targets: set[int] = set()  # preimage lengths an output size gives
        self.notes: list[str] = []
        self.refusals: list[Refusal] = []


def _adjust_default(inverse: Space, n: int, base: Mapping[str, Any], ctx: _Context, found: _Found) -> None:
    """A non-integer default output padding (keras' None): which length it gives, or its refusal."""
    adjust = ctx.adjust
    default = adjust.default
    if isinstance(default, int):
        return
    got, e = _try(inverse, n, {**base, adjust.name: default})
    if e is not None:
        found.refusals.append(_refusal(f"{adjust.name}={default!r} (the default)", e))
    elif ctx.inside(got):  # type: ignore[arg-type]
        found.default_hit = got
    else:
        found.notes.append(f"{adjust.name}={default!r} (the default) gives {got}, which {ctx.forward} maps back to "
                           f"{_back(ctx.fn, got, got)}, not {n}")  # type: ignore[arg-type]  # fmt: skip


def _adjust_values(
    inverse: Space, n: int, cfg: Mapping[str, Any], base: Mapping[str, Any], ctx: _Context, found: _Found
) -> None:
    """Each output padding the framework offers: the preimage lengths it gives, the others, and the refused."""
    adjust = ctx.adjust
    tried = [(v, *_try(inverse, n, {**base, adjust.name: v})) for v in inverse.adjust_values(cfg)]
    accepted = [(v, got) for v, got, _ in tried if got is not None]
    every: dict[int, list[int]] = {}
    for v, got in accepted:
        if ctx.inside(got):
            every.setdefault(got, []).append(v)
    found.hits = {got: vs[0] for got, vs in every.items()}
    for got, vs in every.items():  # e.g. ONNX's SAME in the spec ignores output_padding
        if len(vs) > 1:
            shown = _span(vs[0], vs[-1]) if vs == list(range(vs[0], vs[-1] + 1)) else ", ".join(map(str, vs))
            found.notes.append(f"{adjust.name}={shown} all give {got}")
    for (v0, v1), (l0, l1) in _runs([(v, got) for v, got in accepted if not ctx.inside(got)]):
        found.notes.append(f"{adjust.name}={_span(v0, v1)} is accepted too but gives {_span(l0, l1)}, "
                           f"which {ctx.forward} maps back to {_back(ctx.fn, l0, l1)}, not {n}")  # fmt: skip
    _adjust_refusals(tried, adjust.name, found)


def _adjust_refusals(tried: list[tuple[Any, int | None, FrameworkError | None]], name: str, found: _Found) -> None:
    """Refused output paddings among accepted ones one by one; past the last accepted one, as ``>=``."""
    last_ok = max((i for i, (_, got, _) in enumerate(tried) if got is not None), default=-1)
    for i, (v, _, e) in enumerate(tried):
        if e is not None and i < last_ok:
            found.refusals.append(_refusal(f"{name}={v}", e))
    if last_ok + 1 < len(tried):
        v, _, e = tried[last_ok + 1]
        found.refusals.append(_refusal(f"{name}>={v}", e))  # type: ignore[arg-type]


def _targets(
    inverse: Space, n: int, base: Mapping[str, Any], preimage: tuple[int, int], ctx: _Context, found: _Found
) -> None:
    """Which preimage lengths an output size gives, and the accepted sizes outside it (scanned outward)."""
    target = ctx.target
    for x in range(preimage[0], preimage[1] + 1):
        if _try(inverse, n, {**base, target.name: x})[0] == x:
            found.targets.add(x)
    for step in (1, -1):  # outward from each end (chainer also accepts sizes below the preimage)
        x, run = preimage[1] + 1 if step > 0 else preimage[0] - 1, []
        while x >= 1 and len(run) < TARGET_SCAN:
            got, e = _try(inverse, n, {**base, target.name: x})
            if e is not None:
                found.refusals.append(_refusal(f"{target.name}={x}", e))
            if got != x:
                break
            run.append(x)
            x += step
        if run:
            lo, hi = min(run), max(run)
            found.notes.append(f"{target.name}={_span(lo, hi)} is accepted too, but {ctx.forward} maps "
                               f"{_span(lo, hi)} back to {_back(ctx.fn, lo, hi)}, not {n}")  # fmt: skip


@record
class _Context:
    """One call's knobs and forward convolution, shared by the helpers of :func:`_settings`."""

    inverse: Space
    adjust: Any
    target: Any
    preimage: tuple[int, int] | None
    forward: str
    fn: Callable[[int], int]

    def inside(self, x: int | None) -> bool:
        return self.preimage is not None and x is not None and self.preimage[0] <= x <= self.preimage[1]


def _way_text(ctx: _Context, lo: int, hi: int, is_default: bool, offset: int | None, by_target: bool) -> str:
    """The settings that give the preimage lengths lo..hi, as one line."""
    adjust, target, inverse = ctx.adjust, ctx.target, ctx.inverse
    parts = []
    if is_default:
        default = adjust or target
        parts.append(f"{default.name}={default.default!r} (the default)" if default else "the call as written")
    if offset is not None:
        parts.append(f"{adjust.name}={_span(lo - offset, hi - offset)}")
    text = " or ".join(parts)
    if by_target:
        text += (", or " if text else "") + inverse.target_text(_span(lo, hi))
    if text:
        return text
    if adjust is None and target is None:
        return f"not from this call: {inverse.operation} has no output padding or output size (change the padding)"
    knobs = " or ".join(k.name for k in (adjust, target) if k is not None)
    return f"no {knobs} of this call gives {'it' if lo == hi else 'them'}"


def _ways(ctx: _Context, preimage: tuple[int, int], found: _Found) -> list[Way]:
    """The preimage cut into runs of consecutive lengths with the same kind of setting, one way each."""
    kinds: list[tuple[int, tuple[Any, ...]]] = []
    for x in range(preimage[0], preimage[1] + 1):
        v = found.hits.get(x)
        kinds.append((x, (x == found.default_hit, None if v is None else x - v, x in found.targets)))
    ways = []
    for _, group in itertools.groupby(kinds, key=lambda item: item[1] if not item[1][0] else item):
        items = list(group)
        lo, hi = items[0][0], items[-1][0]
        ways.append(Way((lo, hi), _way_text(ctx, lo, hi, *items[0][1])))
    return ways


def _settings(
    inverse: Space,
    n: int,
    cfg: Mapping[str, Any],
    preimage: tuple[int, int] | None,
    forward: str,
    fn: Callable[[int], int],
) -> tuple[list[Way], list[str], list[Refusal]]:
    """Which output padding / output size gives each preimage length; what else is accepted, and what is refused."""
    ctx = _Context(inverse, inverse.knob("adjust"), inverse.knob("target"), preimage, forward, fn)
    adjust, target = ctx.adjust, ctx.target
    base = dict(cfg) if target is None else {**cfg, target.name: target.default}
    found = _Found()
    if adjust is not None:
        _adjust_default(inverse, n, base, ctx, found)
        _adjust_values(inverse, n, cfg, base, ctx, found)
    if adjust is None and not inverse.needs_target:  # caffe, chainer: the call with the default target reaches it
        got, _ = _try(inverse, n, base)
        if ctx.inside(got):
            found.default_hit = got
    if target is not None and adjust is not None:
        base = {**base, adjust.name: adjust.default}  # paddle refuses an output size next to an output padding
    if target is not None and preimage is not None:
        _targets(inverse, n, base, preimage, ctx, found)
    ways = [] if preimage is None else _ways(ctx, preimage, found)
    return ways, found.notes, found.refusals


def length_text(e: Explanation) -> str:
    """The output length as printed: the number, "refused", or who sets it (never a bare "-")."""
    if e.length is not None:
        return str(e.length)
    if e.refused:
        return "refused"
    return f"set by the caller ({e.set_by})" if e.set_by else "set by the caller"


def lines(e: Explanation) -> list[str]:
    """The explanation as the command line prints it."""
    out = [f"{e.call} on n={e.n}: {length_text(e)}"]
    if e.refused:
        text = f"{e.refused.error}: {e.refused.message}" if e.refused.error else e.refused.message
        out.append("  " + "\n    ".join(x for x in text.splitlines() if x.strip()))
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
        # a framework message may span lines (chainer's type checks): its continuation lines are indented
        out += ["  " + "\n    ".join(x for x in r.text.splitlines() if x.strip()) for r in e.refusals]
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
