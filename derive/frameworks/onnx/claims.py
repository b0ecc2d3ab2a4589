"""ONNX (onnx 1.23.2, onnxruntime 1.32.0): ``ConvTranspose`` against ``Conv``, per implementation, per axis.

Four implementations of one operator (derive.frameworks.onnx): the spec (ConvTranspose-22 / Conv-22),
``onnx.shape_inference`` (strict mode), ``onnx.reference.ReferenceEvaluator`` and onnxruntime (CPU).
Each claim is about the calls one implementation accepts; the forward convolution is always the
spec's ``Conv`` with the same attributes (``⌊(L + pads - K)/s⌋ + 1``, SAME_* ``⌈L/s⌉``), which the
reference and onnxruntime follow wherever they accept. Modes: ``auto_pad='NOTSET'`` with ``pads``
``(p, q)`` and ``output_padding`` ``a``; ``SAME_UPPER`` (``SAME_LOWER`` is proved to behave the
same) and ``VALID`` with ``output_padding``; and an explicit ``output_shape`` ``X`` (against ``Conv``
without pads, and against the pads the implementation derives). Pads are non-negative (the spec's
domain); ``a`` and ``X`` range over all integers, and each implementation's own checks decide which
it accepts: the spec ``0 <= a < max(s, d)`` and an output >= 1, shape inference only ``a >= 0`` (so
it infers 0 and negative lengths), the reference and onnxruntime ``a < s`` (their
sliding-block / input-size consistency checks).

Family 7 compares the implementations pairwise: the same length where both accept, and the same
accepted calls, each with the exact condition where they agree (e.g. shape inference's SAME_* is
``n·s`` only when ``min(K, s) + a = s``; onnxruntime's only when ``a + K >= s``), and their ``Conv``
(shape inference truncates toward zero and never refuses, so it infers 1, 0 or negative lengths).
NOTSET and VALID lengths agree across all four (one claim each), so VALID's families are stated for
the spec and only its output_padding round trip for the others; SAME_LOWER is proved to be SAME_UPPER.
"""

from __future__ import annotations

from functools import partial
from itertools import combinations

import sympy as sp

from derive import families as F
from derive.claims import Claim
from derive.derivation import Derivation
from derive.frameworks import onnx as O
from derive.script import main

n, L, k, s, d = sp.symbols("n L k s d", integer=True, positive=True)
p, q = sp.symbols("p q", integer=True, nonnegative=True)
a, X = sp.symbols("a X", integer=True)
K = d * (k - 1) + 1
P = p + q
IMPLS = O.IMPLEMENTATIONS
RUN = {
    "spec": "per the ONNX spec",
    "shape_inference": "in onnx.shape_inference.infer_shapes(strict_mode=True)",
    "reference": "in onnx.reference.ReferenceEvaluator",
    "onnxruntime": "in onnxruntime.InferenceSession",
}
MODES = {
    "NOTSET pads": {"pads": (p, q)},
    "SAME_UPPER": {"auto_pad": "SAME_UPPER"},
    "SAME_LOWER": {"auto_pad": "SAME_LOWER"},
    "VALID": {"auto_pad": "VALID"},
    "output_shape": {},
}
BASE = (k, s, d)
accepts_call, number = F.accepts_call, F.number
rem, multiple = partial(F.rem, s=s), partial(F.multiple, s=s)
claim = partial(F.claim, "onnx", parameters=BASE)


# ---------------------------------------------------------------------------------------------
# the operations


def attrs(mode: str, op=None, size=None) -> dict:
    extra = dict(MODES[mode])
    if op is not None:
        extra["output_padding"] = op
    if size is not None:
        extra["output_shape"] = size
    return extra


def transposed(impl: str, mode: str, op=None, size=None, at=None):
    return O.conv_transpose_length(
        n if at is None else at, k, s, dilations=d, implementation=impl, **attrs(mode, op, size)
    )


