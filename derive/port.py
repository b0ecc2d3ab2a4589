"""``derive port``: the same transposed convolution in another framework, proved sample for sample.

Kernel size, stride and dilation stay (they are the layer's weights and its scale); the target
framework's padding mode, padding and output padding are searched (with :func:`derive.solve.solve`
at one input length, then checked on many and proved for all). TensorFlow's ``output_shape``
becomes the source's length formula.

Equal lengths are not equal layers: a transposed convolution keeps a *window* of its full output
(:mod:`derive.alignment`), and two layers with the same weights compute the same function exactly
when their windows agree. So a port is proved in two parts, for every ``n`` the source accepts:
the target accepts and gives the same length, and its window starts at the same sample. The
answer says which was proved:

* ``same samples: proved``: a target setting keeps the source's window;
* ``same length only``: the best setting has the length but keeps shifted samples; then the fix is
  a target setting whose window holds the source's with a constant crop at each end (proved), as
  code to paste;
* no setting with the length: the smallest ``n`` where the best candidate differs, and the fix
  (or, where the windows are not modelled, the nearest setting whose length differs by a constant).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _arith as A
from . import alignment as AL
from .display import Displayed
from .errors import FrameworkError, ParameterError
from .inverse import Bounds, Range, Space, space
from .solve import solve

#: the input lengths each candidate is tried on before the prover sees it
CHECK_LENGTHS = range(1, 41)
#: the reference input length the candidates are solved for
REFERENCE = 8
#: the largest constant difference the nearest alternative (and a crop fix) may have
MAX_OFFSET = 8
#: candidates proved per search before giving up (each proof is one Z3 call)
MAX_PROOFS = 12

SAME_SAMPLES = "same samples"
LENGTH_ONLY = "same length only"


@dataclass(frozen=True, repr=False)
class Port(Displayed):
    """A configuration of the target framework with the source's length (and samples) for every ``n``, or why not."""

    source: str
    # the target call with the source's length; None when no setting matches for every n
    target: str | None
    # the target's keyword arguments (tensorflow: output_shape is the source's formula, as text)
    configuration: dict[str, Any] | None
    # the source's length as a formula in n, and the domain it is defined on
    length: str
    domain: str
    # the prover's verdict on "for every n the source accepts, the target accepts and gives the same length"
    verdict: Any
    # when there is no port: the smallest n where the best candidate differs (n, source length, target length)
    counterexample: dict[str, Any] | None = None
    # when there is no port and no fix: the nearest setting, whose length differs by a constant
    alternative: str | None = None
    # the target operation and the knobs kept from the source, e.g. "kernel_size=3, strides=2"
    kept: str = ""
    # SAME_SAMPLES (the target keeps the source's window), LENGTH_ONLY, or None (no port)
    alignment: str | None = None
    # the prover's verdict on "the same window start for every such n" (None: not asked)
    samples: Any = None
    # the source's window and the target's, as text: "full[0 : 2*n]"
    source_window: str | None = None
    target_window: str | None = None
    # why the samples are not compared (a window not modelled), if so
    unmodelled: str | None = None
    # a target setting plus a crop that gives the source's samples (proved), as paste-able code
    fix: str | None = None
    # the fix as data: the target's keyword arguments (tensorflow: output_shape = the source's length + the crop)
    # and the samples cropped at the start and at the end
    fix_configuration: dict[str, Any] | None = None
    crop: tuple[int, int] | None = None
    # weight porting notes (a kernel applied reversed), and which windows are read from code only
    notes: tuple[str, ...] = ()

    @property
    def proved(self) -> bool:
        """Whether the target gives the source's length for every n (see ``aligned`` for the samples)."""
        return self.target is not None and self.verdict is not None and self.verdict.proved

    @property
    def aligned(self) -> bool:
        """Whether the target keeps the same samples for every n: the same layer, proved."""
        return self.proved and self.alignment == SAME_SAMPLES


