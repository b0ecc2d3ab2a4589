"""Question "when I try to write d.output_shape, I get the original shape of the image instead of twice that size".

From keras-deconvolution2d-output-shape.txt: ``d = Deconvolution2D(1, 7, 7, (None, 1, 2*h, 2*w))`` after
``Convolution2D(16, 7, 7, border_mode='valid')`` on an h x w image.

Keras 1.0.7-1.1.2 ``Deconvolution2D.get_output_shape_for`` computed the shape with
``keras.utils.np_utils.conv_input_length(n, nb_row, border_mode, subsample)`` = ``(n-1)s - 2·pad + k``
(pad ``k//2`` for 'same', 0 for 'valid'; read at keras-team/keras tags 1.0.7 and 1.1.0) and never read
``output_shape``, which it passed to ``tf.nn.conv2d_transpose`` (TF backend) at call time; from 1.2.0 the
layer returns ``output_shape`` as given. The claims (mode "question: Deconvolution2D") answer it:

* keras1 "conv_input_length is deconv_output_length with output_padding 0" (the formula, tied to the
  tf.keras model) and "stride 1 'valid' shape is the original h": the asker's d.output_shape is h, the
  image's own size, for every h >= 7;
* tensorflow "stride 1 accepts one output_shape" (VALID n + k - 1, SAME n): the 2h the asker passed is
  refused at run time ("output_shape 2h after the 'valid' 7x7 convolution, stride 1", refuted for every h);
* the answer's fix, ``subsample=(2, 2)``: keras1 "stride 2 'valid' shape is 2h - 7" and tensorflow
  "output_shape 2h after the 'valid' 7x7 convolution, stride 2" (refuted for every h: TF accepts only
  2h - 7 and 2h - 6), "... for some stride" (refuted; holds exactly for the few (s, h) in its iff, none
  with h >= 15: "no stride doubles h >= 15");
* the stride needed to double: tensorflow "SAME doubles n" (refuted: iff s = 2, or n = 1 and s >= 2, or
  n = 2 and s = 3), "VALID stride 2 doubles n" (refuted: iff k <= 2); keras1 "stride 2 shape is 2n"
  (refuted: 'valid' iff k = 2, 'same' never) and "the declared shape is an output_shape TF accepts"
  (proved for 'valid'; 'same' refuted: iff k is odd).

TensorFlow is tensorflow-cpu 2.21.0 (dilation 1); Keras 1 is code-read (framework key "keras1").
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.frameworks import keras2 as K2
from derive.frameworks import tensorflow as T
from derive.script import main

n, h, k, s = sp.symbols("n h k s", integer=True, positive=True)
X = sp.Symbol("X", integer=True, nonnegative=True)
MODE = "question: Deconvolution2D"


def conv_input_length(length, kernel, border_mode: str, stride):
    """Keras 1 ``keras.utils.np_utils.conv_input_length`` (1.0.7-1.1.2), the Deconvolution2D shape."""
    pad = sp.floor(sp.Integer(kernel) / 2) if isinstance(kernel, int) else sp.floor(kernel / 2)
    pad = pad if border_mode == "same" else 0
    return (length - 1) * stride - 2 * pad + kernel


def tf_accepts(size, at, kernel=k, stride=s, padding="VALID"):
    return F.holds(T.CONV2D_TRANSPOSE, at, kernel_size=kernel, output_shape=size, strides=stride, padding=padding)


def keras1_call(v, border_mode="valid", subsample="s") -> str:
    sub = v[subsample] if subsample in v else subsample
    return (
        f"Deconvolution2D(1, {v['k']}, {v['k']}, output_shape, border_mode='{border_mode}', "
        f"subsample=({sub}, {sub})) on a {v['n']}x{v['n']} map"
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
        parameters=(n, h, k, s, X),
    )


def tf_call(at, size, kernel, stride, padding="VALID"):
    def call(v) -> str:
        m, x, kk, ss = (F.value(e, v) for e in (at, size, kernel, stride))
        return (
            f"tf.nn.conv2d_transpose(tf.ones([1, {m}, {m}, 1]), tf.ones([{kk}, {kk}, 1, 1]), "
            f"output_shape=[1, {x}, {x}, 1], strides={ss}, padding='{padding}') raises"
        )

    return call


after_conv = h - 6  # Convolution2D(16, 7, 7, border_mode='valid') on h
KERAS1 = [
    claim(
        "keras1",
        "conv_input_length is deconv_output_length with output_padding 0",
        "Keras 1's Deconvolution2D shape (n-1)s - 2*pad + k equals tf.keras' deconv_output_length(n, k, padding, 0, s)",
        sp.And(
            *(sp.Eq(conv_input_length(n, k, m, s), K2.deconv_output_length(n, k, m, 0, s)) for m in ("valid", "same"))
        ),
    ),
    claim(
        "keras1",
        "stride 1 'valid' shape is the original h",
        "after Convolution2D 7x7 'valid' (h -> h - 6), Deconvolution2D 7x7 'valid' with subsample (1, 1) declares h",
        sp.Eq(conv_input_length(after_conv, 7, "valid", 1), h),
        assume=(h >= 7,),
    ),
    claim(
        "keras1",
        "stride 2 'valid' shape is 2h - 7",
        "with subsample (2, 2) the same layer declares 2h - 7, not 2h",
        sp.Eq(conv_input_length(after_conv, 7, "valid", 2), 2 * h - 7),
        assume=(h >= 7,),
    ),
    claim(
        "keras1",
        "stride 2 shape is 2n ('valid')",
        "Deconvolution2D 'valid' with subsample (2, 2) declares twice its input",
        sp.Eq(conv_input_length(n, k, "valid", 2), 2 * n),
        "refuted",
        iff=sp.Eq(k, 2),
        call=lambda v: f"{keras1_call(v, 'valid', '2')} declares {F.value(conv_input_length(n, k, 'valid', 2), v)}",
    ),
    claim(
        "keras1",
        "stride 2 shape is 2n ('same')",
        "Deconvolution2D 'same' with subsample (2, 2) declares twice its input",
        sp.Eq(conv_input_length(n, k, "same", 2), 2 * n),
        "refuted",
        iff=sp.false,  # 2n - 2 + (k mod 2): never 2n
        call=lambda v: f"{keras1_call(v, 'same', '2')} declares {F.value(conv_input_length(n, k, 'same', 2), v)}",
    ),
    claim(
        "keras1",
        "the declared shape is an output_shape TF accepts ('valid')",
        "Keras 1's declared 'valid' shape is one of the output_shape values tf.nn.conv2d_transpose accepts",
        tf_accepts(conv_input_length(n, k, "valid", s), n),
    ),
    claim(
        "keras1",
        "the declared shape is an output_shape TF accepts ('same')",
        "Keras 1's declared 'same' shape is one of the output_shape values tf.nn.conv2d_transpose accepts",
        tf_accepts(conv_input_length(n, k, "same", s), n, padding="SAME"),
        "refuted",
        iff=sp.Eq(sp.Mod(k, 2), 1),
        call=lambda v: (
            f"{keras1_call(v, 'same')} declares {F.value(conv_input_length(n, k, 'same', s), v)}, "
            f"TF accepts {F.value((n - 1) * s + 1, v)}..{F.value(n * s, v)}"
        ),
    ),
]

DOUBLING_ITS = sp.Or(
    sp.And(sp.Eq(s, 3), h >= 12, h <= 14),
    sp.And(sp.Eq(s, 4), h >= 9, h <= 10),
    sp.And(sp.Eq(s, 5), h >= 8, h <= 9),
    sp.And(s >= 6, s <= 9, sp.Eq(h, 8)),
    sp.And(s >= 8, sp.Eq(h, 7)),
)

TENSORFLOW = [
    claim(
        "tensorflow",
        "stride 1 accepts one output_shape (VALID)",
        "with strides 1, tf.nn.conv2d_transpose VALID accepts output_shape X on n iff X = n + k - 1",
        sp.Equivalent(tf_accepts(X, n, stride=1), sp.Eq(X, n + k - 1)),
    ),
    claim(
        "tensorflow",
        "stride 1 accepts one output_shape (SAME)",
        "with strides 1, tf.nn.conv2d_transpose SAME accepts output_shape X on n iff X = n",
        sp.Equivalent(tf_accepts(X, n, stride=1, padding="SAME"), sp.Eq(X, n)),
    ),
    claim(
        "tensorflow",
        "output_shape 2h after the 'valid' 7x7 convolution, stride 1",
        "tf.nn.conv2d_transpose (kernel 7, strides 1, VALID) accepts output_shape 2h on the h - 6 map",
        tf_accepts(2 * h, after_conv, 7, 1),
        "refuted",
        iff=sp.false,
        assume=(h >= 7,),
        call=tf_call(after_conv, 2 * h, 7, 1),
    ),
    claim(
        "tensorflow",
        "output_shape 2h after the 'valid' 7x7 convolution, stride 2",
        "tf.nn.conv2d_transpose (kernel 7, strides 2, VALID) accepts output_shape 2h on the h - 6 map",
        tf_accepts(2 * h, after_conv, 7, 2),
        "refuted",
        iff=sp.false,  # TF accepts 2h - 7 and 2h - 6 only
        assume=(h >= 7,),
        call=tf_call(after_conv, 2 * h, 7, 2),
    ),
    claim(
        "tensorflow",
        "output_shape 2h after the 'valid' 7x7 convolution, for some stride",
        "tf.nn.conv2d_transpose (kernel 7, strides s, VALID) accepts output_shape 2h on the h - 6 map",
        tf_accepts(2 * h, after_conv, 7, s),
        "refuted",
        iff=DOUBLING_ITS,
        assume=(h >= 7,),
        call=tf_call(after_conv, 2 * h, 7, s),
    ),
    claim(
        "tensorflow",
        "no stride doubles h >= 15",
        "for h >= 15, no stride makes tf.nn.conv2d_transpose (kernel 7, VALID) accept 2h on the h - 6 map",
        sp.Not(tf_accepts(2 * h, after_conv, 7, s)),
        assume=(h >= 15,),
    ),
    claim(
        "tensorflow",
        "SAME doubles n",
        "tf.nn.conv2d_transpose SAME accepts output_shape 2n on n",
        tf_accepts(2 * n, n, padding="SAME"),
        "refuted",
        iff=sp.Or(sp.Eq(s, 2), sp.And(sp.Eq(n, 1), s >= 2), sp.And(sp.Eq(n, 2), sp.Eq(s, 3))),
        call=tf_call(n, 2 * n, k, s, "SAME"),
    ),
    claim(
        "tensorflow",
        "VALID stride 2 doubles n",
        "tf.nn.conv2d_transpose VALID with strides 2 accepts output_shape 2n on n",
        tf_accepts(2 * n, n, stride=2),
        "refuted",
        iff=k <= 2,
        call=tf_call(n, 2 * n, k, 2),
    ),
]

CLAIMS: list[Claim] = [*KERAS1, *TENSORFLOW]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
