"""Lasagne 0.2.dev1 on Theano 1.0.5 (live, once): ``TransposedConv2DLayer`` against ``Conv2DLayer``, per axis.

``crop`` names the padding of the *forward* convolution being transposed (derive.frameworks.lasagne):
an int ``c``, ``'valid'`` (0), ``'full'`` (``k-1``) or ``'same'`` (``k//2``, odd ``k`` only). So the pairs
below, ``Conv2DLayer(pad=m)`` and ``TransposedConv2DLayer(crop=m)``, use the same word ``m``, and the
**naming inversion** is about lengths: ``crop='valid'`` crops nothing and gives the largest output
``(n-1)s + k`` (a "full" convolution's length at stride 1), ``crop='full'`` the smallest. The default
length is ``(n-1)s - 2 crop + k``; ``output_size`` is used verbatim when Theano's ``CorrMM`` maps it back
to ``n``. Theano refuses a forward or default length below 1. Lasagne's layers take no dilation.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import lasagne as LA
from derive.script import main

n, L, k, s, X = sp.symbols("n L k s X", integer=True, positive=True)
c = sp.Symbol("c", integer=True, nonnegative=True)
MODES = {"int crop": c, "valid": "valid", "full": "full", "same": "same"}
AMOUNT = {"int crop": c, "valid": 0, "full": k - 1, "same": sp.floor(k / 2)}
ODD = sp.Eq(sp.Mod(k, 2), 1)


def default_length(mode: str, crop=None):
    return (n - 1) * s - 2 * (AMOUNT[mode] if crop is None else crop) + k


def forward(mode: str, length):
    return LA.conv_length(length, filter_size=k, stride=s, pad=MODES[mode])


def forward_accepts(mode: str, length):
    return sp.And(length >= 1, F.holds(LA.CONV2D_LAYER, length, filter_size=k, stride=s, pad=MODES[mode]))


def accepts(mode: str, size=None, at=n):
    return F.holds(LA.TRANSPOSED_CONV2D_LAYER, at, filter_size=k, stride=s, crop=MODES[mode], output_size=size)


def mode_text(mode: str, v) -> str:
    return str(v["c"]) if mode == "int crop" else repr(mode)


def layer_call(mode: str, size: bool, crop: str | None = None):
    def call(v) -> str:
        extra = f", output_size={v['X']}" if size else ""
        return (
            f"lasagne.layers.TransposedConv2DLayer(lasagne.layers.InputLayer((1, 1, 1, {v['n']})), 1, "
            f"(1, {v['k']}), stride=(1, {v['s']}), crop={crop or mode_text(mode, v)}{extra}).output_shape"
        )

    return call


def conv_call(mode: str, pad: str | None = None):
    def call(v) -> str:
        return (
            f"lasagne.layers.Conv2DLayer(lasagne.layers.InputLayer((1, 1, 1, {v['L']})), 1, (1, {v['k']}), "
            f"stride=(1, {v['s']}), pad={pad or mode_text(mode, v)}).output_shape"
        )

    return call


def parameters(mode: str):
    return (n, k, s, c) if mode == "int crop" else (n, k, s)


def pair(mode: str, size: bool) -> F.Pair:
    return F.Pair(
        framework="lasagne",
        mode=f"{mode}, output_size" if size else mode,
        n=n,
        L=L,
        a=X if size else None,
        forward=lambda length: forward(mode, length),
        transposed=(lambda sz: sz) if size else (lambda _: default_length(mode)),
        accepts=(lambda sz: accepts(mode, sz)) if size else (lambda _: accepts(mode)),
        forward_accepts=lambda length: forward_accepts(mode, length),
        # 'same' needs an odd filter_size in both layers
        assume=(ODD,) if mode == "same" else (),
        call=layer_call(mode, size),
        inferred_word="output_size" if size else "default",
        parameters=(*parameters(mode), X) if size else parameters(mode),
    )


claim = partial(F.claim, "lasagne", parameters=(n, k, s, c, X, L))


def mode_claims(mode: str) -> list[Claim]:
    P, Sz = pair(mode, False), pair(mode, True)
    T0 = default_length(mode)
    x = L + 2 * AMOUNT[mode] - k
    image = forward(mode, L)
    on_image = replace(P, call=lambda v: layer_call(mode, False)({**v, "n": F.value(image, v)}))
    odd = (ODD,) if mode == "same" else ()
    claims = [
        F.monotone(P),
        F.round_trip(P, "proved", a=None),
        F.minimal(P, "proved"),
        F.maximal(P, "refuted", iff=sp.Eq(s, 1)),
        F.positive(P, "proved"),
        F.inverse_of_forward(on_image, "refuted", iff=sp.Eq(sp.Mod(x, s), 0)),
        F.round_trip(Sz, "proved"),
        F.reaches_every_preimage(Sz, L, "proved", label="as output_size"),
        claim(
            Sz.mode,
            "accepted output_size set",
            "4 bijection",
            "Theano accepts output_size X iff L0 <= X <= L0 + s - 1, L0 = (n-1)s - 2 crop + k the default",
            sp.Equivalent(accepts(mode, X), sp.And(T0 <= X, X <= T0 + s - 1)),
            "proved",
            assume=odd,
            call=layer_call(mode, True),
        ),
        claim(
            Sz.mode,
            "forward input accepted as output_size",
            "6 inverse",
            "output_size = L is accepted on an input of length forward(L): the layer restores L",
            accepts(mode, L, at=image),
            "proved",
            assume=(*odd, forward_accepts(mode, L)),
            call=conv_call(mode),
        ),
    ]
    # family 5: Theano refuses a default length below 1 ('full' and large int crops reach it)
    never = mode in ("valid", "same")
    claims.append(
        claim(
            mode,
            "the default call is accepted",
            "5 positive",
            "TransposedConv2DLayer without output_size accepts every input length",
            accepts(mode),
            "proved" if never else "refuted",
            iff=None if never else T0 >= 1,
            assume=odd,
            call=lambda v: f"{layer_call(mode, False)(v)} fails in Theano: default length {F.value(T0, v)}",
        )
    )
    # the forward layer refuses a length below 1 (Theano's "impossible output shape" / "shape inconsistency")
    short = mode in ("int crop", "valid")
    claims.append(
        claim(
            mode,
            "forward accepts every input",
            "5 positive",
            "Conv2DLayer accepts every input length (its length is >= 1)",
            forward_accepts(mode, L),
            "refuted" if short else "proved",
            iff=x >= 0 if short else None,
            assume=odd,
            call=lambda v: f"{conv_call(mode)(v)} fails in Theano: length {F.value(forward(mode, L), v)}",
        )
    )
    return claims


def naming_claims() -> list[Claim]:
    mode = "crop naming"
    return [
        claim(
            mode,
            "crop='valid' is a full convolution at stride 1",
            "7 cross-framework",
            "at stride 1, crop='valid' gives Conv2DLayer(pad='full')'s length n + k - 1, crop='full' pad='valid''s",
            sp.And(
                sp.Eq(default_length("valid"), LA.conv_length(n, k, s, "full")),
                sp.Implies(n >= k, sp.Eq(default_length("full"), LA.conv_length(n, k, s, "valid"))),
            ),
            "proved",
            assume=(sp.Eq(s, 1),),
        ),
        claim(
            mode,
            "crop='valid' gives the largest output",
            "7 cross-framework",
            "for odd k, crop='valid' >= crop='same' >= crop='full' (and 'valid' >= every int crop)",
            sp.And(
                default_length("valid") >= default_length("same"),
                default_length("same") >= default_length("full"),
                default_length("valid") >= default_length("int crop"),
            ),
            "proved",
            assume=(ODD,),
        ),
        claim(
            mode,
            "crop='valid' gives the full-convolution length n + k - 1",
            "7 cross-framework",
            "TransposedConv2DLayer(crop='valid') has the length n + k - 1 of a 'full' convolution",
            sp.Eq(default_length("valid"), n + k - 1),
            "refuted",
            iff=sp.Or(sp.Eq(s, 1), sp.Eq(n, 1)),
            call=lambda v: (
                f"{layer_call('valid', False, crop=repr('valid'))(v)} gives "
                f"{F.value(default_length('valid'), v)}, not n + k - 1 = {v['n'] + v['k'] - 1}"
            ),
        ),
        claim(
            mode,
            "crop='same' gives n·s",
            "7 cross-framework",
            "TransposedConv2DLayer(crop='same') has TensorFlow's 'same' length n·s",
            sp.Eq(default_length("same"), n * s),
            "refuted",
            iff=sp.Eq(s, 1),
            assume=(ODD,),
            call=lambda v: (
                f"{layer_call('same', False, crop=repr('same'))(v)} gives "
                f"{F.value(default_length('same'), v)}, not n·s = {v['n'] * v['s']}"
            ),
        ),
    ]


CLAIMS: list[Claim] = [*(c_ for m in MODES for c_ in mode_claims(m)), *naming_claims()]

# crop c and the modes: the default length is the smallest preimage; output_size accepts exactly the preimage
# ('same' for the odd filter sizes it takes, the pair's assumption).
DERIVATIONS: list[Derivation] = [Derivation.from_pair(pair(m, size)) for m in MODES for size in (False, True)]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