def _length(inverse: Space, n: int, cfg: Mapping[str, Any]) -> int | None:
    try:
        return inverse.call(n, cfg)
    except FrameworkError:
        return None


def _config(dst: Space, cfg: Mapping[str, Any], length: Any) -> dict[str, Any]:
    """A target configuration (where the caller must pass the output length, e.g. tensorflow: the source's length)."""
    return {**cfg, dst.role("target"): length} if dst.needs_target else dict(cfg)


def _window(inverse: Space, n: Any, cfg: Mapping[str, Any], length: Any) -> AL.Window | None:
    try:
        return AL.window(inverse, n, cfg, length)
    except (FrameworkError, ParameterError, TypeError):
        return None


def _first_mismatch(
    src: Space, cfg: Mapping[str, Any], dst: Space, cand: Mapping[str, Any], offset: int, shift: int | None = None
) -> Any:
    """The first n where the target's length is not the source's + offset (or, with ``shift``, where its window
    does not start ``shift`` samples before the source's)."""
    for n in CHECK_LENGTHS:
        want = _length(src, n, cfg)
        if want is None:
            continue
        tcfg = _config(dst, cand, want + offset)
        got = _length(dst, n, tcfg)
        if got != want + offset:
            return {"n": n, "source": want, "target": got}
        if shift is not None:
            a, b = _window(src, n, cfg, want), _window(dst, n, tcfg, got)
            if a is None or b is None or b.start + shift != a.start:
                return {"n": n, "source": want, "target": got, "start": None if b is None else b.start}
    return None


def _candidates(dst: Space, k: int, s: int, d: int, n0: int, target: int) -> list[dict[str, Any]]:
    pinned = Bounds(kernel=Range(k, k), stride=Range(s, s), dilation=Range(d, d))
    try:
        found = solve(dst, n0, target, pinned, limit=50, explain_failure=False)
    except ParameterError:
        return []
    return [m for a in found.answers for m in itertools.islice(a.family.members(), 50)]


def _symbol() -> Any:
    import sympy as sp

    return sp.Symbol("n", integer=True, positive=True)


def _claim(src: Space, cfg: Mapping[str, Any], dst: Space, cand: Mapping[str, Any], offset: int) -> Any:
    """The prover on: for every n the source accepts, the target accepts and gives its length + offset."""
    import sympy as sp

    from .prover import prove

    n = _symbol()
    length, accepts = src.symbolic(n, cfg)
    other, accepted = dst.symbolic(n, _config(dst, cand, length + offset))
    hyps = [c for c in accepts if not A.is_true(c)]
    goal = sp.And(*[c for c in accepted if not A.is_true(c)], sp.Eq(other, length + offset))
    return prove(goal, hyps), length, hyps


def _start_claim(src: Space, cfg: Mapping[str, Any], dst: Space, cand: Mapping[str, Any], offset: int,
                 shift: int) -> Any:  # fmt: skip
    """The prover on: for every n the source accepts (and the target gives its length + offset), the target's
    window starts ``shift`` samples before the source's. None where a window is not modelled."""
    import sympy as sp

    from .prover import prove

    n = _symbol()
    length, accepts = src.symbolic(n, cfg)
    tcfg = _config(dst, cand, length + offset)
    other, accepted = dst.symbolic(n, tcfg)
    a, b = _window(src, n, cfg, length), _window(dst, n, tcfg, other)
    if a is None or b is None:
        return None
    hyps = [c for c in (*accepts, *accepted) if not A.is_true(c)]
    return prove(sp.Eq(b.start + shift, a.start), [*hyps, sp.Eq(other, length + offset)])


def _window_text(w: AL.Window | None) -> str | None:
    if w is None:
        return None
    import sympy as sp

    start = sp.simplify(w.start) if A.is_symbolic(w.start) else w.start
    end = sp.simplify(w.start + w.length) if A.is_symbolic(w.start, w.length) else w.start + w.length
    return f"full[{start} : {end}]"


