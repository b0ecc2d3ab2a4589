"""Models of what each framework really does to convolution lengths, one module per framework.

``get(name)`` returns the module; every module offers ``conv_length`` and ``conv_transpose_length``
with the framework's own keyword names and defaults, and its :class:`Operation` values as data.
Frameworks themselves are never imported here: only tests/conformance runs them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import ParameterError

#: registered framework keys (module names under derive/frameworks/)
NAMES = (
    "torch",
    "tensorflow",
    "keras",
    "keras2",
    "jax",
    "flax",
    "onnx",
    "caffe",
    "mxnet",
    "paddle",
    "chainer",
    "lasagne",
    "tinygrad",
)

ALIASES = {"pytorch": "torch", "tf": "tensorflow", "keras3": "keras", "tf.keras": "keras2", "tf_keras": "keras2"}


def get(name: str) -> ModuleType:
    """The model module of framework ``name`` (e.g. ``get("torch").conv_transpose_length(...)``)."""
    key = ALIASES.get(name.lower(), name.lower()) if isinstance(name, str) else name
    if key not in NAMES:
        raise ParameterError("framework", f"must be one of {', '.join(NAMES)}", name)
    try:
        return importlib.import_module(f"{__name__}.{key}")
    except ModuleNotFoundError as e:
        if e.name == f"{__name__}.{key}":
            raise ParameterError("framework", "is registered but its model is not written yet", name) from None
        raise
