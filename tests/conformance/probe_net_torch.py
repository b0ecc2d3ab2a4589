"""Brute force for derive net: run zoo models eagerly at every swept size, and derive's answer for each.

``DERIVE_NET_MODELS`` (comma-separated zoo names) picks the models. Per model it prints
``{"model": ..., "derive": <Answer.to_json()> | {"error": ...}}`` (derive's analysis of the
torch.export graph, run here because it needs torch) and then one record per swept size:
``{"model": ..., "values": {"H": 5, ...}, "shape": [...]}`` or ``{..., "error": "<torch's message>"}``,
with derive's prediction at that size from the propagated graph (``"predicted": {"shape": [...]}`` or
``{"error": message, "node": ...}``). A model whose library is not installed prints
``{"model": ..., "unavailable": reason}``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

if __name__ == "__main__":
    try:
        import torch
    except ImportError as e:
        print(json.dumps({"skip": f"torch is not installed ({e})"}))
        sys.exit(0)
    torch.set_num_threads(1)
    from tests import net_zoo as Z

    for name in os.environ.get("DERIVE_NET_MODELS", ",".join(Z.ZOO)).split(","):
        entry = Z.ZOO[name]
        if entry.library:
            try:
                importlib.import_module(entry.library)
            except ImportError as e:
                print(json.dumps({"model": name, "unavailable": f"{entry.library} is not installed ({e})"}), flush=True)
                continue
        module = Z.build(name)
        start = time.perf_counter()
        propagated = None
        if os.environ.get("DERIVE_NET_ANALYSE", "1") == "1":
            try:
                from derive.net import from_torch
                from derive.net.analysis import analyse

                result = analyse(from_torch(module, entry.spec))
                answer, propagated = result.to_json(), result.propagated
            except Exception as e:  # reported, and the test fails on it
                answer = {"error": f"{type(e).__name__}: {e}"}
            print(json.dumps({"model": name, "derive": answer, "seconds": time.perf_counter() - start}), flush=True)
        start = time.perf_counter()
        for values in Z.sizes(name):
            row = {"model": name, "values": values, **Z.run(module, entry.spec, values)}
            if propagated is not None:
                from derive.net.analysis import first_failure, output_shapes

                failure = first_failure(propagated, values)
                if failure is None:
                    (shape,) = output_shapes(propagated, values).values()
                    row["predicted"] = {"shape": shape}
                else:
                    row["predicted"] = {"error": failure.message, "node": failure.node}
            print(json.dumps(row), flush=True)
        print(json.dumps({"model": name, "brute_seconds": time.perf_counter() - start}), flush=True)
