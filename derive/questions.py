"""The questions chapter's prose: each question users asked, its answer point by point, the claims that prove each
point, the API calls whose values the document prints and the figures it draws (:mod:`derive.document` renders it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import derive

from . import figures


@dataclass(frozen=True)
class Example:
    """A call of derive's public API whose value the document prints (computed, never typed)."""

    function: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()

    def call(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs]
        return f"derive.{self.function}({', '.join(parts)})"

    def value(self) -> Any:
        return getattr(derive, self.function)(*self.args, **dict(self.kwargs))


def _ex(function: str, *args: Any, **kwargs: Any) -> Example:
    return Example(function, args, tuple(kwargs.items()))


@dataclass(frozen=True)
class Answer:
    """One point of an answer: a sentence, the claims (ids or globs) that prove it, and example calls."""

    text: str
    claims: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Picture:
    """A figure of :mod:`derive.figures` the document draws: one call's taps, or its length over n."""

    # "taps" or "lengths"
    kind: str
    framework: str
    n: int
    kwargs: tuple[tuple[str, Any], ...]
    # what the picture shows, in words (the call itself is printed after it)
    caption: str = ""

    def node(self) -> Any:
        draw = figures.taps if self.kind == "taps" else figures.length_plot
        return draw(self.framework, self.n, **dict(self.kwargs))


def _pic(kind: str, framework: str, n: int, caption: str, **kwargs: Any) -> Picture:
    return Picture(kind, framework, n, tuple(kwargs.items()), caption)


@dataclass(frozen=True)
class Question:
    """A question users asked (one of the project's collected question files) and the theorems that answer it."""

    source: str
    title: str
    asks: str
    answers: tuple[Answer, ...]
    # globs of further claims written for this question (listed after the answers)
    theorems: tuple[str, ...] = ()
    # figures drawn from the models, shown after the answers
    pictures: tuple[Picture, ...] = ()


