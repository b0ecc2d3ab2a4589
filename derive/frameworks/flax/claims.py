"""Flax (flax 0.12.8 on jax 0.10.2): ``flax.linen.ConvTranspose`` against ``flax.linen.Conv``, per axis.

Both layers default to ``padding='SAME'``: ``Conv`` gives ``⌈L/s⌉`` and ``ConvTranspose`` ``n·s`` (the
largest preimage). An int ``padding=p`` means ``[(p, p)]`` in both layers, but ``ConvTranspose`` hands it
to ``lax.conv_transpose`` as pads of the stride-stretched input, so it gives ``(n-1)s + 2p - K + 2``
(clamped at 0), not PyTorch's ``(n-1)s - 2p + K``: it is a preimage of ``Conv(padding=p)`` exactly when
``0 <= 4p - 2(K-1) < s``, the smallest exactly when ``2p = K - 1``. ``'CIRCULAR'`` gives ``n·s``;
``Conv``'s ``'CIRCULAR'``, ``'REFLECT'`` and ``'CAUSAL'`` pad first and give ``⌈L/s⌉``. ``ConvTranspose``
refuses 'CAUSAL' and 'REFLECT' always and 'SAME_LOWER' for strides > 1.

Flax has no output padding: ``a`` (any integer) is added to the high pad of an explicit ``[(lo, hi)]``
padding, the way Flax users reach the other preimages. Negative pads are accepted (JAX checks only that
the padded input is not negative), so ``p`` ranges over all integers. Both layers are proved to be lax's
operations with the same padding (so derive/frameworks/jax/claims.py's 'VALID' families hold for Flax as they are), and
'CIRCULAR' to be 'SAME' in both layers (so the 'SAME' families hold for it); those modes restate only a
few claims. Every claim uses ``kernel_size=(K,)`` with ``kernel_dilation=1``; the first claims prove that
both layers depend on ``(k, d)`` only through ``K = d(k-1)+1``. The validity predicates are the model's
(derive.frameworks.flax), evaluated without rendering their messages (``Operation.conditions`` cannot
render JAX's negative-padding message for a string padding)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import flax as FL
from derive.frameworks import jax as J
from derive.frameworks import torch as TO
from derive.frameworks.jax import claims as JC
from derive.lengths import FloorAffine
from derive.script import main

n, L, K, s = sp.symbols("n L K s", integer=True, positive=True)
p, q, a = sp.symbols("p q a", integer=True)
BASE = (K, s)
accepts_call, number = F.accepts_call, F.number
rem = partial(F.rem, s=s)
claim = partial(F.claim, "flax", parameters=BASE)


def padding_text(padding, values) -> str:
    if isinstance(padding, str):
        return repr(padding)
    if isinstance(padding, list):
        return "[" + ", ".join(f"({number(lo, values)}, {number(hi, values)})" for lo, hi in padding) + "]"
    return str(number(padding, values))


def forward(padding, x):
    return FL.conv_length(x, K, s, padding)


def forward_accepts(padding, x):
    return sp.And(x >= 1, accepts_call(FL.CONV, x, kernel_size=K, strides=s, padding=padding))


def transposed(padding, at=None):
    return FL.conv_transpose_length(n if at is None else at, K, s, padding)


def transposed_accepts(padding, at=None):
    at = n if at is None else at
    return sp.And(
        sp.Ge(at, 1, evaluate=False), accepts_call(FL.CONV_TRANSPOSE, at, kernel_size=K, strides=s, padding=padding)
    )


def conv_call(padding, values) -> str:
    return (
        f"flax.linen.Conv(1, kernel_size=({values['K']},), strides=({values['s']},), "
        f"padding={padding_text(padding, values)}).init_with_output(jax.random.key(0), jnp.ones((1, {values['L']}, 1)))"
    )


def transpose_call(padding, values, length=None) -> str:
    length = values["n"] if length is None else length
    return (
        f"flax.linen.ConvTranspose(1, kernel_size=({values['K']},), strides=({values['s']},), "
        f"padding={padding_text(padding, values)}).init_with_output(jax.random.key(0), jnp.ones((1, {length}, 1)))"
    )


# ---------------------------------------------------------------------------------------------
# the pairs

SAME_PADS = J.transpose_padding(K, s, "SAME")
VALID_PADS = J.transpose_padding(K, s, "VALID")
FORWARD = {"SAME": "SAME", "VALID": "VALID", "int padding": p, "CIRCULAR": "CIRCULAR"}


def transpose_padding(mode: str, extra):
    """ConvTranspose's padding for extra high pad ``extra`` (None: the mode's own padding)."""
    if extra is None:
        return FORWARD[mode]
    if mode == "SAME":
        return [(SAME_PADS[0], SAME_PADS[1] + extra)]
    if mode == "VALID":
        return [(VALID_PADS[0], VALID_PADS[1] + extra)]
    return [(p, p + extra)]


def make_pair(mode: str) -> F.Pair:
    fpad = FORWARD[mode]

    def call(values) -> str:
        length = values["n"] if "n" in values else number(forward(fpad, L), values)
        return transpose_call(transpose_padding(mode, values.get("a")), values, length)

    return F.Pair(
        framework="flax",
        mode=mode,
        n=n,
        L=L,
        a=None if mode == "CIRCULAR" else a,
        forward=lambda x: forward(fpad, x),
        transposed=lambda extra: transposed(transpose_padding(mode, extra)),
        accepts=lambda extra: transposed_accepts(transpose_padding(mode, extra)),
        forward_accepts=lambda x: forward_accepts(fpad, x),
        call=call,
        inferred_word="Flax",
        parameters=(*BASE, p) if mode == "int padding" else BASE,
    )


def same_claims() -> list[Claim]:
    return JC.same_family(make_pair("SAME"), "default padding='SAME'")


def valid_claims() -> list[Claim]:
    """'VALID' is lax's (proved below): JAX's VALID families (jax/claims.py) hold for Flax as they are."""
    P_ = make_pair("VALID")
    M = sp.Max(K, s)
    return [
        F.round_trip(P_, "proved", a=None, label="padding='VALID'"),
        F.reaches_every_preimage(P_, L - (n - 1) * s - M, "proved", label="extra high pad L - (n-1)s - max(K, s)"),
        F.positive(P_, "proved"),
        claim(
            "VALID",
            "forward length is positive",
            "5 positive",
            "Conv(padding='VALID') returns a length >= 1 on every input",
            forward("VALID", L) >= 1,
            "refuted",
            iff=L >= K,
            call=lambda v: f"{conv_call('VALID', v)} has length 0",
        ),
    ]


def int_claims() -> list[Claim]:
    """ConvTranspose(padding=p) gives (n-1)s + 2p - K + 2 (clamped at 0) = the minimal preimage + e."""
    P_ = make_pair("int padding")
    T0 = (n - 1) * s + 2 * p - K + 2
    e = 4 * p - 2 * K + 2  # how far above the smallest preimage (n-1)s + K - 2p the default lands
    params = (*BASE, p)
    return [
        F.monotone(P_),
        F.round_trip(P_, "refuted", iff=sp.Or(T0 < 1, T0 + 2 * p < 0, sp.And(e >= 0, e < s)), a=None, label="p"),
        F.round_trip(
            P_, "refuted", iff=sp.Or(T0 + a < 1, T0 + a + 2 * p < 0, sp.And(e + a >= 0, e + a < s)), label="extra a"
        ),
        F.minimal(P_, "refuted", iff=sp.Eq(2 * p, K - 1)),
        F.maximal(P_, "refuted", iff=sp.Eq(e, s - 1)),
        F.reaches_every_preimage(P_, L - T0, "proved", label="extra high pad L - ((n-1)s + 2p - K + 2)"),
        F.positive(P_, "refuted", iff=T0 >= 1),
        claim(
            "int padding",
            "transposed accepts every call",
            "5 positive",
            "ConvTranspose(padding=p) accepts every input (the stretched input plus 2p is not negative)",
            transposed_accepts(p),
            "refuted",
            iff=(n - 1) * s + 1 + 2 * p >= 0,
            call=lambda v: f"{transpose_call(p, v)} raises 'Negative padding is larger than ...'",
            parameters=params,
        ),
        F.inverse_of_forward(P_, "refuted", iff=sp.Eq(rem(L + 2 * p - K), e), label="p"),
        F.inverse_of_forward(P_, "proved", a=rem(L + 2 * p - K) - e, label="extra (L + 2p - K) mod s - e"),
        claim(
            "int padding",
            "forward length is positive",
            "5 positive",
            "Conv(padding=p) returns a length >= 1 on every input it accepts",
            forward(p, L) >= 1,
            "refuted",
            iff=L + 2 * p >= K,
            assume=(forward_accepts(p, L),),
            call=lambda v: f"{conv_call(p, v)} has length 0",
            parameters=params,
        ),
        claim(
            "int padding",
            "forward accepts every input",
            "5 positive",
            "Conv(padding=p) accepts every input length",
            forward_accepts(p, L),
            "refuted",
            iff=L + 2 * p >= 0,
            call=lambda v: f"{conv_call(p, v)} raises 'Negative padding is larger than ...'",
            parameters=params,
        ),
    ]


def pairs_claim() -> Claim:
    """The (lo, hi) form: ConvTranspose(padding=[(p, q)]) against Conv(padding=[(p, q)])."""
    pads = [(p, q)]
    T = transposed(pads)
    raw = (n - 1) * s + p + q - K + 2
    e = 2 * (p + q) - 2 * K + 2
    return claim(
        "explicit pads",
        "round trip",
        "1 round trip",
        "ConvTranspose(padding=[(p, q)]) returns a preimage of n under Conv(padding=[(p, q)])",
        sp.Implies(forward_accepts(pads, T), sp.Eq(forward(pads, T), n)),
        "refuted",
        iff=sp.Or(raw < 1, raw + p + q < 0, sp.And(e >= 0, e < s)),
        assume=(transposed_accepts(pads),),
        call=lambda v: (
            f"{transpose_call(pads, v)} gives {number(T, v)}; Conv with the same padding maps it to "
            f"{number(forward(pads, T), v)} ≠ {v['n']}"
        ),
        parameters=(*BASE, p, q),
    )


def circular_claims() -> list[Claim]:
    """'CIRCULAR' is 'SAME' in both layers (proved below): the SAME families hold for it as they are."""
    P_ = make_pair("CIRCULAR")
    return [
        F.round_trip(P_, "proved"),
        F.maximal(P_, "proved"),
        F.positive(P_, "proved"),
    ]


# ---------------------------------------------------------------------------------------------
# family 7: modes against each other, Flax against lax and PyTorch, and the kernel/dilation reduction


def cross_claims() -> list[Claim]:
    ceil = sp.ceiling(L / s)
    claims = [
        claim(
            mode,
            "forward is SAME",
            "7 cross-framework",
            f"Conv(padding='{mode}') accepts every input and gives ceil(L/s), the 'SAME' length",
            sp.And(forward_accepts(mode, L), sp.Eq(forward(mode, L), ceil), sp.Eq(forward("SAME", L), ceil)),
            "proved",
        )
        for mode in ("CIRCULAR", "REFLECT", "CAUSAL")
    ]
    claims.append(
        claim(
            "CIRCULAR",
            "transposed is SAME",
            "7 cross-framework",
            "ConvTranspose(padding='CIRCULAR') accepts every input and gives the 'SAME' length n·s",
            sp.And(transposed_accepts("CIRCULAR"), sp.Eq(transposed("CIRCULAR"), transposed("SAME"))),
            "proved",
            parameters=(n, *BASE),
        )
    )
    for mode, iff in (("SAME_LOWER", sp.Eq(s, 1)), ("CAUSAL", sp.false), ("REFLECT", sp.false)):
        claims.append(
            claim(
                "padding strings",
                f"transposed accepts '{mode}'",
                "5 positive",
                f"ConvTranspose accepts padding='{mode}'",
                transposed_accepts(mode),
                "refuted",
                iff=iff,
                call=lambda v, mode=mode: f"{transpose_call(mode, v)} raises",
                parameters=(n, *BASE),
            )
        )
    # Flax hands its padding to lax as it is (an int p as [(p, p)])
    for padding, lax_padding in (("SAME", "SAME"), ("VALID", "VALID"), (p, [(p, p)]), ([(p, q)], [(p, q)])):
        text = f"'{padding}'" if isinstance(padding, str) else "int padding" if padding is p else "explicit pads"
        conv_kwargs = dict(kernel_size=K, window_strides=s, padding=lax_padding)
        transpose_kwargs = dict(kernel_size=K, strides=s, padding=lax_padding)
        claims.append(
            claim(
                "lax",
                f"Conv and ConvTranspose {text} are lax's",
                "7 cross-framework",
                f"Conv and ConvTranspose with padding {text} accept and give exactly what lax.conv_general_dilated "
                f"and lax.conv_transpose do with padding {lax_padding}",
                sp.And(
                    sp.Equivalent(forward_accepts(padding, L), accepts_call(J.CONV, L, **conv_kwargs)),
                    sp.Eq(forward(padding, L), J.conv_length(L, **conv_kwargs)),
                    sp.Equivalent(transposed_accepts(padding), accepts_call(J.CONV_TRANSPOSE, n, **transpose_kwargs)),
                    sp.Eq(transposed(padding), J.conv_transpose_length(n, **transpose_kwargs)),
                ),
                "proved",
                parameters=(n, *BASE, p, q),
            )
        )
    torch_length = TO.conv_transpose_length(n, K, s, p)
    torch_ok = accepts_call(TO.CONV_TRANSPOSE1D, n, kernel_size=K, stride=s, padding=p)
    claims.append(
        claim(
            "int padding",
            "ConvTranspose(padding=p) is torch's",
            "7 cross-framework",
            "where both accept, flax ConvTranspose(padding=p) gives torch ConvTranspose1d(padding=p)'s length",
            sp.Eq(transposed(p), torch_length),
            "refuted",
            iff=sp.Eq(2 * p, K - 1),
            assume=(transposed_accepts(p), torch_ok),
            call=lambda v: (
                f"{transpose_call(p, v)} gives {number(transposed(p), v)}; torch.nn.ConvTranspose1d(1, 1, "
                f"kernel_size={v['K']}, stride={v['s']}, padding={v['p']}) gives {number(torch_length, v)}"
            ),
            parameters=(n, *BASE, p),
        )
    )
    return claims


kk, dd = sp.symbols("k d", integer=True, positive=True)


def reduction_claims() -> list[Claim]:
    claims = []
    for op, length, padding in [
        *((FL.CONV, FL.conv_length, m) for m in ("SAME", "VALID", "CIRCULAR", "REFLECT", "CAUSAL", p)),
        *((FL.CONV_TRANSPOSE, FL.conv_transpose_length, m) for m in ("SAME", "VALID", "CIRCULAR", p)),
    ]:

        def at(kernel, dilation, op=op, length=length, padding=padding):
            kwargs = {"kernel_size": kernel, "strides": s, "padding": padding, "kernel_dilation": dilation}
            return accepts_call(op, n, **kwargs), length(n, **kwargs)

        (ok1, len1), (ok2, len2) = at(kk, dd), at(dd * (kk - 1) + 1, 1)
        text = f"'{padding}'" if isinstance(padding, str) else "int padding"
        name = op.name.rsplit(".", 1)[-1]
        claims.append(
            claim(
                "kernel and dilation",
                f"{name} {text} depends only on K",
                "7 cross-framework",
                f"{name}(padding={text}) accepts and gives at (kernel_size=k, kernel_dilation=d) what it does at "
                "(kernel_size=d(k-1)+1, kernel_dilation=1)",
                sp.And(sp.Equivalent(ok1, ok2), sp.Eq(len1, len2)),
                "proved",
                parameters=(n, kk, s, dd, p),
            )
        )
    return claims


CLAIMS: list[Claim] = [
    *reduction_claims(),
    *same_claims(),
    *valid_claims(),
    *int_claims(),
    pairs_claim(),
    *circular_claims(),
    *cross_claims(),
]

# As in jax/claims.py: the forward max(0, ⌊(L + P - K)/s⌋ + 1) is floor-affine where L + P >= K (every preimage of
# n >= 1), and the extra high pad a takes the values that keep the result in the preimage (claims cover the rest).
# padding=p: ConvTranspose gives the smallest preimage plus EXCESS = 4p - 2K + 2, so a + EXCESS must lie in [0, s).
# 'CIRCULAR' has no output padding: its forward is ⌈L/s⌉ written with the circular pads, its length n·s.
EXCESS = 4 * p - 2 * K + 2  # how far padding=p lands above the smallest preimage
DERIVATIONS: list[Derivation] = [
    *JC.lax_derivations(make_pair("SAME"), make_pair("VALID")),
    replace(
        Derivation.from_pair(
            make_pair("int padding"),
            accepts=sp.And(a + EXCESS >= 0, a + EXCESS < s, (n - 1) * s + K - 2 * p + a + EXCESS >= 1),
            floor_map=FloorAffine(2 * p - K, s, 1),
            witness=L - ((n - 1) * s + 2 * p - K + 2),
        ),
        assume=(L + 2 * p >= K,),
    ),
    Derivation.from_pair(make_pair("CIRCULAR"), floor_map=FloorAffine(-1, s, 1)),
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
