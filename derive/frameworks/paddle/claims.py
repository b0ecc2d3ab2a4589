"""PaddlePaddle 3.3.1 (CPU, live): ``paddle.nn.functional.conv1d_transpose`` against ``conv1d``, per axis.

Modes: explicit ``padding=[lo, hi]`` (an int is ``lo = hi``), ``'valid'`` and ``'same'``; each with
``output_padding`` (``0`` is "not given", the default) and with ``output_size``. The validity
predicates are Paddle's own checks as modelled in derive.frameworks.paddle: the Python
``output_padding <= stride``, InferMeta's ``output_padding < max(stride, dilation)`` and ``output_size``
range ``[L0, L0 + s)``, allocation (length ``>= 0``: 0 is an empty tensor) and the CPU kernel's
consistency check ``trunc((L + lo + hi - K)/s) + 1 == n``, which is what really bounds ``output_padding``
by the stride. The forward ``conv1d`` truncates toward zero (a numerator in ``(-s, 0)`` gives 1,
in ``(-2s, -s]`` gives 0); ``'same'`` is ``⌈L/s⌉`` and resets dilation to 1 in both directions, and a
transposed ``'same'`` takes its pads from the forward rule applied to ``n``: its length is
``(n-1)s + min(k, (n-1) mod s + 1)``, not TensorFlow's ``n·s``.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import paddle as P
from derive.lengths import FloorAffine
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p, q, a, X = sp.symbols("p q a X", integer=True, nonnegative=True)
K = d * (k - 1) + 1
MODES = {"explicit pads": (p, q), "valid": "valid", "same": "same"}
PADS = {"explicit pads": p + q, "valid": 0}


def default_length(mode: str, at=n):
    """The length without output_padding; for 'same' the closed form (proved equal to the model's below)."""
    if mode == "same":
        return (at - 1) * s + sp.Min(k, sp.Mod(at - 1, s) + 1)
    return (at - 1) * s + K - PADS[mode]


def forward(mode: str, length):
    return P.conv_length(length, kernel_size=k, stride=s, padding=MODES[mode], dilation=d)


def forward_accepts(mode: str, length):
    return sp.And(length >= 1, F.holds(P.CONV1D, length, kernel_size=k, stride=s, padding=MODES[mode], dilation=d))


def transposed(mode: str, op=0, size=None, at=n):
    return P.conv_transpose_length(at, k, s, MODES[mode], op, d, output_size=size)


def accepts(mode: str, op=0, size=None, at=n, op2d=P.CONV1D_TRANSPOSE):
    return F.holds(
        op2d,
        at,
        kernel_size=k,
        stride=s,
        padding=MODES[mode],
        output_padding=op,
        dilation=d,
        output_size=size,
    )


def padding_text(mode: str, v) -> str:
    return f"[{v['p']}, {v['q']}]" if mode == "explicit pads" else repr(mode)


def transpose_call(mode: str, size: bool = False):
    def call(v) -> str:
        extra = f"output_size=[{v['X']}]" if size else f"output_padding={v.get('a', 0)}"
        return (
            f"paddle.nn.functional.conv1d_transpose(paddle.ones([1, 1, {v['n']}]), paddle.ones([1, 1, {v['k']}]), "
            f"stride={v['s']}, padding={padding_text(mode, v)}, {extra}, dilation={v['d']})"
        )

    return call


def forward_call(mode: str):
    def call(v) -> str:
        return (
            f"paddle.nn.functional.conv1d(paddle.ones([1, 1, {v['L']}]), paddle.ones([1, 1, {v['k']}]), "
            f"stride={v['s']}, padding={padding_text(mode, v)}, dilation={v['d']})"
        )

    return call


def parameters(mode: str):
    return (n, k, s, d, p, q) if mode == "explicit pads" else (n, k, s, d)


def pair(mode: str, size: bool = False) -> F.Pair:
    return F.Pair(
        framework="paddle",
        mode=f"{mode}, output_size" if size else mode,
        n=n,
        L=L,
        a=X if size else a,
        forward=lambda x: forward(mode, x),
        transposed=(lambda sz: sz) if size else (lambda op: transposed(mode, 0 if op is None else op)),
        accepts=(lambda sz: accepts(mode, size=sz)) if size else (lambda op: accepts(mode, 0 if op is None else op)),
        forward_accepts=lambda x: forward_accepts(mode, x),
        call=transpose_call(mode, size),
        inferred_word="output_size" if size else "default (output_padding=0)",
        parameters=(*parameters(mode), X) if size else parameters(mode),
    )


def claim(mode: str, *args, **kwargs) -> Claim:
    return F.claim("paddle", mode, *args, parameters=(*parameters(mode), a, X, L), **kwargs)


def on_image(mode: str, pr: F.Pair) -> F.Pair:
    """The pair for family 6: its call shows the transposed input forward(L), which must be >= 1.

    An empty forward output (length 0) is not fed back: whether conv1d_transpose takes an empty input
    was not checked live, and the model's checks are simplified for n >= 1.
    """
    image = forward(mode, L)
    return replace(pr, call=lambda v: pr.call({**v, "n": F.value(image, v)}), assume=(*pr.assume, image >= 1))


def size_reaches(mode: str, Sz: F.Pair, iff) -> Claim:
    """Family 4 for output_size: every preimage L of n is an accepted output_size (shown as output_size=[L])."""
    return replace(
        F.reaches_every_preimage(Sz, L, "refuted", iff=iff),
        call=lambda v: (
            f"{forward_call(mode)(v)} gives {F.value(forward(mode, L), v)}, but "
            f"{Sz.call({**v, 'X': v['L']})} raises 'output_size ... should not be less than the inferred output size'"
        ),
    )


def fixed_claims(mode: str) -> list[Claim]:
    """Explicit pads and 'valid' (pads 0): the truncating forward rule and its transposed length."""
    Pr, Sz = pair(mode), pair(mode, size=True)
    T0 = default_length(mode)
    x = L + PADS[mode] - K
    preimage = sp.And(forward_accepts(mode, L), sp.Eq(forward(mode, L), n))
    call, size_call = transpose_call(mode), transpose_call(mode, size=True)
    claims = [
        F.monotone(Pr),
        F.round_trip(Pr, "proved"),
        F.round_trip(Pr, "proved", a=None, label="default"),
        # n = 1, s >= 2: truncation also maps T0 - 1 to 1
        F.minimal(Pr, "refuted", iff=sp.And(T0 >= 1, sp.Or(n >= 2, sp.Eq(s, 1), sp.Eq(T0, 1)))),
        F.maximal(Pr, "refuted", iff=sp.And(sp.Eq(s, 1), T0 >= 1)),
        # the preimages below T0 (n = 1, truncation) need a negative output_padding
        F.reaches_every_preimage(Pr, L - T0, "refuted", iff=sp.Implies(preimage, L >= T0)),
        F.positive(Pr, *(("proved",) if mode == "valid" else ("refuted", T0 >= 1))),
        F.inverse_of_forward(
            on_image(mode, Pr), "refuted", iff=sp.And(sp.Eq(sp.Mod(x, s), 0), x >= 0), label="output_padding=0"
        ),
        # forward(L) = 1 with -s < x < 0: L is below the default length, out of reach
        F.inverse_of_forward(
            on_image(mode, Pr),
            "refuted",
            iff=x >= 0,
            a=sp.Mod(x, s),
            label="output_padding=(L+lo+hi-K) mod s",
        ),
        claim(
            mode,
            "accepted output_padding set",
            "4 bijection",
            "Paddle accepts output_padding a iff a < stride and the length is >= 0 (dilation plays no part)",
            sp.Equivalent(accepts(mode, a), sp.And(a < s, T0 + a >= 0)),
            "proved",
            call=call,
        ),
        claim(
            mode,
            "documented output_padding rule",
            "4 bijection",
            "every output_padding < max(stride, dilation) (the documented 'either stride or dilation') is accepted",
            accepts(mode, a),
            "refuted",
            iff=a < s,
            assume=(a < sp.Max(s, d), T0 + a >= 0),
            call=lambda v: f"{call(v)} raises 'Output_height and padding(padding_up, padding_down) are inconsistent.'",
        ),
        claim(
            mode,
            "conv2d_transpose accepts the same output_padding set",
            "4 bijection",
            "conv2d_transpose (without conv1d_transpose's Python check) accepts output_padding a iff conv1d does",
            sp.Equivalent(accepts(mode, a, op2d=P.CONV2D_TRANSPOSE), accepts(mode, a)),
            "proved",
            call=call,
        ),
        F.round_trip(Sz, "proved"),
        size_reaches(mode, Sz, sp.Implies(preimage, L >= T0)),
        claim(
            f"{mode}, output_size",
            "accepted output_size set",
            "4 bijection",
            "Paddle accepts output_size X iff T0 <= X <= T0 + s - 1 (the width is the stride, whatever the dilation)",
            sp.Equivalent(accepts(mode, size=X), sp.And(T0 <= X, X <= T0 + s - 1)),
            "proved",
            call=size_call,
        ),
    ]
    if mode == "valid":
        claims.append(
            claim(
                mode,
                "forward accepts every input",
                "5 positive",
                "conv1d with 'valid' accepts every input length (returning length 0 where it must)",
                forward_accepts(mode, L),
                "refuted",
                iff=x > -2 * s,
                call=lambda v: f"{forward_call(mode)(v)} raises 'The meta data must be valid'",
            )
        )
    else:
        claims += [
            claim(
                mode,
                "forward length is positive",
                "5 positive",
                "every conv1d Paddle accepts has output length >= 1",
                sp.Ge(forward(mode, L), 1),
                "refuted",
                iff=x > -s,
                assume=(forward_accepts(mode, L),),
                call=lambda v: f"{forward_call(mode)(v)} has length {F.value(forward(mode, L), v)}",
            ),
            claim(
                mode,
                "forward is floor((L + lo + hi - K)/s) + 1",
                "5 positive",
                "where Paddle accepts the input, its length is the floor formula other frameworks compute",
                sp.Eq(forward(mode, L), sp.floor(x / s) + 1),
                "refuted",
                iff=sp.Or(x >= 0, sp.Eq(x, -s)),
                assume=(forward_accepts(mode, L),),
                call=lambda v: (
                    f"{forward_call(mode)(v)} has length {F.value(forward(mode, L), v)}, "
                    f"the floor formula {sp.floor(F.value(x, v) / v['s']) + 1}"
                ),
            ),
        ]
    return claims


def same_claims() -> list[Claim]:
    mode = "same"
    T0 = default_length(mode)
    # the families below use the closed form of the length and of the accepted output_padding set,
    # both proved equal to the model's by the first claims ("default length closed form", "accepted
    # output_padding set"): the model's Max/ceiling form is correct but slow for the solver
    Pr = replace(
        pair(mode),
        transposed=lambda op: T0 + (0 if op is None else op),
        accepts=lambda op: sp.true if op is None else sp.And(op >= 0, op < s),
    )
    Sz = replace(pair(mode, size=True), accepts=lambda size: sp.And(T0 <= size, size <= T0 + s - 1))
    m = sp.ceiling(L / s)  # forward(L)
    preimage = sp.And(forward_accepts(mode, L), sp.Eq(forward(mode, L), n))
    call = transpose_call(mode)
    return [
        claim(
            mode,
            "default length closed form",
            "5 positive",
            "Paddle's 'same' transposed length is (n-1)s + min(k, (n-1) mod s + 1), whatever the dilation",
            sp.Eq(transposed(mode), T0),
            "proved",
            call=call,
        ),
        claim(
            mode,
            "default length is TensorFlow's n·s",
            "7 cross-framework",
            "Paddle's 'same' transposed length equals n·s (TensorFlow, Keras, JAX)",
            sp.Eq(T0, n * s),  # the closed form, proved equal to the model's length just above
            "refuted",
            iff=sp.And(k >= s, sp.Eq(sp.Mod(n, s), 0)),
            call=lambda v: f"{call(v)} gives {F.value(T0, v)}, not n·s = {v['n'] * v['s']}",
        ),
        F.monotone(Pr),
        # output_padding < s is accepted, but n·s is the largest preimage of ⌈L/s⌉
        F.round_trip(Pr, "refuted", iff=T0 + a <= n * s),
        F.round_trip(Pr, "proved", a=None, label="default"),
        F.minimal(Pr, "refuted", iff=sp.Or(sp.Eq(k, 1), sp.Eq(sp.Mod(n - 1, s), 0))),
        # the default is the largest preimage n·s exactly when it equals TF's (k >= s and s | n, proved above)
        F.maximal(Pr, "refuted", iff=sp.Eq(T0, n * s)),
        F.reaches_every_preimage(Pr, L - T0, "refuted", iff=sp.Implies(preimage, L >= T0)),
        F.positive(Pr, "proved"),
        F.inverse_of_forward(
            on_image(mode, Pr),
            "refuted",
            # L's place in its stride block, L - (m-1)s, must be min(k, (m-1) mod s + 1) for m = ⌈L/s⌉
            iff=sp.Eq(sp.Min(k, sp.Mod(m - 1, s) + 1), L - (m - 1) * s),
            label="output_padding=0",
        ),
        claim(
            mode,
            "accepted output_padding set",
            "4 bijection",
            "with 'same', Paddle accepts output_padding a iff a < stride (dilation is reset to 1)",
            sp.Equivalent(accepts(mode, a), a < s),
            "proved",
            call=call,
        ),
        claim(
            f"{mode}, output_size",
            "accepted output_size set",
            "4 bijection",
            "with 'same', Paddle accepts output_size X iff L0 <= X <= L0 + s - 1, L0 its default length",
            # with the model's form of L0 (the closed form T0 is proved equal to it above)
            sp.Equivalent(accepts(mode, size=X), sp.And(transposed(mode) <= X, X <= transposed(mode) + s - 1)),
            "proved",
            call=transpose_call(mode, size=True),
        ),
        F.round_trip(Sz, "refuted", iff=X <= n * s),
        size_reaches(mode, Sz, sp.Implies(preimage, L >= T0)),
    ]


CLAIMS: list[Claim] = [*fixed_claims("explicit pads"), *fixed_claims("valid"), *same_claims()]


def derivations() -> list[Derivation]:
    """Explicit pads and 'valid', with output_padding and with output_size; 'same' without output_padding.

    Paddle's forward truncates toward zero: it is ⌊(L + lo + hi - K)/s⌋ + 1 where the padded input covers the kernel,
    L + lo + hi >= K (below it n = 1 gains preimages no output_padding reaches: the "reaches every preimage" claims).
    'same' with output_padding leaves the preimage above n·s and never reaches the preimages below its default
    (claims above): its derivation is of the default length, in the closed form proved equal to the model's; and
    'same' with output_size accepts lengths above n·s (its round trip is refuted), so it has none.
    """
    out = []
    for mode in ("explicit pads", "valid"):
        fm = FloorAffine(PADS[mode] - K, s, 1)
        region = (L + PADS[mode] >= K,)
        out += [replace(Derivation.from_pair(pr, floor_map=fm), assume=region) for pr in (pair(mode), pair(mode, True))]
    out.append(Derivation("paddle", "same", L, n, forward("same", L), default_length("same")))
    return out


DERIVATIONS: list[Derivation] = derivations()


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
