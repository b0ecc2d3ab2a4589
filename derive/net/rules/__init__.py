"""Rule tables: for each runtime, one :data:`~derive.net.graph.Rule` per op.

A table is a name (``"onnxruntime"``, ``"onnx-spec"``, ``"torch-eager"``...) declared with
:func:`declare` together with the module that fills it (imported on first use, so frameworks and
big tables load only when asked for) and an optional base table consulted for ops the table
does not define itself. A module fills a table with the :func:`register` decorator::

    from derive.net.rules import declare, register
    declare("torch-eager", "derive.net.rules.torch", base=None)

    @register("torch-eager", "aten.relu.default", "aten.sigmoid.default")
    def _elementwise(node, inputs):
        return [inputs[0]], []

:func:`rule` looks an op up and raises :class:`~derive.net.graph.UnsupportedOpError` (a
ParameterError naming the node and the op) when neither the table nor its bases have it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ...errors import ParameterError
from ..graph import Rule, UnsupportedOpError

_RULES: dict[str, dict[str, Rule]] = {}
#: table -> (module that registers its rules, base table or None)
_TABLES: dict[str, tuple[str, str | None]] = {}
_LOADED: set[str] = set()


def declare(table: str, module: str, base: str | None = None) -> None:
    """Say which module fills ``table`` and which table it falls back on."""
    _TABLES[table] = (module, base)
    _RULES.setdefault(table, {})


def register(table: str, *ops: str) -> Callable[[Rule], Rule]:
    """Decorator: ``fn`` is ``table``'s rule for each of ``ops``."""

    def add(fn: Rule) -> Rule:
        rules = _RULES.setdefault(table, {})
        for op in ops:
            rules[op] = fn
        return fn

    return add


def tables() -> tuple[str, ...]:
    return tuple(_TABLES)


def _load(table: str) -> None:
    if table in _LOADED:
        return
    if table not in _TABLES:
        raise ParameterError("rules", f"must be one of {', '.join(_TABLES)}", table)
    _LOADED.add(table)
    importlib.import_module(_TABLES[table][0])


def find(table: str, op: str) -> Rule | None:
    """The rule for ``op`` in ``table`` or its bases, else None (a cases node's rule in every table)."""
    if op == "derive.cases":
        from .. import cases

        return cases.rule
    current: str | None = table
    while current is not None:
        _load(current)
        found = _RULES.get(current, {}).get(op)
        if found is not None:
            return found
        current = _TABLES[current][1]
    return None


def rule(table: str, op: str, node: str) -> Rule:
    """The rule for ``op`` (at ``node``), or UnsupportedOpError naming both."""
    found = find(table, op)
    if found is None:
        raise UnsupportedOpError(node, op, table)
    return found


# the tables derive ships; front ends may declare more
declare("onnx-spec", "derive.net.rules.onnx")
declare("onnx-shape-inference", "derive.net.rules.onnx", base="onnx-spec")
declare("onnxruntime", "derive.net.rules.onnx", base="onnx-spec")
declare("keras-tensorflow", "derive.net.rules.keras")
declare("keras-tensorflow-onednn", "derive.net.rules.keras")
declare("keras-jax", "derive.net.rules.keras")