def transposed_accepts(impl: str, mode: str, op=None, size=None, at=None, exclude=()):
    at = n if at is None else at
    kwargs = dict(kernel_shape=k, strides=s, dilations=d, **attrs(mode, op, size))
    return sp.And(sp.Ge(at, 1, evaluate=False), accepts_call(O.CONV_TRANSPOSE[impl], at, exclude, **kwargs))


def conv_attrs(mode: str, pads=None) -> dict:
    if pads is not None:
        return {"pads": pads}
    return {} if mode == "output_shape" else dict(MODES[mode])


def forward(mode: str, x, impl: str = "spec", pads=None):
    return O.conv_length(x, k, s, dilations=d, implementation=impl, **conv_attrs(mode, pads))


def forward_accepts(mode: str, x, impl: str = "spec", pads=None):
    kwargs = dict(kernel_shape=k, strides=s, dilations=d, **conv_attrs(mode, pads))
    return sp.And(x >= 1, accepts_call(O.CONV[impl], x, **kwargs))


def node(op_type: str, values, mode: str, op=None, size=None, pads=None) -> str:
    parts = [f"kernel_shape=[{values['k']}]", f"strides=[{values['s']}]", f"dilations=[{values['d']}]"]
    if mode == "NOTSET pads" or pads is not None:
        lo, hi = (p, q) if pads is None else pads
        parts.append(f"pads=[{number(lo, values)}, {number(hi, values)}]")
    elif mode in ("SAME_UPPER", "SAME_LOWER", "VALID"):
        parts.append(f"auto_pad='{mode}'")
    if op is not None:
        parts.append(f"output_padding=[{number(op, values)}]")
    if size is not None:
        parts.append(f"output_shape=[{number(size, values)}]")
    return f"onnx.helper.make_node('{op_type}', ['X', 'W'], ['Y'], {', '.join(parts)})"


def transpose_call(impl: str, mode: str, values, op=None, size=None, length=None) -> str:
    length = values["n"] if length is None else length
    return f"{node('ConvTranspose', values, mode, op, size)} on X[1, 1, {length}] {RUN[impl]}"


def conv_call(impl: str, mode: str, values, pads=None) -> str:
    return f"{node('Conv', values, mode, pads=pads)} on X[1, 1, {values['L']}] {RUN[impl]}"


# ---------------------------------------------------------------------------------------------
# the pairs: output_padding a (None: the default 0), or output_shape X


def make_pair(impl: str, mode: str, exclude=()) -> F.Pair:
    shape = mode == "output_shape"

    def call(values) -> str:
        length = values["n"] if "n" in values else number(forward(mode, L), values)
        if shape:
            size = values["X"] if "X" in values else values.get("L")  # family 4 asks for output_shape=L
            return transpose_call(impl, mode, values, size=size, length=length)
        return transpose_call(impl, mode, values, op=values.get("a", 0), length=length)

    if shape:
        return F.Pair(
            framework="onnx",
            mode=f"{mode}, {impl}",
            n=n,
            L=L,
            a=X,
            forward=lambda x: forward(mode, x),
            transposed=lambda size: size,
            accepts=lambda size: transposed_accepts(impl, mode, size=size, exclude=exclude),
            forward_accepts=lambda x: forward_accepts(mode, x),
            call=call,
            inferred_word="output_shape",
            parameters=BASE,
        )
    return F.Pair(
        framework="onnx",
        mode=f"{mode}, {impl}",
        n=n,
        L=L,
        a=a,
        forward=lambda x: forward(mode, x),
        transposed=lambda op: transposed(impl, mode, 0 if op is None else op),
        accepts=lambda op: transposed_accepts(impl, mode, 0 if op is None else op, exclude=exclude),
        forward_accepts=lambda x: forward_accepts(mode, x),
        call=call,
        inferred_word="default (output_padding=0)",
        parameters=(*BASE, p, q) if mode == "NOTSET pads" else BASE,
    )


def verdict(iff):
    """('proved',) when the claim always holds, else ('refuted', iff)."""
    return ("proved",) if iff is None else ("refuted", iff)


# ---------------------------------------------------------------------------------------------
# families 0-6


