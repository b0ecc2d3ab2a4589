"""The grammar of the propositions ``derive check`` takes (and ``solve --out``'s formulas), as shown to users.

Plain text without imports, so that ``derive check --help`` prints it without loading SymPy; derive.parsing
implements it and tests/test_queries.py holds the two together (every function here is parsed, every
function parsed is here, every example below parses).
"""

from __future__ import annotations

GRAMMAR = """\
grammar, loosest binding first:
  a <-> b              equivalence (one per bracket level: bracket to chain, (a <-> b) <-> c)
  a -> b               implication, right-associative: a -> b -> c is a -> (b -> c)
  a or b, a and b      disjunction, conjunction; not a is negation
  x == y, x != y       equality; between two truth values: equivalence, exclusive or
  x < y <= z           <, <=, >, >=, chained as in Python (x < y and y <= z)
  + - * / // % **      arithmetic: / is exact (rational), a // b is floor(a/b), a % b is Mod(a, b)
                       (the sign of b, as Python); ** takes a constant exponent from 0 to 64
  integers, names      every other name is an integer variable; True, False
functions (positional arguments only):
  floor(x), ceiling(x) or ceil(x), Abs(x) or abs(x), Mod(x, y) or mod(x, y),
  Max(x, ...) or max(x, ...), Min(x, ...) or min(x, ...)   (one or more arguments),
  Eq(x, y), Ne(x, y)   (as == and !=), Implies(a, b), Equivalent(a, b, ...) (all equal),
  Piecewise((x, condition), ..., (y, True))
-> and <-> work inside brackets and arguments too: (a -> b) and c. Arithmetic takes numbers,
and/or/not take truth values (comparisons); anything else, a division by zero, or an integer of
more than 100 digits is refused as one line naming it (exit 2).
examples:
  derive check "ceiling(n/s) == floor((n+s-1)/s)"
  derive check "x // y * y + x % y == x" --assume "y != 0"
  derive check "(n == 1) == (n*n == 1)"
  derive check "a < s -> ((n-1)*s + a) // s + 1 == n"
  derive check "n > 3 <-> Max(n, 3) == n and n != 3"
  derive check "Equivalent(n > 1, n >= 2)"
  derive check "Piecewise((n, n > 3), (3, True)) >= 3"
"""

#: the functions GRAMMAR names, each with how many arguments it takes (None: no upper end)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "floor": (1, 1), "ceiling": (1, 1), "ceil": (1, 1), "Abs": (1, 1), "abs": (1, 1),
    "Mod": (2, 2), "mod": (2, 2), "Max": (1, None), "max": (1, None), "Min": (1, None), "min": (1, None),
    "Eq": (2, 2), "Ne": (2, 2), "Implies": (2, 2), "Equivalent": (2, None), "Piecewise": (1, None),
}  # fmt: skip
