"""Keras 3 (keras 3.15.1): ``keras.layers.Conv1DTranspose`` against ``Conv1D``, and against its backends.

Keras computes its own transposed length (``backend_utils._get_output_shape_given_tf_padding``):
'valid' ``(n-1)s + K + op`` with op defaulting to ``max(K, s) - K``; 'same' ``n·s`` without
output_padding and ``(n-1)s + (K mod 2) + op`` with it (K = d(k-1)+1). The layer accepts
``0 <= output_padding < strides`` and refuses ``strides > 1`` with ``dilation_rate > 1``. The
forward convolution is ``Conv1D``'s own shape (``compute_conv_output_shape``, which refuses a
'valid' output below 1). Families 0-6 are about ``backend=None`` (Keras' formula).

Family 7 compares the backends (derive.frameworks.keras): the tensorflow backend hands Keras' length
to ``tf.nn.conv_transpose`` as ``output_shape``, so it raises exactly when that length is outside
TensorFlow's accepted interval (or the CPU kernel meets dilation > 1); the jax backend's explicit
``lax.conv_transpose`` pads and the torch backend's crop of ``conv_transpose1d(padding=0)`` are
composed here from Keras' own helpers (``backend_utils._convert_conv_transpose_padding_args_from_keras_to_jax``,
``compute_conv_transpose_output_crops_for_torch``) with the JAX and PyTorch models, and give Keras'
length. The older torch translation ``_convert_conv_transpose_padding_args_from_keras_to_torch``
(still in backend_utils, no longer called by the 3.15.1 torch backend) is checked too.
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import jax as J
from derive.frameworks import keras as KR
from derive.frameworks import tensorflow as T
from derive.frameworks import torch as TO
from derive.frameworks.keras._claims import Layer
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
a, X = sp.symbols("a X", integer=True, nonnegative=True)
K = d * (k - 1) + 1
odd = sp.Eq(sp.Mod(K, 2), 1)
MODES = ("valid", "same")


LAYER = Layer(
    "keras", KR, "keras.layers", lambda backend: f"on the {backend} backend", (n, L, k, s, d, a), (n, k, s, d, a, X)
)
restores_valid, layer_accepts, length, forward, forward_accepts = (
    LAYER.restores_valid,
    LAYER.accepts,
    LAYER.length,
    LAYER.forward,
    LAYER.forward_accepts,
)
layer, pair, claim = LAYER.call, LAYER.pair, LAYER.claim


def shows_length(mode: str, op, backend=None):
    def call(v) -> str:
        op_value = F.value(op, v) if op is not None else None
        text = layer(mode, "a" if op is not None else "None", backend)({**v, "a": op_value})
        return f"{text} on length {v['n']}: Keras' length {F.value(length(mode, op), v)}"

    return call


# ---------------------------------------------------------------------------------------------
# families 0-6, backend=None


def valid_claims() -> list[Claim]:
    inferred, given = pair("valid", False), pair("valid", True)
    return [
        F.monotone(inferred),
        F.round_trip(inferred, "proved", a=None, label="output_padding=None"),
        F.minimal(inferred, "refuted", iff=K >= s, label="output_padding=None"),
        F.maximal(inferred, "refuted", iff=sp.Or(sp.Eq(s, 1), sp.Eq(K, 1)), label="output_padding=None"),
        F.positive(inferred, "proved", label="output_padding=None"),
        F.inverse_of_forward(inferred, "refuted", iff=restores_valid(K), label="output_padding=None"),
        F.round_trip(given, "proved", label="output_padding given"),
        F.reaches_every_preimage(given, L - (n - 1) * s - K, "proved", label="output_padding given"),
        F.positive(given, "proved", a=a, label="output_padding given"),
        F.inverse_of_forward(given, "proved", a=sp.Mod(L - K, s), label="output_padding (L - K) mod s"),
    ]


def same_claims() -> list[Claim]:
    inferred, given = pair("same", False), pair("same", True)
    T_given = length("same", a)
    restore = sp.Mod(L - 1, s) + 1 - sp.Mod(K, 2)  # the output_padding that would give L back
    back = length("same", restore, at=forward("same", L))
    return [
        F.monotone(inferred),
        F.round_trip(inferred, "proved", a=None, label="output_padding=None"),
        F.minimal(inferred, "refuted", iff=sp.Eq(s, 1), label="output_padding=None"),
        F.maximal(inferred, "proved", label="output_padding=None"),
        F.positive(inferred, "proved", label="output_padding=None"),
        F.inverse_of_forward(inferred, "refuted", iff=sp.Eq(sp.Mod(L, s), 0), label="output_padding=None"),
        # (n-1)s + (K mod 2) + op: an even K with op = 0 gives (n-1)s, the preimage of n - 1
        F.round_trip(given, "refuted", iff=sp.Or(odd, a >= 1, sp.Eq(n, 1)), label="output_padding given"),
        F.reaches_every_preimage(
            given,
            L - (n - 1) * s - sp.Mod(K, 2),
            "refuted",
            iff=sp.Or(sp.Ne(forward("same", L), n), odd, sp.Ne(L, n * s)),
            label="output_padding given",
        ),
        F.positive(given, "refuted", a=a, iff=sp.Or(n >= 2, odd, a >= 1), label="output_padding given"),
        claim(
            "same",
            "restores the forward input (accepted output_padding)",
            "6 inverse",
            "output_padding (L-1) mod s + 1 - (K mod 2) is accepted and transposed(forward(L)) = L",
            sp.And(layer_accepts("same", restore), sp.Eq(back, L)),
            "refuted",
            iff=sp.Or(odd, sp.Ne(sp.Mod(L, s), 0)),
            assume=(layer_accepts("same", None), forward_accepts("same", L)),
            call=lambda v: (
                f"{layer('same', 'a')({**v, 'a': F.value(restore, v)})} on length {F.value(forward('same', L), v)}: "
                f"output_padding {F.value(restore, v)} >= strides is refused, and no accepted one gives {v['L']}"
            ),
        ),
        claim(
            "same",
            "inferred length reachable with output_padding",
            "4 bijection",
            "some accepted output_padding (s - K mod 2) gives the inferred n*s",
            sp.And(layer_accepts("same", s - sp.Mod(K, 2)), sp.Eq(length("same", s - sp.Mod(K, 2)), n * s)),
            "refuted",
            iff=odd,
            assume=(layer_accepts("same", None),),
            call=lambda v: (
                f"{layer('same', 'None')(v)} on length {v['n']} gives {v['n'] * v['s']}, "
                "which no accepted output_padding gives"
            ),
        ),
        claim(
            "same",
            "output_padding given: length below n*s",
            "4 bijection",
            "with output_padding, the length is at most n*s (no accepted value overshoots the preimage)",
            sp.Le(T_given, n * s),
            "proved",
            assume=(layer_accepts("same", a),),
        ),
    ]


# ---------------------------------------------------------------------------------------------
# family 7: backends


def jax_pads(mode: str, op):
    """``_convert_conv_transpose_padding_args_from_keras_to_jax``: (left_pad, right_pad) for lax.conv_transpose."""
    if mode == "valid":
        extra = sp.Max(K, s) - K if op is None else op
        return K - 1, K - 1 + extra
    pad_len = s + K - 2 if op is None else K + sp.Mod(K, 2) - 2 + op
    left = sp.Min(sp.floor(pad_len / 2) + sp.Mod(pad_len, 2), K - 1)
    return left, pad_len - left


def jax_result(mode: str, op):
    """Whether ``lax.conv_transpose`` accepts Keras' pads, and its length."""
    pads = [jax_pads(mode, op)]
    ok = F.holds(J.CONV_TRANSPOSE, n, kernel_size=k, strides=s, padding=pads, rhs_dilation=d)
    return ok, J.conv_transpose_length(n, k, s, pads, rhs_dilation=d)


