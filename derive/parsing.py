"""Parse propositions typed by users into SymPy, without ``eval``.

Python syntax, restricted: integers, names, ``+ - * / // % **``, comparisons (chained too),
``and``/``or``/``not``, ``->`` for implication (the loosest operator, right-associative, inside
parentheses too: ``(a -> b) and c``), and calls of floor, ceiling, Mod, Max, Min, Abs,
Eq, Ne, Implies, Piecewise. ``a // b`` is ``floor(a/b)`` and ``a % b`` is ``Mod(a, b)``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping

import sympy as sp

from .errors import ParameterError

FUNCTIONS: dict[str, Callable[..., sp.Basic]] = {
    "floor": sp.floor,
    "ceiling": sp.ceiling,
    "ceil": sp.ceiling,
    "Mod": sp.Mod,
    "mod": sp.Mod,
    "Max": sp.Max,
    "max": sp.Max,
    "Min": sp.Min,
    "min": sp.Min,
    "Abs": sp.Abs,
    "abs": sp.Abs,
    "Eq": sp.Eq,
    "Ne": sp.Ne,
    "Implies": sp.Implies,
    "Piecewise": sp.Piecewise,
}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: sp.floor(a / b),
    ast.Mod: sp.Mod,
    ast.Pow: lambda a, b: a**b,
}
_COMPARE = {ast.Eq: sp.Eq, ast.NotEq: sp.Ne, ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}


def free_names(text: str) -> list[str]:
    """The names a proposition uses that are not functions, in order of first use."""
    names = [
        node
        for node in ast.walk(_parse_tree(_arrows(text)))
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in ("True", "False")
    ]
    # the rewrite keeps the names in their written order: sort by position, not by ast.walk's breadth-first order
    return list(dict.fromkeys(node.id for node in sorted(names, key=lambda x: x.col_offset)))


def _arrows(text: object) -> str:
    """``a -> b`` rewritten as ``Implies(a, b)`` in every bracket and argument (``->`` binds loosest, to the right)."""
    if not isinstance(text, str) or not text.strip():
        raise ParameterError("proposition", "must be a non-empty expression", text)
    # a stack of groups (one per open bracket); a group is its comma-separated items, each split at ->
    stack: list[list[list[list[str]]]] = [[[[]]]]
    closers: list[str] = []
    pairs = {"(": ")", "[": "]"}
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("->", i):
            stack[-1][-1].append([])
            i += 2
            continue
        if c in pairs:
            stack[-1][-1][-1].append(c)
            stack.append([[[]]])
            closers.append(pairs[c])
        elif c in ")]":
            if not closers or c != closers.pop():
                raise ParameterError("proposition", "has unbalanced brackets", text)
            inner = _join(stack.pop())
            stack[-1][-1][-1].append(inner + c)
        elif c == "," and len(stack) > 1:
            stack[-1].append([[]])
        else:
            stack[-1][-1][-1].append(c)
        i += 1
    if closers:
        raise ParameterError("proposition", "has unbalanced brackets", text)
    return _join(stack.pop())


def _join(items: list[list[list[str]]]) -> str:
    out = []
    for parts in items:
        texts = ["".join(p) for p in parts]
        if any(not t.strip() for t in texts) and len(texts) > 1:
            raise ParameterError("proposition", "has '->' without a side", "->".join(texts))
        result = texts[-1]
        for premise in reversed(texts[:-1]):
            result = f"Implies({premise.strip()}, {result.strip()})"
        out.append(result)
    return ",".join(out)


def _parse_tree(text: str) -> ast.Expression:
    if not isinstance(text, str) or not text.strip():
        raise ParameterError("proposition", "must be a non-empty expression", text)
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise ParameterError("proposition", f"must be a Python-syntax expression ({e.msg})", text) from None


def parse(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Basic:
    """The SymPy object for ``text``; every free name must be in ``symbols``."""
    return _parse_one(_arrows(text), symbols)


def _parse_one(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Basic:
    tree = _parse_tree(text)

    def walk(node: ast.AST) -> sp.Basic:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return sp.true if node.value else sp.false
            if isinstance(node.value, int):
                return sp.Integer(node.value)
            raise ParameterError("proposition", "may contain only integer constants", node.value)
        if isinstance(node, ast.Name):
            if node.id in ("True", "False"):
                return sp.true if node.id == "True" else sp.false
            if node.id not in symbols:
                raise ParameterError("proposition", "uses an unknown name", node.id)
            return symbols[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.Not):
                return sp.Not(operand)
        if isinstance(node, ast.BinOp):
            if type(node.op) in _BINARY:
                return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.BoolOp):
            parts = [walk(v) for v in node.values]
            return sp.And(*parts) if isinstance(node.op, ast.And) else sp.Or(*parts)
        if isinstance(node, ast.Compare):
            left = walk(node.left)
            parts = []
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = walk(right_node)
                if type(op) not in _COMPARE:
                    break
                parts.append(_COMPARE[type(op)](left, right, evaluate=False))
                left = right
            else:
                return sp.And(*parts) if len(parts) > 1 else parts[0]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            if node.keywords:
                raise ParameterError("proposition", "function calls take positional arguments only", node.func.id)
            args = [walk(a) for a in node.args]
            if node.func.id == "Piecewise":
                pairs = [tuple(a.args) if isinstance(a, sp.Tuple) else a for a in args]
                return sp.Piecewise(*pairs)
            return FUNCTIONS[node.func.id](*args)
        if isinstance(node, ast.Tuple):
            return sp.Tuple(*[walk(e) for e in node.elts])
        raise ParameterError("proposition", "contains unsupported syntax", ast.unparse(node))

    return walk(tree.body)
