"""Question "I do not really understand the meaning of the output_padding parameter, [...] deconv_length".

From keras-conv2dtranspose-output-padding.txt.

Answered with Keras 2.2.4's ``keras.utils.conv_utils.deconv_length(dim, stride, kernel, padding,
output_padding)`` (derive.frameworks.keras2, code-read; tf.keras' deconv_output_length is the same
function, claims "equals tf.keras deconv_output_length" in keras2.py) against its forward partner
``conv_output_length`` (⌈m/s⌉), at dilation 1 (keras2.py proves the helpers see k and d only through
K = k + (k-1)(d-1)). All claims are framework "keras2", mode "question: output_padding":

* what "inferred" means: "the inferred formulas" (valid ``n·s + max(k-s, 0) = (n-1)s + max(k, s)``,
  full ``(n-1)s - k + 2``, same ``n·s``), "inferred is minimal/maximal preimage (deconv_length <mode>)":
  'valid' is the smallest length that convolves to n iff k >= s, 'full' the smallest iff it is >= 1,
  'same' always the largest (the smallest only at s = 1);
* what output_padding means: "round trip (...)" and "reaches every preimage (...)": with
  ``0 <= a < s`` (the layer's check) the length is ``(n-1)s + k - 2·pad + a`` and picks one of the s
  lengths that convolve to n, every one of them for 'valid' and 'full'; for 'same' exactly when k is
  odd (an even k gives (n-1)s .. ns-1, and (n-1)s convolves to n - 1);
* how padding and output_padding interact: "output_padding adds a whatever the padding", "padding
  shifts the length by -2·pad", "None is output_padding 0 (deconv_length <mode>)" (refuted for 'valid'
  iff k >= s, for 'same' iff s = 1 and k odd; proved for 'full'), "same: the inferred n*s needs an
  accepted output_padding" (refuted: iff k odd);
* the question's numbers (k = 3, s = 10, 'same', n = 20): "instance: ..." claims.
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.frameworks import keras2 as K2
from derive.script import main

n, L, k, s = sp.symbols("n L k s", integer=True, positive=True)
a = sp.Symbol("a", integer=True, nonnegative=True)
MODE = "question: output_padding"
MODES = ("valid", "same", "full")
odd = sp.Eq(sp.Mod(k, 2), 1)
PAD = {"valid": 0, "same": sp.floor(k / 2), "full": k - 1}


def deconv_length(mode: str, op, at=n, kernel=k, stride=s):
    return K2.deconv_length(at, stride, kernel, mode, op)


def forward(mode: str, x, kernel=k, stride=s):
    return K2.conv_output_length(x, kernel, mode, stride)


def deconv_call(mode: str, op_text: str):
    def call(v) -> str:
        op = v.get("a", 0) if op_text == "a" else op_text
        return f"keras.utils.conv_utils.deconv_length({v['n']}, {v['s']}, {v['k']}, '{mode}', {op})"

    return call


def pair(mode: str, given: bool) -> F.Pair:
    return F.Pair(
        framework="keras2",
        mode=MODE,
        n=n,
        L=L,
        a=a,
        forward=lambda x: forward(mode, x),
        transposed=lambda op: deconv_length(mode, op),
        # Keras 2.2.4's Conv2DTranspose refuses output_padding >= strides
        accepts=lambda op: sp.true if op is None else op < s,
        # an input with an output (keras2.py: conv_output_length 'valid' is >= 1 iff L >= K)
        forward_accepts=lambda x: x >= k if mode == "valid" else x >= 1,
        call=deconv_call(mode, "a" if given else "None"),
        parameters=(n, k, s, a) if given else (n, k, s),
    )


def claim(name: str, statement: str, prop, expect: str = "proved", iff=None, assume=(), call=None, family="question"):
    return Claim(
        name=name,
        framework="keras2",
        mode=MODE,
        statement=statement,
        proposition=prop,
        expect=expect,
        assume=tuple(assume),
        iff=iff,
        call=call,
        family=family,
        parameters=(n, k, s, a),
    )


T_full = (n - 1) * s - k + 2
INFERRED = [
    claim(
        "the inferred formulas",
        "output_padding=None: valid n*s + max(k - s, 0) = (n-1)s + max(k, s); full n*s - (s + k - 2) = (n-1)s - k + 2 "
        "= the length with output_padding 0; same n*s = the length with output_padding s - (k mod 2)",
        sp.And(
            sp.Eq(deconv_length("valid", None), (n - 1) * s + sp.Max(k, s)),
            sp.Eq(deconv_length("full", None), T_full),
            sp.Eq(deconv_length("full", None), deconv_length("full", 0)),
            sp.Eq(deconv_length("same", None), deconv_length("same", s - sp.Mod(k, 2))),
        ),
        family="2 minimal",
    ),
    F.minimal(pair("valid", False), "refuted", iff=k >= s, label="deconv_length valid"),
    F.maximal(pair("valid", False), "refuted", iff=sp.Or(sp.Eq(s, 1), sp.Eq(k, 1)), label="deconv_length valid"),
    F.minimal(pair("same", False), "refuted", iff=sp.Eq(s, 1), label="deconv_length same"),
    F.maximal(pair("same", False), "proved", label="deconv_length same"),
    F.minimal(pair("full", False), "refuted", iff=T_full >= 1, label="deconv_length full"),
    F.maximal(pair("full", False), "refuted", iff=sp.And(sp.Eq(s, 1), T_full >= 1), label="deconv_length full"),
]

WITNESS = {"valid": L - (n - 1) * s - k, "same": L - (n - 1) * s - sp.Mod(k, 2), "full": L - T_full}
OUTPUT_PADDING = [
    F.round_trip(pair("valid", True), "proved", label="deconv_length valid, 0 <= a < s"),
    F.round_trip(pair("full", True), "proved", label="deconv_length full, 0 <= a < s"),
    F.round_trip(
        pair("same", True), "refuted", iff=sp.Or(odd, a >= 1, sp.Eq(n, 1)), label="deconv_length same, 0 <= a < s"
    ),
    F.reaches_every_preimage(pair("valid", True), WITNESS["valid"], "proved", label="deconv_length valid"),
    F.reaches_every_preimage(pair("full", True), WITNESS["full"], "proved", label="deconv_length full"),
    F.reaches_every_preimage(
        pair("same", True),
        WITNESS["same"],
        "refuted",
        iff=sp.Or(sp.Ne(forward("same", L), n), odd, sp.Ne(L, n * s)),
        label="deconv_length same",
    ),
]

INTERACTION = [
    claim(
        "output_padding adds a whatever the padding",
        "deconv_length(..., padding, a) = deconv_length(..., padding, 0) + a for valid, same and full",
        sp.And(*(sp.Eq(deconv_length(m, a) - deconv_length(m, 0), a) for m in MODES)),
    ),
    claim(
        "padding shifts the length by -2*pad",
        "with output_padding a: (n-1)s + k - 2*pad + a, pad = 0 (valid), k//2 (same), k - 1 (full)",
        sp.And(*(sp.Eq(deconv_length(m, a), (n - 1) * s + k - 2 * PAD[m] + a) for m in MODES)),
    ),
    *(
        claim(
            f"None is output_padding 0 (deconv_length {mode})",
            f"deconv_length '{mode}' with output_padding=None equals output_padding=0",
            sp.Eq(deconv_length(mode, None), deconv_length(mode, 0)),
            *(("proved", None) if mode == "full" else ("refuted", iff)),
            call=lambda v, mode=mode: (
                f"{deconv_call(mode, 'None')(v)} = {F.value(deconv_length(mode, None), v)}, "
                f"{deconv_call(mode, '0')(v)} = {F.value(deconv_length(mode, 0), v)}"
            ),
            family="2 minimal",
        )
        for mode, iff in (("valid", k >= s), ("same", sp.And(sp.Eq(s, 1), odd)), ("full", None))
    ),
    claim(
        "same: the inferred n*s needs an accepted output_padding",
        "some output_padding below the stride (s - k mod 2) gives the inferred 'same' length n*s",
        sp.And(s - sp.Mod(k, 2) < s, sp.Eq(deconv_length("same", s - sp.Mod(k, 2)), n * s)),
        "refuted",
        iff=odd,
        call=lambda v: (
            f"{deconv_call('same', 'None')(v)} = {v['n'] * v['s']} needs output_padding {v['s']} >= strides {v['s']}"
        ),
        family="4 bijection",
    ),
]

# the question's numbers: kernel 3, stride 10, 'same', a 20x20 map
kq, sq, nq = 3, 10, 20
INSTANCE = [
    claim(
        "instance: 191 to 200 convolve to 20",
        "conv_output_length(L, 3, 'same', 10) = 20 iff 191 <= L <= 200 (200 and 195 among them)",
        sp.Equivalent(sp.Eq(forward("same", L, kq, sq), nq), sp.And(L >= 191, L <= 200)),
    ),
    claim(
        "instance: inferred 200",
        "deconv_length(20, 10, 3, 'same', None) = 200, the largest of them",
        sp.Eq(deconv_length("same", None, nq, kq, sq), 200),
    ),
    claim(
        "instance: output_padding a gives 191 + a",
        "deconv_length(20, 10, 3, 'same', a) = 191 + a, so 0 <= a < 10 reaches each of 191..200 once; 195 is a = 4",
        sp.And(
            sp.Eq(deconv_length("same", a, nq, kq, sq), 191 + a),
            sp.Equivalent(sp.Eq(deconv_length("same", a, nq, kq, sq), 195), sp.Eq(a, 4)),
        ),
        assume=(a < sq,),
    ),
]

CLAIMS: list[Claim] = [*INFERRED, *OUTPUT_PADDING, *INTERACTION, *INSTANCE]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