def torch_result(mode: str, op):
    """``conv_transpose1d(padding=0, output_padding=0)``, then sliced ``[max(0, cl) : -cr or None]`` and zero-padded."""
    natural = TO.conv_transpose_length(n, k, s, 0, 0, d, api="functional")
    ok = F.holds(TO.CONV_TRANSPOSE1D_FUNCTIONAL, n, kernel_size=k, stride=s, padding=0, output_padding=0, dilation=d)
    left, right = jax_pads(mode, op)
    cl, cr = K - 1 - left, K - 1 - right  # compute_conv_transpose_output_crops_for_torch
    start = sp.Min(sp.Max(0, cl), natural)
    end = sp.Piecewise((sp.Max(0, natural - cr), cr > 0), (natural, True))
    return ok, sp.Max(0, end - start) + sp.Max(0, -cl) + sp.Max(0, -cr)


def old_torch_length(mode: str, op):
    """``_convert_conv_transpose_padding_args_from_keras_to_torch`` (then torch's length), with its clamp."""
    if mode == "valid":
        torch_pad = 0
        torch_op = sp.Max(K, s) - K if op is None else op
    else:
        op = s - sp.Mod(K, 2) if op is None else op
        torch_pad = sp.Max(-sp.floor((sp.Mod(K, 2) - K + op) / 2), 0)
        torch_op = 2 * torch_pad + sp.Mod(K, 2) - K + op
    torch_op = sp.Min(torch_op, s - 1)  # "Clamping output_padding ... for stride"
    return (n - 1) * s - 2 * torch_pad + K + torch_op


