"""BVLC Caffe (HEAD 9b891540, code-read): the ``Convolution`` and ``Deconvolution`` layers, per spatial axis.

Caffe's Deconvolution has one length, ``s(n-1) + K - 2p`` (``K = d(k-1)+1``): no output padding, no
output size. Its forward Convolution divides in C ``int`` arithmetic, truncating toward zero, so a
padded input shorter than the kernel by less than ``s`` still has length 1 and by ``s .. 2s-1``
length 0; ``Blob::Reshape`` refuses only a negative length. The validity predicates are the model's
(derive.frameworks.caffe): ``kernel_size > 0``, ``stride > 0``, output length ``>= 0``. ``dilation``
is ``uint32`` and unchecked: ``dilation: 0`` is accepted and gives kernel extent 1, the lengths of
``kernel_size: 1``, so the claims (over ``d >= 1``) cover it through ``K``.
Input lengths ``n`` and ``L`` are >= 1 (except in family 6, where ``n = forward(L)`` may be 0).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import caffe as C
from derive.lengths import FloorAffine
from derive.script import main

# calls are pycaffe NetSpec layers (``from caffe import layers as L``) on a 1-D input blob

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p = sp.Symbol("p", integer=True, nonnegative=True)
K = d * (k - 1) + 1
T0 = s * (n - 1) + K - 2 * p  # the Deconvolution's only length
x = L + 2 * p - K  # the forward numerator
PARAMETERS = (n, k, s, p, d)


def forward(length):
    return C.conv_length(length, kernel_size=k, stride=s, pad=p, dilation=d)


def forward_accepts(length):
    return sp.And(length >= 1, F.holds(C.CONVOLUTION, length, kernel_size=k, stride=s, pad=p, dilation=d))


def accepts(at=None):
    return F.holds(C.DECONVOLUTION, n if at is None else at, kernel_size=k, stride=s, pad=p, dilation=d)


def param_text(v) -> str:
    return (
        f"convolution_param=dict(num_output=1, kernel_size={v['k']}, stride={v['s']}, pad={v['p']}, dilation={v['d']})"
    )


def deconv_call(v) -> str:
    return f"L.Deconvolution(L.Input(shape=dict(dim=[1, 1, {v['n']}])), {param_text(v)})"


def conv_call(v) -> str:
    return f"L.Convolution(L.Input(shape=dict(dim=[1, 1, {v['L']}])), {param_text(v)})"


PAIR = F.Pair(
    framework="caffe",
    mode="pad",
    n=n,
    L=L,
    forward=forward,
    transposed=lambda _: T0,
    accepts=lambda _: accepts(),
    forward_accepts=forward_accepts,
    call=deconv_call,
    inferred_word="Deconvolution",
    parameters=PARAMETERS,
)

NONEMPTY = replace(PAIR, assume=(T0 >= 1,))
# family 6 runs the Deconvolution on the forward output: show that input length in the call
ON_IMAGE = replace(PAIR, call=lambda v: deconv_call({**v, "n": F.value(forward(L), v)}))


claim = partial(F.claim, "caffe", "pad", call=deconv_call, parameters=(*PARAMETERS, L))


def shows_forward(v) -> str:
    return f"{conv_call(v)} has length {F.value(forward(L), v)}"


CLAIMS: list[Claim] = [
    F.monotone(PAIR),
    F.round_trip(PAIR, "proved", a=None),
    # n = 1, s >= 2: truncation maps T0 - 1 (a padded input one shorter than the kernel) to 1 as well
    F.minimal(PAIR, "refuted", iff=sp.And(T0 >= 1, sp.Or(n >= 2, sp.Eq(s, 1), sp.Eq(T0, 1)))),
    F.minimal(NONEMPTY, "refuted", iff=sp.Or(n >= 2, sp.Eq(s, 1), sp.Eq(T0, 1)), label="non-empty output"),
    F.maximal(PAIR, "refuted", iff=sp.And(sp.Eq(s, 1), T0 >= 1)),
    # family 4: Caffe cannot choose among the preimages; nothing is lost exactly when there is one
    claim(
        "the Deconvolution's length is the only preimage",
        "4 bijection",
        "no output padding is needed: T0 >= 1 and neither T0 - 1 nor T0 + 1 maps to n (preimages are intervals)",
        sp.And(
            T0 >= 1,
            sp.Eq(forward(T0), n),
            sp.Or(sp.Not(forward_accepts(T0 + 1)), sp.Ne(forward(T0 + 1), n)),
            sp.Or(sp.Not(forward_accepts(T0 - 1)), sp.Ne(forward(T0 - 1), n)),
        ),
        "refuted",
        iff=sp.And(sp.Eq(s, 1), T0 >= 1),
        assume=(accepts(),),
        call=lambda v: (
            f"{deconv_call(v)} gives {F.value(T0, v)}; "
            + "; ".join(
                f"forward({t}) = {F.value(forward(L), {**v, 'L': t})}"
                for t in (F.value(T0, v) - 1, F.value(T0, v), F.value(T0, v) + 1)
                if t >= 1
            )
        ),
    ),
    claim(
        "every length T0 + j (0 <= j < s) is a preimage",
        "4 bijection",
        "the s lengths T0 .. T0 + s - 1 all map back to n: the Deconvolution produces only the first",
        sp.Eq(forward(T0 + L - 1), n),
        "proved",
        assume=(accepts(), L <= s),
    ),
    # family 5: Blob::Reshape allows 0, so the Deconvolution may return an empty blob
    F.positive(PAIR, "refuted", iff=T0 >= 1),
    claim(
        "forward length is positive",
        "5 positive",
        "every Convolution Caffe accepts has output length >= 1",
        sp.Ge(forward(L), 1),
        "refuted",
        iff=x > -s,
        assume=(forward_accepts(L),),
        call=shows_forward,
    ),
    claim(
        "forward accepts every input",
        "5 positive",
        "Caffe's Convolution accepts every input length (the Blob check never fires)",
        forward_accepts(L),
        "refuted",
        iff=x > -2 * s,
        call=lambda v: f"{conv_call(v)} aborts: Check failed: shape[i] >= 0 ({F.value(forward(L), v)} vs. 0)",
    ),
    claim(
        "forward is floor((L + 2p - K)/s) + 1",
        "5 positive",
        "where Caffe accepts the input, its length is the floor formula other frameworks compute",
        sp.Eq(forward(L), sp.floor(x / s) + 1),
        "refuted",
        iff=sp.Or(x >= 0, sp.Eq(x, -s)),
        assume=(forward_accepts(L),),
        call=lambda v: f"{shows_forward(v)}, the floor formula {sp.floor(F.value(x, v) / v['s']) + 1}",
    ),
    claim(
        "forward is the truncating quotient for a short input",
        "5 positive",
        "a padded input shorter than the kernel by less than s has length 1; by s .. 2s - 1, length 0",
        sp.And(
            sp.Implies(sp.And(x < 0, x > -s), sp.Eq(forward(L), 1)),
            sp.Implies(sp.And(x <= -s, x > -2 * s), sp.Eq(forward(L), 0)),
        ),
        "proved",
        call=shows_forward,
    ),
    # family 6: also at forward(L) = 0 (x = -s), where the Deconvolution of an empty input gives L back
    F.inverse_of_forward(ON_IMAGE, "refuted", iff=sp.And(sp.Eq(sp.Mod(x, s), 0), x >= -s)),
]

# Caffe's forward length truncates toward zero: it is the floor formula ⌊(L + 2p - K)/s⌋ + 1 where the padded input
# covers the kernel, L + 2p >= K (below it n = 1 gains the truncation preimages: the "minimal" claims). No output
# padding: the derivation shows the Deconvolution's only length is the smallest preimage.
DERIVATIONS: list[Derivation] = [
    replace(Derivation.from_pair(PAIR, floor_map=FloorAffine(2 * p - K, s, 1)), assume=(x >= 0,)),
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
