"""tinygrad 0.14.0 (live): ``Tensor.conv_transpose2d`` against ``Tensor.conv2d`` on one spatial axis.

The transposed length is ``(n-1)s + K - lo - hi + output_padding`` (``K = d(k-1)+1``) and **nothing
checks output_padding** (any integer, negative included) nor the sign of the pads: tinygrad refuses
only a negative pad that would crop more than the whole (stretched) input ("invalid shrink") and a
padded input shorter than the kernel ("kernel size cannot be greater than actual input size"), which
for the transposed convolution means a length below 1 (derive.frameworks.tinygrad). The forward
length is ``⌈(L + lo + hi - d(k-1))/s⌉``. Here ``lo``, ``hi`` and ``output_padding`` range over all
integers; the mode "padding >= 0" restates the families for the pads other frameworks accept.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import tinygrad as TG
from derive.lengths import FloorAffine
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
lo, hi, a = sp.symbols("lo hi a", integer=True)
K = d * (k - 1) + 1
T0 = (n - 1) * s + K - lo - hi  # the length with output_padding 0
x = L + lo + hi - K  # the forward numerator: forward(L) = ⌊x/s⌋ + 1
NONNEG = (lo >= 0, hi >= 0)


def forward(length):
    return TG.conv_length(length, kernel_size=k, stride=s, dilation=d, padding=(lo, hi))


def forward_accepts(length):
    return sp.And(length >= 1, F.holds(TG.CONV2D, length, kernel_size=k, stride=s, dilation=d, padding=(lo, hi)))


def transposed(op=0, at=n):
    return TG.conv_transpose_length(at, k, s, d, (lo, hi), op)


def accepts(op=0, at=n):
    return F.holds(TG.CONV_TRANSPOSE2D, at, kernel_size=k, stride=s, dilation=d, padding=(lo, hi), output_padding=op)


def transpose_call(v) -> str:
    return (
        f"Tensor.ones(1, 1, {v['n']}).conv_transpose2d(Tensor.ones(1, 1, {v['k']}), stride={v['s']}, "
        f"dilation={v['d']}, padding=({v['lo']}, {v['hi']}), output_padding={v.get('a', 0)}).shape"
    )


def conv_call(v) -> str:
    return (
        f"Tensor.ones(1, 1, {v['L']}).conv2d(Tensor.ones(1, 1, {v['k']}), stride={v['s']}, dilation={v['d']}, "
        f"padding=({v['lo']}, {v['hi']})).shape"
    )


def pair(nonneg: bool) -> F.Pair:
    return F.Pair(
        framework="tinygrad",
        mode="padding >= 0" if nonneg else "padding (lo, hi)",
        n=n,
        L=L,
        a=a,
        forward=forward,
        transposed=lambda op: transposed(0 if op is None else op),
        accepts=lambda op: accepts(0 if op is None else op),
        forward_accepts=forward_accepts,
        assume=NONNEG if nonneg else (),
        call=transpose_call,
        inferred_word="default (output_padding=0)",
        parameters=(n, k, s, d, lo, hi),
    )


claim = partial(F.claim, "tinygrad", call=transpose_call, parameters=(n, k, s, d, lo, hi, a, L))


def mode_claims(nonneg: bool) -> list[Claim]:
    P = pair(nonneg)
    mode = P.mode
    pads = NONNEG if nonneg else ()
    T = T0 + a
    image = forward(L)
    on_image = replace(P, call=lambda v: transpose_call({**v, "n": F.value(image, v)}))
    back = forward(T)
    restore = L - T0.xreplace({n: image})  # = (L + lo + hi - K) mod s, in the form of tinygrad's own length
    claims = [
        F.monotone(P),
        # tinygrad accepts every output_padding: only 0 <= a < s maps back
        F.round_trip(P, "refuted", iff=sp.Or(sp.Not(forward_accepts(T)), sp.And(a >= 0, a < s))),
        F.round_trip(P, "proved", a=None, label="default"),
        F.minimal(P, "proved"),
        F.maximal(P, "refuted", iff=sp.Eq(s, 1)),
        # the stretched input is cropped by lo - d(k-1) before output_padding extends the other end: when
        # lo > (n-1)s + K that crop exceeds the input ("invalid shrink") whatever the output_padding
        replace(
            F.reaches_every_preimage(
                P, L - T0, "refuted", iff=sp.Implies(sp.And(forward_accepts(L), sp.Eq(forward(L), n)), T0 + hi >= 0)
            ),
            call=lambda v: (
                f"{conv_call(v)} gives {v['n']}, but "
                f"{transpose_call({**v, 'a': F.value(L - T0, v)})} (length {v['L']}) raises 'invalid shrink'"
            ),
        ),
        F.positive(P, "proved", a=a, label="any output_padding"),
        # s divides L + lo + hi - K (stated with ceiling, the form of tinygrad's own length, which Z3 decides fast)
        F.inverse_of_forward(on_image, "refuted", iff=sp.Eq(s * sp.ceiling(x / s), x), label="output_padding=0"),
        F.inverse_of_forward(on_image, "proved", a=sp.Mod(x, s), label="output_padding=(L+lo+hi-K) mod s"),
        # family 6 assumes the call is accepted; whether it is: the stretched input is cropped by lo - d(k-1)
        # before output_padding extends the other end, so lo must not exceed s(forward(L) - 1) + K
        claim(
            mode,
            "the output_padding giving L is accepted on forward(L)",
            "6 inverse",
            "conv_transpose2d accepts forward(L) with output_padding L - T0 = (L+lo+hi-K) mod s, which gives L",
            accepts(restore, at=image),
            "refuted",
            iff=lo <= s * (image - 1) + K,
            assume=(*pads, forward_accepts(L)),
            call=lambda v: (
                f"{conv_call(v)} gives {F.value(image, v)}; "
                f"{transpose_call({**v, 'n': F.value(image, v), 'a': F.value(restore, v)})} raises 'invalid shrink'"
            ),
        ),
        claim(
            mode,
            "output_padding >= stride breaks the round trip",
            "1 round trip",
            "an output_padding a >= stride (which tinygrad accepts) never maps back: forward gives n + ⌊a/s⌋",
            sp.And(sp.Ne(back, n), sp.Eq(back, n + sp.floor(a / s))),
            "proved",
            assume=(*pads, accepts(a), forward_accepts(T), a >= s),
        ),
        claim(
            mode,
            "negative output_padding breaks the round trip",
            "1 round trip",
            "a negative output_padding (which tinygrad accepts) never maps back where the forward accepts it",
            sp.Ne(back, n),
            "proved",
            assume=(*pads, accepts(a), forward_accepts(T), a < 0),
        ),
        claim(
            mode,
            "output_padding is unchecked",
            "4 bijection",
            "every output_padding a >= 0 is accepted wherever output_padding=0 is (no check against stride)",
            accepts(a),
            "proved",
            assume=(*pads, accepts(0), a >= 0),
        ),
    ]
    return claims


def pad_claims() -> list[Claim]:
    mode = "padding (lo, hi)"
    return [
        claim(
            mode,
            "forward accepts every input",
            "5 positive",
            "conv2d accepts every input length with any padding",
            forward_accepts(L),
            "refuted",
            iff=sp.And(L + lo >= 0, L + hi >= 0, x >= 0),
            call=lambda v: f"{conv_call(v)} raises",
        ),
        claim(
            mode,
            "forward is floor((L + lo + hi - K)/s) + 1",
            "5 positive",
            "where tinygrad accepts the input, ⌈(L + lo + hi - d(k-1))/s⌉ is the usual floor formula",
            sp.Eq(forward(L), sp.floor(x / s) + 1),
            "proved",
            assume=(forward_accepts(L),),
            call=conv_call,
        ),
        claim(
            mode,
            "the default call is accepted",
            "5 positive",
            "conv_transpose2d with output_padding=0 accepts every input length and padding",
            accepts(),
            "refuted",
            iff=sp.And(T0 >= 1, T0 + lo >= 0, T0 + hi >= 0),
            call=lambda v: f"{transpose_call(v)} raises",
        ),
    ]


CLAIMS: list[Claim] = [*mode_claims(False), *mode_claims(True), *pad_claims()]

# Nothing checks output_padding: the derivations take 0 <= a < s, the paddings that stay in the preimage ("round
# trip" covers the others, and "reaches every preimage" the "invalid shrink" that refuses every call when
# lo > (n-1)s + K). The forward ⌈(L + lo + hi - d(k-1))/s⌉ is read as ⌊(L + lo + hi - K)/s⌋ + 1.
DERIVATIONS: list[Derivation] = [
    Derivation.from_pair(pair(nonneg), accepts=sp.And(a >= 0, a < s), floor_map=FloorAffine(lo + hi - K, s, 1))
    for nonneg in (True, False)
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
