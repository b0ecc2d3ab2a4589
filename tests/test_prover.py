"""The prover on tables of true and false propositions, each verdict cross-checked."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import UnsupportedExpressionError, conv_length, preimage, prove, transposed_length
from derive.prover import Status

n, s, k, d, L, m = sp.symbols("n s k d L m", integer=True, positive=True)
a, p, q = sp.symbols("a p q", integer=True, nonnegative=True)
x, y = sp.symbols("x y", integer=True)
floor, ceiling, Mod, Eq, Ne = sp.floor, sp.ceiling, sp.Mod, sp.Eq, sp.Ne

TRUE = [
    Eq(ceiling(n / s), floor((n + s - 1) / s)),
    Eq(floor(n / s) * s + Mod(n, s), n),
    sp.And(sp.Le(0, Mod(n, s), evaluate=False), sp.Lt(Mod(n, s), s, evaluate=False)),
    Eq(floor(floor(n / s) / m), floor(n / (s * m))),
    Eq(-floor(-n / s), ceiling(n / s), evaluate=False),
    Eq(sp.Max(n, s) + sp.Min(n, s), n + s, evaluate=False),
    Eq(sp.Abs(x - y), sp.Abs(y - x), evaluate=False),
    Eq(sp.Piecewise((x, x >= 0), (-x, True)), sp.Abs(x)),
    sp.Implies(a < s, Eq(floor(((n - 1) * s + a) / s) + 1, n)),
    Eq(floor(x / 2) + ceiling(x / 2), x),
    Eq(Mod(x, 3), Mod(x - 3, 3), evaluate=False),
    sp.Lt(n / (n + 1), 1, evaluate=False),
]

FALSE = [
    (Eq(floor(n / s), ceiling(n / s)), {"n": 1, "s": 2}),
    (Eq(floor(x / 2) * 2, x), {"x": 1}),
    (sp.Implies(sp.Or(a < s, a < d), Eq(floor(((n - 1) * s + a) / s) + 1, n)), {"a": 1, "d": 2, "n": 1, "s": 1}),
    (Eq(ceiling(n / s) * s, n), {"n": 1, "s": 2}),
    (sp.Ge(n - s, 0), {"n": 1, "s": 2}),
    (Ne(Mod(x, 2), 1), {"x": 1}),
]


@pytest.mark.parametrize("prop", TRUE, ids=str)
def test_true_propositions_are_proved(prop):
    """Identities are proved, and the box check and cvc5 find nothing against them."""
    assert not isinstance(prop, sp.logic.boolalg.BooleanAtom)  # SymPy must not have decided it already
    v = prove(prop, second_opinions=("box", "cvc5"))
    assert v.status is Status.PROVED, v
    assert v.counterexample is None
    assert v.second_opinions["box"] == "no counterexample in box"
    assert v.second_opinions["cvc5"] in ("proved", "unknown") or v.second_opinions["cvc5"].startswith("skipped")


@pytest.mark.parametrize(("prop", "smallest"), FALSE, ids=lambda c: str(c))
def test_false_propositions_give_the_smallest_counterexample(prop, smallest):
    """False claims are refuted with the minimal counterexample, which falsifies the proposition."""
    v = prove(prop, second_opinions=("box", "cvc5"))
    assert v.status is Status.REFUTED
    assert v.counterexample == smallest
    assert prop.subs({sym: smallest[sym.name] for sym in prop.free_symbols if sym.name in smallest}) is sp.false
    assert v.second_opinions["box"] == "refuted"
    assert v.second_opinions["cvc5"] in ("refuted", "unknown") or v.second_opinions["cvc5"].startswith("skipped")


def test_assumptions_restrict_the_claim():
    """A claim false in general is proved under an assumption that excludes its counterexamples."""
    claim = Eq(ceiling(n / s) * s, n)
    assert prove(claim).refuted
    assert prove(claim, assume=[Eq(Mod(n, s), 0)]).proved


def test_symbolic_denominator_becomes_a_side_condition():
    """Dividing by a symbol the assumptions do not make nonzero is stated as a side condition."""
    v = prove(Eq(floor(x / y) * y + Mod(x, y), x))
    assert v.proved and v.side_conditions == (y,)
    assert "y != 0" in str(v)
    v = prove(Eq(floor(x / y) * y + Mod(x, y), x), assume=[y > 0])
    assert v.proved and v.side_conditions == ()


def test_counterexample_holds_only_the_propositions_symbols():
    """Counterexamples carry the proposition's symbols only (no div0 or auxiliary solver names)."""
    v = prove(Eq(floor(x / y), ceiling(x / y)))
    assert v.refuted and set(v.counterexample) == {"x", "y"}


