"""Chainer 7.8.1 (live): ``chainer.functions.deconvolution_1d`` against ``convolution_1d``, per axis.

The forward convolution comes in two modes, ``cover_all=False`` (``⌊(L + 2p - dk)/s⌋ + 1``) and
``cover_all=True`` (``⌊(L + 2p - dk + s - 1)/s⌋ + 1``: the last partial window counts); both refuse a
length below 1. The transposed convolution has no output padding: its default length is
``D = s(n-1) + dk - 2p`` (refused unless ``D >= 1``), or ``outsize``, accepted when
``get_conv_outsize(outsize) <= n <= get_conv_outsize(outsize, cover_all=True)``, i.e. anywhere in
``[D - s + 1, D + s - 1]``: the union of the two modes' preimages of ``n``, so **also sizes below the
default**, which only a ``cover_all`` convolution maps back to ``n``. The validity predicates are the
model's (derive.frameworks.chainer); ``outsize >= 0``, ``dk = d(k-1) + 1``.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import chainer as CH
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p, X = sp.symbols("p X", integer=True, nonnegative=True)
dk = d * (k - 1) + 1
D = s * (n - 1) + dk - 2 * p  # the default length
x = L + 2 * p - dk  # the forward numerator (without cover_all)


def forward(length, cover_all: bool):
    return CH.conv_length(length, ksize=k, stride=s, pad=p, cover_all=cover_all, dilate=d)


def forward_accepts(length, cover_all: bool):
    return sp.And(
        length >= 1, F.holds(CH.CONVOLUTION_ND, length, ksize=k, stride=s, pad=p, cover_all=cover_all, dilate=d)
    )


def accepts(outsize=None, at=n):
    return F.holds(CH.DECONVOLUTION_ND, at, ksize=k, stride=s, pad=p, outsize=outsize, dilate=d)


def arrays(length) -> str:
    return f"numpy.ones((1, 1, {length}), 'f')"


def deconv_call(size: bool):
    def call(v) -> str:
        extra = f"outsize=({v['X']},), " if size else ""
        return (
            f"chainer.functions.deconvolution_1d({arrays(v['n'])}, numpy.ones((1, 1, {v['k']}), 'f'), "
            f"stride={v['s']}, pad={v['p']}, {extra}dilate={v['d']})"
        )

    return call


def conv_call(cover_all: bool):
    def call(v) -> str:
        return (
            f"chainer.functions.convolution_1d({arrays(v['L'])}, numpy.ones((1, 1, {v['k']}), 'f'), "
            f"stride={v['s']}, pad={v['p']}, cover_all={cover_all}, dilate={v['d']})"
        )

    return call


def pair(cover_all: bool, size: bool) -> F.Pair:
    mode = f"cover_all={cover_all}"
    return F.Pair(
        framework="chainer",
        mode=f"outsize, {mode}" if size else mode,
        n=n,
        L=L,
        a=X if size else None,
        forward=lambda length: forward(length, cover_all),
        transposed=(lambda size_: size_) if size else (lambda _: D),
        accepts=(lambda size_: accepts(size_)) if size else (lambda _: accepts()),
        forward_accepts=lambda length: forward_accepts(length, cover_all),
        call=deconv_call(size),
        inferred_word="outsize" if size else "default",
        parameters=(n, k, s, p, d, X) if size else (n, k, s, p, d),
    )


claim = partial(F.claim, "chainer", parameters=(n, k, s, p, d, X, L))


def default_claims(cover_all: bool) -> list[Claim]:
    P = pair(cover_all, size=False)
    mode = P.mode
    image = forward(L, cover_all)
    on_image = replace(P, call=lambda v: deconv_call(False)({**v, "n": F.value(image, v)}))
    claims = [
        F.monotone(P),
        F.round_trip(P, "proved", a=None),
        # without cover_all the default is the smallest preimage, with it the largest
        F.minimal(P, "proved") if not cover_all else F.minimal(P, "refuted", iff=sp.Or(sp.Eq(s, 1), sp.Eq(D, 1))),
        F.maximal(P, "refuted", iff=sp.Eq(s, 1)) if not cover_all else F.maximal(P, "proved"),
        F.positive(P, "proved"),
        F.inverse_of_forward(on_image, "refuted", iff=sp.Eq(sp.Mod(x, s), 0)),
    ]
    if not cover_all:
        claims.append(
            claim(
                mode,
                "the default call is accepted",
                "5 positive",
                "deconvolution_1d without outsize accepts every input (no 'Output sizes should be positive.')",
                accepts(),
                "refuted",
                iff=s * (n - 1) + dk > 2 * p,
                call=lambda v: f"{deconv_call(False)(v)} raises 'Output sizes should be positive.'",
            )
        )
    return claims


def outsize_claims() -> list[Claim]:
    Pf, Pt = pair(False, size=True), pair(True, size=True)
    call = deconv_call(True)
    mode = "outsize"
    both = sp.Or(
        sp.And(forward_accepts(X, False), sp.Eq(forward(X, False), n)),
        sp.And(forward_accepts(X, True), sp.Eq(forward(X, True), n)),
    )
    claims = [
        claim(
            mode,
            "accepted outsize set",
            "4 bijection",
            "Chainer accepts outsize X iff D - s + 1 <= X <= D + s - 1 (D the default length s(n-1) + dk - 2p)",
            sp.Equivalent(accepts(X), sp.And(D - s + 1 <= X, X <= D + s - 1)),
            "proved",
            call=call,
        ),
        claim(
            mode,
            "accepted outsize set is the union of both preimages",
            "4 bijection",
            "an outsize X >= 1 is accepted iff convolution_1d maps it to n with cover_all=False or with cover_all=True",
            sp.Equivalent(accepts(X), both),
            "proved",
            assume=(X >= 1,),
            call=call,
        ),
        claim(
            mode,
            "outsize below the default is refused",
            "4 bijection",
            "outsize = D - 1 (one below the default length) is refused",
            sp.Not(accepts(D - 1)),
            "refuted",
            iff=sp.Eq(s, 1),
            assume=(D >= 1,),
            call=lambda v: f"{call({**v, 'X': F.value(D - 1, v)})} is accepted, below the default {F.value(D, v)}",
        ),
        claim(
            mode,
            "an outsize is refused when the default is",
            "5 positive",
            "when deconvolution_1d refuses the default length (D <= 0), it refuses every outsize too",
            sp.Implies(sp.Not(accepts()), sp.Not(accepts(X))),
            "refuted",
            iff=sp.Or(D >= 1, X >= D + s),
            call=lambda v: (
                f"{call(v)} gives {v['X']}, but {deconv_call(False)(v)} raises 'Output sizes should be positive.'"
            ),
        ),
        claim(
            mode,
            "outsize 0 is refused",
            "5 positive",
            "deconvolution_1d refuses outsize=(0,) (an empty output)",
            sp.Not(accepts(0)),
            "refuted",
            iff=sp.Or(D >= s, D <= -s),
            call=lambda v: f"{call({**v, 'X': 0})} returns an empty array",
        ),
        # family 1: outsize below the default maps back only with cover_all, above it only without
        F.round_trip(Pf, "refuted", iff=sp.Or(sp.Not(forward_accepts(X, False)), X >= D)),
        F.round_trip(Pt, "refuted", iff=sp.Or(sp.Not(forward_accepts(X, True)), X <= D)),
    ]
    for cover_all, P in ((False, Pf), (True, Pt)):
        image = forward(L, cover_all)
        claims += [
            F.reaches_every_preimage(P, L, "proved", label="as outsize"),
            claim(
                P.mode,
                "forward input accepted as outsize",
                "6 inverse",
                "outsize = L is accepted on an input of length forward(L): the deconvolution restores L",
                accepts(L, at=image),
                "proved",
                assume=(forward_accepts(L, cover_all),),
                call=conv_call(cover_all),
            ),
        ]
    return claims


CLAIMS: list[Claim] = [*default_claims(False), *default_claims(True), *outsize_claims()]

# The default length D is the smallest preimage without cover_all and the largest with it. outsize accepts the union
# of both modes' preimages, so each outsize derivation takes the accepted sizes on its own side of D (a round-trip
# claim per mode covers the other side).
DERIVATIONS: list[Derivation] = [
    Derivation.from_pair(pair(False, size=False)),
    Derivation.from_pair(pair(True, size=False)),
    Derivation.from_pair(pair(False, size=True), accepts=sp.And(accepts(X), X >= D)),
    Derivation.from_pair(pair(True, size=True), accepts=sp.And(accepts(X), X <= D)),
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
