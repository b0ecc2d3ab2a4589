"""Dumoulin & Visin, "A guide to convolution arithmetic for deep learning": Relationships 1-15, proved.

Each relationship is restated over the generic length model (``derive.lengths``) and proved for
all values, under exactly the paper's conditions. The transposed relationships (8-14) are proved
twice: as the transposed length formula, and as the paper's construction (a direct stride-1
convolution with padding ``k - p - 1`` over the input stretched by ``s - 1`` zeros between units).
Relationship 16 is the one the paper lacks: the dilated transposed convolution.
"""

from __future__ import annotations

import sympy as sp

from derive.claims import Claim
from derive.lengths import conv_length, effective_kernel, transposed_length
from derive.script import main

i, k, s, d, m, ip = sp.symbols("i k s d m i'", integer=True, positive=True)
p = sp.Symbol("p", integer=True, nonnegative=True)
Eq, floor, Mod = sp.Eq, sp.floor, sp.Mod

# the stretched input of a transposed convolution: s - 1 zeros between the i' units
stretched = ip + (ip - 1) * (s - 1)
# the forward output length the transposed convolution's input stands for
o = conv_length(i, k, s, 1, p)


def rel(number: int, statement: str, prop, *assume, name: str = "") -> Claim:
    return Claim(
        name=name or f"relationship {number}",
        framework="dumoulin-visin",
        mode=f"relationship {number}",
        statement=statement,
        proposition=prop,
        expect="proved",
        assume=assume,
        family="8 convolution arithmetic",
    )


def construction(number: int, pad_prime, *assume) -> Claim:
    """The paper's transposed construction: a stride-1 convolution with padding p' over the stretched input."""
    statement = f"transposed(i') equals a stride-1 convolution with padding {pad_prime} over the stretched input"
    prop = Eq(transposed_length(ip, k, s, 1, p), conv_length(stretched, k, 1, 1, pad_prime))
    return rel(number, statement, prop, *assume, name=f"relationship {number} (construction)")


CLAIMS: list[Claim] = [
    rel(1, "s = 1, p = 0: o = (i - k) + 1", Eq(conv_length(i, k, 1, 1, 0), i - k + 1), i >= k),
    rel(2, "s = 1: o = (i - k) + 2p + 1", Eq(conv_length(i, k, 1, 1, p), i - k + 2 * p + 1), i + 2 * p >= k),
    rel(
        3,
        "half padding, k = 2m + 1, p = floor(k/2): o = i",
        Eq(conv_length(i, 2 * m + 1, 1, 1, floor((2 * m + 1) / 2)), i),
    ),
    rel(4, "full padding p = k - 1: o = i + (k - 1)", Eq(conv_length(i, k, 1, 1, k - 1), i + k - 1)),
    rel(5, "p = 0: o = floor((i - k)/s) + 1", Eq(conv_length(i, k, s, 1, 0), floor((i - k) / s) + 1), i >= k),
    rel(6, "o = floor((i + 2p - k)/s) + 1", Eq(o, floor((i + 2 * p - k) / s) + 1), i + 2 * p >= k),
    rel(
        6,
        "if s divides i + 2p - k, the inputs i + a (0 <= a < s) all give the same o",
        sp.Implies(sp.And(Eq(Mod(i + 2 * p - k, s), 0), m <= s), Eq(conv_length(i + m - 1, k, s, 1, p), o)),
        i + 2 * p >= k,
        name="relationship 6 (equal outputs)",
    ),
    rel(7, "pooling: o = floor((i - k)/s) + 1", Eq(conv_length(i, k, s, 1, "valid"), floor((i - k) / s) + 1), i >= k),
    rel(8, "transposed of s = 1, p = 0: o' = i' + (k - 1)", Eq(transposed_length(ip, k, 1, 1, 0), ip + k - 1)),
    construction(8, k - 1, Eq(s, 1), Eq(p, 0)),
    rel(9, "transposed of s = 1: o' = i' + (k - 1) - 2p", Eq(transposed_length(ip, k, 1, 1, p), ip + k - 1 - 2 * p)),
    construction(9, k - p - 1, Eq(s, 1), p <= k - 1),
    rel(10, "transposed half padding, k = 2m + 1: o' = i'", Eq(transposed_length(ip, 2 * m + 1, 1, 1, m), ip)),
    rel(
        11,
        "transposed full padding p = k - 1: o' = i' - (k - 1)",
        Eq(transposed_length(ip, k, 1, 1, k - 1), ip - (k - 1)),
    ),
    construction(11, 0, Eq(s, 1), Eq(p, k - 1)),
    rel(
        12,
        "p = 0, s divides i - k: o' = s(i' - 1) + k, and it restores i",
        sp.And(Eq(transposed_length(ip, k, s, 1, 0), s * (ip - 1) + k), Eq(transposed_length(o, k, s, 1, 0), i)),
        Eq(p, 0),
        Eq(Mod(i - k, s), 0),
        i >= k,
    ),
    construction(12, k - 1, Eq(p, 0)),
    rel(
        13,
        "s divides i + 2p - k: o' = s(i' - 1) + k - 2p, and it restores i",
        sp.And(
            Eq(transposed_length(ip, k, s, 1, p), s * (ip - 1) + k - 2 * p), Eq(transposed_length(o, k, s, 1, p), i)
        ),
        Eq(Mod(i + 2 * p - k, s), 0),
        i + 2 * p >= k,
    ),
    construction(13, k - p - 1, p <= k - 1),
    rel(
        14,
        "a = (i + 2p - k) mod s: o' = s(i' - 1) + a + k - 2p restores i",
        Eq(transposed_length(o, k, s, 1, p, Mod(i + 2 * p - k, s)), i),
        i + 2 * p >= k,
    ),
    rel(
        15,
        "dilation: o = floor((i + 2p - k - (k - 1)(d - 1))/s) + 1",
        Eq(conv_length(i, k, s, d, p), floor((i + 2 * p - k - (k - 1) * (d - 1)) / s) + 1),
        i + 2 * p >= effective_kernel(k, d),
    ),
    rel(
        16,
        "dilated transposed (not in the paper): a = (i + 2p - d(k-1) - 1) mod s, "
        "o' = s(i' - 1) + a + d(k - 1) + 1 - 2p restores i",
        Eq(
            transposed_length(conv_length(i, k, s, d, p), k, s, d, p, Mod(i + 2 * p - effective_kernel(k, d), s)),
            i,
        ),
        i + 2 * p >= effective_kernel(k, d),
    ),
    rel(
        16,
        "the dilated transposed convolution is a stride-1 dilated convolution with padding d(k-1) - p "
        "over the stretched input",
        Eq(transposed_length(ip, k, s, d, p), conv_length(stretched, k, 1, d, effective_kernel(k, d) - 1 - p)),
        p <= effective_kernel(k, d) - 1,
        name="relationship 16 (construction)",
    ),
]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
