"""PyTorch (torch 2.13.0, CPU): Conv1d and ConvTranspose1d, per axis, over every accepted call.

The validity predicates are torch's own checks (derive.frameworks.torch), so each theorem is
about the calls torch accepts. ``output_padding`` is accepted when ``op < stride or op < dilation``;
``forward(output_size=X)`` accepts ``L0 <= X <= L0 + stride - 1``.
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import torch as TO
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p, a, X = sp.symbols("p a X", integer=True, nonnegative=True)
K = d * (k - 1) + 1
L0 = (n - 1) * s - 2 * p + K  # the length without output padding


def forward(x):
    return TO.conv_length(x, kernel_size=k, stride=s, padding=p, dilation=d)


def forward_accepts(x):
    return F.holds(TO.CONV1D, x, kernel_size=k, stride=s, padding=p, dilation=d)


def args(v) -> str:
    return f"kernel_size={v['k']}, stride={v['s']}, padding={v['p']}, dilation={v['d']}"


def with_output_padding(v) -> str:
    return f"torch.nn.ConvTranspose1d(1, 1, {args(v)}, output_padding={v.get('a', 0)})"


def with_output_size(v) -> str:
    return f"torch.nn.ConvTranspose1d(1, 1, {args(v)})(x, output_size=[{v['X']}])"


OUTPUT_PADDING = F.Pair(
    framework="torch",
    mode="output_padding",
    n=n,
    L=L,
    a=a,
    forward=forward,
    transposed=lambda op: TO.conv_transpose_length(n, k, s, p, 0 if op is None else op, d),
    accepts=lambda op: F.holds(
        TO.CONV_TRANSPOSE1D, n, kernel_size=k, stride=s, padding=p, output_padding=0 if op is None else op, dilation=d
    ),
    forward_accepts=forward_accepts,
    call=with_output_padding,
    inferred_word="default (output_padding=0)",
    parameters=(n, k, s, p, d),
)

# the same pair without torch's output-length check: for the claim about when that check fires
UNCHECKED = F.Pair(
    **{
        **OUTPUT_PADDING.__dict__,
        "mode": "output_padding, before the length check",
        "accepts": lambda op: F.holds(
            TO.CONV_TRANSPOSE1D,
            n,
            exclude=("output length",),
            kernel_size=k,
            stride=s,
            padding=p,
            output_padding=0 if op is None else op,
            dilation=d,
        ),
    }
)

OUTPUT_SIZE = F.Pair(
    framework="torch",
    mode="output_size",
    n=n,
    L=L,
    a=X,
    forward=forward,
    transposed=lambda size: L0 if size is None else TO.conv_transpose_length(n, k, s, p, 0, d, output_size=size),
    accepts=lambda size: F.holds(
        TO.CONV_TRANSPOSE1D, n, kernel_size=k, stride=s, padding=p, dilation=d, output_size=size
    ),
    forward_accepts=forward_accepts,
    call=with_output_size,
    parameters=(n, k, s, p, d),
)

CLAIMS: list[Claim] = [
    F.monotone(OUTPUT_PADDING),
    # the 'or dilation' escape: accepted, but the forward convolution does not map it back
    F.round_trip(OUTPUT_PADDING, "refuted", iff=sp.Lt(a, s)),
    F.round_trip(OUTPUT_PADDING, "proved", a=None, label="default"),
    F.minimal(OUTPUT_PADDING, "proved"),
    F.maximal(OUTPUT_PADDING, "refuted", iff=sp.Eq(s, 1)),
    F.reaches_every_preimage(OUTPUT_PADDING, L - L0, "proved"),
    F.positive(UNCHECKED, "refuted", iff=sp.Ge(L0, 1)),
    F.inverse_of_forward(OUTPUT_PADDING, "refuted", iff=sp.Eq(sp.Mod(L + 2 * p - K, s), 0), label="output_padding=0"),
    F.inverse_of_forward(OUTPUT_PADDING, "proved", a=sp.Mod(L + 2 * p - K, s), label="output_padding=(L+2p-K) mod s"),
    F.round_trip(OUTPUT_SIZE, "proved"),
    F.reaches_every_preimage(OUTPUT_SIZE, L, "proved"),
    Claim(
        name="output_size reaches every accepted output_padding",
        framework="torch",
        mode="output_size",
        statement="every length an accepted output_padding gives can also be requested as output_size",
        proposition=OUTPUT_SIZE.accepts(OUTPUT_PADDING.transposed(a)),
        assume=(OUTPUT_PADDING.accepts(a),),
        expect="refuted",
        iff=sp.Lt(a, s),
        call=lambda v: (
            f"{with_output_padding(v)} gives {TO.conv_transpose_length(v['n'], v['k'], v['s'], v['p'], v['a'], v['d'])}"
            f", but output_size accepts {TO.accepted_lengths(v['n'], v['k'], v['s'], v['p'], v['d'])}"
        ),
        family="4 bijection",
        parameters=(n, k, s, p, d, a),
    ),
]

# the derivations take output_padding < stride: torch also accepts stride <= op < dilation, which leaves the
# preimage ("round trip" is refuted exactly there); output_size accepts exactly the preimage
DERIVATIONS: list[Derivation] = [
    Derivation.from_pair(OUTPUT_PADDING, accepts=sp.Lt(a, s)),
    Derivation.from_pair(OUTPUT_SIZE),
]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