def notset_claims(impl: str) -> list[Claim]:
    P_ = make_pair(impl, "NOTSET pads")
    T0 = s * (n - 1) + K - P  # the default length (output_padding 0)
    checked = impl in ("spec", "onnxruntime")  # these refuse an output length < 1
    claims = [
        F.round_trip(P_, "proved", a=None, label="output_padding=0"),
        # the spec reads output_padding < max(stride, dilation); shape inference does not bound it
        F.round_trip(P_, *verdict({"spec": a < s, "shape_inference": sp.Or(T0 + a < 1, a < s)}.get(impl))),
        F.minimal(P_, *verdict(None if checked else T0 >= 1)),
        F.maximal(P_, "refuted", iff=sp.Eq(s, 1) if checked else sp.And(sp.Eq(s, 1), T0 >= 1)),
        F.reaches_every_preimage(P_, L - T0, "proved", label="output_padding L - (s(n-1) + K - p - q)"),
        F.inverse_of_forward(P_, "refuted", iff=multiple(L + P - K), label="output_padding=0"),
        F.inverse_of_forward(P_, "proved", a=rem(L + P - K), label="output_padding=(L + p + q - K) mod s"),
    ]
    if impl == "spec":
        claims.insert(0, F.monotone(P_))
        # the spec rules an output < 1 out: the length before that rule
        unchecked = make_pair(impl, "NOTSET pads", exclude=("output length",))
        claims.append(F.positive(unchecked, "refuted", iff=T0 >= 1, label="before the output length rule"))
    elif impl == "onnxruntime":
        claims.append(F.positive(P_, "proved"))
    else:
        # shape inference infers 0 and negative lengths; the reference returns an empty output for 0
        claims.append(F.positive(P_, "refuted", iff=T0 >= 1))
        claims.append(
            claim(
                f"NOTSET pads, {impl}",
                "length is not negative",
                "5 positive",
                "the default (output_padding=0) length is >= 0",
                T0 >= 0,
                *verdict(T0 >= 0 if impl == "shape_inference" else None),
                assume=(P_.accepts(None),),
                call=lambda v, P_=P_: f"{P_.call(v)} gives {number(T0, v)}",
                parameters=(*BASE, p, q),
            )
        )
    return claims


def same_claims(impl: str) -> list[Claim]:
    mode = "SAME_UPPER"
    P_ = make_pair(impl, mode)
    m = sp.Min(K, s)
    exact = impl in ("spec", "reference")  # n·s whatever the output padding
    ceil = sp.ceiling(L / s)
    if exact:
        reach = (L - (n - 1) * s - 1, sp.Or(sp.Ne(ceil, n), sp.Eq(L, n * s)))
    elif impl == "shape_inference":
        reach = (L - (n - 1) * s - m, sp.Or(sp.Ne(ceil, n), L >= (n - 1) * s + m))
    else:
        # min(s(n-1) + a + K, n·s): a = L - s(n-1) - K reaches L >= s(n-1) + K; n·s itself is a = s - 1 (below)
        reach = (L - (n - 1) * s - K, sp.Or(sp.Ne(ceil, n), L >= (n - 1) * s + K))
    claims = [
        F.round_trip(P_, "proved", a=None, label="output_padding=0"),
        F.round_trip(P_, *verdict(sp.Or(sp.Eq(a, 0), a + K <= s) if impl == "shape_inference" else None)),
        # (n-1)s + min(K, s) in shape inference and onnxruntime
        F.minimal(P_, "refuted", iff=sp.Eq(s, 1) if exact else sp.Or(sp.Eq(k, 1), sp.Eq(s, 1))),
        F.maximal(P_, *verdict(None if exact else K >= s)),
        F.reaches_every_preimage(P_, reach[0], "refuted", iff=reach[1]),
        F.positive(P_, "proved"),
        F.inverse_of_forward(
            P_,
            "refuted",
            iff=sp.Eq(s * ceil, L)
            if exact
            # L a multiple of s (K >= s), or L - s(ceil(L/s) - 1) = K: written with the forward's own ceiling
            else sp.Or(sp.And(K >= s, sp.Eq(s * ceil, L)), sp.And(K < s, sp.Eq(L - s * (ceil - 1), K))),
            label="output_padding=0",
        ),
    ]
    if impl == "spec":
        claims.insert(0, F.monotone(P_))
    if impl == "onnxruntime":
        # with the claim above: the lengths onnxruntime reaches are exactly [s(n-1) + K, n·s] and n·s
        claims.append(
            claim(
                f"{mode}, {impl}",
                "output_padding s - 1 gives n*s",
                "4 bijection",
                "onnxruntime accepts output_padding = s - 1 and gives n·s, the largest preimage",
                sp.And(P_.accepts(s - 1), sp.Eq(P_.transposed(s - 1), n * s)),
                "proved",
                parameters=(n, *BASE),
            )
        )
    return claims


