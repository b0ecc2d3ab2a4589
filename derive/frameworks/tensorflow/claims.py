"""TensorFlow (tensorflow-cpu 2.21.0): ``tf.nn.conv2d`` and the ``output_shape`` ``tf.nn.conv*_transpose`` accepts.

A TensorFlow transposed convolution has no length formula: the caller passes ``output_shape`` and
the op accepts it exactly when the forward convolution of that shape has the transposed input's
length (derive.frameworks.tensorflow). The claims say that this accepted set is exactly the
preimage interval of the forward convolution, for VALID, SAME and explicit ``(lo, hi)`` pads, and
characterise the corners: the C++ truncating division that makes a too-short VALID input give 0
(not an error) while ``L + lo + hi > K - 2s``, the empty input (n = 0, which TF accepts), explicit
pads larger than the whole output, and the CPU kernel's refusal of dilation.

The general claims use ``device="GPU"`` (dilation allowed; code-read): every call the CPU kernel
accepts is one of them at ``dilations=1``, which the "CPU" claims prove. ``n`` and ``L`` may be 0.
The CPU claims are Eigen's kernels; the oneDNN claims (``TF_ENABLE_ONEDNN_OPTS=1``, the default on CPUs
with AVX-512 VNNI/BF16 or AMX) and the XLA claims (``tf.function(jit_compile=True)``) say where those
kernels accept what Eigen's (or the GPU's) do, and where not.
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import tensorflow as T
from derive.lengths import FloorAffine
from derive.script import main

n, L, X = sp.symbols("n L X", integer=True, nonnegative=True)
k, s, d = sp.symbols("k s d", integer=True, positive=True)
p, q = sp.symbols("p q", integer=True, nonnegative=True)
K = d * (k - 1) + 1

PADDING = {"VALID": "VALID", "SAME": "SAME", "explicit pads": (p, q)}
PADS = {"VALID": 0, "SAME": 0, "explicit pads": p + q}  # lo + hi where the pads are fixed


def padding_text(mode: str, v) -> str:
    if mode == "explicit pads":
        return f"[[0, 0], [0, 0], [{v['p']}, {v['q']}], [0, 0]]"
    return repr(mode)


def transpose_call(mode: str, device: str = "GPU"):
    def call(v) -> str:
        where = "" if v["d"] == 1 else f"with tf.device('/{device}:0'): "  # CPU accepts the same set at d = 1
        return (
            f"{where}tf.nn.conv2d_transpose(tf.ones([1, 1, {v['n']}, 1]), tf.ones([1, {v['k']}, 1, 1]), "
            f"output_shape=[1, 1, {v['X']}, 1], strides={v['s']}, padding={padding_text(mode, v)}, "
            f"dilations={v['d']})"
        )

    return call


def forward_call(mode: str):
    def call(v) -> str:
        return (
            f"tf.nn.conv2d(tf.ones([1, 1, {v['L']}, 1]), tf.ones([1, {v['k']}, 1, 1]), strides={v['s']}, "
            f"padding={padding_text(mode, v)}, dilations={v['d']})"
        )

    return call


def accepted_text(mode: str, v) -> str:
    """TF's own accepted set at a counterexample, from the model's numeric accepted_lengths."""
    pad = (v["p"], v["q"]) if mode == "explicit pads" else mode
    lo, hi = T.accepted_lengths(v["n"], v["k"], v["s"], pad, v["d"], device="GPU")
    return f"{lo}..{hi}"


def parameters(mode: str) -> tuple[sp.Symbol, ...]:
    return (n, k, s, d, p, q) if mode == "explicit pads" else (n, k, s, d)


def forward(mode: str, x):
    return T.conv_length(x, k, s, PADDING[mode], d)


def forward_accepts(mode: str, x):
    return F.holds(T.CONV2D, x, kernel_size=k, strides=s, padding=PADDING[mode], dilations=d)


def accepts(mode: str, size, at=None, op=T.CONV2D_TRANSPOSE, device: str = "GPU", kernels: str = "eigen"):
    """The transposed op accepts ``output_shape=size`` on an input of length ``at`` (default n)."""
    return F.holds(
        op,
        n if at is None else at,
        kernel_size=k,
        output_shape=size,
        strides=s,
        padding=PADDING[mode],
        dilations=d,
        device=device,
        kernels=kernels,
    )


def transposed_length(mode: str, kernels: str):
    """The length the transposed op returns on these kernels (output_shape, but XLA on an empty input)."""
    op = T.CONV2D_TRANSPOSE
    kwargs = dict(kernel_size=k, output_shape=X, strides=s, padding=PADDING[mode], dilations=d, kernels=kernels)
    args = op.bind(n, kwargs)
    return op.length(args)


def kernels_call(mode: str, kernels: str):
    """A paste-able call on oneDNN's kernels (set before TensorFlow is imported) or XLA's."""
    base = transpose_call(mode, device="CPU")

    def call(v) -> str:
        text = base({**v, "d": v["d"]}).replace("with tf.device('/CPU:0'): ", "")
        if kernels == "onednn":
            return f"TF_ENABLE_ONEDNN_OPTS=1: {text}"
        return f"tf.function(lambda: {text}, jit_compile=True)()"

    return call


def kernel_claims(mode: str) -> list[Claim]:
    """oneDNN's and XLA's accepted output_shape sets against the GPU's (Eigen's without the dilation refusal)."""
    out = [
        claim(
            mode,
            "XLA accepts the GPU set",
            "4 bijection",
            "under jit_compile, output_shape X is accepted iff the GPU kernel accepts it (dilation included)",
            sp.Equivalent(accepts(mode, X, device="CPU", kernels="xla"), accepts(mode, X)),
            "proved",
            call=kernels_call(mode, "xla"),
        ),
        claim(
            mode,
            "XLA returns output_shape",
            "4 bijection",
            "under jit_compile, an accepted call's output has length output_shape",
            sp.Eq(transposed_length(mode, "xla"), X),
            "refuted",
            # an empty input's backprop convolution is L + s - 1 long
            iff=sp.Or(n >= 1, sp.Eq(s, 1)),
            assume=(accepts(mode, X, device="CPU", kernels="xla"),),
            call=lambda v, mode=mode: f"{kernels_call(mode, 'xla')(v)} has length {F.value(X + s - 1, v)}",
        ),
    ]
    if mode == "explicit pads":  # oneDNN hands explicit pads to the Eigen kernel
        return out
    onednn = accepts(mode, X, device="CPU", kernels="onednn")
    out += [
        claim(
            mode,
            "oneDNN accepts the GPU set for n >= 2",
            "4 bijection",
            "on oneDNN, for n >= 2 a non-empty output_shape X is accepted iff the GPU kernel accepts it",
            sp.Equivalent(onednn, accepts(mode, X)),
            "proved",
            assume=(n >= 2, X >= 1),
            call=kernels_call(mode, "onednn"),
        ),
        claim(
            mode,
            "oneDNN accepts the GPU set at n = 1",
            "4 bijection",
            "on oneDNN, for n = 1 a non-empty output_shape X is accepted iff the GPU kernel accepts it",
            sp.Equivalent(onednn.subs(n, 1), accepts(mode, X, at=1)),
            "proved" if mode == "SAME" else "refuted",
            # oneDNN's check truncates toward zero: K - s < X < K also maps back to 1
            iff=None if mode == "SAME" else sp.Not(sp.And(K - s < X, X < K)),
            assume=(X >= 1,),
            call=lambda v, mode=mode: f"{kernels_call(mode, 'onednn')({**v, 'n': 1})} is accepted; Eigen refuses it",
        ),
        claim(
            mode,
            "oneDNN returns an empty tensor unchecked",
            "4 bijection",
            "on oneDNN, every output_shape >= 0 is accepted when the input is empty, and 0 on every input",
            sp.And(onednn.subs(n, 0), onednn.subs(X, 0)),
            "proved",
            call=kernels_call(mode, "onednn"),
        ),
    ]
    return out


def pair(mode: str) -> F.Pair:
    return F.Pair(
        framework="tensorflow",
        mode=mode,
        n=n,
        L=L,
        a=X,
        forward=lambda x: forward(mode, x),
        transposed=lambda size: size,  # the op returns the output_shape it accepted
        accepts=lambda size: accepts(mode, size),
        forward_accepts=lambda x: forward_accepts(mode, x),
        call=transpose_call(mode),
        inferred_word="output_shape",
        parameters=(*parameters(mode), X),
    )


def claim(mode: str, name: str, family: str, statement: str, prop, expect: str, iff=None, assume=(), call=None):
    params = (*parameters(mode), X)
    return F.claim(
        "tensorflow", mode, name, family, statement, prop, expect, iff, assume, call or transpose_call(mode), params
    )


def interval(mode: str):
    """The accepted output_shape interval for n >= 1: [(n-1)s + K - P, ns + K - P - 1]; SAME [(n-1)s + 1, ns]."""
    if mode == "SAME":
        return (n - 1) * s + 1, n * s
    low = (n - 1) * s + K - PADS[mode]
    return low, low + s - 1


def mode_claims(mode: str) -> list[Claim]:
    P = pair(mode)
    lo, hi = interval(mode)
    pads = PADS[mode]
    fixed = mode != "SAME"
    fwd = forward(mode, L)
    claims = [
        F.monotone(P),
        # family 1 (only preimages) and family 4 (every preimage): the accepted set is the preimage
        F.round_trip(P, "proved", label="every accepted output_shape"),
        F.reaches_every_preimage(P, L, "proved", label="as output_shape"),
        claim(
            mode,
            "accepted output_shape set is exactly the preimage",
            "4 bijection",
            "TF accepts output_shape X on input n iff the forward convolution accepts X and maps it to n (n >= 0)",
            sp.Equivalent(accepts(mode, X), sp.And(forward_accepts(mode, X), sp.Eq(forward(mode, X), n))),
            "proved",
            call=lambda v, mode=mode: transpose_call(mode)(v),
        ),
        claim(
            mode,
            "accepted interval for n >= 1",
            "4 bijection",
            "for n >= 1, TF accepts exactly the output_shape values in " + f"[{lo}, {hi}]",
            sp.Equivalent(accepts(mode, X), sp.And(lo <= X, X <= hi)),
            "proved",
            assume=(n >= 1,),
        ),
        # the empty input: truncation toward zero widens the preimage of 0 below the n >= 1 formula
        claim(
            mode,
            "accepted interval formula holds at n = 0",
            "4 bijection",
            f"the interval [{lo}, {hi}] is also the accepted set when n = 0",
            sp.Equivalent(accepts(mode, X), sp.And(lo <= X, X <= hi)),
            "refuted" if fixed else "proved",
            # n = 0: TF also accepts K - P - 2s < X < K - P - s, whose forward quotient truncates to 0
            iff=sp.Not(sp.And(sp.Eq(n, 0), K - pads - 2 * s < X, X < K - pads - s)) if fixed else None,
            call=lambda v, mode=mode: (
                f"{transpose_call(mode)(v)} accepted: {F.value(X, v)} is outside "
                f"[{F.value(lo, v)}, {F.value(hi, v)}] (TF's accepted set is {accepted_text(mode, v)})"
            ),
        ),
        # family 6: every accepted forward input is an accepted output_shape on its forward output
        claim(
            mode,
            "forward input accepted as output_shape",
            "6 inverse",
            "output_shape = L is accepted on input forward(L): the transposed op restores any forward input",
            accepts(mode, L, at=fwd),
            "proved",
            assume=(forward_accepts(mode, L),),
            call=forward_call(mode),
        ),
        # family 5: where the forward convolution returns 0 or refuses
        claim(
            mode,
            "forward length is positive",
            "5 positive",
            "tf.nn.conv2d of an accepted non-empty input has output length >= 1",
            sp.Ge(fwd, 1),
            "refuted" if fixed else "proved",
            iff=sp.Ge(L + pads, K) if fixed else None,
            assume=(L >= 1, forward_accepts(mode, L)),
            call=lambda v, mode=mode: f"{forward_call(mode)(v)} has length 0",
        ),
    ]
    if not fixed:
        claims.append(
            claim(
                mode,
                "forward accepts every input",
                "5 positive",
                "tf.nn.conv2d with SAME accepts every input length, 0 included (length ceil(L/s))",
                sp.And(forward_accepts(mode, L), sp.Eq(fwd, sp.ceiling(L / s))),
                "proved",
                call=forward_call(mode),
            )
        )
    if fixed:
        claims += [
            claim(
                mode,
                "forward accepts every input",
                "5 positive",
                "tf.nn.conv2d accepts every input length (no 'Computed output size would be negative')",
                forward_accepts(mode, L),
                "refuted",
                iff=L + pads > K - 2 * s,
                call=lambda v, mode=mode: f"{forward_call(mode)(v)} raises 'Computed output size would be negative'",
            ),
            claim(
                mode,
                "forward is floor((L + P - K)/s) + 1",
                "5 positive",
                "where TF accepts the input, its length is the floor formula (not C++ truncation)",
                sp.Eq(fwd, sp.floor((L + pads - K) / s) + 1),
                "refuted",
                iff=L + pads - K >= -s,
                assume=(forward_accepts(mode, L),),
                call=lambda v, mode=mode: f"{forward_call(mode)(v)} has length 0, the floor formula -1",
            ),
            claim(
                mode,
                "some output_shape is accepted",
                "4 bijection",
                "the top of the interval, n*s + K - P - 1, is an accepted output_shape (the set is not empty)",
                accepts(mode, n * s + K - pads - 1),
                "proved" if mode == "VALID" else "refuted",
                iff=None if mode == "VALID" else pads <= n * s + K - 1,
                call=lambda v, mode=mode: (
                    f"{transpose_call(mode)({**v, 'X': 'X'})} raises for every X "
                    f"(TF's accepted set {accepted_text(mode, v)} is empty)"
                ),
            ),
        ]
    # the CPU kernel: the same set at dilation 1, nothing above
    claims.append(
        claim(
            mode,
            "CPU accepts the GPU set at dilation 1",
            "4 bijection",
            "on CPU, output_shape X is accepted iff dilations == 1 and the GPU kernel accepts it",
            sp.Equivalent(accepts(mode, X, device="CPU"), sp.And(sp.Eq(d, 1), accepts(mode, X))),
            "proved",
        )
    )
    if mode != "explicit pads":
        for op, rank in ((T.CONV1D_TRANSPOSE, 1), (T.CONV3D_TRANSPOSE, 3)):
            claims.append(
                claim(
                    mode,
                    f"conv{rank}d_transpose accepts the conv2d_transpose set",
                    "4 bijection",
                    f"tf.nn.conv{rank}d_transpose accepts exactly the output_shape values conv2d_transpose accepts",
                    sp.Equivalent(accepts(mode, X, op=op), accepts(mode, X)),
                    "proved",
                )
            )
    else:
        claims.append(
            claim(
                mode,
                "conv1d_transpose takes explicit pads",
                "4 bijection",
                "tf.nn.conv1d_transpose accepts an explicit padding list",
                accepts(mode, X, op=T.CONV1D_TRANSPOSE),
                "refuted",
                iff=sp.false,  # always a TypeError: the wrapper passes the list to the op unconverted
                call=lambda v: (
                    f"tf.nn.conv1d_transpose(tf.ones([1, {v['n']}, 1]), tf.ones([{v['k']}, 1, 1]), "
                    f"output_shape=[1, {v['X']}, 1], strides={v['s']}, padding=[[0, 0], [{v['p']}, {v['q']}], "
                    "[0, 0]]) raises TypeError"
                ),
            )
        )
    return claims


CLAIMS: list[Claim] = [c for mode in PADDING for c in (*mode_claims(mode), *kernel_claims(mode))]


def derivation(mode: str) -> Derivation:
    """The accepted output_shape interval, derived for n >= 1 (the empty input widens it: a claim above).

    VALID and explicit pads: TF's length ``max(0, ⌊(L + P - K + s)/s⌋)`` (C++ truncation) is the floor formula
    ``⌊(L + P - K)/s⌋ + 1`` wherever the padded input covers the kernel, ``L + P >= K``, which every preimage of an
    ``n >= 1`` is. There is no length formula: the derivation is of the interval TF accepts as ``output_shape``.
    """
    if mode == "SAME":
        return replace(Derivation.from_pair(pair(mode)), assume=(n >= 1,))
    fm = FloorAffine(PADS[mode] - K, s, 1)
    return replace(Derivation.from_pair(pair(mode), floor_map=fm), assume=(n >= 1, L + PADS[mode] >= K))


DERIVATIONS: list[Derivation] = [derivation(mode) for mode in PADDING]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
