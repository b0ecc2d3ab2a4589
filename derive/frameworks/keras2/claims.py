"""Keras 2 / tf.keras (tf-keras 2.21.0 on tensorflow-cpu 2.21.0) and classic Keras 2.2.4 ``deconv_length``.

``tf_keras.src.utils.conv_utils.deconv_output_length`` (derive.frameworks.keras2), with K = d(k-1)+1:
output_padding None: 'valid' ``n·s + max(K - s, 0)``, 'full' ``n·s - (s + K - 2)``, 'same' ``n·s``;
given: ``(n-1)s + K - 2·pad + op`` with pad ``K//2`` ('same'), 0 ('valid'), ``K - 1`` ('full').
The helper checks nothing (any output_padding >= 0, any stride); its forward partner is
``conv_output_length`` (``⌈m/s⌉``, m = n, n-K+1, n+K-1). The layers ``tf.keras.layers.Conv1DTranspose``
/ ``Conv1D`` add the checks ``output_padding < strides`` and no ``strides > 1`` with ``dilation_rate > 1``;
``Conv1D`` lets a 0 length through (the layer claims have modes "valid" and "same"). On the
tensorflow backend (``backend="tensorflow"``, CPU) the layer hands its length to
``tf.nn.conv1d_transpose`` as ``output_shape``.

Classic Keras 2.2.4 ``keras.utils.conv_utils.deconv_length`` (code-read; 2.0-2.2.0 without
output_padding/dilation) is the same function with the arguments in another order.
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import keras2 as K2
from derive.frameworks import tensorflow as T
from derive.frameworks.keras._claims import Layer
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
a = sp.Symbol("a", integer=True, nonnegative=True)
K = d * (k - 1) + 1
odd = sp.Eq(sp.Mod(K, 2), 1)
HELPER_MODES = ("valid", "same", "full")


LAYER = Layer(
    "keras2",
    K2,
    "tf.keras.layers",
    lambda backend: "called on a tensor (tensorflow, CPU)",
    (n, L, k, s, d, a),
    (n, k, s, d, a),
)
restores_valid, layer_accepts, layer_length, layer_forward, layer_forward_accepts = (
    LAYER.restores_valid,
    LAYER.accepts,
    LAYER.length,
    LAYER.forward,
    LAYER.forward_accepts,
)
layer_call, layer_pair, layer_claim = LAYER.call, LAYER.pair, LAYER.claim


def helper_length(mode: str, op, at=None, dilation=1):
    return K2.deconv_output_length(n if at is None else at, k, mode, op, s, dilation)


def helper_forward(mode: str, x, dilation=1):
    return K2.conv_output_length(x, k, mode, s, dilation)


def helper_call(mode: str, op_text: str):
    def call(v) -> str:
        op = v.get("a", 0) if op_text == "a" else op_text
        return (
            f"tf_keras.src.utils.conv_utils.deconv_output_length({v['n']}, {v['k']}, padding='{mode}', "
            f"output_padding={op}, stride={v['s']})"
        )

    return call


def helper_pair(mode: str, given: bool) -> F.Pair:
    return F.Pair(
        framework="keras2",
        mode=f"deconv_output_length {mode}",
        n=n,
        L=L,
        a=a,
        forward=lambda x: helper_forward(mode, x),
        transposed=lambda op: helper_length(mode, op),
        # the helper checks nothing: every output_padding >= 0 is taken; a forward input is one with an output
        # ("conv_output_length is positive": for 'valid' exactly L >= K, for 'same' and 'full' every L >= 1)
        forward_accepts=lambda x: x >= k if mode == "valid" else x >= 1,
        call=helper_call(mode, "a" if given else "None"),
        parameters=(n, k, s, a) if given else (n, k, s),
    )


def reduction_claims() -> list[Claim]:
    """The helpers see kernel and dilation only through K = k + (k-1)(d-1): the claims below take d = 1."""
    claims = []
    for mode in HELPER_MODES:
        for op, label in ((None, "output_padding=None"), (a, "output_padding given")):
            claims.append(
                Claim(
                    name=f"depends on kernel and dilation only through K ({label})",
                    framework="keras2",
                    mode=f"deconv_output_length {mode}",
                    statement="deconv_output_length(n, k, padding, op, s, d) = deconv_output_length(n, K, padding, "
                    "op, s, 1), and conv_output_length likewise: claims at dilation 1 cover every dilation",
                    proposition=sp.And(
                        sp.Eq(helper_length(mode, op, dilation=d), helper_length(mode, op).subs(k, K)),
                        sp.Eq(helper_forward(mode, L, dilation=d), helper_forward(mode, L).subs(k, K)),
                    ),
                    expect="proved",
                    family="8 convolution arithmetic",
                    parameters=(n, k, s, d, a),
                )
            )
    return claims


def helper_claims() -> list[Claim]:
    """Over kernel k at dilation 1 (see reduction_claims): K = k."""
    K = k
    odd = sp.Eq(sp.Mod(K, 2), 1)
    claims: list[Claim] = [
        Claim(
            name="conv_output_length is positive",
            framework="keras2",
            mode=f"deconv_output_length {mode}",
            statement="conv_output_length(L, k, padding, s) >= 1 for every input length L >= 1",
            proposition=sp.Ge(helper_forward(mode, L), 1),
            expect="refuted" if mode == "valid" else "proved",
            iff=L >= K if mode == "valid" else None,
            assume=(L >= 1,),
            call=lambda v, mode=mode: (
                f"tf_keras.src.utils.conv_utils.conv_output_length({v['L']}, {v['k']}, '{mode}', {v['s']}) = "
                f"{F.value(helper_forward(mode, L), v)}"
            ),
            family="5 positive",
            parameters=(L, k, s),
        )
        for mode in HELPER_MODES
    ]
    none = "output_padding=None"
    given = "output_padding given"
    V, Vg = helper_pair("valid", False), helper_pair("valid", True)
    claims += [
        F.monotone(V),
        F.round_trip(V, "proved", a=None, label=none),
        F.minimal(V, "refuted", iff=K >= s, label=none),
        F.maximal(V, "refuted", iff=sp.Or(sp.Eq(s, 1), sp.Eq(K, 1)), label=none),
        F.positive(V, "proved", label=none),
        F.inverse_of_forward(V, "refuted", iff=restores_valid(K), label=none),
        # no output_padding < stride check in the helper
        F.round_trip(Vg, "refuted", iff=a < s, label=given),
        F.reaches_every_preimage(Vg, L - (n - 1) * s - K, "proved", label=given),
        F.positive(Vg, "proved", a=a, label=given),
        F.inverse_of_forward(Vg, "proved", a=sp.Mod(L - K, s), label="output_padding (L - K) mod s"),
    ]
    S, Sg = helper_pair("same", False), helper_pair("same", True)
    parity = sp.Mod(K, 2)
    claims += [
        F.monotone(S),
        F.round_trip(S, "proved", a=None, label=none),
        F.minimal(S, "refuted", iff=sp.Eq(s, 1), label=none),
        F.maximal(S, "proved", label=none),
        F.positive(S, "proved", label=none),
        F.inverse_of_forward(S, "refuted", iff=sp.Eq(sp.Mod(L, s), 0), label=none),
        # (n-1)s + (K mod 2) + op maps back iff 1 <= (K mod 2) + op <= s (n = 1, length 0: nothing to map)
        F.round_trip(
            Sg,
            "refuted",
            iff=sp.Or(sp.And(parity + a >= 1, parity + a <= s), sp.And(sp.Eq(n, 1), sp.Eq(parity + a, 0))),
            label=given,
        ),
        # unchecked, output_padding reaches every preimage (an even K needs op = s for n*s)
        F.reaches_every_preimage(Sg, L - (n - 1) * s - parity, "proved", label=given),
        F.positive(Sg, "refuted", a=a, iff=sp.Or(n >= 2, odd, a >= 1), label=given),
        F.inverse_of_forward(
            Sg, "proved", a=sp.Mod(L - 1, s) + 1 - parity, label="output_padding (L-1) mod s + 1 - K mod 2"
        ),
    ]
    U, Ug = helper_pair("full", False), helper_pair("full", True)
    T0 = helper_length("full", None)  # (n-1)s - K + 2
    claims += [
        F.monotone(U),
        F.round_trip(U, "proved", a=None, label=none),
        F.minimal(U, "refuted", iff=T0 >= 1, label=none),
        F.maximal(U, "refuted", iff=sp.And(sp.Eq(s, 1), T0 >= 1), label=none),
        F.positive(U, "refuted", iff=(n - 1) * s >= K - 1, label=none),
        F.inverse_of_forward(U, "refuted", iff=sp.Eq(sp.Mod(L + K - 2, s), 0), label=none),
        F.round_trip(Ug, "refuted", iff=sp.Or(a < s, T0 + a < 1), label=given),
        F.reaches_every_preimage(Ug, L - T0, "proved", label=given),
        F.positive(Ug, "refuted", a=a, iff=T0 + a >= 1, label=given),
        F.inverse_of_forward(Ug, "proved", a=sp.Mod(L + K - 2, s), label="output_padding (L + K - 2) mod s"),
        Claim(
            name="full, output_padding 0 is the inferred length",
            framework="keras2",
            mode="deconv_output_length full",
            statement="'full' with output_padding=0 gives the same length as output_padding=None",
            proposition=sp.Eq(helper_length("full", 0), T0),
            expect="proved",
            family="2 minimal",
            parameters=(n, k, s, d),
        ),
    ]
    return claims


def classic_claims() -> list[Claim]:
    """Keras 2.2.4's deconv_length is deconv_output_length with its arguments reordered (code-read)."""
    claims = []
    for mode in HELPER_MODES:
        for op, label in ((None, "output_padding=None"), (a, "output_padding given")):
            claims.append(
                Claim(
                    name=f"equals tf.keras deconv_output_length ({label})",
                    framework="keras2",
                    mode=f"deconv_length {mode}",
                    statement="keras.utils.conv_utils.deconv_length(n, s, k, padding, op, d) equals "
                    "tf_keras' deconv_output_length(n, k, padding, op, s, d)",
                    proposition=sp.Eq(K2.deconv_length(n, s, k, mode, op, d), helper_length(mode, op, dilation=d)),
                    expect="proved",
                    family="7 cross-framework",
                    parameters=(n, k, s, d, a),
                )
            )
    return claims


