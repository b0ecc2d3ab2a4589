"""The inverse: each framework's transposed convolution as a parameter space, with answers in closed form.

This package holds what every framework's inverse shares (:class:`Space`, :class:`Bounds`, :class:`Family`,
the simplest-first walk); ``derive/frameworks/<key>/inverse.py`` holds one framework's space, loaded on demand
by :func:`space`.

A space lists the knobs a caller sets (named as the framework spells them, with its defaults and
rules) and answers "which settings map an input length ``n`` to ``out``?" as *families*: settings that
share every *index* knob (stride, padding mode, dilation, output padding, explicit pads) and run
along one line in the rest, e.g. torch's ``kernel_size = 4 + 2t, padding = t``. For fixed kernel,
stride and dilation every transposed length here is affine in padding and output padding, so each
family is an arithmetic progression read off one linear equation (or one accepted interval): no
combination is tried and thrown away.

**Simplest first.** Configurations are ordered by the key
``(changes, |stride - scale|, stride, <index knobs in the space's order>, <free knobs>)``:

* ``changes``: how many index knobs differ from their plain value: the framework's default for
  the padding mode, dilation (1) and output padding, and for the stride the *scale factor*
  ``scale = max(1, out // n)`` (a stride equal to the scale factor is the natural upsampling);
* then the stride nearest the scale (the smaller of two equally near), then the remaining index
  knobs (mode in the framework's order, default first; dilation, output padding ascending);
* within a family, the free knobs ascending (padding, then kernel size).

Degenerate settings are left out: a dilation above 1 on a 1-wide kernel changes nothing.
"""

from __future__ import annotations

import os
import sys

from .. import registry
from ..errors import DeriveError, ParameterError
from ._space import Space
from ._values import Bounds, Budget, Dim, Family, Found, Knob, Pads, Query, Range, SolverError

# the package holds what every framework shares: the values (_values.py), the Space class (_space.py), the
# search helpers (_search.py, _paired.py); here the lookup of one framework's inverse (frameworks/<key>/inverse.py)


def covered() -> tuple[str, ...]:
    """The frameworks whose space is written."""
    # os.path, not pathlib: pathlib costs explain's start-up a few milliseconds
    return tuple(f.key for f in registry.FRAMEWORKS if os.path.exists(os.path.join(f.folder, "inverse.py")))


def space_class(name: str) -> type[Space]:
    """The space class of framework key ``name`` (its module is imported on first use: explain stays fast)."""
    if name not in covered():
        raise ParameterError("framework", f"is not covered by the queries yet (covered: {', '.join(covered())})", name)
    record = registry.BY_KEY[name]
    __import__(record.inverse_module)  # importlib.import_module's work; importlib costs explain's start-up
    return getattr(sys.modules[record.inverse_module], record.inverse)


def space(framework: str, backend: str | None = None) -> Space:
    """The parameter space of ``framework``'s transposed convolution (``backend`` where it has several)."""
    name = registry.key(framework)
    if name is None:
        raise ParameterError("framework", f"must be one of {', '.join(registry.NAMES)}", framework)
    return space_class(name)(backend)


__all__ = [
    "Bounds",
    "Budget",
    "DeriveError",
    "Dim",
    "Family",
    "Found",
    "Knob",
    "Pads",
    "Query",
    "Range",
    "SolverError",
    "Space",
    "covered",
    "space",
    "space_class",
]