def valid_claims(impl: str) -> list[Claim]:
    P_ = make_pair(impl, "VALID")
    T0 = s * (n - 1) + K
    given = F.round_trip(P_, *verdict(a < s if impl in ("spec", "shape_inference") else None))
    if impl != "spec":
        # the lengths are the spec's (family 7): only the accepted output_padding values differ
        return [given]
    return [
        F.monotone(P_),
        F.round_trip(P_, "proved", a=None, label="output_padding=0"),
        given,
        F.minimal(P_, "proved"),
        F.maximal(P_, "refuted", iff=sp.Eq(s, 1)),
        F.reaches_every_preimage(P_, L - T0, "proved", label="output_padding L - (s(n-1) + K)"),
        F.positive(P_, "proved"),
        F.inverse_of_forward(P_, "refuted", iff=multiple(L - K), label="output_padding=0"),
        F.inverse_of_forward(P_, "proved", a=rem(L - K), label="output_padding=(L - K) mod s"),
    ]


def output_shape_claims(impl: str) -> list[Claim]:
    """output_shape X against Conv without pads (preimage [s(n-1) + K, sn + K - 1])."""
    P_ = make_pair(impl, "output_shape")
    lo, hi = s * (n - 1) + K, s * n + K - 1
    round_trip = {
        "spec": sp.Or(X < K, X >= lo),
        "shape_inference": sp.Or(X < K, sp.And(X >= lo, X <= hi)),
        "onnxruntime": sp.Or(X < K, X >= lo),
    }.get(impl)
    reach = sp.Or(sp.Ne(forward("output_shape", L), n), L <= lo) if impl == "spec" else None
    claims = [
        F.round_trip(P_, *verdict(round_trip), label="against Conv without pads"),
        F.reaches_every_preimage(P_, L, *verdict(reach), label="as output_shape"),
    ]
    if impl in ("spec", "onnxruntime"):
        # the pads the implementation derives from X: total s(n-1) + K - X (onnxruntime: clamped at 0)
        total = s * (n - 1) + K - X
        total = total if impl == "spec" else sp.Max(0, total)
        half = sp.floor(total / 2)
        pads = (total - half, half)  # NOTSET: the odd unit at the start
        claims.append(
            claim(
                f"output_shape, {impl}",
                "round trip (against the derived pads)",
                "1 round trip",
                "every accepted output_shape X is a preimage of n under Conv with the pads the implementation "
                "derives from X",
                sp.Implies(
                    forward_accepts("output_shape", X, pads=pads),
                    sp.Eq(forward("output_shape", X, pads=pads), n),
                ),
                "proved",
                assume=(P_.accepts(X),),
                parameters=(*BASE, X),
            )
        )
    return claims


# ---------------------------------------------------------------------------------------------
# family 7: the implementations against each other