def _unmodelled(src: Space, dst: Space, src_cfg: Mapping[str, Any], dst_cfg: Mapping[str, Any] | None) -> str | None:
    """Why the samples cannot be compared: a side whose window is not modelled (None: both are)."""
    n = REFERENCE
    for inverse, cfg in ((src, src_cfg), (dst, dst_cfg)):
        if cfg is None:
            continue
        if AL.rule(inverse.framework, inverse.backend) is None or _window(inverse, n, cfg, None) is None:
            return f"{inverse.call_text(cfg)} keeps no window of the full output that derive models"
    return None


def _notes(src: Space, cfg: Mapping[str, Any], dst: Space, tcfg: Mapping[str, Any] | None) -> tuple[str, ...]:
    notes = []
    if tcfg is not None:
        a, b = _window(src, REFERENCE, cfg, None), _window(dst, REFERENCE, tcfg, None)
        if a is not None and b is not None and a.flipped != b.flipped:
            flipped = src if a.flipped else dst
            notes.append(
                f"weights: reverse the kernel along its spatial axis when copying them ({flipped.operation} "
                f"applies it reversed{'' if flipped.framework == 'flax' else ' without transpose_kernel=True'})"
            )
    for inverse in (src, dst):
        r = AL.rule(inverse.framework, inverse.backend)
        if r is not None and r.confirmed != "live":
            notes.append(f"{inverse.framework}'s window is read from its code ({r.source}), not run here")
    return tuple(notes)


def _crop_code(dst: Space, call: str, left: int, right: int) -> str:
    """``y = <call>(x)[..., 1:-1]``: the target call and the crop on the output's spatial axis, as one line."""
    r = AL.rule(dst.framework, dst.backend)
    cut = f"{left or ''}:{f'-{right}' if right else ''}"
    return f"y = {call}(x)" + (f"[:, {cut}]" if r is not None and r.channels_last else f"[..., {cut}]")


def _crop_text(crop: tuple[int, int]) -> str:
    ends = [f"{crop[0]} at the start" if crop[0] else "", f"{crop[1]} at the end" if crop[1] else ""]
    return "crop " + " and ".join(e for e in ends if e)