QUESTIONS: tuple[Question, ...] = (
    Question(
        source="keras-vs-tensorflow-5-or-6.txt",
        title="Keras gives 5, TensorFlow accepts 5 or 6",
        asks="A 2-by-2 input, kernel 3, stride 2, padding 'valid': ``tf.keras.layers.Conv2DTranspose`` returns 5-by-5, "
        "while ``tf.nn.conv2d_transpose`` accepts ``output_shape`` 5-by-5 and 6-by-6. Why the difference?",
        answers=(
            Answer(
                "Both 5 and 6 are preimages of 2: the forward convolution maps the $s$ lengths from $\\ell$ to "
                "$\\ell + s - 1$ to $n$, and each of them is the transposed length of one output padding.",
                (
                    "generic/valid/reaches-every-preimage",
                    "generic/valid/round-trip",
                    "tensorflow/question-5-or-6/instance-conv2d-maps-exactly-5-and-6-to-2",
                ),
                (_ex("preimage", 2, kernel=3, stride=2, padding="valid"),),
            ),
            Answer(
                "TensorFlow takes the length from the caller's ``output_shape`` and accepts exactly that interval.",
                (
                    "tensorflow/question-5-or-6/tf-accepts-exactly-the-preimage-interval",
                    "tensorflow/valid/accepted-output-shape-set-is-exactly-the-preimage*",
                    "tensorflow/question-5-or-6/instance-conv2d-transpose-accepts-exactly-5-and-6",
                ),
            ),
            Answer(
                "Keras has no ``output_shape``: it infers one length, the smallest preimage here (for 'valid' in "
                "general exactly when $K \\ge s$).",
                (
                    "keras2/question-5-or-6/instance-tf-keras-gives-5-the-least-of-them",
                    "keras/question-5-or-6/keras-valid-length-is-tf-s-least-output-shape",
                    "keras/valid/inferred-is-minimal-preimage*",
                    "keras2/*valid/inferred-is-minimal-preimage*",
                    "generic/valid/inferred-is-minimal-preimage",
                ),
                (_ex("transposed_length", 2, kernel=3, stride=2, padding="valid"),),
            ),
            Answer(
                "One length is the whole interval only at stride 1, so the two APIs differ exactly when $s > 1$.",
                (
                    "tensorflow/question-5-or-6/tf-s-set-is-keras-length-alone",
                    "generic/valid/inferred-is-maximal-preimage",
                ),
            ),
        ),
        theorems=("*/question-5-or-6/*",),
        pictures=(
            _pic(
                "taps",
                "tensorflow",
                2,
                "TensorFlow, output_shape 5: the full output, nothing cropped.",
                kernel_size=3,
                strides=2,
                padding="VALID",
                output_shape=5,
            ),
            _pic(
                "taps",
                "tensorflow",
                2,
                "TensorFlow, output_shape 6: one more sample, which no tap reaches.",
                kernel_size=3,
                strides=2,
                padding="VALID",
                output_shape=6,
            ),
            _pic(
                "lengths",
                "tensorflow",
                2,
                "Every output_shape TensorFlow accepts, over n (shaded); it computes no length of its own.",
                kernel_size=3,
                strides=2,
                padding="VALID",
            ),
            _pic(
                "lengths",
                "keras",
                2,
                "Keras' one length per n (dots): the smallest of the accepted ones.",
                kernel_size=3,
                strides=2,
                padding="valid",
            ),
        ),
    ),
    Question(
        source="keras-conv2dtranspose-output-padding.txt",
        title="What output_padding means, and how it interacts with padding",
        asks="Kernel 3, stride 10, padding 'same': a 200-by-200 and a 195-by-195 image both convolve to 20-by-20. "
        "Which does ``Conv2DTranspose`` produce, what does ``output_padding`` do, how does it interact with "
        "padding, and why does Keras' ``deconv_length`` have several formulas?",
        answers=(
            Answer(
                "Every length from $ns - s + 1$ to $ns$ convolves to $n$ under 'same': here 191 to 200.",
                ("generic/same/reaches-every-preimage", "keras2/question-output-padding/instance-191-to-200-*"),
                (_ex("preimage", 20, kernel=3, stride=10, padding="same"),),
            ),
            Answer(
                "Without ``output_padding`` the length is inferred: 'same' gives $ns$, the largest preimage; 'valid' "
                "and 'full' have their own formulas, which is why ``deconv_length`` has several.",
                (
                    "generic/same/inferred-is-maximal-preimage",
                    "keras2/question-output-padding/the-inferred-formulas",
                    "keras2/question-output-padding/instance-inferred-200",
                    "keras/same/inferred-is-maximal-preimage*",
                ),
                (_ex("transposed_length", 20, kernel=3, stride=10, padding="same"),),
            ),
            Answer(
                "With ``output_padding`` $a$ the length is the one of $a = 0$ plus $a$: $a$ picks one length of the "
                "interval, each once for $0 \\le a < s$.",
                (
                    "generic/same/round-trip",
                    "keras2/question-output-padding/output-padding-adds-a-whatever-the-padding",
                    "keras2/question-output-padding/instance-output-padding-a-gives-191-a",
                ),
                (_ex("transposed_length", 20, kernel=3, stride=10, padding="same", output_padding=4),),
            ),
            Answer(
                "The padding decides where the interval starts (the length moves by $-2\\,\\mathit{pad}$); the "
                "output padding moves inside it. Keras 2's 'same' pads $\\lfloor k/2 \\rfloor$, which leaves the "
                "interval for an even kernel; PyTorch also accepts an output padding below the dilation, which can "
                "leave it too.",
                (
                    "keras2/question-output-padding/padding-shifts-the-length-by-2-pad",
                    "keras2/question-output-padding/round-trip-deconv-length-same-0-a-s",
                    "generic/explicit-pads/reaches-every-preimage",
                    "torch/output-padding/round-trip",
                ),
            ),
        ),
        theorems=("*/question-output-padding/*",),
        pictures=(
            _pic(
                "lengths",
                "keras2",
                20,
                "Kernel 3, stride 10, 'same': ten lengths convolve to each n; without "
                "output_padding the layer takes the largest.",
                kernel_size=3,
                strides=10,
                padding="same",
                ns=(17, 18, 19, 20, 21, 22),
            ),
            _pic(
                "taps",
                "keras2",
                2,
                "The same at n = 2 and stride 4, output_padding=None: the length ns = 8.",
                kernel_size=3,
                strides=4,
                padding="same",
            ),
            _pic(
                "taps",
                "keras2",
                2,
                "output_padding=1 keeps 6 samples: it picks another length of the interval.",
                kernel_size=3,
                strides=4,
                padding="same",
                output_padding=1,
            ),
        ),
    ),
    Question(
        source="keras-conv2dtranspose-4-to-16.txt",
        title="Enlarging 4-by-4 to 16-by-16 with Conv2DTranspose",
        asks="How do I choose ``Conv2DTranspose``'s parameters to turn a 4-by-4 map into a 16-by-16 one (the answer "
        "suggests kernel 5, stride 2, padding 'same' for 12-by-12)?",
        answers=(
            Answer(
                "With padding 'same' and no ``output_padding`` the length is $ns$ whatever the kernel, so exactly "
                "stride 4 gives 16.",
                (
                    "keras/question-4-to-16/same-output-padding-none-4-16",
                    "generic/same/inferred-is-maximal-preimage",
                ),
                (_ex("transposed_length", 4, kernel=3, stride=4, padding="same"),),
            ),
            Answer(
                "The suggested kernel 5, stride 2, 'same' gives 8, not 12.",
                (
                    "keras/question-4-to-16/same-strides-2-gives-8-for-every-kernel",
                    "keras/question-4-to-16/same-output-padding-none-4-12",
                ),
                (_ex("transposed_length", 4, kernel=5, stride=2, padding="same"),),
            ),
            Answer(
                "Kernel 4 with stride 4 maps 4 to 16 in both paddings, on every backend.",
                ("keras/question-4-to-16/kernel-4-strides-4-maps-4-to-16-*",),
            ),
        ),
        theorems=("*/question-4-to-16/*",),
        pictures=(
            _pic(
                "taps",
                "keras",
                4,
                "Kernel 4, stride 4, 'same': every input sample fills its own four outputs, 4 to 16.",
                kernel_size=4,
                strides=4,
                padding="same",
            ),
            _pic(
                "taps",
                "keras",
                4,
                "The suggested kernel 5, stride 2, 'same': 8 samples kept, not 12.",
                kernel_size=5,
                strides=2,
                padding="same",
            ),
        ),
    ),
    Question(
        source="keras-deconvolution2d-output-shape.txt",
        title="Deconvolution2D ignores its output_shape",
        asks="After a 'valid' 7-by-7 convolution, ``Deconvolution2D(1, 7, 7, output_shape=(None, 1, 2h, 2w))`` returns "
        "the original h-by-w instead of 2h-by-2w.",
        answers=(
            Answer(
                "At stride 1 the preimage is one length, so the transposed length is forced: the 'valid' transposed "
                "convolution gives back the original $h$.",
                (
                    "keras1/question-deconvolution2d/stride-1-valid-shape-is-the-original-h",
                    "tensorflow/question-deconvolution2d/stride-1-accepts-one-output-shape-*",
                    "generic/valid/inferred-is-maximal-preimage",
                ),
                (_ex("conv_length", 32, kernel=7, padding="valid"), _ex("preimage", 26, kernel=7, padding="valid")),
            ),
            Answer(
                "The layer computes its shape from the stride (``subsample``) and never reads ``output_shape``; with "
                "stride 2 the shape is $2h - 7$, and no stride gives $2h$ after the 'valid' 7-by-7 convolution.",
                (
                    "keras1/question-deconvolution2d/conv-input-length-is-deconv-output-length-with-output-padding-0",
                    "keras1/question-deconvolution2d/stride-2-valid-shape-is-2h-7",
                    "tensorflow/question-deconvolution2d/output-shape-2h-after-the-valid-7x7-convolution-for-some-*",
                ),
                (_ex("transposed_length", 26, kernel=7, stride=2, padding="valid"),),
            ),
        ),
        theorems=("*/question-deconvolution2d/*",),
        pictures=(
            _pic(
                "taps",
                "tensorflow",
                4,
                "Stride 1, 'valid', kernel 7: one output_shape is accepted, n + 6.",
                kernel_size=7,
                strides=1,
                padding="VALID",
                output_shape=10,
            ),
            _pic(
                "lengths",
                "tensorflow",
                4,
                "At stride 1 the accepted range is one length per n, n + 6, whatever output_shape a layer declares.",
                kernel_size=7,
                strides=1,
                padding="VALID",
            ),
        ),
    ),
)
