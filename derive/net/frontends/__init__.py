"""Model loaders: each turns a model into a :class:`~derive.net.graph.Graph`.

:func:`load` picks the front end from the model's name: ``*.onnx`` -> :mod:`.onnx`, ``*.keras`` ->
:mod:`.keras`, ``path/file.py:NAME`` or ``package.module:NAME`` -> :mod:`.keras` when NAME is a Keras
model, Model class or a factory that builds one, else :mod:`.torch`. Every front end
module has ``load(model: str, input_spec: str | None, runtime: str | None) -> Graph`` and
``RUNTIMES`` (its ``--runtime`` choices, the default first); frameworks are imported only there.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

from ...errors import DeriveError, ParameterError
from ..graph import Graph

# NAME after the last ':' (a Windows drive letter 'C:\\' is not one)
_FORMS = "must be an .onnx file, a .keras file, or path/file.py:NAME / package.module:NAME"
_PYTHON_TARGET = re.compile(r"^(?P<where>.+):(?P<name>[A-Za-z_][A-Za-z0-9_]*)$")


def kind(model: str) -> str:
    """Which front end reads ``model``: "onnx", "keras" or "torch"."""
    if not isinstance(model, str) or not model.strip():
        raise ParameterError("MODEL", _FORMS, model)
    if model.endswith(".onnx"):
        return "onnx"
    if model.endswith(".keras"):
        return "keras"
    if _PYTHON_TARGET.match(model):
        return "torch"
    raise ParameterError("MODEL", _FORMS, model)


def frontend(name: str) -> ModuleType:
    """The front end module, or one clear line when it is not available."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as e:
        if e.name == f"{__name__}.{name}":
            raise DeriveError(f"derive net has no {name} front end in this installation") from None
        raise


def load(model: str, input_spec: str | None = None, runtime: str | None = None) -> Graph:
    """The graph of ``model`` with the dims of ``input_spec`` (e.g. "1,3,H,W") under ``runtime``'s rules."""
    which = kind(model)
    if which != "torch":
        return frontend(which).load(model, input_spec, runtime)
    # a Python target: the object's class hierarchy says whose it is (a factory: what it builds)
    from .torch import _target

    keras = frontend("keras")
    # the file may import TensorFlow and build on it, whose native libraries log to stderr meanwhile
    with keras.native_stderr_quiet():
        obj = _target(model)
        if not keras.is_keras(obj) and callable(obj) and not isinstance(obj, type) and not _is_torch(obj):
            try:
                obj = obj()
            except Exception as e:  # the factory raises: one clear line
                raise DeriveError(f"building '{model}' failed: {type(e).__name__}: {e}".splitlines()[0]) from None
    if keras.is_keras(obj):
        return keras.load_object(obj, model, input_spec, runtime)
    return frontend("torch").load(model, input_spec, runtime, obj=obj)


def _is_torch(obj: object) -> bool:
    return any(c.__module__.startswith("torch.") for c in type(obj).__mro__)
