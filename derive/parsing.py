"""Parse propositions typed by users into SymPy, without ``eval``.

The grammar (``derive check --help`` prints it) is :data:`derive.grammar.GRAMMAR`, appended below; a
proposition outside it is refused with a :class:`~derive.errors.ParameterError` naming what is refused.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Mapping

import sympy as sp

from .errors import ParameterError
from .grammar import GRAMMAR

__doc__ = (__doc__ or "") + "\n" + GRAMMAR

#: name -> (SymPy function, least and most number of arguments; None: no upper end)
SIGNATURES: dict[str, tuple[Callable[..., sp.Basic], int, int | None]] = {
    "floor": (sp.floor, 1, 1),
    "ceiling": (sp.ceiling, 1, 1),
    "ceil": (sp.ceiling, 1, 1),
    "Mod": (sp.Mod, 2, 2),
    "mod": (sp.Mod, 2, 2),
    "Max": (sp.Max, 1, None),
    "max": (sp.Max, 1, None),
    "Min": (sp.Min, 1, None),
    "min": (sp.Min, 1, None),
    "Abs": (sp.Abs, 1, 1),
    "abs": (sp.Abs, 1, 1),
    "Eq": (sp.Eq, 2, 2),
    "Ne": (sp.Ne, 2, 2),
    "Implies": (sp.Implies, 2, 2),
    "Equivalent": (sp.Equivalent, 2, None),
    "Piecewise": (sp.Piecewise, 1, None),
}
FUNCTIONS: dict[str, Callable[..., sp.Basic]] = {name: fn for name, (fn, _, _) in SIGNATURES.items()}
#: functions of truth values; the others (but Eq, Ne and Piecewise) take numbers
_LOGICAL = {"Implies", "Equivalent"}

#: the longest proposition and integer literal taken (SymPy and Z3 work on every digit)
MAX_LENGTH = 10_000
MAX_DIGITS = 100
MAX_EXPONENT = 64

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: sp.floor(a / b),
    ast.Mod: sp.Mod,
    ast.Pow: lambda a, b: a**b,
}
_OPERATOR = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_ORDER = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_COMPARE = {ast.Eq: sp.Eq, ast.NotEq: sp.Ne, ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}


def _error(rule: str, value: object) -> ParameterError:
    return ParameterError("proposition", rule, value)


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
    """``a -> b`` as ``Implies(a, b)`` and ``a <-> b`` as ``Equivalent(a, b)``, in every bracket and argument.

    Both bind looser than everything Python has; ``<->`` looser than ``->``, which groups to the right.
    """
    if not isinstance(text, str) or not text.strip():
        raise _error("must be a non-empty expression", text)
    if len(text) > MAX_LENGTH:
        raise _error(f"must be at most {MAX_LENGTH} characters", f"{len(text)} characters")
    # a stack of groups (one per open bracket); a group is its comma-separated items; an item is a list of
    # segments (each a list of characters) and the arrows between them
    stack: list[list[tuple[list[list[str]], list[str]]]] = [[([[]], [])]]
    closers: list[str] = []
    pairs = {"(": ")", "[": "]", "{": "}"}
    i = 0
    while i < len(text):
        c = text[i]
        for arrow in ("<->", "->"):
            if text.startswith(arrow, i):
                segments, arrows = stack[-1][-1]
                segments.append([])
                arrows.append(arrow)
                i += len(arrow)
                break
        else:
            if c in pairs:
                stack[-1][-1][0][-1].append(c)
                stack.append([([[]], [])])
                closers.append(pairs[c])
            elif c in ")]}":
                if not closers or c != closers.pop():
                    raise _error("has unbalanced brackets", text)
                inner = _join(stack.pop())
                stack[-1][-1][0][-1].append(inner + c)
            elif c == "," and len(stack) > 1:
                stack[-1].append(([[]], []))
            else:
                stack[-1][-1][0][-1].append(c)
            i += 1
    if closers:
        raise _error("has unbalanced brackets", text)
    return _join(stack.pop())


def _join(items: list[tuple[list[list[str]], list[str]]]) -> str:
    out = []
    for segments, arrows in items:
        texts = ["".join(s) for s in segments]
        if arrows and any(not t.strip() for t in texts):
            written = "".join(t + a for t, a in zip(texts, [*arrows, ""], strict=True))
            raise _error(f"has '{arrows[0]}' without a side", written)
        # split at <-> (at most one per level), then each side at -> (to the right)
        sides: list[list[str]] = [[texts[0]]]
        for arrow, t in zip(arrows, texts[1:], strict=True):
            if arrow == "<->":
                sides.append([t])
            else:
                sides[-1].append(t)
        if len(sides) > 2:
            written = "".join(t + a for t, a in zip(texts, [*arrows, ""], strict=True))
            raise _error("has '<->' twice at one level: bracket it, e.g. (a <-> b) <-> c", written)
        implied = []
        for side in sides:
            result = side[-1]
            for premise in reversed(side[:-1]):
                result = f"Implies({premise.strip()}, {result.strip()})"
            implied.append(result)
        out.append(implied[0] if len(implied) == 1 else f"Equivalent({implied[0].strip()}, {implied[1].strip()})")
    return ",".join(out)


def _parse_tree(text: str) -> ast.Expression:
    if not isinstance(text, str) or not text.strip():
        raise _error("must be a non-empty expression", text)
    try:
        with warnings.catch_warnings():  # '1in' warns on stderr before failing: the one line is ours
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        raise _error(f"must be a Python-syntax expression ({e.msg})", text) from None
    except (ValueError, RecursionError, MemoryError) as e:  # null bytes, an expression nested too deeply
        raise _error(f"must be a Python-syntax expression ({str(e) or type(e).__name__})", text[:80]) from None


def parse(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Basic:
    """The SymPy object for ``text``; every free name must be in ``symbols``.

    Raises:
        ParameterError: text outside the grammar of this module's docstring, naming what is refused.
    """
    try:
        return _parse_one(_arrows(text), symbols)
    except RecursionError:
        raise _error("is nested too deeply", text[:80]) from None


def _is_truth(e: sp.Basic) -> bool:
    # a Symbol is a SymPy Boolean too: here every name is an integer
    return not isinstance(e, sp.Expr) and (isinstance(e, sp.logic.boolalg.Boolean) or bool(e.is_Relational))


def _number(e: sp.Basic, where: str) -> sp.Basic:
    if _is_truth(e):
        raise _error(f"{where} takes numbers, not a truth value", str(e))
    return e


def _truth(e: sp.Basic, where: str) -> sp.Basic:
    if not _is_truth(e):
        raise _error(f"{where} takes truth values (comparisons), not a number", str(e))
    return e


def _degree(e: sp.Basic) -> int:
    """How many times a power multiplies its base (1 for anything but a power)."""
    if e.is_Pow and e.exp.is_Integer:
        return abs(int(e.exp)) * _degree(e.base)
    return 1


def _divisor(e: sp.Basic, op: str) -> sp.Basic:
    if e.is_zero:
        raise _error(f"divides by zero ('{op}' by {e})", str(e))
    return e


def _equal(a: sp.Basic, b: sp.Basic, negate: bool) -> sp.Basic:
    """``==`` / ``!=`` of two numbers, or of two truth values (equivalence / exclusive or)."""
    if _is_truth(a) != _is_truth(b):
        raise _error("compares a truth value with a number", f"{a} {'!=' if negate else '=='} {b}")
    if _is_truth(a):
        same = sp.Equivalent(a, b)
        return sp.Not(same) if negate else same
    return sp.Ne(a, b, evaluate=False) if negate else sp.Eq(a, b, evaluate=False)


def _parse_one(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Basic:
    tree = _parse_tree(text)

    def walk(node: ast.AST) -> sp.Basic:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return sp.true if node.value else sp.false
            if isinstance(node.value, int):
                if abs(node.value) >= 10**MAX_DIGITS:
                    raise _error(f"may contain only integers of at most {MAX_DIGITS} digits", "a longer literal")
                return sp.Integer(node.value)
            raise _error("may contain only integer constants", node.value)
        if isinstance(node, ast.Name):
            if node.id in ("True", "False"):
                return sp.true if node.id == "True" else sp.false
            if node.id in FUNCTIONS:
                raise _error("uses a function without calling it", node.id)
            if node.id not in symbols:
                raise _error("uses an unknown name", node.id)
            return symbols[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            if isinstance(node.op, ast.USub):
                return -_number(operand, "'-'")
            if isinstance(node.op, ast.UAdd):
                return _number(operand, "'+'")
            if isinstance(node.op, ast.Not):
                return sp.Not(_truth(operand, "'not'"))
            raise _error("contains unsupported syntax", ast.unparse(node))
        if isinstance(node, ast.BinOp):
            op = _OPERATOR.get(type(node.op), type(node.op).__name__)
            if type(node.op) not in _BINARY:
                raise _error(f"contains an unsupported operator '{op}'", ast.unparse(node))
            left = _number(walk(node.left), f"'{op}'")
            right = _number(walk(node.right), f"'{op}'")
            if isinstance(node.op, ast.Pow):
                if not (right.is_Integer and 0 <= int(right) <= MAX_EXPONENT):
                    raise _error(f"'**' needs an integer constant exponent from 0 to {MAX_EXPONENT}", str(right))
                # powers of powers: bound the degree and the digits (SymPy multiplies (n**64)**64 out)
                degree = _degree(left) * int(right)
                digits = abs(int(left)).bit_length() * int(right) if left.is_Integer else 0
                if degree > MAX_EXPONENT or digits > 4 * MAX_DIGITS:
                    rule = f"'**' must stay below degree {MAX_EXPONENT} and {MAX_DIGITS} digits"
                    raise _error(rule, ast.unparse(node))
            elif isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
                _divisor(right, op)
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            parts = [_truth(walk(v), f"'{word}'") for v in node.values]
            return sp.And(*parts) if word == "and" else sp.Or(*parts)
        if isinstance(node, ast.Compare):
            left = walk(node.left)
            parts = []
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = walk(right_node)
                if type(op) in (ast.Eq, ast.NotEq):
                    parts.append(_equal(left, right, negate=isinstance(op, ast.NotEq)))
                elif type(op) in _COMPARE:
                    where = f"'{_ORDER[type(op)]}'"
                    parts.append(_COMPARE[type(op)](_number(left, where), _number(right, where), evaluate=False))
                else:  # in, not in, is, is not
                    raise _error("contains an unsupported comparison", ast.unparse(node))
                left = right
            return sp.And(*parts) if len(parts) > 1 else parts[0]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SIGNATURES:
            return call(node, node.func.id)
        if isinstance(node, ast.Tuple):
            raise _error("has a bracketed list outside Piecewise((value, condition), ...)", ast.unparse(node))
        raise _error("contains unsupported syntax", ast.unparse(node))

    def call(node: ast.Call, name: str) -> sp.Basic:
        fn, least, most = SIGNATURES[name]
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise _error("function calls take positional arguments only", f"{name}(...)")
        count = len(node.args)
        if count < least or (most is not None and count > most):
            wanted = f"{least}" if least == most else f"at least {least}" if most is None else f"{least} to {most}"
            plural = "s" * ((least if most is None else most) != 1)
            raise _error(f"'{name}' takes {wanted} argument{plural} ({count} given)", ast.unparse(node))
        if name == "Piecewise":
            return piecewise(node)
        args = [walk(a) for a in node.args]
        if name in ("Eq", "Ne"):
            return _equal(args[0], args[1], negate=name == "Ne")
        check = _truth if name in _LOGICAL else _number
        args = [check(a, f"'{name}'") for a in args]
        if name in ("Mod", "mod"):
            _divisor(args[1], name)
        return fn(*args)

    def piecewise(node: ast.Call) -> sp.Basic:
        pairs = []
        for a in node.args:
            if not (isinstance(a, ast.Tuple) and len(a.elts) == 2):
                raise _error("'Piecewise' takes (value, condition) pairs", ast.unparse(a))
            pairs.append(
                (_number(walk(a.elts[0]), "a Piecewise value"), _truth(walk(a.elts[1]), "a Piecewise condition"))
            )
        return sp.Piecewise(*pairs)

    result = walk(tree.body)
    if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):  # e.g. a divisor that only simplifies to zero
        raise _error("divides by zero", text)
    return result