def backend_claims(mode: str) -> list[Claim]:
    claims: list[Claim] = []
    for op, label in ((None, "output_padding=None"), (a, "output_padding given")):
        base = layer_accepts(mode, op)
        keras_length = length(mode, op)
        call = shows_length(mode, op)
        jax_ok, jax_length = jax_result(mode, op)
        torch_ok, torch_length = torch_result(mode, op)
        tf_lo, tf_hi = T.accepted_lengths(n, k, s, mode.upper(), d, device="GPU")
        on_tf = layer_accepts(mode, op, "tensorflow")
        tf_iff = sp.Eq(d, 1) if (mode, op) != ("same", a) else sp.And(sp.Eq(d, 1), sp.Or(odd, a >= 1))
        claims += [
            claim(
                mode,
                f"jax backend gives Keras' length ({label})",
                "7 cross-framework",
                "lax.conv_transpose with Keras' explicit pads is accepted and has Keras' length",
                sp.And(jax_ok, sp.Eq(jax_length, keras_length)),
                "proved",
                assume=(base,),
                call=call,
            ),
            claim(
                mode,
                f"torch backend gives Keras' length ({label})",
                "7 cross-framework",
                "conv_transpose1d(padding=0) cropped/zero-padded to JAX's window is accepted and has Keras' length",
                sp.And(torch_ok, sp.Eq(torch_length, keras_length)),
                "proved",
                assume=(base,),
                call=call,
            ),
            claim(
                mode,
                f"jax and torch backends accept exactly the formula's calls ({label})",
                "7 cross-framework",
                "the jax and torch backends accept a layer call iff Keras' formula (backend=None) does",
                sp.And(
                    sp.Equivalent(layer_accepts(mode, op, "jax"), base),
                    sp.Equivalent(layer_accepts(mode, op, "torch"), base),
                ),
                "proved",
                call=call,
            ),
            claim(
                mode,
                f"tensorflow backend runs what the jax backend runs ({label})",
                "7 cross-framework",
                "every layer call the jax backend accepts also runs on the tensorflow backend (CPU)",
                on_tf,
                "refuted",
                iff=tf_iff,
                assume=(layer_accepts(mode, op, "jax"),),
                call=lambda v, mode=mode, op=op, tf_lo=tf_lo, tf_hi=tf_hi: (
                    f"{shows_length(mode, op, 'tensorflow')(v)}, TF accepts "
                    f"{F.value(tf_lo, v)}..{F.value(tf_hi, v)}" + (" (and no dilation on CPU)" if v["d"] > 1 else "")
                ),
            ),
            claim(
                mode,
                f"tensorflow backend raises iff Keras' length is outside TF's set ({label})",
                "7 cross-framework",
                "apart from the CPU dilation refusal, the tensorflow backend accepts a call iff Keras' formula "
                "accepts it and Keras' length is in TF's accepted output_shape interval",
                sp.Equivalent(
                    layer_accepts(mode, op, "tensorflow", exclude=("CPU",)),
                    sp.And(base, tf_lo <= keras_length, keras_length <= tf_hi),
                ),
                "proved",
                call=call,
            ),
            claim(
                mode,
                f"old torch padding translation is shape-exact ({label})",
                "7 cross-framework",
                "_convert_conv_transpose_padding_args_from_keras_to_torch (unused by the 3.15.1 torch backend) "
                "gives torch arguments whose length is Keras'",
                sp.Eq(old_torch_length(mode, op), keras_length),
                "refuted" if (mode, op) == ("same", None) else "proved",
                # s = 1 and an even K need torch output_padding 1, clamped to stride - 1 = 0
                iff=sp.Or(odd, s >= 2) if (mode, op) == ("same", None) else None,
                assume=(base,),
                call=lambda v, mode=mode, op=op, keras_length=keras_length: (
                    f"{shows_length(mode, op)(v)}, the old torch translation {F.value(old_torch_length(mode, op), v)}"
                ),
            ),
        ]
    return claims


