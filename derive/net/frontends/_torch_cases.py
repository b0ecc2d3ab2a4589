"""The torch front end's case split: a model whose own code branches on its input's size, read per module.

``torch.export`` traces one sample, so a module whose Python ``forward`` tests a size (MONAI BasicUNet's
``UpCat``: ``if x_e.shape[-i-1] != x_0.shape[-i-1]: pad``) leaves only the branch taken there, and a guard
in export's shape environment whose frame lies in the model's code. :func:`split` reads such a model
soundly, one module call at a time:

1. each such guard's file:line is mapped to the module instances whose class's ``forward`` holds it (all
   instances of that class; an instance inside another one chosen is read as part of it);
2. the model is exported again with ``preserve_module_call_signature`` for those instances, so that the
   call's input and output nodes are known; the nodes run inside the call (``nn_module_stack``) are its body,
   replaced in derive's graph by ONE cases node (:mod:`derive.net.cases`). A call that runs no op at the
   sample (an identity branch) is looked for at up to :data:`_RETRIES` other samples, and every export must
   branch in model code only inside the chosen calls;
3. the instance's cases: its real call arguments at the sample (a forward pre-hook), exported ALONE with
   ``Dim.AUTO`` on the dims that vary with the model's input; each export is a branch: its graph (read by the
   same code and rule table) and the condition under which its code takes it: the guards from model code
   (over the call's input dims), each symbolic dim >= 2 (export assumes it: a 0/1 sample is specialised),
   the dims export fixed, and the dims its shape environment unified or replaced (a constant, or an
   expression from an equality torch checked: narrower is sound). Further branches come from
   Z3: while "every size at which the model reaches the call (the checks before it hold) satisfies some
   case's condition" is refuted, the module is exported again at the counterexample's input dims (run
   eagerly first). Only an unsat proof of that claim ends the search; a timeout, a counterexample at which
   the module does not run alone, or more than :data:`_MAX_CASES` cases refuse the model in one line.

Why the guards are enough: at a size where a case's condition holds, the model's code tests the same
conditions the same way, so eager torch runs the same ops until one of torch's own checks fails, and that
check is in the case's graph (the rule table models torch's checks; their guards are not read).
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Mapping
from typing import Any

import sympy as sp

from ...errors import DeriveError
from ..cases import OP, Case, slot
from ..graph import Graph, Node, Tensor

#: at most this many branches of one module call are exported before the model is refused
_MAX_CASES = 64
#: seconds Z3 may take to prove (or refute) that the cases cover every size reaching a call
_TIMEOUT = 60.0


def split(torch: Any, module: Any, x: Any, dims: tuple[int | str, ...], guards: list[Any], name: str) -> Graph:
    """derive's graph of ``module`` at input ``x`` (spec ``dims``), each module call whose code branches on its
    input's size read as a cases node; ``guards``: export's guards from model code (:func:`branch_guards`)."""
    from torch.export import Dim, export

    from . import torch as front

    paths = _instances(module, guards)
    dynamic = {i: Dim.AUTO for i, d in enumerate(dims) if isinstance(d, str)}
    empty = ""
    # a call whose branch at the sample runs no op (an identity branch) leaves nothing to replace: another sample
    for sample_x in _samples(torch, module, x, dims):
        try:
            ep = export(
                module, (sample_x,), dynamic_shapes=(dynamic,), strict=False, preserve_module_call_signature=paths
            )
        except Exception as e:  # export cannot keep the calls apart: one line
            first = f"{type(e).__name__}: {e}".splitlines()[0]
            raise DeriveError(f"torch.export could not capture the model with its module calls kept: {first}") from None
        graph = front._graph(ep, dims, name)
        # every branch this export took in model code lies in a call read as cases (another sample may test more)
        seen = _instances(module, front._branches(ep, dims))
        if any(not any(p == q or p.startswith(q + ".") for q in paths) for p in seen):
            raise DeriveError("the model branches on its input size in other modules at another sample")
        signatures = {e.fqn: e.signature for e in ep.module_call_graph}
        calls = []
        for path in paths:
            sig = signatures.get(path)
            if sig is None or any(f"{path}@" in fqn for fqn in signatures):
                raise DeriveError(f"module '{path}' branches on its input size and is not called exactly once")
            body = _body(ep, path)
            if not any(n.name in body for n in graph.nodes):
                empty = path
                break
            calls.append((min(i for i, n in enumerate(graph.nodes) if n.name in body), path, sig, body))
        else:
            break
    else:
        raise DeriveError(f"module '{empty}' branches on its input size and runs no op at any sample tried")
    args = _arguments(torch, module, sample_x, paths)
    sample = _sample_values(torch, ep, dims)
    for _, path, sig, body in sorted(calls, key=lambda c: -c[0]):  # last first: earlier positions stay valid
        graph = _replace(graph, path, sig, body, type(module.get_submodule(path)).__name__)
    # each call's cases, first call first: the checks before a call are final when its cases are searched
    for path in sorted(paths, key=lambda p: _index(graph, p)):
        graph = _cases(torch, graph, path, module.get_submodule(path), args[path], sample)
    return graph


def _samples(torch: Any, module: Any, x: Any, dims: tuple[int | str, ...]) -> Any:
    """``x``, then up to :data:`_RETRIES` other inputs at which the model runs (all symbolic dims equal)."""
    from . import torch as front

    yield x
    tried = 0
    for v in front._SAMPLES:
        shape = [v if isinstance(d, str) else d for d in dims]
        if shape == list(x.shape) or tried >= _RETRIES:
            continue
        tried += 1
        other = torch.randn(*shape)
        try:
            with torch.no_grad():
                module(other)
        except Exception:  # the model refuses this size: not a sample
            continue
        yield other


#: other samples tried when a branching call runs no op at the first one
_RETRIES = 4


# ---------------------------------------------------------------- which module instances


def _instances(module: Any, guards: list[Any]) -> list[str]:
    """The paths of the module instances whose class's ``forward`` holds a guard's line (outermost kept)."""
    chosen: set[str] = set()
    for guard in guards:
        frame = guard.sloc.framework_loc
        where, line = os.path.realpath(frame.filename), frame.lineno
        found = [path for path, m in module.named_modules() if _holds_line(type(m).forward, where, line)]
        at = f"{_short(frame.filename)}:{line}"
        if not found:
            raise DeriveError(
                f"the model branches on its input size at {at}, outside any module's forward: derive net reads "
                "such a branch only per module call"
            )
        if "" in found:
            raise DeriveError(
                f"the model's own forward branches on its input size at {at}: derive net reads such a branch only "
                "in a submodule, per call"
            )
        chosen.update(found)
    return sorted(p for p in chosen if not any(p.startswith(q + ".") for q in chosen if q != p))


def _short(path: str) -> str:
    from . import torch as front

    return front._short(path)


def _holds_line(fn: Any, where: str, line: int) -> bool:
    try:
        source = inspect.getsourcefile(fn)
        lines, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return False
    return source is not None and os.path.realpath(source) == where and start <= line < start + len(lines)


def _arguments(torch: Any, module: Any, x: Any, paths: list[str]) -> dict[str, tuple[Any, ...]]:
    """Each instance's positional tensor arguments at the sample (a forward pre-hook)."""
    seen: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {p: [] for p in paths}
    handles = []
    for path in paths:

        def hook(mod: Any, args: Any, kwargs: Any, path: str = path) -> None:
            seen[path].append((tuple(args), dict(kwargs)))

        handles.append(module.get_submodule(path).register_forward_pre_hook(hook, with_kwargs=True))
    try:
        with torch.no_grad():
            module(x)
    finally:
        for h in handles:
            h.remove()
    out = {}
    for path, calls in seen.items():
        if len(calls) != 1:
            raise DeriveError(f"module '{path}' branches on its input size and is called {len(calls)} times")
        args, kwargs = calls[0]
        if kwargs or not args or not all(isinstance(a, torch.Tensor) for a in args):
            raise DeriveError(
                f"module '{path}' branches on its input size and is called with arguments other than positional "
                "tensors: derive net cannot export it alone"
            )
        out[path] = tuple(a.detach().clone() for a in args)
    return out