def port(source: str, target: str, *, source_backend: str | None = None, target_backend: str | None = None,
         **kwargs: Any) -> Port:  # fmt: skip
    """The ``target`` framework's configuration with the same samples as ``source`` called with ``kwargs``.

    Raises:
        ParameterError: unknown arguments, a source without a length formula (tensorflow), or a call
            the source framework refuses at every input length tried.
    """
    src, dst = space(source, source_backend), space(target, target_backend)
    if src.needs_target:
        target = src.role("target")
        raise ParameterError("FROM", f"must have a length formula ({source}'s {target} is the caller's)", source)
    cfg = src.bind(kwargs)
    # a framework without dilation (lasagne) has dilation 1
    k, s, d = (cfg[src.role(r)] if src.has(r) else 1 for r in ("kernel", "stride", "dilation"))
    for name, value in (("kernel", k), ("stride", s), ("dilation", d)):
        if not src.has(name):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ParameterError(src.role(name), "must be a positive integer to port", value)
    call = src.call_text(cfg)
    n0 = next((n for n in range(REFERENCE, REFERENCE + 64) if _length(src, n, cfg) is not None), None)
    if n0 is None:
        raise ParameterError("FROM", f"is refused by {source} at every n tried", call)
    n = _symbol()
    length, accepts = src.symbolic(n, cfg)
    hyps = [c for c in accepts if not A.is_true(c)]
    source_window = _window_text(_window(src, n, cfg, length))
    first_bad: dict[str, Any] | None = None
    length_only: tuple[dict[str, Any], Any] | None = None
    proofs = 0
    for cand in _candidates(dst, k, s, d, n0, src.call(n0, cfg)):
        if proofs >= MAX_PROOFS:
            break
        bad = _first_mismatch(src, cfg, dst, cand, 0)
        if bad is not None:
            first_bad = first_bad or bad
            continue
        # the aligned candidates first: a length-only one is kept in case none aligns
        if length_only is not None and _first_mismatch(src, cfg, dst, cand, 0, shift=0) is not None:
            continue
        proofs += 1
        verdict, _, _ = _claim(src, cfg, dst, cand, 0)
        if not verdict.proved:
            if verdict.counterexample:
                m = verdict.counterexample.get("n")
                first_bad = first_bad or {"n": m, "source": _length(src, m, cfg), "target": None}
            continue
        starts = _start_claim(src, cfg, dst, cand, 0, 0)
        if starts is not None and starts.proved:
            return _answer(src, cfg, dst, cand, call, length, hyps, verdict, SAME_SAMPLES, starts, source_window)
        if length_only is None:
            length_only = (cand, (verdict, starts))
    fix, fix_configuration, crop = _fix(src, cfg, dst, k, s, d, n0) or (None, None, None)
    if length_only is not None:
        cand, (verdict, starts) = length_only
        p = _answer(src, cfg, dst, cand, call, length, hyps, verdict, LENGTH_ONLY, starts, source_window)
        return _with(p, fix=fix, fix_configuration=fix_configuration, crop=crop)
    if first_bad is None:
        first_bad = {"n": n0, "source": src.call(n0, cfg), "target": None}
    kept = f"{dst.operation} with " + ", ".join(
        f"{dst.role(r) if dst.has(r) else r}={v}"
        for r, v in (("kernel", k), ("stride", s), ("dilation", d))
        if dst.has(r) or v != 1
    )
    alternative = None if fix is not None else _alternative(src, cfg, dst, k, s, d, n0)
    return Port(
        call, None, None, str(length), _domain(hyps), None, first_bad, alternative, kept,
        source_window=source_window, unmodelled=_unmodelled(src, dst, cfg, None), fix=fix,
        fix_configuration=fix_configuration, crop=crop, notes=_notes(src, cfg, dst, None),
    )  # fmt: skip


def _with(p: Port, **changes: Any) -> Port:
    from dataclasses import replace

    return replace(p, **changes)


def _answer(src: Space, cfg: Mapping[str, Any], dst: Space, cand: Mapping[str, Any], call: str, length: Any,
            hyps: list[Any], verdict: Any, alignment: str, starts: Any, source_window: str | None) -> Port:  # fmt: skip
    shown = _config(dst, cand, length)
    n = _symbol()
    other = dst.symbolic(n, shown)[0]
    return Port(
        call, dst.call_text(shown), shown, str(length), _domain(hyps), verdict,
        alignment=alignment, samples=starts, source_window=source_window,
        target_window=_window_text(_window(dst, n, shown, other)),
        unmodelled=_unmodelled(src, dst, cfg, _config(dst, cand, src.call(REFERENCE, cfg)) if dst.needs_target
                               else cand),
        notes=_notes(src, cfg, dst, _config(dst, cand, src.call(REFERENCE, cfg))),
    )  # fmt: skip


