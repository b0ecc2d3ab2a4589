"""Brute force for derive net on exported ONNX files: onnxruntime at every swept size, and derive's answer.

``DERIVE_NET_MODELS`` (comma-separated zoo names) picks the models. Each zoo model (tests/net_zoo.py) is
exported with torch's TorchScript exporter (``torch.onnx.export(dynamo=False)``, the one that needs no
onnxscript; its symbolic dims come from ``dynamic_axes``, named as in the zoo's spec), then read back by
derive's ONNX front end under ``--runtime onnxruntime``. Per model it prints
``{"model": ..., "derive": <Answer.to_json()> | {"error": ...}, "ops": [...]}`` (or ``"export_error"`` when
the exporter refuses the model), then one record per swept size:
``{"model": ..., "values": {...}, "shape": [...]}`` or ``{..., "error": "<onnxruntime's message>"}``, with
derive's prediction from the propagated graph (``"predicted": {"shape": [...]}`` or
``{"error": message, "node": ...}``). A model whose library is missing prints ``{"model": ..., "unavailable": ...}``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import tempfile
import time
import warnings
from pathlib import Path

#: derive's analysis of one exported model must finish within this (a hang is a reported failure, not a stuck test)
ANALYSIS_SECONDS = 90


def _too_slow(signum, frame):
    raise TimeoutError(f"derive's analysis took more than {ANALYSIS_SECONDS} s")


def export(module, spec: str, values: dict[str, int], path: Path) -> None:
    """The TorchScript exporter, the spec's named dims dynamic (opset 17, what it emits by default)."""
    import torch

    from tests import net_zoo as Z

    dims = spec.split(",")
    x = torch.randn(*Z.shape(spec, values))
    dynamic = {i: d for i, d in enumerate(dims) if d.isidentifier()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (x,),
            str(path),
            dynamo=False,
            input_names=["x"],
            output_names=["y"],
            dynamic_axes={"x": dynamic},
            opset_version=17,
        )


def session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 4
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run(sess, spec: str, values: dict[str, int]) -> dict:
    """One onnxruntime run: ``{"shape": [...]}`` or ``{"error": "<type>: <onnxruntime's message>"}``."""
    import numpy as np

    from tests import net_zoo as Z

    x = np.random.default_rng(0).standard_normal(Z.shape(spec, values)).astype(np.float32)
    try:
        (y,) = sess.run(None, {"x": x})
    except Exception as e:  # onnxruntime's refusal: keep its class and message
        return {"error": f"{type(e).__name__}: {e}".splitlines()[0][:600]}
    return {"shape": list(y.shape)}


if __name__ == "__main__":
    try:
        import onnx
        import onnxruntime as ort
        import torch
    except ImportError as e:
        print(json.dumps({"skip": f"torch / onnx / onnxruntime is not installed ({e})"}))
        sys.exit(0)
    torch.set_num_threads(1)
    ort.set_default_logger_severity(4)
    from derive.net.analysis import analyse, first_failure, output_shapes
    from derive.net.frontends import onnx as onnx_frontend
    from tests import net_zoo as Z

    folder = Path(tempfile.mkdtemp(prefix="derive-net-onnx-"))
    for name in os.environ.get("DERIVE_NET_MODELS", ",".join(Z.ZOO)).split(","):
        entry = Z.ZOO[name]
        if entry.library:
            try:
                importlib.import_module(entry.library)
            except ImportError as e:
                print(json.dumps({"model": name, "unavailable": f"{entry.library} is not installed ({e})"}), flush=True)
                continue
        module = Z.build(name)
        path = folder / f"{name}.onnx"
        start = time.perf_counter()
        try:
            export(
                module,
                entry.spec,
                entry.base or {d: entry.top for d in entry.spec.split(",") if d.isidentifier()},
                path,
            )
        except Exception as e:  # the exporter's own refusal, reported as such
            print(json.dumps({"model": name, "export_error": f"{type(e).__name__}: {e}".splitlines()[0]}), flush=True)
            continue
        exported = time.perf_counter() - start
        start = time.perf_counter()
        propagated = None
        ops = sorted({n.op_type for n in onnx.load(str(path)).graph.node})
        signal.signal(signal.SIGALRM, _too_slow)
        signal.alarm(ANALYSIS_SECONDS)
        try:
            result = analyse(onnx_frontend.load(str(path), None, "onnxruntime"))
            answer, propagated = result.to_json(), result.propagated
        except Exception as e:  # reported, and the test fails on it
            answer = {"error": f"{type(e).__name__}: {e}"}
        finally:
            signal.alarm(0)
        row = {"model": name, "derive": answer, "ops": ops, "seconds": time.perf_counter() - start}
        print(json.dumps({**row, "export_seconds": exported}), flush=True)
        start = time.perf_counter()
        sess = session(path)
        for values in Z.sizes(name):
            row = {"model": name, "values": values, **run(sess, entry.spec, values)}
            if propagated is not None:
                failure = first_failure(propagated, values)
                if failure is None:
                    (shape,) = output_shapes(propagated, values).values()
                    row["predicted"] = {"shape": shape}
                else:
                    row["predicted"] = {"error": failure.message, "node": failure.node}
            print(json.dumps(row), flush=True)
        print(json.dumps({"model": name, "brute_seconds": time.perf_counter() - start}), flush=True)
