"""JAX (jax 0.10.2): ``lax.conv_transpose`` against ``lax.conv_general_dilated``, per axis, over every accepted call.

The forward convolution is ``conv_general_dilated`` (``lhs_dilation=1``): 'SAME' and 'SAME_LOWER' give
``⌈L/s⌉``; 'VALID' and explicit ``[(p, q)]`` give ``max(0, ⌊(L + p + q - K)/s⌋ + 1)``, so JAX returns 0
where the window does not fit, and refuses only ``L + p + q < 0`` (negative pads are accepted, and
``p``, ``q`` range over all integers here).

``lax.conv_transpose`` has no output padding. Its 'SAME' and 'VALID' go through
``_conv_transpose_padding``: ``n·s`` (the largest preimage) and ``(n-1)s + max(K, s)``. Explicit pads
are pads of the stride-stretched input (``max(0, (n-1)s + lo + hi - K + 2)``), unless
``use_consistent_padding=True`` reads them as forward pads (``max(0, (n-1)s + K - lo - hi)``). The pairs
emulate output padding the way JAX users do: ``a`` (any integer) is added to the high stretched pad of
'SAME' / 'VALID' / the transpose pads ``(K-1-p, K-1-q)`` of the forward pads. ``use_consistent_padding``
makes exactly the explicit-pads pair's calls (proved), so only its headline claims are restated. Family 7:
'VALID' against explicit zero pads, 'SAME' against the forward 'SAME' / 'SAME_LOWER' pads, lowercase and
other padding strings, which stretched pads ``(u, v)`` give preimages, and ``conv_transpose`` against
``conv_general_dilated(lhs_dilation=s)``.

Every claim uses ``kernel_size=K`` with ``rhs_dilation=1`` (``K`` the effective kernel); the first
claims prove that both operations depend on ``(k, d)`` only through ``K = d(k-1)+1``. The validity
predicates are the model's (derive.frameworks.jax), evaluated without rendering their messages:
``Operation.conditions`` (and so ``families.holds``) cannot render JAX's negative-padding message for a
string padding."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import jax as J
from derive.lengths import FloorAffine
from derive.script import main

n, L, K, s = sp.symbols("n L K s", integer=True, positive=True)
p, q, a, u, v = sp.symbols("p q a u v", integer=True)
k, d = K, 1  # the effective kernel as kernel_size with rhs_dilation=1 (the "depends only on K" claims)
P = p + q
BASE = (K, s)
accepts_call, number = F.accepts_call, F.number
rem, multiple = partial(F.rem, s=s), partial(F.multiple, s=s)
claim = partial(F.claim, "jax", parameters=BASE)


def pads_text(padding, values):
    if isinstance(padding, str):
        return repr(padding)
    return "[" + ", ".join(f"({number(lo, values)}, {number(hi, values)})" for lo, hi in padding) + "]"


# ---------------------------------------------------------------------------------------------
# the two operations


def forward(padding, x):
    return J.conv_length(x, k, s, padding, rhs_dilation=d)


def forward_accepts(padding, x):
    return sp.And(x >= 1, accepts_call(J.CONV, x, kernel_size=k, window_strides=s, padding=padding, rhs_dilation=d))


def transposed(padding, consistent=False, at=None):
    return J.conv_transpose_length(n if at is None else at, k, s, padding, d, use_consistent_padding=consistent)


def transposed_accepts(padding, consistent=False, at=None):
    at = n if at is None else at
    kwargs = dict(kernel_size=k, strides=s, padding=padding, rhs_dilation=d, use_consistent_padding=consistent)
    return sp.And(sp.Ge(at, 1, evaluate=False), accepts_call(J.CONV_TRANSPOSE, at, **kwargs))


def forward_call(padding, values) -> str:
    return (
        f"jax.lax.conv_general_dilated(jnp.ones((1, 1, {values['L']})), jnp.ones((1, 1, {values['K']})), "
        f"({values['s']},), {pads_text(padding, values)})"
    )


def transposed_call(padding, values, consistent=False, length=None) -> str:
    length = values["n"] if length is None else length
    flag = ", use_consistent_padding=True" if consistent else ""
    return (
        f"jax.lax.conv_transpose(jnp.ones((1, {length}, 1)), jnp.ones(({values['K']}, 1, 1)), ({values['s']},), "
        f"{pads_text(padding, values)}{flag})"
    )


# ---------------------------------------------------------------------------------------------
# the pairs: forward padding, and the transposed padding for extra high pad a (None: JAX's own)

SAME_PADS = J.transpose_padding(k, s, "SAME", d)
VALID_PADS = J.transpose_padding(k, s, "VALID", d)


def transposed_padding(mode: str, extra):
    if mode == "SAME":
        return "SAME" if extra is None else [(SAME_PADS[0], SAME_PADS[1] + extra)]
    if mode == "VALID":
        return "VALID" if extra is None else [(VALID_PADS[0], VALID_PADS[1] + extra)]
    extra = 0 if extra is None else extra
    if mode == "explicit pads":
        return [(K - 1 - p, K - 1 - q + extra)]
    return [(p, q - extra)]  # use_consistent_padding: forward pads, the high one shrunk by a


FORWARD_PADDING = {"SAME": "SAME", "VALID": "VALID", "explicit pads": [(p, q)], "use_consistent_padding": [(p, q)]}


def make_pair(mode: str) -> F.Pair:
    consistent = mode == "use_consistent_padding"
    fpad = FORWARD_PADDING[mode]

    def call(values) -> str:
        extra = values.get("a")
        length = values["n"] if "n" in values else number(forward(fpad, L), values)
        text = transposed_call(transposed_padding(mode, extra), values, consistent, length)
        if mode in ("SAME", "VALID"):
            return text
        return f"{text} (forward padding=[({values['p']}, {values['q']})])"

    return F.Pair(
        framework="jax",
        mode=mode,
        n=n,
        L=L,
        a=a,
        forward=lambda x: forward(fpad, x),
        transposed=lambda extra: transposed(transposed_padding(mode, extra), consistent),
        accepts=lambda extra: transposed_accepts(transposed_padding(mode, extra), consistent),
        forward_accepts=lambda x: forward_accepts(fpad, x),
        call=call,
        inferred_word="JAX",
        parameters=BASE if mode in ("SAME", "VALID") else (*BASE, p, q),
    )


def forward_claims(mode: str, pads) -> list[Claim]:
    """Family 5 for the forward convolution: where it returns 0, and where it refuses."""
    fpad = FORWARD_PADDING[mode]
    params = BASE if mode in ("SAME", "VALID") else (*BASE, p, q)
    length = forward(fpad, L)
    accepted = forward_accepts(fpad, L)
    if mode == "SAME":
        return [
            claim(
                mode,
                "forward length is positive",
                "5 positive",
                "conv_general_dilated 'SAME' of every input has length ceil(L/s) >= 1",
                sp.And(accepted, sp.Eq(length, sp.ceiling(L / s)), length >= 1),
                "proved",
                parameters=params,
            )
        ]
    claims = [
        claim(
            mode,
            "forward length is positive",
            "5 positive",
            "conv_general_dilated returns a length >= 1 on every input it accepts",
            length >= 1,
            "refuted",
            # it returns 0 exactly when the padded input is shorter than the dilated kernel
            iff=L + pads >= K,
            assume=(accepted,),
            call=lambda vals: f"{forward_call(fpad, vals)} has length 0",
            parameters=params,
        )
    ]
    claims.append(
        claim(
            mode,
            "forward accepts every input",
            "5 positive",
            "conv_general_dilated accepts every input length with these pads",
            accepted,
            *(("proved",) if mode == "VALID" else ("refuted", L + pads >= 0)),
            call=lambda vals: f"{forward_call(fpad, vals)} raises 'Negative padding is larger than ...'",
            parameters=params,
        )
    )
    return claims


def same_family(P_: F.Pair, label: str) -> list[Claim]:
    """lax.conv_transpose 'SAME' (n·s, extra high pad a) against the forward 'SAME' (⌈L/s⌉); also Flax's default
    padding, whose layers flax/claims.py proves to be these two operations (``label`` names the padding)."""
    return [
        F.monotone(P_),
        F.round_trip(P_, "proved", a=None, label=label),
        # the SAME stretched pads with a on the high side give n·s + a: a preimage iff -s < a <= 0
        F.round_trip(P_, "refuted", iff=sp.Or(n * s + a < 1, sp.And(a <= 0, a > -s)), label="extra high pad a"),
        F.minimal(P_, "refuted", iff=sp.Eq(s, 1)),
        F.maximal(P_, "proved"),
        F.reaches_every_preimage(P_, L - n * s, "proved", label="extra high pad L - n*s"),
        F.positive(P_, "proved"),
        F.inverse_of_forward(P_, "refuted", iff=sp.Eq(s * sp.ceiling(L / s), L), label=label),
        F.inverse_of_forward(P_, "proved", a=L - s * sp.ceiling(L / s), label="extra high pad -((-L) mod s)"),
    ]


def same_claims() -> list[Claim]:
    return [*same_family(make_pair("SAME"), "padding='SAME'"), *forward_claims("SAME", 0)]


def valid_claims() -> list[Claim]:
    P_ = make_pair("VALID")
    M = sp.Max(K, s)
    top = (n - 1) * s + M + a
    return [
        F.monotone(P_),
        F.round_trip(P_, "proved", a=None, label="padding='VALID'"),
        # (n-1)s + max(K, s) + a is a preimage iff a in [K - max(K, s), K - max(K, s) + s - 1]
        F.round_trip(
            P_,
            "refuted",
            iff=sp.Or(top < 1, sp.And(K >= s, a >= 0, a < s), sp.And(K < s, a >= K - s, a < K)),
            label="extra high pad a",
        ),
        # (n-1)s + max(K, s): the smallest preimage (n-1)s + K only when K >= s
        F.minimal(P_, "refuted", iff=K >= s),
        F.maximal(P_, "refuted", iff=sp.Or(sp.Eq(s, 1), sp.Eq(K, 1))),
        F.reaches_every_preimage(P_, L - (n - 1) * s - M, "proved", label="extra high pad L - (n-1)s - max(K, s)"),
        F.positive(P_, "proved"),
        F.inverse_of_forward(
            P_,
            "refuted",
            # L - max(K, s) a multiple of s, written with the forward's own floor((L - K)/s)
            iff=sp.Or(sp.And(K >= s, multiple(L - K)), sp.And(K < s, sp.Eq(rem(L - K), s - K))),
            label="padding='VALID'",
        ),
        F.inverse_of_forward(P_, "proved", a=rem(L - K) + K - M, label="extra high pad (L-K) mod s + K - max(K,s)"),
        *forward_claims("VALID", 0),
    ]


def explicit_claims(mode: str) -> list[Claim]:
    """Forward pads (p, q), any integers; the transposed call gives (n-1)s + K - p - q + a (clamped at 0).

    With use_consistent_padding=True the pair makes exactly the explicit-pads pair's calls (family 7
    proves "consistent (p, q) = default (K-1-p, K-1-q)"), so only its headline claims are restated.
    """
    P_ = make_pair(mode)
    T0 = (n - 1) * s + K - P
    params = (*BASE, p, q)
    consistent = mode == "use_consistent_padding"
    claims = [
        F.monotone(P_),
        F.round_trip(P_, "proved", a=None, label="a = 0"),
        F.round_trip(
            P_, "refuted", iff=sp.Or(T0 + a < 1, (n - 1) * s + K + a < 0, sp.And(a >= 0, a < s)), label="extra a"
        ),
        F.minimal(P_, "refuted", iff=T0 >= 1),
        F.maximal(P_, "refuted", iff=sp.And(sp.Eq(s, 1), T0 >= 1)),
        F.reaches_every_preimage(P_, L - T0, "proved", label="extra L - ((n-1)s + K - p - q)"),
        # JAX clamps at 0: the length is 0 exactly when the pads eat the whole output
        F.positive(P_, "refuted", iff=T0 >= 1),
        claim(
            mode,
            "transposed accepts every call",
            "5 positive",
            "lax.conv_transpose accepts the call (stretched input + pads >= 0) for every forward pads (p, q)",
            P_.accepts(None),
            "refuted",
            iff=T0 + K - 1 >= 0,
            call=lambda vals: f"{P_.call(vals)} raises 'Negative padding is larger than ...'",
            parameters=params,
        ),
        F.inverse_of_forward(P_, "refuted", iff=multiple(L + P - K), label="a = 0"),
        F.inverse_of_forward(P_, "proved", a=rem(L + P - K), label="extra (L + p + q - K) mod s"),
    ]
    if consistent:
        # the same calls as the explicit-pads pair (proved in family 7): keep the claims users ask about
        keep = (
            "round trip (a = 0)",
            "inferred is minimal preimage",
            "length is positive",
            "transposed accepts every call",
        )
        return [c for c in claims if c.name in keep]
    return claims + forward_claims(mode, P)


# ---------------------------------------------------------------------------------------------
# which stretched pads (u, v) give a preimage of the forward convolution with pads (p, q)


def stretched_claims() -> list[Claim]:
    mode = "explicit pads (stretched)"
    params = (*BASE, p, q, u, v)
    claims = []
    for label, (lo, hi) in (("any pads (u, v)", (u, v)), ("forward pads passed unchanged", (p, q))):
        padding = [(lo, hi)]
        T = transposed(padding)
        raw = (n - 1) * s + lo + hi - K + 2
        excess = lo + hi - (2 * K - 2 - P)  # the emulated output padding
        claims.append(
            claim(
                mode,
                f"round trip ({label})",
                "1 round trip",
                f"conv_transpose(padding=[({lo}, {hi})]) returns a preimage of n under "
                f"conv_general_dilated(padding=[(p, q)]) exactly when {lo} + {hi} - (2K - 2 - p - q) is in [0, s) "
                "(or the result is not an input the forward convolution takes)",
                sp.Implies(forward_accepts([(p, q)], T), sp.Eq(forward([(p, q)], T), n)),
                "refuted",
                iff=sp.Or(raw < 1, raw + P < 0, sp.And(excess >= 0, excess < s)),
                assume=(transposed_accepts(padding),),
                call=lambda vals, padding=padding, T=T: (
                    f"{transposed_call(padding, vals)} gives {number(T, vals)}; forward with "
                    f"padding=[({vals['p']}, {vals['q']})] gives {number(forward([(p, q)], T), vals)} ≠ {vals['n']}"
                ),
                parameters=params,
            )
        )
    return claims


# ---------------------------------------------------------------------------------------------
# family 7: JAX against itself


def family7() -> list[Claim]:
    zero = [(0, 0)]
    claims = [
        claim(
            "VALID",
            "forward 'VALID' is explicit zero pads",
            "7 cross-framework",
            "conv_general_dilated 'VALID' and padding=[(0, 0)] accept the same inputs and give the same length",
            sp.And(
                sp.Equivalent(forward_accepts("VALID", L), forward_accepts(zero, L)),
                sp.Eq(forward("VALID", L), forward(zero, L)),
            ),
            "proved",
        ),
        claim(
            "SAME",
            "forward 'SAME_LOWER' is 'SAME'",
            "7 cross-framework",
            "conv_general_dilated 'SAME_LOWER' and 'SAME' (any case) accept the same inputs and give ceil(L/s)",
            sp.And(
                forward_accepts("SAME_LOWER", L),
                forward_accepts("same", L),
                sp.Eq(forward("SAME_LOWER", L), sp.ceiling(L / s)),
                sp.Eq(forward("same", L), sp.ceiling(L / s)),
            ),
            "proved",
        ),
        claim(
            "VALID",
            "transposed 'VALID' is explicit zero pads",
            "7 cross-framework",
            "conv_transpose 'VALID' gives the length of padding=[(0, 0)] (pads of the stretched input)",
            sp.Eq(transposed("VALID"), transposed(zero)),
            "refuted",
            iff=sp.And(sp.Eq(K, 1), sp.Eq(s, 1)),
            assume=(transposed_accepts("VALID"), transposed_accepts(zero)),
            call=lambda vals: (
                f"{transposed_call('VALID', vals)} gives {number(transposed('VALID'), vals)}, "
                f"{transposed_call(zero, vals)} gives {number(transposed(zero), vals)}"
            ),
            parameters=(n, *BASE),
        ),
        claim(
            "VALID",
            "transposed 'VALID' is consistent zero pads",
            "7 cross-framework",
            "conv_transpose 'VALID' gives the length of padding=[(0, 0)] with use_consistent_padding=True",
            sp.Eq(transposed("VALID"), transposed(zero, consistent=True)),
            "refuted",
            iff=K >= s,
            assume=(transposed_accepts("VALID"), transposed_accepts(zero, consistent=True)),
            call=lambda vals: (
                f"{transposed_call('VALID', vals)} gives {number(transposed('VALID'), vals)}, "
                f"{transposed_call(zero, vals, consistent=True)} gives {number(transposed(zero, True), vals)}"
            ),
            parameters=(n, *BASE),
        ),
    ]
    # the forward 'SAME' / 'SAME_LOWER' pads of the input n·s (padtype_to_pads), read back as stretched pads
    total = sp.Max((n - 1) * s + K - n * s, 0)
    pads = {"SAME": (sp.floor(total / 2), total - sp.floor(total / 2))}
    pads["SAME_LOWER"] = (pads["SAME"][1], pads["SAME"][0])
    claims.append(
        claim(
            "SAME",
            "transposed 'SAME' is consistent with the forward SAME pads",
            "7 cross-framework",
            "conv_transpose 'SAME' gives the length of use_consistent_padding=True with the pads the forward "
            "'SAME' convolution applies to an input of length n·s",
            sp.Eq(transposed("SAME"), transposed([pads["SAME"]], consistent=True)),
            "refuted",
            iff=K >= s,
            assume=(transposed_accepts([pads["SAME"]], consistent=True),),
            call=lambda vals: (
                f"{transposed_call('SAME', vals)} gives {number(n * s, vals)}; "
                f"{transposed_call([pads['SAME']], vals, consistent=True)} gives "
                f"{number(transposed([pads['SAME']], True), vals)}"
            ),
            parameters=(n, *BASE),
        )
    )
    for forward_mode, iff in (("SAME", K >= s), ("SAME_LOWER", sp.And(K >= s, sp.Eq(sp.Mod(K - s, 2), 0)))):
        lo, hi = pads[forward_mode]
        claims.append(
            claim(
                "SAME",
                f"transposed 'SAME' pads are the adjoint of forward {forward_mode}",
                "7 cross-framework",
                "the stretched pads conv_transpose 'SAME' applies are (K-1-lo, K-1-hi) for the pads (lo, hi) of "
                f"conv_general_dilated '{forward_mode}' on an input of length n·s (the gradient's pads)",
                sp.And(sp.Eq(SAME_PADS[0], K - 1 - lo), sp.Eq(SAME_PADS[1], K - 1 - hi)),
                "refuted",
                iff=iff,
                call=lambda vals, lo=lo, hi=hi, forward_mode=forward_mode: (
                    f"{transposed_call('SAME', vals)} pads the stretched input by "
                    f"({number(SAME_PADS[0], vals)}, {number(SAME_PADS[1], vals)}); the adjoint of "
                    f"{forward_mode} pads ({number(lo, vals)}, {number(hi, vals)}) is "
                    f"({number(K - 1 - lo, vals)}, {number(K - 1 - hi, vals)})"
                ),
                parameters=(n, *BASE),
            )
        )
    explicit = [(u, v)]
    lhs_kwargs = dict(kernel_size=k, window_strides=1, padding=explicit, lhs_dilation=s, rhs_dilation=d)
    claims += [
        claim(
            "explicit pads (stretched)",
            "conv_transpose is conv_general_dilated with lhs_dilation",
            "7 cross-framework",
            "conv_transpose(padding=[(u, v)]) accepts and gives exactly what "
            "conv_general_dilated(window_strides=1, padding=[(u, v)], lhs_dilation=s) does",
            sp.And(
                sp.Equivalent(transposed_accepts(explicit), accepts_call(J.CONV, n, **lhs_kwargs)),
                sp.Eq(transposed(explicit), J.conv_length(n, k, 1, explicit, lhs_dilation=s, rhs_dilation=d)),
            ),
            "proved",
            parameters=(n, *BASE, u, v),
        ),
        claim(
            "use_consistent_padding",
            "consistent pads are the adjoint stretched pads",
            "7 cross-framework",
            "use_consistent_padding=True with (p, q) accepts and gives exactly what the default does with "
            "(K-1-p, K-1-q)",
            sp.And(
                sp.Equivalent(transposed_accepts([(p, q)], True), transposed_accepts([(K - 1 - p, K - 1 - q)])),
                sp.Eq(transposed([(p, q)], True), transposed([(K - 1 - p, K - 1 - q)])),
            ),
            "proved",
            parameters=(n, *BASE, p, q),
        ),
    ]
    # other padding strings go straight to conv_general_dilated, which refuses them with lhs_dilation > 1
    for text, partner, iff in (("SAME_LOWER", "SAME", None), ("same", "SAME", None), ("valid", "VALID", sp.Eq(K, 1))):
        claims.append(
            claim(
                "padding strings",
                f"transposed accepts '{text}'",
                "5 positive",
                f"conv_transpose accepts padding='{text}'",
                transposed_accepts(text),
                "refuted",
                iff=sp.Eq(s, 1),
                call=lambda vals, text=text: (
                    f"{transposed_call(text, vals)} raises 'String padding is not implemented "
                    "for transposed convolution using this op'"
                ),
                parameters=(n, *BASE),
            )
        )
        claims.append(
            claim(
                "padding strings",
                f"transposed '{text}' is '{partner}'",
                "7 cross-framework",
                f"where conv_transpose accepts padding='{text}' (strides 1: a plain convolution), it gives the "
                f"length of '{partner}'",
                sp.Eq(transposed(text), transposed(partner)),
                "proved" if iff is None else "refuted",
                iff=iff,
                assume=(transposed_accepts(text),),
                call=lambda vals, text=text, partner=partner: (
                    f"{transposed_call(text, vals)} gives {number(transposed(text), vals)}, "
                    f"'{partner}' gives {number(transposed(partner), vals)}"
                ),
                parameters=(n, *BASE),
            )
        )
    return claims


# ---------------------------------------------------------------------------------------------
# every claim above uses kernel_size=K, rhs_dilation=1: the lengths depend on (k, d) only through K

kk, dd = sp.symbols("k d", integer=True, positive=True)
KK = dd * (kk - 1) + 1


def reduction_claims() -> list[Claim]:
    claims = []
    cases = [
        ("conv_general_dilated", J.CONV, J.conv_length, "window_strides", padding, {})
        for padding in ("SAME", "SAME_LOWER", "VALID", [(p, q)])
    ] + [
        ("conv_transpose", J.CONV_TRANSPOSE, J.conv_transpose_length, "strides", padding, {"use_consistent_padding": c})
        for padding, c in (("SAME", False), ("VALID", False), ("valid", False), ([(p, q)], False), ([(p, q)], True))
    ]
    for name, op, length, stride_name, padding, extra in cases:

        def at(kernel, dilation, op=op, length=length, stride_name=stride_name, padding=padding, extra=extra):
            kwargs = {"kernel_size": kernel, stride_name: s, "padding": padding, "rhs_dilation": dilation, **extra}
            return accepts_call(op, n, **kwargs), length(n, **kwargs)

        (ok1, len1), (ok2, len2) = at(kk, dd), at(KK, 1)
        if isinstance(padding, str):
            text = f"lowercase '{padding}'" if padding.islower() else f"'{padding}'"
        else:
            text = "explicit pads" + (" (consistent)" if extra.get("use_consistent_padding") else "")
        claims.append(
            claim(
                "kernel and dilation",
                f"{name} {text} depends only on K",
                "7 cross-framework",
                f"{name} with padding {text} accepts and gives at (kernel_size=k, rhs_dilation=d) what it does at "
                "(kernel_size=d(k-1)+1, rhs_dilation=1)",
                sp.And(sp.Equivalent(ok1, ok2), sp.Eq(len1, len2)),
                "proved",
                parameters=(n, kk, s, dd),
            )
        )
    claims.append(
        claim(
            "kernel and dilation",
            "transpose pads depend only on K",
            "7 cross-framework",
            "_conv_transpose_padding's 'SAME' and 'VALID' pads at (k, d) are those at (d(k-1)+1, 1)",
            sp.And(
                *[
                    sp.Eq(x, y)
                    for mode in ("SAME", "VALID")
                    for x, y in zip(
                        J.transpose_padding(kk, s, mode, dd), J.transpose_padding(KK, s, mode, 1), strict=True
                    )
                ]
            ),
            "proved",
            parameters=(kk, s, dd),
        )
    )
    return claims


CLAIMS: list[Claim] = [
    *reduction_claims(),
    *same_claims(),
    *valid_claims(),
    *explicit_claims("explicit pads"),
    *explicit_claims("use_consistent_padding"),
    *stretched_claims(),
    *family7(),
]

# JAX's forward length max(0, ⌊(L + p + q - K)/s⌋ + 1) is floor-affine where the padded input covers the kernel,
# L + p + q >= K, which every preimage of n >= 1 is. The extra high pad a (any integer) takes the values that keep
# the result in the preimage; the others are the "round trip (extra ...)" claims. use_consistent_padding makes the
# explicit-pads calls (proved), and the stretched pads (u, v) and padding strings have no forward partner of their own.


def lax_derivations(same: F.Pair, valid: F.Pair) -> list[Derivation]:
    """The 'SAME' and 'VALID' pairs' derivations (Flax's too: its layers are these operations)."""
    return [
        Derivation.from_pair(same, accepts=sp.And(a > -s, a <= 0)),
        replace(
            Derivation.from_pair(
                valid,
                accepts=sp.And(a >= K - sp.Max(K, s), a < K - sp.Max(K, s) + s),
                floor_map=FloorAffine(-K, s, 1),
            ),
            assume=(L >= K,),
        ),
    ]


DERIVATIONS: list[Derivation] = [
    *lax_derivations(make_pair("SAME"), make_pair("VALID")),
    replace(
        Derivation.from_pair(
            make_pair("explicit pads"),
            accepts=sp.And(a >= 0, a < s, (n - 1) * s + K - P + a >= 1),
            floor_map=FloorAffine(P - K, s, 1),
        ),
        assume=(L + P >= K,),
    ),
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
