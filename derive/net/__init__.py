"""``derive net``: the exact input sizes a whole model accepts, derived from its layers and proved.

Types in :mod:`derive.net.graph`, rule tables in :mod:`derive.net.rules`, the analysis in
:mod:`derive.net.analysis`, model loaders in :mod:`derive.net.frontends`.
"""

from __future__ import annotations

from .graph import Check, Dim, Graph, GraphError, Node, Rule, Tensor, UnsupportedOpError, dim_symbol

__all__ = ["Check", "Dim", "Graph", "GraphError", "Node", "Rule", "Tensor", "UnsupportedOpError", "dim_symbol"]
