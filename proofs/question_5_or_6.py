"""Question "Why different output of transpose conv2d in Keras and Tensorflow" (Keras: 5x5; TF: 5x5 or 6x6).

From keras-vs-tensorflow-5-or-6.txt (a 2x2 input, kernel 3, strides 2, padding valid).

Answered by (mode "question: 5 or 6"):

* in general: tensorflow "TF accepts exactly the preimage interval" and "TF's accepted set has s lengths"
  (TF takes the length from ``output_shape`` and accepts every length the forward VALID convolution maps
  to n); keras2 and keras "Keras' valid length is TF's least output_shape" (refuted: it holds iff
  K >= s, i.e. Keras infers the minimal preimage exactly then) and "Keras' valid length is in TF's
  set" (proved, so the tensorflow backend always runs it); tensorflow "TF's set is Keras' length
  alone" (refuted: iff s = 1); tensorflow "the answer's formula ceil((inp - k + 1)/s) is TF's forward"
  (refuted: iff L + s >= K; below, TF truncates to 0 or refuses);
* the instance i = 2, k = 3, s = 2: tensorflow "conv2d_transpose accepts exactly 5 and 6" and "conv2d
  maps exactly 5 and 6 to 2"; keras2 "tf.keras gives 5, the least of them" and "output_padding 0 and 1
  give 5 and 6"; keras "Keras 3 gives 5 on every backend".

tf.keras is tf-keras 2.21.0, Keras 3 is keras 3.15.1, TensorFlow is tensorflow-cpu 2.21.0 (CPU: dilation 1).
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.frameworks import keras as KR
from derive.frameworks import keras2 as K2
from derive.frameworks import tensorflow as T
from derive.script import main

n, L, k, s = sp.symbols("n L k s", integer=True, positive=True)
X, a = sp.symbols("X a", integer=True, nonnegative=True)
MODE = "question: 5 or 6"


def tf_accepts(size, at=n, kernel=k, stride=s):
    return F.holds(T.CONV2D_TRANSPOSE, at, kernel_size=kernel, output_shape=size, strides=stride, padding="VALID")


def tf_forward(x, kernel=k, stride=s):
    return T.conv_length(x, kernel, stride, "VALID")


def tf_forward_accepts(x, kernel=k, stride=s):
    return F.holds(T.CONV2D, x, kernel_size=kernel, strides=stride, padding="VALID")


def tf_call(v) -> str:
    return (
        f"tf.nn.conv2d_transpose(tf.ones([1, {v['n']}, {v['n']}, 1]), tf.ones([{v['k']}, {v['k']}, 1, 1]), "
        f"output_shape=[1, {v['X']}, {v['X']}, 1], strides={v['s']}, padding='VALID')"
    )


def keras2_call(v) -> str:
    return (
        f"tf.keras.layers.Conv2DTranspose(1, ({v['k']}, {v['k']}), {v['s']}, padding='valid')"
        f"(tf.ones([1, {v['n']}, {v['n']}, 1]))"
    )


def claim(framework: str, name: str, statement: str, prop, expect: str = "proved", iff=None, assume=(), call=None):
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
        parameters=(n, k, s, X),
    )


tf_lo, tf_hi = T.accepted_lengths(n, k, s, "VALID")
keras2_length = K2.conv_transpose_length(n, k, s, "valid")
keras2_on_tf = F.holds(
    K2.CONV_TRANSPOSE, n, kernel_size=k, strides=s, padding="valid", output_padding=None, backend="tensorflow"
)
keras3_length = KR.conv_transpose_length(n, k, s, "valid")

GENERAL = [
    claim(
        "tensorflow",
        "TF accepts exactly the preimage interval",
        "tf.nn.conv2d_transpose (VALID) accepts output_shape X on n iff tf.nn.conv2d (VALID) maps X to n",
        sp.Equivalent(tf_accepts(X), sp.And(tf_forward_accepts(X), sp.Eq(tf_forward(X), n))),
        call=tf_call,
    ),
    claim(
        "tensorflow",
        "TF's accepted set has s lengths",
        "for n >= 1, TF accepts (n-1)s + k .. (n-1)s + k + s - 1 and nothing next to them",
        sp.And(
            tf_accepts((n - 1) * s + k),
            tf_accepts((n - 1) * s + k + s - 1),
            sp.Not(tf_accepts((n - 1) * s + k - 1)),
            sp.Not(tf_accepts((n - 1) * s + k + s)),
        ),
    ),
    claim(
        "tensorflow",
        "TF's set is Keras' length alone",
        "TF accepts a single output_shape (so Keras' choice loses nothing)",
        sp.Eq(tf_lo, tf_hi),
        "refuted",
        iff=sp.Eq(s, 1),
        call=lambda v: f"{tf_call({**v, 'X': F.value(tf_hi, v)})} and output_shape {F.value(tf_lo, v)} both run",
    ),
    claim(
        "keras2",
        "Keras' valid length is TF's least output_shape",
        "tf.keras Conv2DTranspose 'valid' (output_padding=None) gives the smallest output_shape TF accepts",
        sp.Eq(keras2_length, tf_lo),
        "refuted",
        iff=k >= s,
        call=lambda v: (
            f"{keras2_call(v)} gives {F.value(keras2_length, v)}; TF accepts {F.value(tf_lo, v)}..{F.value(tf_hi, v)}"
        ),
    ),
    claim(
        "keras",
        "Keras' valid length is TF's least output_shape",
        "keras.layers.Conv2DTranspose 'valid' (output_padding=None) gives the smallest output_shape TF accepts",
        sp.Eq(keras3_length, tf_lo),
        "refuted",
        iff=k >= s,
        call=lambda v: (
            f"keras.layers.Conv2DTranspose(1, {v['k']}, {v['s']}, padding='valid')"
            f"(keras.ops.ones([1, {v['n']}, {v['n']}, 1])) gives "
            f"{F.value(keras3_length, v)}; TF accepts {F.value(tf_lo, v)}..{F.value(tf_hi, v)}"
        ),
    ),
    claim(
        "keras2",
        "Keras' valid length is in TF's set",
        "tf.keras' length is an output_shape TF accepts, so the layer's real call on TF runs",
        sp.And(keras2_on_tf, tf_lo <= keras2_length, keras2_length <= tf_hi),
    ),
    claim(
        "tensorflow",
        "the answer's formula ceil((inp - k + 1)/s) is TF's forward",
        "where tf.nn.conv2d (VALID) accepts an input, its length is ceil((L - k + 1)/s)",
        sp.Eq(tf_forward(L), sp.ceiling((L - k + 1) / s)),
        "refuted",
        iff=L + s >= k,
        assume=(tf_forward_accepts(L),),
        call=lambda v: (
            f"tf.nn.conv2d(tf.ones([1, {v['L']}, {v['L']}, 1]), tf.ones([{v['k']}, {v['k']}, 1, 1]), "
            f"strides={v['s']}, padding='VALID') has length {F.value(tf_forward(L), v)}, the formula "
            f"{F.value(sp.ceiling((L - k + 1) / s), v)}"
        ),
    ),
]

# the instance of the question: a 2x2 input, kernel 3, stride 2
i, kk, ss = 2, 3, 2
layer_with = K2.conv_transpose_length(i, kk, ss, "valid", a)

INSTANCE = [
    claim(
        "tensorflow",
        "instance: conv2d_transpose accepts exactly 5 and 6",
        "tf.nn.conv2d_transpose(2x2, kernel 3, strides 2, VALID) accepts output_shape X iff X is 5 or 6",
        sp.Equivalent(tf_accepts(X, i, kk, ss), sp.Or(sp.Eq(X, 5), sp.Eq(X, 6))),
        call=tf_call,
    ),
    claim(
        "tensorflow",
        "instance: conv2d maps exactly 5 and 6 to 2",
        "tf.nn.conv2d(kernel 3, strides 2, VALID) maps an input of length X to 2 iff X is 5 or 6",
        sp.Equivalent(
            sp.And(tf_forward_accepts(X, kk, ss), sp.Eq(tf_forward(X, kk, ss), i)), sp.Or(sp.Eq(X, 5), sp.Eq(X, 6))
        ),
    ),
    claim(
        "keras2",
        "instance: tf.keras gives 5, the least of them",
        "tf.keras Conv2DTranspose(1, (3, 3), 2, padding='valid') on 2x2 gives 5, and conv2d maps 4 to 1, not 2",
        sp.And(
            sp.Eq(K2.conv_transpose_length(i, kk, ss, "valid"), 5),
            sp.Ne(tf_forward(4, kk, ss), i),
        ),
    ),
    claim(
        "keras2",
        "instance: output_padding 0 and 1 give 5 and 6",
        "with output_padding a (accepted iff a < 2), tf.keras gives 5 + a: both of TF's output_shapes",
        sp.Equivalent(
            sp.And(
                F.holds(K2.CONV_TRANSPOSE, i, kernel_size=kk, strides=ss, padding="valid", output_padding=a),
                sp.Eq(layer_with, X),
            ),
            sp.And(tf_accepts(X, i, kk, ss), sp.Eq(a, X - 5)),
        ),
    ),
    claim(
        "keras",
        "instance: Keras 3 gives 5 on every backend",
        "keras.layers.Conv2DTranspose(1, 3, 2, padding='valid') on 2x2 gives 5 on the jax, torch and tensorflow "
        "backends",
        sp.And(
            *(
                sp.And(
                    F.holds(KR.CONV_TRANSPOSE, i, kernel_size=kk, strides=ss, padding="valid", backend=b),
                    sp.Eq(KR.conv_transpose_length(i, kk, ss, "valid", backend=b), 5),
                )
                for b in ("jax", "torch", "tensorflow")
            )
        ),
    ),
]

CLAIMS: list[Claim] = [*GENERAL, *INSTANCE]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
