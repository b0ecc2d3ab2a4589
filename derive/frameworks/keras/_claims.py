"""The claim builders of a Keras ``Conv1DTranspose`` layer and its ``Conv1D`` partner, shared by Keras 3's claims
(keras/claims.py) and tf.keras's (keras2/claims.py): both layers take the same keywords and make the same checks
(tf.keras' layers are Keras 3's ancestors), so one builder serves either model module."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import sympy as sp

from derive import families as F
from derive.claims import Claim


class Layer:
    """One framework's layer (``module`` its model) at the symbols its script declares (n, L, k, s, d, a)."""

    def __init__(
        self,
        framework: str,
        module: ModuleType,
        layers: str,
        on_backend: Callable[[str], str],
        symbols: tuple[sp.Symbol, ...],
        parameters: tuple[sp.Symbol, ...],
    ) -> None:
        # framework key, model module, the layers' namespace as users type it ("keras.layers"), how a call on a
        # backend reads, the script's (n, L, k, s, d, a), and every claim's parameters
        self.framework, self.module, self.layers, self.on_backend = framework, module, layers, on_backend
        self.n, self.L, self.k, self.s, self.d, self.a = symbols
        self.parameters = parameters

    def restores_valid(self, K):
        """(n-1)s + max(K, s) at n = forward(L) is L iff L - max(K, s) is a multiple of s (split on max for Z3)."""
        L, s = self.L, self.s
        return sp.Or(sp.And(K >= s, sp.Eq(sp.Mod(L - K, s), 0)), sp.And(K < s, sp.Eq(sp.Mod(L, s), 0)))

    def accepts(self, mode: str, op, backend=None, exclude=(), at=None):
        """Whether the layer accepts the call (at ``n``, or ``at``)."""
        return F.holds(
            self.module.CONV_TRANSPOSE,
            self.n if at is None else at,
            exclude=exclude,
            kernel_size=self.k,
            strides=self.s,
            padding=mode,
            output_padding=op,
            dilation_rate=self.d,
            backend=backend,
        )

    def length(self, mode: str, op, at=None):
        return self.module.conv_transpose_length(self.n if at is None else at, self.k, self.s, mode, op, self.d)

    def forward(self, mode: str, x):
        return self.module.conv_length(x, self.k, self.s, mode, self.d)

    def forward_accepts(self, mode: str, x):
        return sp.And(
            x >= 1, F.holds(self.module.CONV, x, kernel_size=self.k, strides=self.s, padding=mode, dilation_rate=self.d)
        )

    def call(self, mode: str, op_text: str, backend: str | None = None) -> Callable[[dict], str]:
        """The layer's call at a counterexample's values (``op_text`` "a": its output padding)."""

        def call(v) -> str:
            op = v.get("a", 0) if op_text == "a" else op_text
            text = (
                f"{self.layers}.Conv1DTranspose(1, kernel_size={v['k']}, strides={v['s']}, padding='{mode}', "
                f"output_padding={op}, dilation_rate={v['d']})"
            )
            return text if backend is None else f"{text} {self.on_backend(backend)}"

        return call

    def pair(self, mode: str, given: bool) -> F.Pair:
        """The layer against its Conv1D, output_padding given (``a``) or None."""
        n, k, s, d, a = self.n, self.k, self.s, self.d, self.a
        return F.Pair(
            framework=self.framework,
            mode=mode,
            n=n,
            L=self.L,
            a=a,
            forward=lambda x: self.forward(mode, x),
            transposed=lambda op: self.length(mode, op),
            accepts=lambda op: self.accepts(mode, op),
            forward_accepts=lambda x: self.forward_accepts(mode, x),
            # the checks that do not involve output_padding (strides with dilation) hold for every claim
            assume=(self.accepts(mode, None),),
            call=self.call(mode, "a" if given else "None"),
            parameters=(n, k, s, d, a) if given else (n, k, s, d),
        )

    def claim(
        self, mode: str, name: str, family: str, statement: str, prop, expect: str, iff=None, assume=(), call=None
    ) -> Claim:
        return Claim(
            name=name,
            framework=self.framework,
            mode=mode,
            statement=statement,
            proposition=prop,
            expect=expect,
            assume=tuple(assume),
            iff=iff,
            call=call,
            family=family,
            parameters=self.parameters,
        )