def _sample_values(torch: Any, ep: Any, dims: tuple[int | str, ...]) -> dict[str, int]:
    (x,) = [n for n in ep.graph.nodes if n.op == "placeholder" and n.name in ep.graph_signature.user_inputs]
    return {d: int(v) for d, v in zip(dims, x.meta["val"].shape, strict=True) if isinstance(d, str)}


# ---------------------------------------------------------------- the call's body in derive's graph


def _body(ep: Any, path: str) -> set[str]:
    """The names of the nodes run inside the call of ``path``."""
    body = set()
    for n in ep.graph.nodes:
        stack = n.meta.get("nn_module_stack") or {}
        if any(p == path or p.startswith(path + ".") for p, _ in stack.values()):
            body.add(n.name)
    return body


def _index(graph: Graph, path: str) -> int:
    return next(i for i, n in enumerate(graph.nodes) if n.op == OP and n.attrs["path"] == path)


def _replace(graph: Graph, path: str, sig: Any, body: set[str], cls: str) -> Graph:
    """``graph`` with the call's body replaced by one cases node (no cases yet) at its first node."""
    from torch.export.graph_signature import TensorArgument

    if not all(isinstance(a, TensorArgument) for a in [*sig.inputs, *sig.outputs]):
        raise DeriveError(f"module '{path}' branches on its input size and takes or returns non-tensors")
    ins = tuple(a.name for a in sig.inputs)
    outs = tuple(a.name for a in sig.outputs)
    made = {o for n in graph.nodes if n.name in body for o in (n.name, *n.outputs)}
    before: set[str] = set(graph.constants) | {name for name, _ in graph.inputs}
    nodes: list[Node] = []
    placed = False
    for n in graph.nodes:
        if n.name in body:
            if not placed:
                missing = [i for i in ins if i not in before]
                if missing:
                    raise DeriveError(f"module '{path}': its input '{missing[0]}' is made after the call starts")
                nodes.append(Node(path, OP, ins, outs, {"path": path, "module": f"{path} ({cls})", "cases": ()}))
                before.update(outs)
                placed = True
            continue
        inner = [i for i in n.inputs if i in made and i not in outs]
        if inner:
            raise DeriveError(f"module '{path}': node '{n.name}' outside the call reads '{inner[0]}' from inside it")
        nodes.append(n)
        before.update((n.name, *n.outputs))
    if any(o in made and o not in outs for o in graph.outputs):
        raise DeriveError(f"module '{path}': the model returns a tensor from inside the call")
    return Graph(graph.name, graph.inputs, tuple(nodes), graph.outputs, graph.constants, graph.rules, graph.note)


