"""The probe side of the harness: run one case, report it, and survive a case that kills the process.

Each case is announced (``{"case": i, "op": ..., "args": ...}``, flushed) before it runs and reported
after it; a case that aborts the process (oneDNN's ``Check failed`` SIGABRT) leaves its announcement
without a report, and the harness (``_harness.py``) records it as a ``crash`` and starts the probe again
at the next case (``DERIVE_PROBE_FROM``), so no other case is lost with it.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from collections.abc import Callable
from typing import Any

FROM = int(os.environ.get("DERIVE_PROBE_FROM", "0"))
#: run a deterministic 1/EVERY sample of the cases (XLA compiles every new shape: the whole grid is too slow)
EVERY = int(os.environ.get("DERIVE_PROBE_EVERY", "1"))
_next = 0


def skip(reason: str) -> None:
    """Report that the framework is missing (the harness skips the probe's tests) and end the probe."""
    print(json.dumps({"skip": reason}))
    sys.exit(0)


def outcome(fn: Callable[[], Any], spatial: int | list[int]) -> dict[str, Any]:
    """``{"length": ...}`` from the shape ``fn`` returns (one axis or a list of axes), or the refusal."""
    try:
        shape = tuple(fn())
    except Exception as e:  # the framework's refusal: keep its class and message
        return {"error": f"{type(e).__name__}: {e}"}
    return {"length": [shape[i] for i in spatial] if isinstance(spatial, list) else shape[spatial]}


def case(op: str, args: dict[str, Any], fn: Callable[[], Any], spatial: int | list[int] = 1) -> None:
    """Announce, run and report one case (cases before ``DERIVE_PROBE_FROM`` were run by an earlier process)."""
    global _next
    index, _next = _next, _next + 1
    if index < FROM or (EVERY > 1 and zlib.crc32(json.dumps([op, args]).encode()) % EVERY):
        return
    head = {"case": index, "op": op, "args": args}
    print(json.dumps(head), flush=True)
    print(json.dumps({**head, **outcome(fn, spatial)}), flush=True)


def info(**fields: Any) -> None:
    """A record about the run itself (e.g. which kernel family TensorFlow picked), not a case."""
    print(json.dumps({"info": fields}), flush=True)
