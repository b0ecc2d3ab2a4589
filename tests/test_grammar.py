"""`derive check`'s grammar: what derive.grammar documents is what derive.parsing parses, and nothing else."""

from __future__ import annotations

import re

import pytest
import sympy as sp

from derive import grammar, parsing
from derive.cli import main
from derive.errors import ParameterError


def _symbols(text: str) -> dict[str, sp.Symbol]:
    return {n: sp.Symbol(n, integer=True, positive=True) for n in parsing.free_names(text)}


def test_documented_functions_are_the_parsed_ones():
    """The functions the grammar lists, with their arities, are exactly the ones the parser takes."""
    assert {name: (least, most) for name, (_, least, most) in parsing.SIGNATURES.items()} == grammar.FUNCTIONS
    listed = set(re.findall(r"\b([A-Za-z]+)\(", grammar.GRAMMAR.split("examples:")[0]))
    assert listed == set(grammar.FUNCTIONS)


def test_documented_limits_are_the_parsed_ones():
    """The grammar's numbers (exponent, digits) are the parser's limits."""
    assert f"from 0 to {parsing.MAX_EXPONENT}" in grammar.GRAMMAR
    assert f"more than {parsing.MAX_DIGITS} digits" in grammar.GRAMMAR


EXAMPLES = re.findall(r'^  derive check "(.*?)"', grammar.GRAMMAR, flags=re.M)


@pytest.mark.parametrize("text", EXAMPLES)
def test_every_example_is_proved(text, capsys):
    """Each example `derive check --help` shows runs and is proved (exit 0)."""
    argv = ["check", text]
    if "--assume" in grammar.GRAMMAR.split(text)[1].splitlines()[0]:
        argv += ["--assume", "y != 0"]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("proved")


def test_help_prints_the_grammar(capsys):
    """`derive check --help` ends with the whole grammar."""
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert grammar.GRAMMAR.strip() in capsys.readouterr().out


READINGS = [
    ("(n == 1) == (n == 2)", "refuted"),  # == of two truth values is equivalence
    ("(n == 1) != (n != 1)", "proved"),  # != of two truth values is exclusive or
    ("Equivalent(n > 1, n >= 2)", "proved"),
    ("Equivalent(n > 1, n >= 2, not n < 2)", "proved"),
    ("n > 1 <-> n >= 2", "proved"),
    ("(n > 1 <-> n >= 2) <-> True", "proved"),
    ("n > 1 -> n > 0 -> n > 2", "refuted"),  # right-associative: n > 1 -> (n > 0 -> n > 2)
    ("Eq(n, n) and Ne(n, n + 1)", "proved"),
    ("n % 3 == Mod(n, 3) and n // 3 == floor(n / 3)", "proved"),
    ("Piecewise((n, n > 3), (3, True)) >= 3", "proved"),
    ("1 <= n < n + 1 <= 2 * n", "proved"),
    ("n ** 2 >= n", "proved"),
]


@pytest.mark.parametrize(("text", "status"), READINGS)
def test_constructs_mean_what_the_grammar_says(text, status, capsys):
    """Each documented construct parses and gets the verdict its documented reading gives."""
    main(["check", text])
    assert capsys.readouterr().out.split(":")[0].strip() == status


REFUSED = [
    ("n // 0 == 1", "divides by zero"),
    ("n % (n - n) == 1", "divides by zero"),
    ("n / 0 == 1", "divides by zero"),
    ("floor() == 1", "'floor' takes 1 argument (0 given)"),
    ("Mod(n) == 1", "'Mod' takes 2 arguments (1 given)"),
    ("Eq(n)", "'Eq' takes 2 arguments (1 given)"),
    ("Implies(n > 1)", "'Implies' takes 2 arguments (1 given)"),
    ("Equivalent(n > 1)", "'Equivalent' takes at least 2 arguments (1 given)"),
    ("Max() == 1", "'Max' takes at least 1 argument (0 given)"),
    ("floor(n, 2) == 1", "'floor' takes 1 argument (2 given)"),
    ("floor(x=n) == 1", "positional arguments only"),
    ("floor == 1", "uses a function without calling it"),
    ("(n == 1) == n", "compares a truth value with a number"),
    ("(n > 1) + 1 > 0", "takes numbers, not a truth value"),
    ("n and n > 1", "takes truth values"),
    ("n ** n > 0", "'**' needs an integer constant exponent"),
    ("n ** 65 > 0", "'**' needs an integer constant exponent"),
    ("(n ** 8) ** 9 > 0", "must stay below degree"),
    ("n > 1 <-> n > 2 <-> n > 3", "has '<->' twice at one level"),
    ("n <-> ", "has '<->' without a side"),
    ("n in n", "unsupported comparison"),
    ("n @ n == 1", "unsupported operator '@'"),
    ("(n, 1) == 1", "bracketed list outside Piecewise"),
    ("Piecewise(n) == 1", "(value, condition) pairs"),
    ("n == 1" + "0" * 101, "at most 100 digits"),
    ("n == 1.5", "only integer constants"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_outside_the_grammar_is_one_named_error(text, message):
    """Text outside the grammar is a ParameterError naming the rule: never SymPy's zoo, nan or a TypeError."""
    with pytest.raises(ParameterError) as caught:
        parsing.parse(text, _symbols(text))
    assert message in str(caught.value)
    assert "zoo" not in str(caught.value)