def cross_tf_claims() -> list[Claim]:
    """Keras' chosen length against TensorFlow's whole accepted set (the 5-or-6 question, in general)."""
    tf_lo, tf_hi = T.accepted_lengths(n, k, s, "VALID", d, device="GPU")
    _, same_hi = T.accepted_lengths(n, k, s, "SAME", d, device="GPU")
    tf_cpu = F.holds(T.CONV2D_TRANSPOSE, n, kernel_size=k, output_shape=X, strides=s, padding="VALID", dilations=d)
    tf_cpu_same = F.holds(T.CONV2D_TRANSPOSE, n, kernel_size=k, output_shape=X, strides=s, padding="SAME", dilations=d)
    return [
        claim(
            "valid",
            "inferred is TF's least accepted output_shape",
            "7 cross-framework",
            "Keras' 'valid' length without output_padding is the smallest output_shape TF accepts",
            sp.Eq(length("valid", None), tf_lo),
            "refuted",
            iff=K >= s,
            assume=(layer_accepts("valid", None),),
            call=lambda v: f"{shows_length('valid', None)(v)}, TF accepts {F.value(tf_lo, v)}..{F.value(tf_hi, v)}",
        ),
        claim(
            "same",
            "inferred is TF's largest accepted output_shape",
            "7 cross-framework",
            "Keras' 'same' length without output_padding, n*s, is the largest output_shape TF accepts",
            sp.Eq(length("same", None), same_hi),
            "proved",
            assume=(layer_accepts("same", None),),
        ),
        claim(
            "valid",
            "output_padding reaches every TF output_shape",
            "7 cross-framework",
            "every output_shape TF (CPU) accepts is Keras' length for an output_padding the tensorflow backend runs",
            sp.And(
                layer_accepts("valid", X - (n - 1) * s - K, "tensorflow"),
                sp.Eq(length("valid", X - (n - 1) * s - K), X),
            ),
            "proved",
            assume=(layer_accepts("valid", None), tf_cpu),
        ),
        claim(
            "same",
            "output_padding reaches every TF output_shape",
            "7 cross-framework",
            "every output_shape TF (CPU) accepts is Keras' length for an output_padding the tensorflow backend runs",
            sp.And(
                layer_accepts("same", X - (n - 1) * s - sp.Mod(K, 2), "tensorflow"),
                sp.Eq(length("same", X - (n - 1) * s - sp.Mod(K, 2)), X),
            ),
            "refuted",
            # an even kernel reaches (n-1)s .. ns-1: TF's top, n*s, is out of reach
            iff=sp.Or(odd, X < n * s),
            assume=(layer_accepts("same", None), tf_cpu_same),
            call=lambda v: (
                f"tf.nn.conv2d_transpose accepts output_shape {v['X']} on length {v['n']} (kernel {v['k']}, strides "
                f"{v['s']}, 'SAME'), but Keras 'same' with output_padding reaches only "
                f"{F.value(length('same', 0), v)}..{F.value(length('same', s - 1), v)}"
            ),
        ),
    ]


CLAIMS: list[Claim] = [
    *valid_claims(),
    *same_claims(),
    *(c for mode in MODES for c in backend_claims(mode)),
    *cross_tf_claims(),
]

# 'valid': output_padding < strides gives every preimage, and None the length (n-1)s + max(K, s).
# 'same': with output_padding, (n-1)s + (K mod 2) + op leaves the preimage for an even K at op = 0 and never
# reaches n·s ("round trip" and "reaches every preimage", output_padding given): no output padding keeps every
# step proved for every K, so the derivation is of the length without output_padding, n·s.
SAME_DEFAULT = pair("same", False)
DERIVATIONS: list[Derivation] = [
    Derivation.from_pair(pair("valid", True)),
    Derivation("keras", "same", L, n, forward("same", L), length("same", None), assume=SAME_DEFAULT.assume),
]


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
