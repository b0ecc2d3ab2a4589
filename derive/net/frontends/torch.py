"""The torch front end: an ``nn.Module`` -> :class:`~derive.net.graph.Graph` (``torch`` imported only here).

The module's op graph is captured with ``torch.export`` (non-strict), its symbolic input dims
marked ``Dim.AUTO`` so that export keeps them symbolic. Only the graph is read: its aten ops, their
constant arguments, and the shape arithmetic on ``sym_size`` values. The guards and range
constraints export derived from its one sample are NOT used (they come from one sample, so they are
not the answer); every shape rule comes from derive's ``torch-eager`` table
(:mod:`derive.net.rules.torch_eager`), which reuses derive's proved per-layer torch models.

A model whose own Python code branches on its input's size (a guard from model code: MONAI
BasicUNet's ``UpCat`` pads odd sizes) is not one graph: each module call that branches is read as
its cases, each branch's graph exported with the module alone, until Z3 proves the cases cover every
size that reaches the call (:mod:`._torch_cases`); a branch in the model's own ``forward``, a branch
outside any module's ``forward``, or cases not proved to cover is one refusal line.

From the command line: ``path/file.py:NAME`` or ``package.module:NAME``, NAME an ``nn.Module``
class (built without arguments) or a zero-argument factory returning a module.
"""

from __future__ import annotations

import importlib
import importlib.util
import operator
import sys
from pathlib import Path
from typing import Any

import sympy as sp

from ...errors import DeriveError, ParameterError
from ..graph import Graph, Node, Tensor
from ..rules import declare
from ..rules.torch_eager import TABLE, Ref
from .onnx import parse_spec

RUNTIMES = (TABLE,)
declare(TABLE, "derive.net.rules.torch_eager")

#: sample sizes tried for the symbolic dims when capturing the graph (the first that runs eagerly is used)
_SAMPLES = (64, 96, 128, 224, 256, 32, 48, 160, 16, 512)

_OPERATORS = {
    operator.add: "operator.add",
    operator.sub: "operator.sub",
    operator.mul: "operator.mul",
    operator.floordiv: "operator.floordiv",
    operator.mod: "operator.mod",
    operator.neg: "operator.neg",
    operator.truediv: "operator.truediv",
    operator.getitem: "operator.getitem",
}


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise DeriveError("a torch model needs torch installed (pip install torch)") from None
    return torch


def _sample(torch: Any, module: Any, dims: tuple[int | str, ...]) -> Any:
    """An input at which the module runs eagerly: export needs one to trace with."""
    names = [d for d in dims if isinstance(d, str)]
    tried = []
    candidates = [dict.fromkeys(names, v) for v in _SAMPLES]
    candidates += [dict.fromkeys(names, v) for v in range(1, 257) if v not in _SAMPLES]
    for values in candidates:
        x = torch.randn(*[values[d] if isinstance(d, str) else d for d in dims])
        try:
            with torch.no_grad():
                module(x)
        except Exception as e:  # torch's refusal at this size: try the next one
            tried.append(f"{type(e).__name__}: {e}".splitlines()[0])
            continue
        return x
    raise DeriveError(
        "the model runs at none of the sample sizes 1..256 (all dims equal), so its graph cannot be traced; "
        f"last error: {tried[-1][:300] if tried else 'none'}"
    )


def _encode(arg: Any, refs: list[str], names: dict[Any, str]) -> Any:
    """An fx argument with each graph node replaced by a :class:`Ref` into ``refs`` (the node's inputs)."""
    import torch.fx

    if isinstance(arg, torch.fx.Node):
        refs.append(names[arg])
        return Ref(len(refs) - 1)
    if isinstance(arg, (list, tuple)):
        return tuple(_encode(a, refs, names) for a in arg)
    if isinstance(arg, dict):
        return {k: _encode(v, refs, names) for k, v in arg.items()}
    if isinstance(arg, bool | int | float | str) or arg is None:
        return arg
    if hasattr(arg, "is_floating_point"):  # a dtype, device, layout or memory format: irrelevant to shapes
        return str(arg)
    return str(arg)


def _where(node: Any, prefix: str = "") -> str:
    """The module path a node comes from (nn_module_stack's innermost entry), for messages; ``prefix``: the
    path of the module exported (a module exported alone names its nodes from itself)."""
    stack = node.meta.get("nn_module_stack") or {}
    if not stack:
        return prefix
    path, cls = list(stack.values())[-1]
    path = ".".join(p for p in (prefix, path) if p)
    cls_name = cls if isinstance(cls, str) else getattr(cls, "__name__", str(cls))
    return f"{path} ({cls_name.rsplit('.', 1)[-1]})" if path else cls_name.rsplit(".", 1)[-1]


