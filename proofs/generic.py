"""The generic length model (derive.lengths): every claim family for every padding mode.

Output padding ``a`` is accepted when ``0 <= a < s``. Fixed-padding modes infer ``a = 0``
(the smallest preimage); 'same' modes infer ``a = s - 1`` (``n·s``, the largest).
"""

from __future__ import annotations

import sympy as sp

from derive import families as F
from derive import lengths
from derive.claims import Claim
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p, q, a = sp.symbols("p q a", integer=True, nonnegative=True)
K = lengths.effective_kernel(k, d)

MODES: dict[str, object] = {
    "explicit pads": (p, q),
    "valid": "valid",
    "full": "full",
    "causal": "causal",
    "same": "same",
    "same_lower": "same_lower",
}


def pair(mode: str) -> F.Pair:
    padding = MODES[mode]
    fixed = padding not in lengths.SAME_MODES
    lo, hi = lengths.fixed_padding(padding, k, d) if fixed else (0, 0)

    def call(v) -> str:
        pad = f"({v['p']}, {v['q']})" if mode == "explicit pads" else repr(padding)
        return (
            f"derive.transposed_length({v['n']}, kernel={v['k']}, stride={v['s']}, dilation={v['d']}, "
            f"padding={pad}, output_padding={v['a'] if 'a' in v else None})"
        )

    return F.Pair(
        framework="generic",
        mode=mode,
        n=n,
        L=L,
        a=a,
        forward=lambda x: lengths.conv_length(x, k, s, d, padding),
        transposed=lambda out_pad: lengths.transposed_length(n, k, s, d, padding, out_pad),
        accepts=lambda out_pad: sp.true if out_pad is None else sp.And(out_pad >= 0, out_pad < s),
        forward_accepts=lambda x: sp.And(x >= 1, x + lo + hi >= K) if fixed else sp.Ge(x, 1),
        call=call,
        inferred_word="default",
        parameters=(n, k, s, d, p, q) if mode == "explicit pads" else (n, k, s, d),
    )


def fixed_mode_claims(mode: str) -> list[Claim]:
    P = pair(mode)
    lo, hi = lengths.fixed_padding(MODES[mode], k, d)
    T0 = lengths.transposed_length(n, k, s, d, MODES[mode])
    gap = lo + hi - K  # forward(L) = ⌊(L + gap)/s⌋ + 1
    always_positive = mode in ("valid", "causal")
    return [
        F.monotone(P),
        F.round_trip(P, "proved"),
        # the default length (n-1)s + K - lo - hi can fall below 1 only when the pads outgrow the kernel
        F.positive(P, *(("proved",) if always_positive else ("refuted", sp.Ge(T0, 1)))),
        F.minimal(P, *(("proved",) if always_positive else ("refuted", sp.Ge(T0, 1)))),
        F.maximal(P, "refuted", iff=sp.And(sp.Eq(s, 1), sp.Ge(T0, 1))),
        F.reaches_every_preimage(P, L - T0, "proved"),
        F.inverse_of_forward(P, "refuted", iff=sp.Eq(sp.Mod(L + gap, s), 0), label="default output padding"),
        F.inverse_of_forward(P, "proved", a=sp.Mod(L + gap, s), label="output padding (L + lo + hi - K) mod s"),
    ]


def same_mode_claims(mode: str) -> list[Claim]:
    P = pair(mode)
    return [
        F.monotone(P),
        F.round_trip(P, "proved"),
        F.positive(P, "proved"),
        F.minimal(P, "refuted", iff=sp.Eq(s, 1)),
        F.maximal(P, "proved"),
        F.reaches_every_preimage(P, L - (n - 1) * s - 1, "proved"),
        F.inverse_of_forward(P, "refuted", iff=sp.Eq(sp.Mod(L, s), 0), label="default output padding"),
        F.inverse_of_forward(P, "proved", a=sp.Mod(L - 1, s), label="output padding (L - 1) mod s"),
    ]


CLAIMS: list[Claim] = [
    *(c for m in ("explicit pads", "valid", "full", "causal") for c in fixed_mode_claims(m)),
    *(c for m in ("same", "same_lower") for c in same_mode_claims(m)),
]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
