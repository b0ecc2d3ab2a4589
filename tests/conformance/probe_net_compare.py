"""derive net --compare on zoo models: ``{"model": ..., "compare": Comparison.to_json(), "text": ..., "seconds": ...}``.

``DERIVE_NET_MODELS`` picks the models (default: the 2-level U-Net; a model whose library is missing prints
``unavailable``). torch.export runs here, in its own process, like every framework probe; the test
(test_net_compare.py) reads what real torch.export said.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import warnings

if __name__ == "__main__":
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        import torch
    except ImportError as e:
        print(json.dumps({"skip": f"torch / onnx / onnxruntime is not installed ({e})"}))
        sys.exit(0)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    from derive.net.compare import compare
    from tests import net_zoo as Z

    for name in os.environ.get("DERIVE_NET_MODELS", "unet2").split(","):
        library = Z.ZOO[name].library
        if library:
            try:
                importlib.import_module(library)
            except ImportError as e:
                print(json.dumps({"model": name, "unavailable": f"{library} is not installed ({e})"}), flush=True)
                continue
        start = time.perf_counter()
        result = compare(Z.build(name), Z.ZOO[name].spec)
        row = {"model": name, "compare": result.to_json(), "text": result.text()}
        print(json.dumps({**row, "seconds": time.perf_counter() - start}), flush=True)