def from_torch(module: Any, input_spec: str, name: str | None = None) -> Graph:
    """The graph of ``module`` on one input of shape ``input_spec`` (e.g. "1,3,H,W"), under torch eager's rules."""
    torch = _import_torch()
    if not isinstance(module, torch.nn.Module):
        raise ParameterError("module", "must be a torch.nn.Module", type(module).__name__)
    if not isinstance(input_spec, str):
        raise ParameterError("input", "must be a spec such as '1,3,H,W'", input_spec)
    dims = parse_spec(input_spec)
    if not any(isinstance(d, str) for d in dims):
        raise DeriveError(f"input '{input_spec}' has no symbolic dim: name one (e.g. 1,3,H,W)")
    module = module.eval()
    x = _sample(torch, module, dims)
    from torch.export import Dim, export

    dynamic = {i: Dim.AUTO for i, d in enumerate(dims) if isinstance(d, str)}
    try:
        ep = export(module, (x,), dynamic_shapes=(dynamic,), strict=False)
    except Exception as e:  # export cannot trace this module: say so, in one line
        raise DeriveError(
            f"torch.export could not capture the model: {type(e).__name__}: {e}".splitlines()[0]
        ) from None
    graph = _graph(ep, dims, name or type(module).__name__)
    guards = _branches(ep, dims)
    if guards:
        from ._torch_cases import split

        return split(torch, module, x, dims, guards, name or type(module).__name__)
    return graph


def _branches(ep: Any, dims: tuple[int | str, ...]) -> list[Any]:
    """The guards by which the model's own Python code branches on its input's size.

    Such a branch leaves a guard in export's shape environment whose frame lies outside torch (e.g.
    MONAI BasicUNet's ``if x_e.shape != x_0.shape: pad``): the captured graph is the branch taken at the
    sample only, and another size may take the other branch, so one graph cannot answer for all sizes:
    :mod:`._torch_cases` then reads each module call that branches as its cases, or refuses the model.
    Guards raised inside torch come from the ops' own checks, which the rule table models. A guard
    in model code that holds at every size 1.._WINDOW of each dim (the others at the sample) is taken
    for a branch that no size in that window takes (diffusers' "numel() > 2**31: contiguous()"): the
    answer is then derive's for the graph that every size up to _WINDOW takes.
    """
    import torch

    from ._torch_cases import branch_guards

    (x,) = [n for n in ep.graph.nodes if n.op == "placeholder" and n.name in ep.graph_signature.user_inputs]
    shape = x.meta["val"].shape
    names = {}
    env = None
    for spec_dim, got in zip(dims, shape, strict=True):
        if isinstance(spec_dim, str) and isinstance(got, torch.SymInt):
            # the symbol export made for the dim (its shape env may since have replaced it by an expression)
            names[getattr(got.node, "_expr", got.node.expr)] = sp.Symbol(spec_dim)
            env = got.node.shape_env
    if env is None:
        return []
    known = getattr(env, "backed_var_to_val", None) or env.var_to_val
    sample = {sym: int(known[sym]) for sym in names}
    return [g for g in branch_guards(env) if not _holds_everywhere(g.expr, sample)]


#: a guard in model code is checked at every size 1.._WINDOW of each dim
_WINDOW = 4096


def _holds_everywhere(expr: Any, sample: dict[Any, int]) -> bool:
    import sympy

    for sym in sample:
        others = {o: sympy.Integer(v) for o, v in sample.items() if o != sym}
        fixed = expr.xreplace(others)
        for v in range(1, _WINDOW + 1):
            if not bool(fixed.xreplace({sym: sympy.Integer(v)})):
                return False
    return True


def _short(path: str) -> str:
    """A source path from its package on (``monai/networks/nets/basic_unet.py``)."""
    parts = path.replace("\\", "/").split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1 :])
    return path