def test_smt2_is_the_decided_query():
    """The verdict carries the SMT-LIB2 text of the negated claim with its assumptions."""
    v = prove(Eq(floor(n / s) * s + Mod(n, s), n))
    assert "(check-sat)" in v.smt2 and "declare-fun n" in v.smt2 and "not" in v.smt2


def test_timeout_gives_unknown_not_proved():
    """A query the solver cannot finish in time is unknown, never proved."""
    z = sp.Symbol("z", integer=True, positive=True)
    hard = Ne(x**3 + y**3 + 30 * x * y * z, z**3 + 7)
    v = prove(hard, timeout=0.001)
    assert v.status in (Status.UNKNOWN, Status.REFUTED)
    if v.status is Status.UNKNOWN:
        assert v.reason and v.counterexample is None


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Eq(sp.floor(sp.Symbol("r") / 2), 0), "'r' must be declared integer"),
        (Eq(sp.sqrt(n), 2), "only integer powers"),
        (Eq(sp.factorial(n), m), "unsupported construct factorial"),
        (n + 1, "must be a SymPy Boolean"),
        ("n > 1", "must be a SymPy Boolean"),
    ],
)
def test_unsupported_input_is_a_clear_error(bad, message):
    """Non-integer symbols and untranslatable constructs raise a ValueError naming them."""
    with pytest.raises(UnsupportedExpressionError, match=message):
        prove(bad)


# -- the length model, proved for all parameter values -------------------------------------

MODES = [(p, q), "valid", "same", "full", "causal"]


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_preimage_interval_is_proved_exact(mode):
    """For every n, k, s, d (and pads): conv_length(L) = n exactly when L lies in preimage(n)."""
    iv = preimage(n, k, s, d, mode)
    claim = sp.Equivalent(Eq(conv_length(L, k, s, d, mode), n), sp.And(iv.lower <= L, L <= iv.upper))
    v = prove(claim, second_opinions=("box",))
    assert v.proved, v


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_transposed_round_trip_is_proved(mode):
    """forward(transposed(n, a)) = n for every output padding 0 <= a < s, whenever the length is positive."""
    t = transposed_length(n, k, s, d, mode, a)
    claim = sp.Implies(sp.And(a < s, t >= 1), Eq(conv_length(t, k, s, d, mode), n))
    assert prove(claim, second_opinions=("box",)).proved


def test_transposed_minimality_is_refuted_where_pads_exceed_the_kernel():
    """With pads larger than the kernel, the default transposed length can fall below 1 (the smallest case)."""
    t = transposed_length(n, k, s, d, (p, q))
    v = prove(t >= 1)
    assert v.refuted and v.counterexample == {"d": 1, "k": 1, "n": 1, "p": 0, "q": 1, "s": 1}


def test_boolean_if_then_else_is_translated():
    """SymPy's boolean ITE (what it makes of Eq(Piecewise(...), x)) is decided like any other connective."""
    prop = sp.ITE(x >= 0, Eq(sp.Abs(x), x), Eq(sp.Abs(x), -x))
    v = prove(prop, second_opinions=("box",))
    assert v.proved
    assert prove(sp.ITE(x >= 0, Eq(x, 0), Eq(x, -1))).counterexample == {"x": 1}