# ---------------------------------------------------------------------------------------------
# the layer


def layer_claims() -> list[Claim]:
    claims: list[Claim] = []
    Vg, Sg = layer_pair("valid", True), layer_pair("same", True)
    parity = sp.Mod(K, 2)
    claims += [
        # the layer's output_padding < strides check restores the round trip the helper lacks
        F.round_trip(Vg, "proved", label="output_padding given"),
        F.reaches_every_preimage(Vg, L - (n - 1) * s - K, "proved", label="output_padding given"),
        F.round_trip(Sg, "refuted", iff=sp.Or(odd, a >= 1, sp.Eq(n, 1)), label="output_padding given"),
        F.reaches_every_preimage(
            Sg,
            L - (n - 1) * s - parity,
            "refuted",
            iff=sp.Or(sp.Ne(layer_forward("same", L), n), odd, sp.Ne(L, n * s)),
            label="output_padding given",
        ),
        F.minimal(layer_pair("valid", False), "refuted", iff=K >= s, label="output_padding=None"),
        F.maximal(layer_pair("same", False), "proved", label="output_padding=None"),
    ]
    for mode in ("valid", "same"):
        fwd = layer_forward(mode, L)
        claims.append(
            layer_claim(
                mode,
                "Conv1D length is positive",
                "5 positive",
                "tf.keras.layers.Conv1D gives an output length >= 1 on every input it accepts",
                sp.Ge(fwd, 1),
                "refuted" if mode == "valid" else "proved",
                iff=sp.Ge(L, K) if mode == "valid" else None,
                assume=(layer_forward_accepts(mode, L),),
                call=lambda v, mode=mode, fwd=fwd: (
                    f"tf.keras.layers.Conv1D(1, kernel_size={v['k']}, strides={v['s']}, padding='{mode}', "
                    f"dilation_rate={v['d']}).compute_output_shape((1, {v['L']}, 1)) has length {F.value(fwd, v)}"
                ),
            )
        )
        for op, label in ((None, "output_padding=None"), (a, "output_padding given")):
            base = layer_accepts(mode, op)
            tf_lo, tf_hi = T.accepted_lengths(n, k, s, mode.upper(), d, device="GPU")
            length = layer_length(mode, op)
            tf_iff = sp.Eq(d, 1) if (mode, op) != ("same", a) else sp.And(sp.Eq(d, 1), sp.Or(odd, a >= 1))
            claims += [
                layer_claim(
                    mode,
                    f"tensorflow call runs wherever compute_output_shape does ({label})",
                    "7 cross-framework",
                    "calling the layer on a tensor (TF CPU) succeeds wherever its compute_output_shape gives a length",
                    layer_accepts(mode, op, "tensorflow"),
                    "refuted",
                    iff=tf_iff,
                    assume=(base,),
                    call=lambda v, mode=mode, op=op, length=length, tf_lo=tf_lo, tf_hi=tf_hi: (
                        f"{layer_call(mode, 'a' if op is not None else 'None', 'tensorflow')(v)} on length {v['n']}: "
                        f"its length {F.value(length, v)}, TF accepts {F.value(tf_lo, v)}..{F.value(tf_hi, v)}"
                        + (" (and no dilation on CPU)" if v["d"] > 1 else "")
                    ),
                ),
                layer_claim(
                    mode,
                    f"tensorflow call raises iff the length is outside TF's set ({label})",
                    "7 cross-framework",
                    "apart from the CPU dilation refusal, the real call succeeds iff the layer accepts its arguments "
                    "and its length is in TF's accepted output_shape interval",
                    sp.Equivalent(
                        layer_accepts(mode, op, "tensorflow", exclude=("CPU",)),
                        sp.And(base, tf_lo <= length, length <= tf_hi),
                    ),
                    "proved",
                ),
            ]
    return claims


