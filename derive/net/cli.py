"""``derive net MODEL``: the command line of :mod:`derive.net` (declared here, run by :mod:`derive.cli`).

This module imports only argparse at the top: ``derive``'s parser declares the subcommand on every
start-up, and SymPy, Z3 and the frameworks load only when ``derive net`` runs. Everything is computed
before anything is printed, so a bad model or input prints one error line and nothing else (exit 2).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from ..errors import ParameterError

RUNTIME_HELP = (
    "whose rules count: for an .onnx file onnxruntime (default), onnx-spec or onnx-shape-inference; "
    "for a torch model torch-eager (default); for a Keras model keras-tensorflow (Eigen kernels), "
    "keras-tensorflow-onednn or keras-jax (default: the backend Keras runs on, with the kernels TensorFlow picks here)"
)

#: ``--try`` values: ``100`` (every dim) or ``H=100,W=64``
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>[0-9]+)$")


def add_parser(sub: Any, parents: list[argparse.ArgumentParser], seconds: Any) -> argparse.ArgumentParser:
    """Declare ``derive net`` on ``derive``'s subparsers (``parents``: the shared --json option)."""
    net = sub.add_parser(
        "net",
        help="the exact input sizes a whole model accepts, and its output shapes, proved",
        description="For which sizes of each symbolic input dim MODEL runs (an exact eventually periodic set "
        "proved by Z3 for every size), the smallest size that fails with the node and the runtime's message, "
        "and each output's shape as a formula. MODEL: an .onnx file (symbolic dims: the input's dim_param "
        "names), a .keras file, or path/file.py:NAME / package.module:NAME for a torch module or Keras model, "
        "class or zero-argument factory. "
        "Exit 0 when every dim's answer is proved and every --try size runs, 1 otherwise, 2 on bad input.",
        parents=parents,
    )
    net.set_defaults(func=cmd_net, extra=False)
    net.add_argument("model", help="model.onnx, model.keras, path/file.py:NAME or package.module:NAME")
    net.add_argument(
        "--input",
        metavar="SPEC",
        help="the input's dims, sizes and names, e.g. 1,3,H,W "
        "(required for a torch model; for ONNX it renames the first input's dims; for Keras, channels-last, "
        "default: the declared input shape with batch 1 and its unknown dims named)",
    )
    net.add_argument("--runtime", metavar="R", help=RUNTIME_HELP)
    net.add_argument(
        "--try",
        dest="attempts",
        metavar="V",
        nargs="+",
        action="extend",
        default=[],
        help="a size to run: 100 (every dim) or H=100,W=64 (dims not named are held where they run); "
        "where it fails, the nearest sizes that run",
    )
    net.add_argument("--timeout", type=seconds, default=10.0, help="solver seconds per proof (default 10)")
    net.add_argument(
        "--compare",
        action="store_true",
        help="for a torch model: eager vs the exported ONNX on onnxruntime vs torch.export's own constraints, "
        "side by side, with the sizes where they differ",
    )
    net.add_argument(
        "--docs",
        metavar="DIR",
        help="also write the network's derivation into DIR: LaTeX (each layer's shape and checks, each dim's set "
        "and each output's formula as theorems, every one decided by Z3) and DIR/derivations.pdf when TeX is "
        "installed",
    )
    return net


def parse_attempt(text: str, dims: tuple[str, ...] | list[str] | None = None) -> dict[str, int] | int:
    """``100`` -> 100 (every dim); ``H=100,W=64`` -> {"H": 100, "W": 64}; with ``dims``, names are checked."""
    if not isinstance(text, str):
        raise ParameterError("--try", "must be a size or NAME=SIZE,...", text)
    t = text.strip()
    if t.isascii() and t.isdigit():
        if int(t) < 1:
            raise ParameterError("--try", "must be sizes >= 1", text)
        return int(t)
    out: dict[str, int] = {}
    for part in t.split(","):
        m = _ASSIGNMENT.match(part.strip())
        if m is None:
            raise ParameterError("--try", "must be a size or NAME=SIZE,... (e.g. 100 or H=100,W=64)", text)
        name, value = m["name"], int(m["value"])
        if value < 1:
            raise ParameterError("--try", "must be sizes >= 1", text)
        if name in out:
            raise ParameterError("--try", f"must name each dim once ({name} twice)", text)
        if dims is not None and name not in dims:
            raise ParameterError("--try", f"must name the model's dims ({', '.join(dims)})", text)
        out[name] = value
    return out


def _values(parsed: dict[str, int] | int, dims: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys(dims, parsed) if isinstance(parsed, int) else parsed


def cmd_net(args: argparse.Namespace) -> int:
    import json
    import warnings

    from .analysis import analyse
    from .frontends import load

    for t in args.attempts:  # the syntax first: a typo costs no model load
        parse_attempt(t)
    if args.compare:
        return _compare(args)
    with warnings.catch_warnings():
        # frameworks warn about their own deprecations while tracing: not part of the answer
        warnings.simplefilter("ignore")
        graph = load(args.model, args.input, args.runtime)
        answer = analyse(graph, timeout=args.timeout)
    dims = tuple(answer.dims)
    attempts = [answer.attempt(_values(parse_attempt(t, dims), dims)) for t in args.attempts]
    complete = all(d.proof.status == "proved" or d.coupled for d in answer.dims.values())
    code = 0 if complete and all(a.failure is None for a in attempts) else 1
    docs = _docs(graph, args.model, args.docs) if args.docs is not None else None
    if docs is not None and not docs[0]:
        code = 1
    if args.json:
        doc = {"model": args.model, **answer.to_json()}
        if graph.note:
            doc["runtime"] = graph.note
        if attempts:
            doc["tries"] = [a.to_json() for a in attempts]
        if docs is not None:
            doc["docs"] = docs[1]
        text = json.dumps(doc, ensure_ascii=False)
    else:
        head = [f"rules: {graph.rules} ({graph.note})"] if graph.note else []
        text = "\n".join([*head, answer.text(), *(a.text() for a in attempts), *(docs[2] if docs else [])])
    print(text)
    return code


def _docs(graph: Any, model: str, folder: str) -> tuple[bool, dict[str, Any], list[str]]:
    """``--docs DIR``: the network's claims decided and its chapter written (the same writer as ``derive docs``)."""
    from pathlib import Path

    from .. import document
    from ..cli import write_documents
    from .claims import network_catalogue

    out = Path(folder)
    inputs = document.collect(catalogue=network_catalogue(graph, model), jobs=1)
    title = f"The network {graph.name}: its input sizes and output shapes, derived and machine-checked"
    return write_documents(inputs, out, out / "derivations.pdf", no_pdf=False, check=False, title=title)


def _compare(args: argparse.Namespace) -> int:
    """``--compare``: :func:`derive.net.compare.compare` on the torch module MODEL names."""
    import json
    import warnings

    from ..errors import DeriveError
    from .frontends import kind

    if kind(args.model) != "torch":
        raise DeriveError("--compare needs a torch model (path/file.py:NAME or package.module:NAME), not a file")
    if args.input is None:
        raise ParameterError("--input", "is required for a torch model (e.g. --input 1,3,H,W)", None)
    if args.attempts or args.runtime:
        raise ParameterError("--compare", "takes neither --try nor --runtime (it compares the runtimes)", True)
    from .compare import compare
    from .frontends.torch import load_module

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = compare(load_module(args.model), args.input, timeout=args.timeout)
    print(json.dumps({"model": args.model, **result.to_json()}, ensure_ascii=False) if args.json else result.text())
    return 0
