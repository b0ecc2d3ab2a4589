"""Checks the per-framework ``tests/test_inverse.py`` files share: the standard brute-force queries, a port
re-proved and replayed, the explained ways covering the preimage, and the lazy walk over open bounds."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

from derive.errors import FrameworkError
from derive.inverse import Bounds, Budget, Query, Range, space
from derive.port import port
from derive.prover import prove
from tests.test_queries import box

#: the queries most spaces are brute-forced on first (tests/test_inverses.py reads each BRUTE table):
#: a scale-up, an odd target, n = 1, a shrink, and a box with every knob off its plain value
STANDARD_BRUTE = [
    (4, 16, box()),
    (2, 5, box()),
    (1, 4, box()),
    (5, 2, box()),
    (3, 8, box(k="2..5", s="2..4", d="1..4", p="1..3")),
]


def assert_port_holds(
    p: Any,
    source: str,
    target: str,
    kwargs: dict[str, Any],
    source_backend: str | None = None,
    target_backend: str | None = None,
    refused_ok: bool = False,
) -> None:
    """The port ``p`` is re-proved, and its configuration gives the source call's length for n = 1..29
    (``refused_ok``: skipping the lengths the source refuses, where the source refuses some)."""
    assert prove(p.verdict.proposition, p.verdict.assumptions).proved
    src, dst = space(source, source_backend), space(target, target_backend)
    for n in range(1, 30):
        try:
            want = src.call(n, src.bind(kwargs))
        except FrameworkError:
            if refused_ok:
                continue
            raise
        assert dst.call(n, p.configuration) == want


def checked_port(source: str, target: str, kwargs: dict[str, Any], expected: str | None, **options: Any) -> Any:
    """The port of ``source``'s call to ``target``, which must be ``expected`` (None: no port); one that exists
    is re-proved and replayed (:func:`assert_port_holds`; ``options``: its backends and ``refused_ok``)."""
    backends = {k: v for k, v in options.items() if k != "refused_ok"}
    p = port(source, target, **backends, **kwargs)
    assert p.target == expected
    if expected is not None:
        assert_port_holds(p, source, target, kwargs, **options)
    return p


def assert_ways_cover(e: Any) -> None:
    """An explanation's ways cover its preimage, in order and without gaps."""
    spans = [w.lengths for w in e.ways]
    assert spans[0][0] == e.preimage[0] and spans[-1][1] == e.preimage[1]
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(spans))


def way_ends(way: Any, knobs: str) -> list[tuple[str, int, int]]:
    """What an explained way promises: ``knob=first..last`` (or one value) in its settings gives ``way.lengths[0]``
    at ``first`` and ``way.lengths[1]`` at ``last``; ``(knob, value, length)`` for each end (``knobs``: a regex
    alternation of the knob names)."""
    ends = []
    for knob, first, last in re.findall(rf"({knobs})=(\d+)(?:\.\.(\d+))?", way.settings):
        ends += [(knob, int(first), way.lengths[0]), (knob, int(last or first), way.lengths[1])]
    return ends


def first_page_of_open_bounds(framework: str, n: int, out: int, bounds: Bounds) -> None:
    """The lazy walk's first families equal the first of a wide finite box, and come at once."""
    inverse = space(framework)
    start = time.perf_counter()
    lazy = list(itertools.islice(inverse.families(Query(n, out, bounds), Budget(10**6)), 15))
    assert len(lazy) == 15 and time.perf_counter() - start < 0.5

    def closed(r: Range) -> Range:
        return Range(r.lo, 20 if r.hi is None else r.hi)

    wide = Bounds(closed(bounds.kernel), closed(bounds.stride), closed(bounds.dilation), closed(bounds.padding))
    full = inverse.all_families(Query(n, out, Bounds(**{**wide.__dict__, "modes": bounds.modes})), Budget(10**8))
    assert [f.fixed for f in lazy] == [f.fixed for f in full[:15]]
