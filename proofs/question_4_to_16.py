"""Question "How to use Conv2dtranspose from Keras?": "I would like to increase the x to a matrix of (16,16,3)".

From keras-conv2dtranspose-4-to-16.txt, where x.shape = (4,4,3).

Conv2DTranspose works per spatial axis, so 4x4 -> 16x16 is the 1-D question 4 -> 16 on each axis
(``filters=3`` gives the 3 channels). The claims (framework "keras", Keras 3.15.1 layer, mode
"question: 4 to 16") state every setting that does it, as iffs over all kernel sizes k, dilations d
(K = d(k-1)+1), strides s and output paddings a the layer accepts:

* "'same', output_padding=None: 4 -> 16" iff s = 4 (any kernel: the length is 4s);
* "'same', output_padding a: 4 -> 16" iff (s = 4, K odd, a = 3) or (s = 5, K even, a = 1) or
  (s = 5, K odd, a = 0);
* "'valid', output_padding=None: 4 -> 16" iff (s, K) is (1, 13), (2, 10), (3, 7), or s = 4 and K <= 4;
* "'valid', output_padding a: 4 -> 16" iff s <= 5 and K = 16 - 3s - a;
* "... on the tensorflow backend": the same settings at dilation 1 (the CPU kernel refuses dilation),
  and "tf.keras gives the same lengths" (keras2, so the answer holds for Keras 2 / tf.keras too);
* the answer's example: "'same', strides 2 gives 8 for every kernel" and "'same', output_padding=None:
  4 -> 12" iff s = 3 (kernel 5, strides 2, 'same' gives 8x8, not 12x12).
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.frameworks import keras as KR
from derive.frameworks import keras2 as K2
from derive.script import main

k, s, d = sp.symbols("k s d", integer=True, positive=True)
a = sp.Symbol("a", integer=True, nonnegative=True)
K = d * (k - 1) + 1
odd = sp.Eq(sp.Mod(K, 2), 1)
MODE = "question: 4 to 16"
N, TARGET = 4, 16


def length(mode: str, op, backend=None, stride=s, n=N):
    return KR.conv_transpose_length(n, k, stride, mode, op, d, backend=backend)


def accepts(mode: str, op, backend=None, stride=s, n=N):
    return F.holds(
        KR.CONV_TRANSPOSE,
        n,
        kernel_size=k,
        strides=stride,
        padding=mode,
        output_padding=op,
        dilation_rate=d,
        backend=backend,
    )


def layer_call(mode: str, op_text: str, backend=None):
    def call(v) -> str:
        op = v.get("a", 0) if op_text == "a" else op_text
        text = (
            f"keras.layers.Conv2DTranspose(3, kernel_size={v['k']}, strides={v['s']}, padding='{mode}', "
            f"output_padding={op}, dilation_rate={v['d']})(keras.ops.ones([1, 4, 4, 3]))"
        )
        on = "" if backend is None else f" on the {backend} backend"
        side = F.value(length(mode, a if op_text == "a" else None), v)
        return f"{text}{on} has shape (1, {side}, {side}, 3)"

    return call


def claim(name: str, statement: str, prop, expect: str, iff=None, assume=(), call=None, framework="keras"):
    return Claim(
        name=name,
        framework=framework,
        mode=MODE,
        statement=statement,
        proposition=prop,
        expect=expect,
        assume=tuple(assume),
        iff=iff,
        call=call,
        family="question",
        parameters=(k, s, d, a),
    )


SETTINGS = {
    ("same", None): sp.Eq(s, 4),
    ("same", a): sp.Or(
        sp.And(sp.Eq(s, 4), odd, sp.Eq(a, 3)),
        sp.And(sp.Eq(s, 5), sp.Not(odd), sp.Eq(a, 1)),
        sp.And(sp.Eq(s, 5), odd, sp.Eq(a, 0)),
    ),
    ("valid", None): sp.Or(
        sp.And(sp.Eq(s, 1), sp.Eq(K, 13)),
        sp.And(sp.Eq(s, 2), sp.Eq(K, 10)),
        sp.And(sp.Eq(s, 3), sp.Eq(K, 7)),
        sp.And(sp.Eq(s, 4), K <= 4),
    ),
    ("valid", a): sp.And(s <= 5, sp.Eq(K, 16 - 3 * s - a)),
}


def label(mode: str, op) -> str:
    return f"'{mode}', output_padding={'None' if op is None else 'a'}"


CLAIMS: list[Claim] = []
for (mode, op), iff in SETTINGS.items():
    op_text = "None" if op is None else "a"
    CLAIMS.append(
        claim(
            f"{label(mode, op)}: 4 -> 16",
            f"Conv2DTranspose {label(mode, op)} maps a 4x4 map to 16x16",
            sp.Eq(length(mode, op), TARGET),
            "refuted",
            iff=iff,
            assume=(accepts(mode, op),),
            call=layer_call(mode, op_text),
        )
    )
    CLAIMS.append(
        claim(
            f"{label(mode, op)}: 4 -> 16 on the tensorflow backend",
            f"Conv2DTranspose {label(mode, op)} runs on the tensorflow backend (CPU) and maps 4x4 to 16x16",
            sp.And(accepts(mode, op, "tensorflow"), sp.Eq(length(mode, op, "tensorflow"), TARGET)),
            "refuted",
            iff=sp.And(sp.Eq(d, 1), iff),
            assume=(accepts(mode, op),),
            call=layer_call(mode, op_text, "tensorflow"),
        )
    )
    CLAIMS.append(
        claim(
            f"tf.keras gives the same lengths ({label(mode, op)})",
            "tf.keras.layers.Conv2DTranspose (Keras 2) computes the same length as Keras 3 and accepts the same calls",
            sp.And(
                sp.Equivalent(
                    F.holds(
                        K2.CONV_TRANSPOSE,
                        N,
                        kernel_size=k,
                        strides=s,
                        padding=mode,
                        output_padding=op,
                        dilation_rate=d,
                    ),
                    accepts(mode, op),
                ),
                sp.Eq(K2.conv_transpose_length(N, k, s, mode, op, d), length(mode, op)),
            ),
            "proved",
            framework="keras2",
        )
    )

CLAIMS += [
    claim(
        "kernel 4, strides 4 maps 4 to 16 in both paddings, on every backend",
        "Conv2DTranspose(3, kernel_size=4, strides=4) with padding 'same' or 'valid' maps 4x4 to 16x16 on the jax, "
        "torch and tensorflow backends",
        sp.And(
            *(
                sp.And(
                    sp.sympify(accepts(mode, None, backend, stride=4)).subs({k: 4, d: 1}),
                    sp.Eq(sp.sympify(length(mode, None, backend, stride=4)).subs({k: 4, d: 1}), TARGET),
                )
                for mode in ("same", "valid")
                for backend in ("jax", "torch", "tensorflow")
            )
        ),
        "proved",
    ),
    claim(
        "'same', strides 2 gives 8 for every kernel",
        "the answer's Conv2DTranspose(filters=3, kernel_size=(5,5), strides=2, padding='same') gives 8x8, "
        "whatever the kernel",
        sp.Eq(length("same", None, stride=2), 8),
        "proved",
        assume=(accepts("same", None, stride=2),),
    ),
    claim(
        "'same', output_padding=None: 4 -> 12",
        "Conv2DTranspose 'same' (output_padding=None) maps 4x4 to 12x12",
        sp.Eq(length("same", None), 12),
        "refuted",
        iff=sp.Eq(s, 3),
        assume=(accepts("same", None),),
        call=layer_call("same", "None"),
    ),
]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