def _with_cases(graph: Graph, index: int, cases: tuple[Case, ...]) -> Graph:
    old = graph.nodes[index]
    node = Node(old.name, old.op, old.inputs, old.outputs, {**old.attrs, "cases": cases})
    nodes = (*graph.nodes[:index], node, *graph.nodes[index + 1 :])
    return Graph(graph.name, graph.inputs, nodes, graph.outputs, graph.constants, graph.rules, graph.note)


# ---------------------------------------------------------------- the cases of one call


def _cases(torch: Any, graph: Graph, path: str, mod: Any, args: tuple[Any, ...], sample: Mapping[str, int]) -> Graph:
    """``graph`` with the cases of the call of ``path`` found and proved to cover every size that reaches it."""
    from ...evaluate import evaluate
    from ...prover import Status, prove
    from ..analysis import _conjuncts, propagate

    index = _index(graph, path)
    node = graph.nodes[index]
    head = Graph(graph.name, graph.inputs, graph.nodes[:index], (), graph.constants, graph.rules, graph.note)
    p = propagate(head)
    shapes = [p.tensors[i].shape for i in node.inputs]
    dynamic = [tuple(k for k, d in enumerate(shape) if sp.sympify(d).free_symbols) for shape in shapes]
    at = {p.symbols[k]: v for k, v in sample.items() if k in p.symbols}
    got = [tuple(int(evaluate(sp.sympify(d), at)) for d in shape) for shape in shapes]
    if got != [tuple(a.shape) for a in args]:
        raise DeriveError(
            f"module '{path}': derive's rules give its inputs {got} at the sample, torch "
            f"{[list(a.shape) for a in args]}"
        )
    prior = sp.And(*_conjuncts(p.checks))
    cases = [_case(torch, mod, args, dynamic, path)]
    inputs = [Tensor(tuple(sp.sympify(d) for d in shape)) for shape in shapes]
    while True:
        covered = sp.Or(*(c.condition(inputs) for c in cases))
        verdict = prove(sp.Implies(prior, covered), timeout=_TIMEOUT)
        if verdict.status is Status.PROVED:
            return _with_cases(graph, index, tuple(cases))
        if verdict.status is Status.UNKNOWN:
            raise DeriveError(
                f"module '{path}' branches on its input size, and Z3 could not decide whether its {len(cases)} "
                f"traced case(s) cover every size ({verdict.reason})"
            )
        if len(cases) >= _MAX_CASES:
            raise DeriveError(
                f"module '{path}' branches on its input size in more than {_MAX_CASES} ways: derive net does "
                "not read it"
            )
        # a dim the claim does not mention is free: the sample's size
        cex = {p.symbols[k]: int(v) for k, v in sample.items() if k in p.symbols}
        cex.update({p.symbols[k]: int(v) for k, v in (verdict.counterexample or {}).items() if k in p.symbols})
        sizes = [tuple(int(evaluate(sp.sympify(d), cex)) for d in shape) for shape in shapes]
        where = ", ".join(f"{s.name} = {v}" for s, v in cex.items())
        new = tuple(torch.randn(*size, dtype=a.dtype) for a, size in zip(args, sizes, strict=True))
        try:
            with torch.no_grad():
                mod(*new)
        except Exception as e:  # the module alone refuses sizes the model reaches: not read
            raise DeriveError(
                f"module '{path}' branches on its input size, and at {where} (its inputs {[list(s) for s in sizes]}) "
                f"it fails alone ({type(e).__name__}: {e})".splitlines()[0]
            ) from None
        case = _case(torch, mod, new, dynamic, path)
        if not evaluate(case.condition(inputs), cex):
            raise DeriveError(f"module '{path}': the case traced at {where} does not hold there")
        cases.append(case)


