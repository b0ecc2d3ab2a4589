"""The ONNX front end: an ``.onnx`` file -> :class:`~derive.net.graph.Graph` (``onnx`` imported only here).

Symbolic dims are the graph inputs' ``dim_param`` names (``--input 1,3,H,W`` renames or adds them).
Initializers and ``Constant`` values of up to 64 elements keep their contents (shape arithmetic).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sympy as sp

from ...errors import DeriveError, ParameterError
from ..graph import Graph, Node, Tensor

RUNTIMES = ("onnxruntime", "onnx-spec", "onnx-shape-inference")
_SMALL = 64


def _tensor(t: Any) -> Tensor:
    from onnx import numpy_helper

    array = numpy_helper.to_array(t)
    value = None
    if array.size <= _SMALL and array.dtype.kind in "iuf":
        flat = array.reshape(-1).tolist()
        value = tuple(sp.Integer(x) if isinstance(x, int) else sp.Rational(x) for x in flat)
    return Tensor(tuple(sp.Integer(d) for d in array.shape), value, str(array.dtype))


def _attrs(node: Any) -> dict[str, Any]:
    from onnx import helper

    out: dict[str, Any] = {}
    for a in node.attribute:
        v = helper.get_attribute_value(a)
        if hasattr(v, "dims") and hasattr(v, "data_type"):
            v = _tensor(v)
        elif isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        out[a.name] = v
    return out


def parse_spec(spec: str) -> tuple[int | str, ...]:
    """``1,3,H,W`` -> (1, 3, "H", "W"): ints or identifier names, nothing else."""
    parts = [p.strip() for p in spec.split(",")]
    dims: list[int | str] = []
    for p in parts:
        if p.isascii() and p.isdigit():
            dims.append(int(p))
        elif p.isidentifier() and p.isascii():
            dims.append(p)
        else:
            raise ParameterError("--input", "must be comma-separated sizes and dim names, e.g. 1,3,H,W", spec)
    return tuple(dims)


def load(model: str, input_spec: str | None = None, runtime: str | None = None) -> Graph:
    """The graph of the ONNX file ``model`` under ``runtime``'s rules (onnxruntime by default)."""
    runtime = runtime or RUNTIMES[0]
    if runtime not in RUNTIMES:
        raise ParameterError("--runtime", f"must be one of {', '.join(RUNTIMES)} for an ONNX model", runtime)
    try:
        import onnx
    except ImportError:
        raise DeriveError("reading an .onnx file needs the onnx package (pip install onnx)") from None
    path = Path(model)
    if not path.is_file():
        raise ParameterError("MODEL", "must be an existing file", model)
    try:
        proto = onnx.load(str(path))
    except Exception as e:  # protobuf's DecodeError and friends: not an ONNX file
        raise DeriveError(f"'{model}' is not an ONNX model ({type(e).__name__})") from None
    g = proto.graph
    if not g.node and not g.input:
        raise DeriveError(f"'{model}' is not an ONNX model (no graph)")
    constants = {t.name: _tensor(t) for t in g.initializer}
    inputs = []
    for vi in g.input:
        if vi.name in constants:
            continue
        dims: list[int | str] = []
        for d in vi.type.tensor_type.shape.dim:
            if d.HasField("dim_value"):
                dims.append(int(d.dim_value))
            elif d.dim_param:
                dims.append(
                    d.dim_param
                    if d.dim_param.isidentifier()
                    else "d_" + "".join(c if c.isalnum() else "_" for c in d.dim_param)
                )
            else:
                raise DeriveError(f"input '{vi.name}' has an unnamed dim: name it with --input (e.g. 1,3,H,W)")
        inputs.append((vi.name, tuple(dims)))
    if input_spec is not None:
        if not inputs:
            raise DeriveError(f"'{model}' has no graph input")
        spec = parse_spec(input_spec)
        if len(spec) != len(inputs[0][1]):
            raise ParameterError("--input", f"must give {len(inputs[0][1])} dims for '{inputs[0][0]}'", input_spec)
        inputs[0] = (inputs[0][0], spec)
    nodes = []
    for i, n in enumerate(g.node):
        if n.domain not in ("", "ai.onnx"):
            op = f"{n.domain}.{n.op_type}"
        else:
            op = n.op_type
        nodes.append(Node(n.name or f"{n.op_type}_{i}", op, tuple(n.input), tuple(n.output), _attrs(n)))
    return Graph(g.name or path.stem, tuple(inputs), tuple(nodes), tuple(o.name for o in g.output), constants, runtime)