def _graph(ep: Any, dims: tuple[int | str, ...] | list[tuple[int | str, ...]], name: str, prefix: str = "") -> Graph:
    """derive's graph of an exported program: ``dims`` is the input spec (a list: one per tensor input, for a
    module exported alone, whose dims export may fix: its cases say where); ``prefix``: the module's path."""
    import torch

    alone = isinstance(dims, list)
    specs = list(dims) if alone else [dims]
    user_inputs = list(ep.graph_signature.user_inputs)
    names: dict[Any, str] = {}
    constants: dict[str, Tensor] = {}
    inputs: list[tuple[str, tuple[int | str, ...]]] = []
    nodes: list[Node] = []
    outputs: tuple[str, ...] = ()
    for n in ep.graph.nodes:
        if n.op == "placeholder":
            names[n] = n.name
            if n.name in user_inputs:
                if len(inputs) == len(specs):
                    raise DeriveError("derive net reads models with one tensor input")
                spec = specs[len(inputs)]
                shape = n.meta["val"].shape
                for spec_dim, got in zip(spec, shape, strict=True):
                    fixed = not isinstance(got, torch.SymInt) or not got.node.expr.free_symbols
                    if isinstance(spec_dim, str) and fixed and not alone:
                        raise DeriveError(
                            f"torch.export fixed dim '{spec_dim}' to {int(got)}: the model's graph depends on its size "
                            "(derive net cannot read it as a graph over all sizes)"
                        )
                inputs.append((n.name, spec))
            else:
                val = n.meta.get("val")
                shape = tuple(sp.Integer(int(d)) for d in val.shape) if hasattr(val, "shape") else ()
                # a parameter or buffer: a fake tensor carries its shape, not its contents
                constants[n.name] = Tensor(shape, None, str(getattr(val, "dtype", "")))
        elif n.op == "call_function":
            refs: list[str] = []
            args = _encode(tuple(n.args), refs, names)
            kwargs = _encode(dict(n.kwargs), refs, names)
            op = _OPERATORS.get(n.target) or str(n.target)
            val = n.meta.get("val")
            if isinstance(val, (tuple, list)):
                outs = tuple(f"{n.name}.{i}" for i in range(len(val)))
            else:
                outs = (n.name,)
            names[n] = n.name
            attrs = {"args": args, "kwargs": kwargs, "module": _where(n, prefix), "outputs": len(outs)}
            if op == "operator.getitem" and isinstance(n.args[0], torch.fx.Node) and isinstance(n.args[1], int):
                # an element of a multi-output op (max_pool2d_with_indices, batch norm's tuple)
                src = n.args[0]
                nodes.append(Node(n.name, "getitem", (f"{names[src]}.{n.args[1]}",), outs, attrs))
                continue
            nodes.append(Node(n.name, op, tuple(refs), outs, attrs))
        elif n.op == "output":
            flat = [a for a in torch.utils._pytree.tree_leaves(n.args[0]) if isinstance(a, torch.fx.Node)]
            outputs = tuple(names[a] for a in flat)
        else:
            raise DeriveError(f"node '{n.name}': torch.export node kind '{n.op}' is not read by derive net")
    return Graph(name, tuple(inputs), tuple(nodes), outputs, constants, TABLE)


# ---------------------------------------------------------------- the command line's loader


def _target(model: str) -> Any:
    """The object named by ``path/file.py:NAME`` or ``package.module:NAME``."""
    where, _, attr = model.rpartition(":")
    if where.endswith(".py"):
        path = Path(where)
        if not path.is_file():
            raise ParameterError("MODEL", "must name an existing Python file", where)
        mod_name = "_derive_net_model_" + "".join(c if c.isalnum() else "_" for c in path.stem)
        spec = importlib.util.spec_from_file_location(mod_name, path)
        if spec is None or spec.loader is None:
            raise ParameterError("MODEL", "must name a Python file", where)
        mod = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.resolve().parent))
        try:
            sys.modules[mod_name] = mod
            spec.loader.exec_module(mod)
        except Exception as e:  # the user's file fails to import: one line
            raise DeriveError(f"importing '{where}' failed: {type(e).__name__}: {e}".splitlines()[0]) from None
        finally:
            sys.path.pop(0)
    else:
        try:
            mod = importlib.import_module(where)
        except ImportError as e:
            raise ParameterError("MODEL", f"must name an importable module ({e})", where) from None
        except Exception as e:  # the module fails while importing
            raise DeriveError(f"importing '{where}' failed: {type(e).__name__}: {e}".splitlines()[0]) from None
    if not hasattr(mod, attr):
        raise ParameterError("MODEL", f"names nothing in '{where}'", attr)
    return getattr(mod, attr)


def load_module(model: str, obj: Any = None) -> Any:
    """The ``nn.Module`` that ``path/file.py:NAME`` / ``package.module:NAME`` names (a class or a factory);
    ``obj``: the object it names, when the caller has imported it already."""
    torch = _import_torch()
    obj = _target(model) if obj is None else obj
    if isinstance(obj, torch.nn.Module):
        return obj
    if not callable(obj):
        raise ParameterError("MODEL", "must name an nn.Module class, a zero-argument factory or a module", model)
    try:
        built = obj()
    except Exception as e:  # the class or factory raises: one clear line
        raise DeriveError(f"building '{model}' failed: {type(e).__name__}: {e}".splitlines()[0]) from None
    if not isinstance(built, torch.nn.Module):
        raise ParameterError("MODEL", "must build a torch.nn.Module", f"{model} returned {type(built).__name__}")
    return built


def load(model: str, input_spec: str | None = None, runtime: str | None = None, obj: Any = None) -> Graph:
    """The graph of the torch model ``model`` (``file.py:NAME`` / ``pkg.mod:NAME``) for ``input_spec``
    (``obj``: the object it names, already imported)."""
    runtime = runtime or RUNTIMES[0]
    if runtime not in RUNTIMES:
        raise ParameterError("--runtime", f"must be one of {', '.join(RUNTIMES)} for a torch model", runtime)
    if input_spec is None:
        raise ParameterError("--input", "is required for a torch model (e.g. --input 1,3,H,W)", None)
    module = load_module(model, obj)
    return from_torch(module, input_spec, model.rpartition(":")[2])