def _case(torch: Any, mod: Any, args: tuple[Any, ...], dynamic: list[tuple[int, ...]], path: str) -> Case:
    """The module's branch at ``args``: its graph and the condition its code tests there."""
    from torch.export import Dim, export

    from . import torch as front

    shapes = tuple({k: Dim.AUTO for k in dyn} for dyn in dynamic)
    # export warns of each dim it fixes at a 0/1 sample: here that is expected, and the case says so
    quiet = logging.getLogger("torch._export.non_strict_utils")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        ep = export(mod, args, dynamic_shapes=shapes, strict=False)
    except Exception as e:  # export cannot trace the module alone: one line
        raise DeriveError(
            f"torch.export could not capture module '{path}' alone: {type(e).__name__}: {e}".splitlines()[0]
        ) from None
    finally:
        quiet.setLevel(level)
    placeholders = [n for n in ep.graph.nodes if n.op == "placeholder" and n.name in ep.graph_signature.user_inputs]
    if len(placeholders) != len(args):
        raise DeriveError(f"module '{path}': its export has {len(placeholders)} tensor inputs, not {len(args)}")
    slots: dict[Any, list[sp.Symbol]] = {}
    conditions: list[Any] = []
    env = None
    specs: list[tuple[int | str, ...]] = []
    for i, (n, dyn) in enumerate(zip(placeholders, dynamic, strict=True)):
        spec: list[int | str] = []
        for k, d in enumerate(n.meta["val"].shape):
            if k not in dyn:
                spec.append(int(d))
                continue
            spec.append(slot(i, k).name)
            if isinstance(d, torch.SymInt):
                env = d.node.shape_env
                raw = getattr(d.node, "_expr", d.node.expr)
                slots.setdefault(raw, []).append(slot(i, k))
            else:  # export fixed this dim (a 0/1 sample): the case holds at that size only
                conditions.append(sp.Eq(slot(i, k), int(d)))
        specs.append(tuple(spec))
    for raw, mine in slots.items():
        if not isinstance(raw, sp.Symbol):
            raise DeriveError(f"module '{path}': export gave an input dim the expression {raw}")
        conditions.append(mine[0] >= 2)  # export assumes a symbolic dim is >= 2
        conditions.extend(sp.Eq(mine[0], other) for other in mine[1:])  # one symbol for several dims
    names = {raw: mine[0] for raw, mine in slots.items()}
    if env is not None:
        for guard in branch_guards(env):
            conditions.append(_sympy(guard.expr, names, path))
        # a dim export replaced by a constant or by the other dims (torch code read it as an int, or checked an
        # equality): the graph holds only there, so the case does too (narrower is sound; the search goes on)
        for raw, mine in slots.items():
            now = env.replace(raw)
            if now != raw:
                conditions.append(sp.Eq(mine[0], _sympy(now, names, path)))
    graph = front._graph(ep, specs, path, prefix=path)
    return Case(graph, sp.And(*conditions), {s: (i, k) for i, spec in enumerate(specs) for k, s in _named(spec, i)})