def agreement(mode: str):
    """(length iffs, acceptance iffs) per implementation pair; None where they always agree."""
    if mode == "NOTSET pads":
        T = s * (n - 1) + a + K - P
        return {}, {
            ("spec", "shape_inference"): sp.Or(a < 0, sp.And(a < sp.Max(s, d), T >= 1)),
            ("spec", "reference"): sp.Not(sp.Or(sp.And(a >= 0, a < s, sp.Eq(T, 0)), sp.And(a >= s, a < d, T >= 1))),
            ("spec", "onnxruntime"): sp.Not(sp.And(a >= s, a < d, T >= 1)),
            ("shape_inference", "reference"): sp.Or(a < 0, sp.And(a < s, T >= 0)),
            ("shape_inference", "onnxruntime"): sp.Or(a < 0, sp.And(a < s, T >= 1)),
            ("reference", "onnxruntime"): sp.Not(sp.And(a >= 0, a < s, sp.Eq(T, 0))),
        }
    if mode == "output_shape":
        lo, hi = s * (n - 1) + K, s * n + K - 1
        return {}, {
            ("spec", "shape_inference"): sp.Or(X < 1, sp.And(X >= n, X <= lo)),
            ("spec", "reference"): sp.Or(X < 1, sp.Eq(X, lo), X > hi),
            ("spec", "onnxruntime"): sp.Or(X <= lo, X > hi),
            ("shape_inference", "reference"): sp.Or(X < n, sp.And(X >= lo, X <= hi)),
            ("shape_inference", "onnxruntime"): sp.Or(X < 1, sp.And(X >= n, X <= hi)),
            ("reference", "onnxruntime"): sp.Or(X < 1, X >= lo),
        }
    accepts = {
        ("spec", "shape_inference"): a < sp.Max(s, d),
        ("spec", "reference"): sp.Or(a < s, a >= d),
        ("spec", "onnxruntime"): sp.Or(a < s, a >= d),
        ("shape_inference", "reference"): a < s,
        ("shape_inference", "onnxruntime"): a < s,
        ("reference", "onnxruntime"): None,
    }
    if mode == "VALID":
        return {}, accepts
    to_ns = sp.Or(sp.And(K >= s, sp.Eq(a, 0)), sp.And(K < s, sp.Eq(a + K, s)))  # shape inference gives n·s
    return {
        ("spec", "shape_inference"): to_ns,
        ("spec", "onnxruntime"): a + K >= s,
        ("shape_inference", "reference"): to_ns,
        ("shape_inference", "onnxruntime"): sp.Or(sp.Eq(a, 0), a + K <= s),
        ("reference", "onnxruntime"): a + K >= s,
    }, accepts


def cross_claims(mode: str) -> list[Claim]:
    shape = mode == "output_shape"
    choice = {"size": X} if shape else {"op": a}
    params = (n, *BASE, *choice.values(), *((p, q) if mode == "NOTSET pads" else ()))
    lengths, accepted = agreement(mode)
    claims = []
    if not shape and not lengths:
        # NOTSET and VALID: one claim for every pair (each implementation computes s(n-1) + a + K - pads)
        same = [
            sp.Implies(
                sp.And(transposed_accepts(one, mode, **choice), transposed_accepts(two, mode, **choice)),
                sp.Eq(transposed(one, mode, **choice), transposed(two, mode, **choice)),
            )
            for one, two in combinations(IMPLS, 2)
        ]
        claims.append(
            claim(
                mode,
                "same length (every pair)",
                "7 cross-framework",
                "where any two of the four implementations both accept a ConvTranspose call, they give the same length",
                sp.And(*same),
                "proved",
                parameters=params,
            )
        )
    for one, two in combinations(IMPLS, 2):
        ok1 = transposed_accepts(one, mode, **choice)
        ok2 = transposed_accepts(two, mode, **choice)
        len1, len2 = transposed(one, mode, **choice), transposed(two, mode, **choice)

        def shows(v, one=one, two=two, ok1=ok1, ok2=ok2, len1=len1, len2=len2) -> str:
            def outcome(impl, ok, length):
                return f"{number(length, v)}" if ok.subs({sy: v[sy.name] for sy in ok.free_symbols}) else "refuses"

            return (
                f"{transpose_call(one, mode, v, **{key: v[str(val)] for key, val in choice.items()})}: "
                f"{outcome(one, ok1, len1)}; {RUN[two]}: {outcome(two, ok2, len2)}"
            )

        label = f"{one} vs {two}"
        if lengths:
            claims.append(
                claim(
                    mode,
                    f"same length ({label})",
                    "7 cross-framework",
                    f"where {one} and {two} both accept a ConvTranspose call, they give the same length",
                    sp.Eq(len1, len2),
                    *verdict(lengths.get((one, two))),
                    assume=(ok1, ok2),
                    call=shows,
                    parameters=params,
                )
            )
        claims.append(
            claim(
                mode,
                f"same accepted calls ({label})",
                "7 cross-framework",
                f"{one} accepts a ConvTranspose call exactly when {two} does",
                sp.Equivalent(ok1, ok2),
                *verdict(accepted[(one, two)]),
                call=shows,
                parameters=params,
            )
        )
    return claims


