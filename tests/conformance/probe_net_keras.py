"""Brute force for derive net's Keras front end: run the zoo's Keras models at every swept size on one backend.

``KERAS_BACKEND`` picks the backend (tensorflow runs with ``TF_ENABLE_ONEDNN_OPTS=0``, the Eigen kernels
derive's ``keras-tensorflow`` table models), ``DERIVE_NET_MODELS`` (comma-separated names of
``tests/keras_zoo.py``) the models. Each model is built, saved as ``.keras`` in a temporary directory and
loaded back (a library model too big to save is read in memory); derive reads the file
(:func:`derive.net.from_keras` on the path, the backend's table) and the loaded model runs eagerly
(``model(x)``) at every size. Per model it prints
``{"model": ..., "derive": <Answer.to_json()> | {"error": ...}, "rules": ...}``, then per size
``{"model": ..., "values": {...}, "shape": [...]}`` or ``{..., "error": "<the backend's message>"}`` with
derive's prediction there (``"predicted": {"shape": [...]}`` or ``{"error": message, "node": ...}``),
and ``{"model": ..., "brute_seconds": ...}``.
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
    from derive.net.analysis import analyse, first_failure, output_shapes
    from tests import keras_zoo as Z

    print(json.dumps({"info": {"backend": backend, "import_seconds": time.perf_counter() - start}}), flush=True)
    tmp = tempfile.mkdtemp(prefix="derive-keras-zoo-")
    for name in os.environ.get("DERIVE_NET_MODELS", ",".join(Z.ZOO)).split(","):
        entry = Z.ZOO[name]
        if backend not in entry.backends:
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
            result = analyse(from_keras(source, entry.spec))
            answer, propagated = result.to_json(), result.propagated
        except Exception as e:  # reported, and the test fails on it
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps({"model": name, "derive": answer, "seconds": time.perf_counter() - t}), flush=True)
        t = time.perf_counter()
        for values in Z.sizes(name, backend):
            x = np.zeros(Z.shape(entry.spec, values), "float32")
            try:
                got = {"shape": [int(d) for d in model(x).shape]}
            except Exception as e:  # the backend's refusal: its class and message
                got = {"error": _ANSI.sub("", f"{type(e).__name__}: {e}")[:1500]}
            row = {"model": name, "values": values, **got}
            if propagated is not None:
                failure = first_failure(propagated, values)
                if failure is None:
                    (shape,) = output_shapes(propagated, values).values()
                    row["predicted"] = {"shape": shape}
                else:
                    row["predicted"] = {"error": failure.message, "node": failure.node}
            print(json.dumps(row), flush=True)
        print(json.dumps({"model": name, "brute_seconds": time.perf_counter() - t}), flush=True)