def _fix(src: Space, cfg: Mapping[str, Any], dst: Space, k: int, s: int, d: int,
         n0: int) -> tuple[str, dict[str, Any], tuple[int, int]] | None:  # fmt: skip
    """The target setting whose window holds the source's, then a constant crop at each end (fewest cropped first,
    then the least at the start), proved for every n; None where the windows are not modelled or none fits."""
    want = src.call(n0, cfg)
    here = _window(src, n0, cfg, want)
    if here is None or AL.rule(dst.framework, dst.backend) is None:
        return None
    proofs = 0
    for c in range(1, MAX_OFFSET + 1):
        for cand in _candidates(dst, k, s, d, n0, want + c):
            tcfg = _config(dst, cand, want + c)
            there = _window(dst, n0, tcfg, want + c)
            if there is None:
                continue
            left = here.start - there.start
            if not 0 <= left <= c or _first_mismatch(src, cfg, dst, cand, c, shift=left) is not None:
                continue
            if proofs >= MAX_PROOFS:
                return None
            proofs += 1
            verdict, length, _ = _claim(src, cfg, dst, cand, c)
            if not verdict.proved:
                continue
            starts = _start_claim(src, cfg, dst, cand, c, left)
            if starts is None or not starts.proved:
                continue
            shown = _config(dst, cand, length + c)
            return _crop_code(dst, dst.call_text(shown), left, c - left), shown, (left, c - left)
    return None


def _alternative(src: Space, cfg: Mapping[str, Any], dst: Space, k: int, s: int, d: int, n0: int) -> str | None:
    """The simplest target setting whose length is the source's plus a constant c, proved (lengths only)."""
    want = src.call(n0, cfg)
    for c in sorted(range(-MAX_OFFSET, MAX_OFFSET + 1), key=lambda c: (abs(c), -c)):
        if c == 0 or want + c < 1:
            continue
        for cand in _candidates(dst, k, s, d, n0, want + c):
            if _first_mismatch(src, cfg, dst, cand, c) is not None:
                continue
            verdict, length, _ = _claim(src, cfg, dst, cand, c)
            if not verdict.proved:
                continue
            shown = _config(dst, cand, length + c)
            what = f"{c} longer: crop {c}" if c > 0 else f"{-c} shorter: pad {-c}"
            return (
                f"{dst.call_text(shown)} gives {length + c} (proved), {what} (lengths only: the samples are not proved)"
            )
    return None


def _domain(hyps: list[Any]) -> str:
    return " and ".join(["n >= 1", *(str(h) for h in hyps)])


def lines(p: Port) -> list[str]:
    """The port as the command line prints it."""
    out = [p.source, f"  length {p.length} for {p.domain}"]
    if p.source_window:
        out[-1] += f", keeps {p.source_window}"
    if p.target is not None:
        out.append(p.target)
        out.append("  the same length for every such n: proved")
        if p.alignment == SAME_SAMPLES:
            out.append(f"  {SAME_SAMPLES}: proved (both keep {p.source_window} for every such n)")
        elif p.unmodelled:
            out.append(f"  {LENGTH_ONLY}: the samples are not compared ({p.unmodelled})")
        else:
            out.append(f"  {LENGTH_ONLY}: it keeps {p.target_window}, not {p.source_window}{_refuted(p)}")
    else:
        c = p.counterexample or {}
        if c.get("target") is None:
            out.append(f"no {p.kept} gives it: at n={c.get('n')} the source gives {c.get('source')}, "
                       f"none of them does")  # fmt: skip
        else:
            out.append(f"no {p.kept} gives it for every n: at n={c['n']} the source gives {c['source']}, "
                       f"the closest candidate {c['target']}")  # fmt: skip
    if p.alignment != SAME_SAMPLES:
        if p.fix and p.crop:
            out.append(f"fix ({SAME_SAMPLES}: proved): {_crop_text(p.crop)}")
            out.append(f"  {p.fix}")
        elif p.target is None:
            out.append(f"nearest: {p.alternative}" if p.alternative else "nearest: none within a constant offset")
        elif not p.unmodelled:
            out.append(f"fix: none with a crop of at most {MAX_OFFSET} samples")
    out += [f"  note: {note}" for note in p.notes]
    return out


def _refuted(p: Port) -> str:
    v = p.samples
    if v is None or not v.refuted:
        return "" if v is None or v.proved else f" (the prover: {v})"
    m = v.counterexample.get("n")
    return " (for every n)" if m is None else f" (they differ at n={m})"
