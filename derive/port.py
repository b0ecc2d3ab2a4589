"""``derive port``: the same transposed convolution in another framework, proved equal for every input length.

Kernel size, stride and dilation stay (they are the layer's weights and its scale); the target
framework's padding mode, padding and output padding are searched (with :func:`derive.solve.solve`
at one input length, then checked on many and proved for all). TensorFlow's ``output_shape``
becomes the source's length formula. When no setting matches for every ``n``, the answer is the
smallest ``n`` where the best candidate differs and the nearest alternative: a setting whose length
differs by a constant, fixed with an explicit crop or pad.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _arith as A
from .errors import FrameworkError, ParameterError
from .solve import solve
from .spaces import Bounds, Range, Space, space

#: the input lengths each candidate is tried on before the prover sees it
CHECK_LENGTHS = range(1, 41)
#: the reference input length the candidates are solved for
REFERENCE = 8
#: the largest constant difference the nearest alternative may have
MAX_OFFSET = 8


@dataclass(frozen=True)
class Port:
    """A configuration of the target framework with the source's length for every ``n``, or why there is none."""

    source: str
    # the target call; None when no setting matches for every n
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
    # when there is no port: the nearest setting, whose length differs by a constant, and how to fix it
    alternative: str | None = None
    # the target operation and the knobs kept from the source, e.g. "kernel_size=3, strides=2"
    kept: str = ""

    @property
    def proved(self) -> bool:
        return self.target is not None and self.verdict is not None and self.verdict.proved


def _length(sp: Space, n: int, cfg: Mapping[str, Any]) -> int | None:
    try:
        return sp.call(n, cfg)
    except FrameworkError:
        return None


def _config(dst: Space, cfg: Mapping[str, Any], length: Any) -> dict[str, Any]:
    """A target configuration (where the caller must pass the output length, e.g. tensorflow: the source's length)."""
    return {**cfg, dst.role("target"): length} if dst.needs_target else dict(cfg)


def _first_mismatch(src: Space, cfg: Mapping[str, Any], dst: Space, cand: Mapping[str, Any], offset: int) -> Any:
    for n in CHECK_LENGTHS:
        want = _length(src, n, cfg)
        if want is None:
            continue
        got = _length(dst, n, _config(dst, cand, want + offset))
        if got != want + offset:
            return {"n": n, "source": want, "target": got}
    return None


def _candidates(dst: Space, k: int, s: int, d: int, n0: int, target: int) -> list[dict[str, Any]]:
    pinned = Bounds(kernel=Range(k, k), stride=Range(s, s), dilation=Range(d, d))
    try:
        found = solve(dst, n0, target, pinned, limit=50, explain_failure=False)
    except ParameterError:
        return []
    return [m for a in found.answers for m in itertools_islice(a.family.members(), 50)]


def itertools_islice(it: Any, count: int) -> list[Any]:
    import itertools

    return list(itertools.islice(it, count))


def _claim(src: Space, cfg: Mapping[str, Any], dst: Space, cand: Mapping[str, Any], offset: int) -> Any:
    import sympy as sp

    from .prover import prove

    n = sp.Symbol("n", integer=True, positive=True)
    length, accepts = src.symbolic(n, cfg)
    other, accepted = dst.symbolic(n, _config(dst, cand, length + offset))
    hyps = [c for c in accepts if not A.is_true(c)]
    goal = sp.And(*[c for c in accepted if not A.is_true(c)], sp.Eq(other, length + offset))
    return prove(goal, hyps), length, hyps


def port(source: str, target: str, *, source_backend: str | None = None, target_backend: str | None = None,
         **kwargs: Any) -> Port:  # fmt: skip
    """The ``target`` framework's configuration with the same output length as ``source`` called with ``kwargs``.

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
    call = f"{src.operation}({src.show(cfg)})"
    n0 = next((n for n in range(REFERENCE, REFERENCE + 64) if _length(src, n, cfg) is not None), None)
    if n0 is None:
        raise ParameterError("FROM", f"is refused by {source} at every n tried", call)
    first_bad: dict[str, Any] | None = None
    for cand in _candidates(dst, k, s, d, n0, src.call(n0, cfg)):
        bad = _first_mismatch(src, cfg, dst, cand, 0)
        if bad is not None:
            first_bad = first_bad or bad
            continue
        verdict, length, hyps = _claim(src, cfg, dst, cand, 0)
        if verdict.proved:
            shown = _config(dst, cand, length)
            return Port(call, f"{dst.operation}({dst.show(shown)})", shown, str(length), _domain(hyps), verdict)
        if verdict.counterexample:
            n = verdict.counterexample.get("n")
            first_bad = first_bad or {"n": n, "source": _length(src, n, cfg), "target": None}
    import sympy as sp

    length, accepts = src.symbolic(sp.Symbol("n", integer=True, positive=True), cfg)
    hyps = [c for c in accepts if not A.is_true(c)]
    if first_bad is None:
        first_bad = {"n": n0, "source": src.call(n0, cfg), "target": None}
    kept = f"{dst.operation} with " + ", ".join(
        f"{dst.role(r) if dst.has(r) else r}={v}"
        for r, v in (("kernel", k), ("stride", s), ("dilation", d))
        if dst.has(r) or v != 1
    )
    alternative = _alternative(src, cfg, dst, k, s, d, n0)
    return Port(call, None, None, str(length), _domain(hyps), None, first_bad, alternative, kept)


def _alternative(src: Space, cfg: Mapping[str, Any], dst: Space, k: int, s: int, d: int, n0: int) -> str | None:
    """The simplest target setting whose length is the source's plus a constant c, proved, with the fix."""
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
            fix = (
                f"crop {c} ({c // 2} at the start, {c - c // 2} at the end)"
                if c > 0
                else f"pad {-c} ({-c // 2} at the start, {-c - (-c // 2)} at the end)"
            )
            return f"{dst.operation}({dst.show(shown)}) gives {length + c} (proved), then {fix}"
    return None


def _domain(hyps: list[Any]) -> str:
    return " and ".join(["n >= 1", *(str(h) for h in hyps)])


def lines(p: Port) -> list[str]:
    """The port as the command line prints it."""
    out = [p.source, f"  length {p.length} for {p.domain}"]
    if p.target is not None:
        out += [p.target, "  the same length for every such n: proved"]
        return out
    c = p.counterexample or {}
    if c.get("target") is None:
        out.append(f"no {p.kept} gives it: at n={c.get('n')} the source gives {c.get('source')}, none of them does")
    else:
        out.append(f"no {p.kept} gives it for every n: at n={c['n']} the source gives {c['source']}, "
                   f"the closest candidate {c['target']}")  # fmt: skip
    out.append(f"nearest: {p.alternative}" if p.alternative else "nearest: none within a constant offset")
    return out