CLAIMS: list[Claim] = [*reduction_claims(), *helper_claims(), *classic_claims(), *layer_claims()]

# The helper checks nothing: its derivations take the output paddings that stay in the preimage (a claim per mode
# covers the others). At dilation 1 (the helper claims' K = k), 'same' adds k - 2⌊k/2⌋ = k mod 2.
HELPER_IN_PREIMAGE = {
    "valid": a < s,
    "same": sp.And(k - 2 * sp.floor(k / 2) + a >= 1, k - 2 * sp.floor(k / 2) + a <= s),
    "full": a < s,
}
# the layer's 'same' with output_padding leaves the preimage for an even K at op = 0 and never reaches n·s (the
# layer claims above): its derivation is of the length without output_padding, n·s, proved for every K.
# deconv_length (classic Keras 2.2.4) is deconv_output_length with its arguments reordered (proved): not repeated.
LAYER_SAME = layer_pair("same", False)
DERIVATIONS: list[Derivation] = [
    *(Derivation.from_pair(helper_pair(mode, True), accepts=HELPER_IN_PREIMAGE[mode]) for mode in HELPER_MODES),
    Derivation.from_pair(layer_pair("valid", True)),
    Derivation("keras2", "same", L, n, layer_forward("same", L), layer_length("same", None), assume=LAYER_SAME.assume),
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
