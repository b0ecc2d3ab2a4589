"""Brute force for derive net's Keras front end: run the zoo's Keras models at every swept size on one backend.

``KERAS_BACKEND`` picks the backend (tensorflow runs with ``TF_ENABLE_ONEDNN_OPTS=0``, the Eigen kernels
derive's ``keras-tensorflow`` table models), ``DERIVE_NET_MODELS`` (comma-separated names of
``tests/keras_zoo.py``) the models. Each model is built, saved as ``.keras`` in a temporary directory and
loaded back (a library model too big to save is read in memory); derive reads the file
(:func:`derive.net.from_keras` on the path, the backend's table) and the loaded model runs eagerly
(``model(x)``) at every size. Per model it prints
``{"model": ..., "derive": <Answer.to_json()> | {"error": ...}, "rules": ...}``, then per size
``{"model": ..., "values": {...}, "predicted": ...}`` (derive's prediction there: ``{"shape": [...]}`` or
``{"error": message, "node": ...}``), then ``{"model": ..., "values": {...}, "shape": [...]}`` or
``{..., "error": "<the backend's message>"}`` with the prediction again, and ``{"model": ..., "brute_seconds": ...}``.

Each size is a case of ``tests/conformance/_harness.py``: announced (``{"case": i, "op": model, "args": values}``)
before the model runs, so a size that aborts the process (oneDNN) becomes a ``crash`` row there and the probe
starts again after it (``DERIVE_PROBE_FROM``: models whose sizes all came before are not built again, and a
model's answer is printed once). ``DERIVE_NET_RUNTIME`` names derive's table (default: the front end's choice).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
warnings.filterwarnings("ignore")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def predict(propagated, values: dict[str, int]) -> dict:
    """derive's prediction at one size: the output shape, or the first failing check's message and node."""
    from derive.net.analysis import first_failure, output_shapes

    failure = first_failure(propagated, values)
    if failure is None:
        (shape,) = output_shapes(propagated, values).values()
        return {"shape": shape}
    return {"error": failure.message, "node": failure.node}


if __name__ == "__main__":
    start = time.perf_counter()
    try:
        import keras
        import numpy as np
    except Exception as e:  # pragma: no cover - depends on the environment
        print(json.dumps({"skip": f"keras unavailable: {e!r}"}))
        sys.exit(0)
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    from derive.net import from_keras
    from derive.net.analysis import analyse
    from tests import keras_zoo as Z

    first = int(os.environ.get("DERIVE_PROBE_FROM", "0"))
    runtime = os.environ.get("DERIVE_NET_RUNTIME") or None
    if backend == "tensorflow":
        from tensorflow.python.util import _pywrap_util_port

        onednn = bool(_pywrap_util_port.IsMklEnabled())
    else:
        onednn = None
    info = {"backend": backend, "onednn": onednn, "import_seconds": time.perf_counter() - start}
    print(json.dumps({"info": info}), flush=True)
    tmp = tempfile.mkdtemp(prefix="derive-keras-zoo-")
    index = 0  # the case number of the next size, over every model in order
    for name in os.environ.get("DERIVE_NET_MODELS", ",".join(Z.ZOO)).split(","):
        entry = Z.ZOO[name]
        sweep = Z.sizes(name, backend)
        if backend not in entry.backends or index + len(sweep) <= first:
            index += len(sweep)  # an earlier process swept it
            continue
        keras.utils.set_random_seed(0)
        model = source = entry.factory()
        if entry.saved:
            source = os.path.join(tmp, f"{name}.keras")
            model.save(source)
            model = keras.saving.load_model(source, compile=False)
        t = time.perf_counter()
        propagated = None
        try:
            result = analyse(from_keras(source, entry.spec, runtime))
            answer, propagated = result.to_json(), result.propagated
        except Exception as e:  # reported, and the test fails on it
            answer = {"error": f"{type(e).__name__}: {e}"}
        if index >= first:  # else an earlier process printed it
            print(json.dumps({"model": name, "derive": answer, "seconds": time.perf_counter() - t}), flush=True)
        t = time.perf_counter()
        for values in sweep:
            index += 1
            if index - 1 < first:
                continue
            row = {"model": name, "values": values}
            if propagated is not None:  # first, so that a size that aborts the process keeps its prediction
                row["predicted"] = predict(propagated, values)
                print(json.dumps(row), flush=True)
            print(json.dumps({"case": index - 1, "op": name, "args": values}), flush=True)
            x = np.zeros(Z.shape(entry.spec, values), "float32")
            try:
                got = {"shape": [int(d) for d in model(x).shape]}
            except Exception as e:  # the backend's refusal: its class and message
                got = {"error": _ANSI.sub("", f"{type(e).__name__}: {e}")[:1500]}
            print(json.dumps({**row, **got}), flush=True)
        print(json.dumps({"model": name, "brute_seconds": time.perf_counter() - t}), flush=True)
