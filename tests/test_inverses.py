"""Every framework's inverse (derive/frameworks/<key>/inverse.py), one suite over the registry: brute force, the lazy
order, endless families, explain's ways and the command line's refusals, read from the tables in
derive/frameworks/<key>/tests/test_inverse.py.

A framework's file holds its tables and its own tests; the checks every space must pass live here once:
``BRUTE`` rows ``(n, out, bounds)`` (run on each of the file's ``BACKENDS``, default ``[None]``) or
``(backend, n, out, bounds)``; ``ENDLESS`` rows ``(backend, n, out, bounds, limit)`` (with
``ENDLESS_ONLY = True`` every answer must be unbounded); ``EXPLAIN`` rows ``(n, kwargs, length, preimage,
ways)`` or ``(backend, n, ...)``; ``CLI_BAD`` lists of arguments that must exit 2 with one error line.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from derive import registry
from derive.cli import main
from derive.explain import explain
from derive.inverse import Budget, Query, space
from derive.solve import solve
from tests.test_queries import brute

#: framework key -> its tests/test_inverse.py (torch, keras, keras2 and tensorflow are in tests/test_queries.py)
SUITES: dict[str, ModuleType] = {
    f.key: importlib.import_module(f"{f.model}.tests.test_inverse")
    for f in registry.FRAMEWORKS
    if (Path(f.folder) / "tests" / "test_inverse.py").exists()
}


def _rows(table: str, width: int) -> Iterator[tuple]:
    """``(key, backend, *row)`` for every row of ``table`` in every suite; rows without a backend run on each of
    the file's ``BACKENDS``."""
    for key, module in SUITES.items():
        for row in getattr(module, table, ()):
            if len(row) == width:
                yield (key, *row)
            else:
                yield from ((key, backend, *row) for backend in getattr(module, "BACKENDS", [None]))


BRUTE = list(_rows("BRUTE", 4))


@pytest.mark.parametrize(("framework", "backend", "n", "out", "bounds"), BRUTE)
def test_solve_matches_brute_force(framework, backend, n, out, bounds):
    """Within small bounds the solver lists exactly the brute-force configurations, in the same order."""
    inverse = space(framework, backend)
    got = solve(inverse, n, out, bounds, limit=None, verify_every=True)
    members = [m for a in got.answers for m in a.family.members()]
    assert members == brute(inverse, n, out, bounds)
    assert got.complete and got.configurations == len(members)


@pytest.mark.parametrize(("framework", "backend", "n", "out", "bounds"), BRUTE)
def test_listing_everything_keeps_the_lazy_order(framework, backend, n, out, bounds):
    """The one-pass listing (solve --all) gives the lazy walk's families in the lazy walk's order."""
    sp, q = space(framework, backend), Query(n, out, bounds)
    assert sp.all_families(q, Budget(10**6)) == list(sp.families(q, Budget(10**6)))


ENDLESS = list(_rows("ENDLESS", 5))


@pytest.mark.parametrize(("framework", "backend", "n", "out", "bounds", "limit"), ENDLESS)
def test_endless_families_hold_further_out(framework, backend, n, out, bounds, limit):
    """Members far along an unbounded family (t = 50 and 500) and every member of a bounded one give the target."""
    inverse = space(framework, backend)
    answers = solve(inverse, n, out, bounds, limit=limit).answers
    assert any(a.count is None for a in answers)
    if getattr(SUITES[framework], "ENDLESS_ONLY", False):
        assert all(a.count is None for a in answers)
    for answer in answers:
        for t in (0, 50, 500) if answer.count is None else range(answer.count):
            assert inverse.call(n, answer.family.member(t)) == out


EXPLAIN = list(_rows("EXPLAIN", 6))


@pytest.mark.parametrize(("framework", "backend", "n", "kwargs", "length", "preimage", "ways"), EXPLAIN)
def test_explain(framework, backend, n, kwargs, length, preimage, ways):
    """explain gives the length, the forward preimage and the setting that reaches each length in it."""
    e = explain(framework, n, backend=backend, **kwargs)
    assert (e.length, e.preimage, [w.text for w in e.ways]) == (length, preimage, ways)


CLI_BAD = [pytest.param(argv, id=" ".join(argv)) for key, module in SUITES.items() for argv in module.CLI_BAD]


@pytest.mark.parametrize("argv", CLI_BAD)
def test_cli_bad_input_exits_2(argv, capsys):
    """A mode, a backend or an argument the framework does not have: one error line naming it, exit 2."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("derive: error: ")
