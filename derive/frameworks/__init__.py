"""Models of what each framework really does to convolution lengths, one folder per framework.

``derive/frameworks/<key>/`` holds everything about one framework (see :mod:`derive.registry`): its
``__init__.py`` is the model, ``inverse.py`` its inverse, ``claims.py`` its proof claims, ``tests/`` its tests and
live probe; ``_model.py`` here holds what every model shares (:class:`Operation`, :class:`Requirement`).

``get(name)`` returns the module; every module offers ``conv_length`` and ``conv_transpose_length``
with the framework's own keyword names and defaults, and its :class:`Operation` values as data.
Frameworks themselves are never imported here: only tests/conformance runs them. Which frameworks
exist, and their aliases, is :mod:`derive.registry`'s.
"""

from __future__ import annotations

import sys

from ..errors import ParameterError
from ..registry import ALIASES, BY_KEY, NAMES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from types import ModuleType


def get(name: str) -> ModuleType:
    """The model module of framework ``name`` (e.g. ``get("torch").conv_transpose_length(...)``)."""
    key = ALIASES.get(name.lower(), name.lower()) if isinstance(name, str) else name
    if key not in NAMES:
        raise ParameterError("framework", f"must be one of {', '.join(NAMES)}", name)
    module = BY_KEY[key].model
    try:
        __import__(module)  # importlib.import_module's work; importlib costs explain's start-up
        return sys.modules[module]
    except ModuleNotFoundError as e:
        if e.name == module:
            raise ParameterError("framework", "is registered but its model is not written yet", name) from None
        raise


__all__ = ["ALIASES", "NAMES", "get"]
