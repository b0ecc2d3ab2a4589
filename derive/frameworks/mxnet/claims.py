"""Apache MXNet 1.9.1 (live): ``mx.nd.Deconvolution`` against ``mx.nd.Convolution``, per spatial axis.

Three transposed modes (derive.frameworks.mxnet): ``pad`` + ``adj`` (length ``s(n-1) + K - 2 pad + adj``,
``adj <= stride - 1`` by the "samller than stride" check, a length of 0 returned as an empty tensor);
``target_shape`` with MXNet's own CPU kernels (``MXNET_MKLDNN_ENABLED=0``: InferPad derives
``pad = ⌈(s(n-1)+K-target)/2⌉`` and ``adj`` = the crop's parity, and the given ``pad`` is ignored);
and ``target_shape`` on the oneDNN pip build, which builds its primitive from the *given* ``pad``
and refuses a target its own truncating forward rule does not map back to ``n``. Without
``target_shape`` both builds accept the same calls. The forward convolution of every pair is
``mx.nd.Convolution`` with the same ``pad`` (``K = d(k-1)+1 <= L + 2 pad`` required); for the
target modes the Convolution with InferPad's derived pad is checked too. ``target_shape`` 0 means
"not set", so a target is >= 1 here. Calls end in ``.asnumpy()``: MXNet runs asynchronously, and the
oneDNN refusal comes only when the result is computed (shape inference alone accepts the target).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import mxnet as M
from derive.script import main

n, L, k, s, d, X = sp.symbols("n L k s d X", integer=True, positive=True)
p, a = sp.symbols("p a", integer=True, nonnegative=True)
K = d * (k - 1) + 1
FULL = s * (n - 1) + K  # InferPad's uncropped length o: the largest accepted target
T0 = FULL - 2 * p  # the length with adj = 0
x = L + 2 * p - K  # the forward numerator


def forward(length, pad=p):
    return M.conv_length(length, kernel=k, stride=s, dilate=d, pad=pad)


def forward_accepts(length, pad=p):
    return sp.And(length >= 1, F.holds(M.CONVOLUTION, length, kernel=k, stride=s, dilate=d, pad=pad))


def accepts(adj=0, target=None, onednn=False, at=None, exclude=()):
    op = M.DECONVOLUTION_ONEDNN if onednn else M.DECONVOLUTION
    return F.holds(
        op,
        n if at is None else at,
        exclude=exclude,
        kernel=k,
        stride=s,
        dilate=d,
        pad=p,
        adj=adj,
        target_shape=target,
    )


def infer_pad(target):
    """The pad InferPad derives from a target: ⌈crop/2⌉ for the crop s(n-1)+K-target."""
    return sp.floor((FULL - target + 1) / 2)


def nd(length) -> str:
    return f"mx.nd.ones((1, 1, {length}))"


def deconv_call(v, extra: str, onednn: bool = False) -> str:
    env = "" if onednn else "with MXNET_MKLDNN_ENABLED=0: "
    return (
        f"{env}mx.nd.Deconvolution({nd(v['n'])}, {nd(v['k'])}, kernel=({v['k']},), stride=({v['s']},), "
        f"dilate=({v['d']},), pad=({v['p']},), {extra}, num_filter=1, no_bias=True).asnumpy().shape"
    )


def with_adj(v) -> str:
    return deconv_call(v, f"adj=({v.get('a', 0)},)", onednn=True)


def with_target(onednn: bool):
    return lambda v: deconv_call(v, f"target_shape=({v['X']},)", onednn)


def conv_call(v, pad=None) -> str:
    return (
        f"mx.nd.Convolution({nd(v['L'])}, {nd(v['k'])}, kernel=({v['k']},), stride=({v['s']},), "
        f"dilate=({v['d']},), pad=({v['p'] if pad is None else pad},), num_filter=1, no_bias=True)"
    )


ADJ = F.Pair(
    framework="mxnet",
    mode="pad, adj",
    n=n,
    L=L,
    a=a,
    forward=forward,
    transposed=lambda adj: M.conv_transpose_length(n, k, s, d, p, 0 if adj is None else adj),
    accepts=lambda adj: accepts(0 if adj is None else adj),
    forward_accepts=forward_accepts,
    call=with_adj,
    inferred_word="default (adj=0)",
    parameters=(n, k, s, d, p),
)


def target_pair(onednn: bool) -> F.Pair:
    return F.Pair(
        framework="mxnet",
        mode="target_shape, oneDNN" if onednn else "target_shape",
        n=n,
        L=L,
        a=X,
        forward=forward,
        transposed=lambda target: target,  # the Deconvolution returns the target it accepted
        accepts=lambda target: accepts(target=target, onednn=onednn),
        forward_accepts=forward_accepts,
        call=with_target(onednn),
        inferred_word="target",
        parameters=(n, k, s, d, p, X),
    )


claim = partial(F.claim, "mxnet", parameters=(n, k, s, d, p, a, X, L))


def adj_claims() -> list[Claim]:
    P = ADJ
    mode = P.mode
    on_image = replace(P, call=lambda v: with_adj({**v, "n": F.value(forward(L), v)}))
    length = T0 + a
    return [
        F.monotone(P),
        F.round_trip(P, "proved"),
        F.round_trip(P, "proved", a=None, label="default"),
        F.minimal(P, "refuted", iff=T0 >= 1),
        F.maximal(P, "refuted", iff=sp.And(sp.Eq(s, 1), T0 >= 1)),
        F.reaches_every_preimage(P, L - T0, "proved"),
        # an output length of 0 is an empty tensor; -1 is refused only after shape inference
        F.positive(P, "refuted", iff=T0 + a >= 1, a=a),
        claim(
            mode,
            "shape inference refuses every negative length",
            "5 positive",
            "MXNet's shape inference (before the backend) accepts only output lengths >= 0",
            sp.Ge(length, 0),
            "refuted",
            iff=sp.Ne(length, -1),
            assume=(accepts(a, exclude=("output length != -1",)),),
            call=lambda v: f"{with_adj(v)}: shape inference gives -1 ('unknown'), the backend then refuses it",
        ),
        claim(
            mode,
            "adj is bounded by the stride alone",
            "4 bijection",
            "MXNet accepts adj exactly when adj <= stride - 1 and the length is >= 0 (dilation plays no part)",
            sp.Equivalent(accepts(a), sp.And(a < s, length >= 0)),
            "proved",
            call=with_adj,
        ),
        claim(
            mode,
            "oneDNN and native accept the same pad/adj calls",
            "7 cross-framework",
            "without target_shape, the oneDNN build accepts a call iff MXNET_MKLDNN_ENABLED=0 does (same length)",
            sp.Equivalent(accepts(a, onednn=True), accepts(a)),
            "proved",
            call=with_adj,
        ),
        F.inverse_of_forward(on_image, "refuted", iff=sp.Eq(sp.Mod(x, s), 0), label="adj=0"),
        F.inverse_of_forward(on_image, "proved", a=sp.Mod(x, s), label="adj=(L+2p-K) mod s"),
    ]


def target_claims(onednn: bool) -> list[Claim]:
    P = target_pair(onednn)
    mode = P.mode
    call = with_target(onednn)
    on_image = replace(P, call=lambda v: call({**v, "n": F.value(forward(L), v), "X": v["L"]}))
    preimage = sp.And(forward_accepts(L), sp.Eq(forward(L), n))
    native_set = sp.And(X <= FULL, sp.Or(s >= 2, sp.Eq(sp.Mod(FULL - X, 2), 0)))
    derived = infer_pad(X)
    claims = [
        claim(
            mode,
            "accepted target_shape set",
            "4 bijection",
            "MXNet (native) accepts target X iff X <= s(n-1)+K and, for stride 1, X has the parity of n+K-1",
            sp.Equivalent(accepts(target=X), native_set),
            "proved",
            call=call,
        ),
        # family 1 with the forward convolution of the *given* pad (which target_shape overrides)
        F.round_trip(
            P,
            "proved" if onednn else "refuted",
            iff=None if onednn else sp.Or(sp.Not(forward_accepts(X)), sp.And(T0 <= X, X <= T0 + s - 1)),
            label="Convolution with the given pad",
        ),
        claim(
            mode,
            "round trip (Convolution with InferPad's pad)",
            "1 round trip",
            "every accepted target maps back to n under the Convolution with pad ⌈(s(n-1)+K-X)/2⌉",
            sp.And(forward_accepts(X, derived), sp.Eq(forward(X, derived), n)),
            "proved",
            assume=(accepts(target=X, onednn=onednn),),
            call=lambda v: f"{call(v)}, then {conv_call({**v, 'L': v['X']}, F.value(derived, v))}",
        ),
        # family 4: a target cannot exceed the uncropped length, so large preimages are out of reach
        replace(
            F.reaches_every_preimage(
                P, L, "refuted", iff=sp.Implies(preimage, L <= FULL), label="Convolution with the given pad"
            ),
            call=lambda v: (
                f"{conv_call(v)} gives {F.value(forward(L), v)}, but {call({**v, 'X': v['L']})} raises "
                "'too big target shape'"
            ),
        ),
        # family 6: the forward input as target on the forward output (too big when its crop exceeds 2p)
        claim(
            mode,
            "forward input accepted as target_shape",
            "6 inverse",
            "target_shape = L is accepted on an input of length forward(L): the Deconvolution restores L",
            accepts(target=L, onednn=onednn, at=forward(L)),
            "refuted",
            iff=sp.Mod(x, s) <= 2 * p,
            assume=(forward_accepts(L),),
            call=lambda v: f"{conv_call(v)} gives {F.value(forward(L), v)}; {on_image.call(v)} raises",
        ),
    ]
    if not onednn:
        claims.append(
            claim(
                mode,
                "every target up to s(n-1)+K is accepted",
                "4 bijection",
                "each target 1 <= X <= s(n-1)+K is accepted (the crop symmetric plus one-sided adj)",
                accepts(target=X),
                "refuted",
                # stride 1: an odd crop needs adj = 1 > stride - 1 ("adj(x) must be samller than stride[0]")
                iff=sp.Or(s >= 2, sp.Eq(sp.Mod(FULL - X, 2), 0)),
                assume=(X <= FULL,),
                call=lambda v: f"{call(v)} raises 'adj(x) must be samller than stride[0]'",
            )
        )
    else:
        near = sp.And(sp.Eq(n, 1), K - 2 * p - s < X, X < K - 2 * p)
        claims += [
            claim(
                mode,
                "accepted target_shape set (oneDNN)",
                "4 bijection",
                "oneDNN accepts target X iff native MXNet does and X is a preimage of n under the Convolution "
                "with the given pad, or n = 1 and K-2p-s < X < K-2p (truncation)",
                sp.Equivalent(
                    accepts(target=X, onednn=True), sp.And(native_set, sp.Or(sp.And(T0 <= X, X <= T0 + s - 1), near))
                ),
                "proved",
                call=call,
            ),
            claim(
                mode,
                "oneDNN accepts every target native MXNet accepts",
                "7 cross-framework",
                "the default pip build (oneDNN) accepts each target the native kernels accept",
                accepts(target=X, onednn=True),
                "refuted",
                iff=sp.Or(sp.And(T0 <= X, X <= T0 + s - 1), near),
                assume=(accepts(target=X),),
                call=lambda v: f"{call(v)} raises, {with_target(False)(v)} gives {v['X']}",
            ),
            claim(
                mode,
                "oneDNN targets are accepted by the Convolution with the given pad",
                "1 round trip",
                "every target oneDNN accepts is an input the Convolution with the given pad accepts",
                forward_accepts(X),
                "refuted",
                iff=sp.Or(n >= 2, X + 2 * p >= K),
                assume=(accepts(target=X, onednn=True),),
                call=lambda v: (
                    f"{call(v)} gives {v['X']}, but {conv_call({**v, 'L': v['X']})} raises 'kernel size exceed input'"
                ),
            ),
        ]
    return claims


CLAIMS: list[Claim] = [*adj_claims(), *target_claims(onednn=False), *target_claims(onednn=True)]

# pad + adj: the "samller than stride" check keeps adj in the preimage. target_shape has no derivation against one
# forward convolution: native MXNet ignores the given pad (InferPad derives a pad from the target, so the forward
# depends on X), and neither build reaches the preimages above s(n-1) + K ("reaches every preimage" is refuted).
DERIVATIONS: list[Derivation] = [Derivation.from_pair(ADJ)]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