def _named(spec: tuple[int | str, ...], i: int) -> list[tuple[int, sp.Symbol]]:
    return [(k, slot(i, k)) for k, d in enumerate(spec) if isinstance(d, str)]


def branch_guards(env: Any) -> list[Any]:
    """The guards of a shape environment raised in model code (their frame outside torch's own files)."""
    import torch

    if getattr(env, "prefer_deferred_runtime_asserts_over_guards", False):
        # such an export keeps a branch's test as a runtime assert, not a guard: the branches would go unseen
        raise DeriveError("torch.export deferred its shape guards to runtime asserts: the model's branches are unseen")
    root = os.path.dirname(torch.__file__) + os.sep
    out = []
    for guard in env.guards:
        where = getattr(guard.sloc.framework_loc, "filename", "") or ""
        if where and not where.startswith(root):
            out.append(guard)
    return out


_RELATIONS = {
    "Equality": sp.Eq,
    "Unequality": sp.Ne,
    "StrictLessThan": sp.Lt,
    "LessThan": sp.Le,
    "StrictGreaterThan": sp.Gt,
    "GreaterThan": sp.Ge,
}


def _sympy(e: Any, names: Mapping[Any, sp.Symbol], path: str) -> Any:
    """A guard of torch's shape environment in plain SymPy over the slot symbols (torch's FloorDiv as floor, ...)."""

    def go(x: Any) -> Any:
        kind = type(x).__name__
        if isinstance(x, sp.Symbol):
            if x not in names:
                raise DeriveError(f"module '{path}': a guard speaks of {x}, which is no input dim")
            return names[x]
        if x is sp.true or x is sp.false or isinstance(x, sp.Rational):
            return x
        args = [go(a) for a in x.args]
        if isinstance(x, sp.Add):
            return sp.Add(*args)
        if isinstance(x, sp.Mul):
            return sp.Mul(*args)
        if isinstance(x, sp.Pow) or kind == "PowByNatural":
            if not args[1].is_Integer or args[1] < 0:
                raise DeriveError(f"module '{path}': a guard's power {x} is not read")
            return sp.Pow(*args)
        if kind == "FloorDiv" or kind == "CleanDiv":
            return sp.floor(args[0] / args[1])
        if kind == "CeilDiv":
            return sp.ceiling(args[0] / args[1])
        if kind in ("PythonMod", "Mod"):
            return sp.Mod(*args)
        if kind == "ModularIndexing":
            return sp.Mod(sp.floor(args[0] / args[1]), args[2])
        if kind == "Max":
            return sp.Max(*args)
        if kind == "Min":
            return sp.Min(*args)
        if kind == "Identity":
            return args[0]
        if kind in _RELATIONS:
            return _RELATIONS[kind](*args)
        if isinstance(x, sp.And):
            return sp.And(*args)
        if isinstance(x, sp.Or):
            return sp.Or(*args)
        if isinstance(x, sp.Not):
            return sp.Not(*args)
        raise DeriveError(f"module '{path}': a guard uses {kind} ({x}), which derive net does not read")

    return go(e)