def same_lower_claims() -> list[Claim]:
    return [
        claim(
            "SAME_LOWER",
            f"SAME_LOWER is SAME_UPPER ({impl})",
            "7 cross-framework",
            f"{impl} accepts ConvTranspose with SAME_LOWER exactly when with SAME_UPPER, with the same length",
            sp.And(
                sp.Equivalent(transposed_accepts(impl, "SAME_LOWER", a), transposed_accepts(impl, "SAME_UPPER", a)),
                sp.Eq(transposed(impl, "SAME_LOWER", a), transposed(impl, "SAME_UPPER", a)),
            ),
            "proved",
            parameters=(n, *BASE, a),
        )
        for impl in IMPLS
    ]


def conv_claims() -> list[Claim]:
    """Conv: where each implementation returns 0, a negative length, or refuses (NOTSET pads p, q)."""
    mode = "NOTSET pads"
    pads = (p, q)
    x = L + P - K  # the padded input minus the dilated kernel
    params = (L, *BASE, p, q)
    length = {impl: forward(mode, L, impl) for impl in IMPLS}
    ok = {impl: forward_accepts(mode, L, impl) for impl in IMPLS}

    def conv(impl, what):
        return lambda v: f"{conv_call(impl, mode, v, pads=pads)} {what(v)}"

    def gives(impl):
        return lambda v: f"gives {number(length[impl], v)}"

    claims = [
        claim(
            f"Conv, {impl}",
            "Conv accepts every input",
            "5 positive",
            "Conv accepts every input length",
            ok[impl],
            "refuted",
            iff=x >= (-s if impl == "reference" else 0),
            call=conv(impl, lambda v: "refuses"),
            parameters=params,
        )
        for impl in ("spec", "reference", "onnxruntime")
    ]
    claims += [
        claim(
            "Conv, reference",
            "Conv length is positive",
            "5 positive",
            "the reference's Conv returns a length >= 1 wherever it accepts",
            length["reference"] >= 1,
            "refuted",
            iff=x >= 0,
            assume=(ok["reference"],),
            call=conv("reference", gives("reference")),
            parameters=params,
        ),
        claim(
            "Conv, shape_inference",
            "Conv length is positive",
            "5 positive",
            "shape inference's Conv infers a length >= 1 (it never refuses a short input)",
            length["shape_inference"] >= 1,
            "refuted",
            iff=x > -s,
            assume=(ok["shape_inference"],),
            call=conv("shape_inference", gives("shape_inference")),
            parameters=params,
        ),
        claim(
            "Conv, shape_inference",
            "Conv length is not negative",
            "5 positive",
            "shape inference's Conv infers a length >= 0",
            length["shape_inference"] >= 0,
            "refuted",
            iff=x > -2 * s,
            assume=(ok["shape_inference"],),
            call=conv("shape_inference", gives("shape_inference")),
            parameters=params,
        ),
        claim(
            "Conv, shape_inference",
            "Conv is the floor formula",
            "7 cross-framework",
            "shape inference's Conv length is the spec's floor((L + p + q - K)/s) + 1 (it truncates toward 0)",
            sp.Eq(length["shape_inference"], sp.floor(x / s) + 1),
            "refuted",
            iff=sp.Or(x >= 0, sp.Eq(sp.floor(x / s), sp.ceiling(x / s))),  # x >= 0 or s divides x
            assume=(ok["shape_inference"],),
            call=conv(
                "shape_inference",
                lambda v: f"gives {number(length['shape_inference'], v)}, not {number(sp.floor(x / s) + 1, v)}",
            ),
            parameters=params,
        ),
        claim(
            "Conv",
            "Conv lengths agree where the spec accepts",
            "7 cross-framework",
            "on every call the spec's Conv accepts, the four implementations accept and give the spec's length",
            sp.And(*[sp.And(ok[impl], sp.Eq(length[impl], length["spec"])) for impl in IMPLS]),
            "proved",
            assume=(ok["spec"],),
            parameters=params,
        ),
        claim(
            "Conv, onnxruntime",
            "Conv accepts SAME_UPPER",
            "5 positive",
            "onnxruntime's Conv accepts auto_pad='SAME_UPPER' (and SAME_LOWER) on every input",
            sp.And(forward_accepts("SAME_UPPER", L, "onnxruntime"), forward_accepts("SAME_LOWER", L, "onnxruntime")),
            "refuted",
            iff=sp.Eq(d, 1),
            call=lambda v: f"{conv_call('onnxruntime', 'SAME_UPPER', v)} refuses (dilation with SAME_*)",
            parameters=(L, *BASE),
        ),
        claim(
            "Conv",
            "Conv SAME_* is ceil(L/s)",
            "7 cross-framework",
            "every implementation's Conv gives ceil(L/s) for SAME_UPPER and SAME_LOWER wherever it accepts",
            sp.And(
                *[
                    sp.Implies(forward_accepts(m, L, impl), sp.Eq(forward(m, L, impl), sp.ceiling(L / s)))
                    for impl in IMPLS
                    for m in ("SAME_UPPER", "SAME_LOWER")
                ]
            ),
            "proved",
        ),
    ]
    return claims


