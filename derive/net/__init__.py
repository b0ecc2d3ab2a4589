"""``derive net``: the exact input sizes a whole model accepts, derived from its layers and proved.

Types in :mod:`derive.net.graph`, rule tables in :mod:`derive.net.rules`, the analysis in
:mod:`derive.net.analysis`, model loaders in :mod:`derive.net.frontends`, the command line in
:mod:`derive.net.cli`. The names below load on first use: ``derive``'s command line imports this
package to declare ``derive net`` and must not pay for SymPy there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import Check, Dim, Graph, GraphError, Node, Rule, Tensor, UnsupportedOpError, dim_symbol

__all__ = [
    "Check",
    "Dim",
    "Graph",
    "GraphError",
    "Node",
    "Rule",
    "Tensor",
    "UnsupportedOpError",
    "dim_symbol",
    "from_keras",
    "from_torch",
]

_GRAPH = frozenset(__all__) - {"from_keras", "from_torch"}


def __getattr__(name: str) -> Any:
    if name in _GRAPH:
        from . import graph

        return getattr(graph, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def from_torch(module: object, input_spec: str, name: str | None = None) -> Graph:
    """The graph of a torch ``nn.Module`` on one input of shape ``input_spec`` (e.g. "1,3,H,W"); torch is
    imported only here (:mod:`derive.net.frontends.torch`)."""
    from .frontends.torch import from_torch as capture

    return capture(module, input_spec, name)


def from_keras(
    model: object, input_spec: str | None = None, runtime: str | None = None, name: str | None = None
) -> Graph:
    """The graph of a Keras 3 model or ``.keras`` file on one channels-last input ``input_spec`` (e.g. "1,H,W,3";
    None: the declared shape) under "keras-tensorflow", "keras-tensorflow-onednn" or "keras-jax" (None: Keras'
    backend, on TensorFlow with this machine's kernels); keras is
    imported only here (:mod:`derive.net.frontends.keras`)."""
    from .frontends.keras import from_keras as read

    return read(model, input_spec, runtime, name)