CLAIMS: list[Claim] = [
    *(c for impl in IMPLS for c in notset_claims(impl)),
    *(c for impl in IMPLS for c in same_claims(impl)),
    *(c for impl in IMPLS for c in valid_claims(impl)),
    *(c for impl in IMPLS for c in output_shape_claims(impl)),
    *(c for mode in ("NOTSET pads", "SAME_UPPER", "VALID", "output_shape") for c in cross_claims(mode)),
    *same_lower_claims(),
    *conv_claims(),
]


def derivations() -> list[Derivation]:
    """The derivations against the spec's Conv (the forward of every pair, floor-affine as written).

    NOTSET pads and VALID: the spec reads output_padding < max(stride, dilation) and shape inference does not bound
    it, so their derivations take 0 <= a < s (the round-trip claims cover the rest); the reference and onnxruntime
    accept exactly those (their consistency checks). SAME_UPPER: the spec gives n·s whatever the output padding, and
    shape inference and onnxruntime's output padding reaches only part of the preimage ("reaches every preimage" is
    refuted), so these derive the length without output padding. output_shape: the reference accepts exactly the
    preimage under Conv without pads; the spec and onnxruntime derive pads from X (a forward that depends on X) and
    shape inference accepts every X >= n, so they have no derivation against one forward convolution. VALID's other
    implementations give the spec's lengths (family 7).
    """
    in_range = sp.And(a >= 0, a < s)
    out = [
        Derivation.from_pair(make_pair("spec", "NOTSET pads"), accepts=in_range),
        Derivation.from_pair(make_pair("shape_inference", "NOTSET pads"), accepts=in_range),
        Derivation.from_pair(make_pair("reference", "NOTSET pads")),
        Derivation.from_pair(make_pair("onnxruntime", "NOTSET pads")),
    ]
    for impl in ("spec", "shape_inference", "onnxruntime"):
        out.append(
            Derivation("onnx", f"SAME_UPPER, {impl}", L, n, forward("SAME_UPPER", L), transposed(impl, "SAME_UPPER"))
        )
    out.append(Derivation.from_pair(make_pair("spec", "VALID"), accepts=in_range))
    out.append(Derivation.from_pair(make_pair("reference", "output_shape")))
    return out


DERIVATIONS: list[Derivation] = derivations()


if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
