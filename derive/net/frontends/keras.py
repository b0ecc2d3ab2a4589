"""The Keras 3 front end: a Functional or Sequential model (or a ``.keras`` file) -> :class:`~derive.net.graph.Graph`.

``keras`` is imported only here, lazily (and with it the backend ``KERAS_BACKEND`` names). The model's
layer graph is read as it is stored (``Functional._nodes_by_depth``, the order ``Functional.call``
runs it): one node per layer call, its attributes taken from the built layer, its class name as the
op. The first node is the model's own input check (its declared input shape, ``InputSpec``). Every
shape rule comes from derive's ``keras-tensorflow``, ``keras-tensorflow-onednn`` or ``keras-jax`` table
(:mod:`derive.net.rules.keras`); ``runtime`` picks the table, by default the backend Keras runs on and, on
TensorFlow, the CPU kernels it picks on this machine (:func:`derive.machine.tensorflow_kernels`: Eigen or
oneDNN).

Input specs are channels-last: ``"1,H,W,3"``. Without one, the model's declared input shape is used,
the batch as 1 and each unknown spatial dim named (T; H, W; D, H, W).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import DeriveError, ParameterError
from ..graph import Graph, Node, UnsupportedOpError
from ..rules.keras import DESCRIPTIONS, JAX, ONEDNN, TENSORFLOW, TF
from .onnx import parse_spec

RUNTIMES = (TF, ONEDNN, JAX)  # declared in derive.net.rules

#: the table of each Keras backend derive models (tensorflow: by the kernels TensorFlow picks, see default_table)
BACKEND_TABLES = {"tensorflow": TF, "jax": JAX}
#: TensorFlow's CPU kernels (derive.machine) -> the table
KERNEL_TABLES = {"eigen": TF, "onednn": ONEDNN}
_NAMES = {1: ("T",), 2: ("H", "W"), 3: ("D", "H", "W")}


@contextlib.contextmanager
def native_stderr_quiet() -> Iterator[None]:
    """TensorFlow's C++ libraries log to file descriptor 2 while they load (absl's "All log messages before
    absl::InitializeLog()", oneDNN and CUDA notices; TF_CPP_MIN_LOG_LEVEL does not silence them): derive's
    answer and its one-line errors keep stderr to themselves."""
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2: nothing to guard
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _import_keras() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with native_stderr_quiet():
            import keras

            keras.backend.backend()
    except ImportError:
        raise DeriveError("a Keras model needs keras installed (pip install keras)") from None
    return keras


def is_keras(obj: Any) -> bool:
    """Whether ``obj`` (an instance or a class) is a Keras object, by its class hierarchy (keras not imported)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return any(c.__module__ == "keras" or c.__module__.startswith("keras.") for c in cls.__mro__)


def runtime_for(runtime: str | None, keras: Any) -> str:
    """``runtime`` checked, or the table of the backend Keras runs on."""
    if runtime is not None:
        if runtime not in RUNTIMES:
            raise ParameterError("--runtime", f"must be one of {', '.join(RUNTIMES)} for a Keras model", runtime)
        return runtime
    backend = keras.backend.backend()
    if backend not in BACKEND_TABLES:
        raise ParameterError(
            "--runtime",
            f"must be given: Keras runs on its '{backend}' backend here, which derive net does not model "
            f"(choose {' or '.join(RUNTIMES)})",
            None,
        )
    if backend == "tensorflow":
        from ...machine import tensorflow_kernels

        return KERNEL_TABLES[tensorflow_kernels().kernels]
    return BACKEND_TABLES[backend]


def describe(runtime: str) -> str:
    """What the table models, and, for TensorFlow, the kernels this machine's TensorFlow picks (and whether
    that is the table's)."""
    text = DESCRIPTIONS[runtime]
    if runtime in TENSORFLOW:
        from ...machine import tensorflow_kernels

        choice = tensorflow_kernels()
        if KERNEL_TABLES.get(choice.kernels) == runtime:
            text += f"; this machine's TensorFlow picks {choice}"
        else:
            text += f"; this machine's TensorFlow picks {choice} and behaves otherwise at some sizes"
            other = KERNEL_TABLES.get(choice.kernels)
            if other is not None:
                text += f" (its rules: --runtime {other})"
    return text


def _functional(keras: Any, model: Any) -> Any:
    """The Functional graph a model runs: its own, or a Sequential's inner one."""
    from keras.src.models.functional import Functional

    if isinstance(model, keras.Sequential):
        inner = getattr(model, "_functional", None)
        if inner is None:
            raise DeriveError(
                f"Sequential model '{model.name}' has no input shape: start it with keras.Input(shape=...)"
            )
        return inner
    if isinstance(model, Functional):
        return model
    raise DeriveError(
        f"model '{getattr(model, 'name', type(model).__name__)}' ({type(model).__name__}) is a subclassed "
        "keras.Model: derive net reads Functional and Sequential models (their layer graph)"
    )


def _op(layer: Any) -> str:
    """A Keras layer's class name; another class (a user's subclass too) by its full name, never matched."""
    cls = type(layer)
    if cls.__module__.startswith("keras.src.") or cls.__module__ == "keras":
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def _pairs(value: Any, rank: int) -> list[list[int]]:
    """Padding/cropping as one (lo, hi) pair per axis (Cropping1D/ZeroPadding1D store a single pair)."""
    if rank == 1 and len(value) == 2 and all(isinstance(x, int) for x in value):
        return [list(value)]
    return [list(p) for p in value]


def _window(layer: Any) -> dict[str, Any]:
    """A convolution layer's window (Conv* and DepthwiseConv* alike): kernel_size, strides, padding, dilation_rate."""
    return {
        "kernel_size": tuple(layer.kernel_size),
        "strides": tuple(layer.strides),
        "padding": str(layer.padding),
        "dilation_rate": tuple(layer.dilation_rate),
    }


def _attrs(layer: Any, op: str) -> dict[str, Any]:
    """The layer's shape-relevant attributes, as plain Python values."""
    a: dict[str, Any] = {"data_format": getattr(layer, "data_format", "channels_last") or "channels_last"}
    if op.startswith("Conv"):
        a.update(
            filters=int(layer.filters),
            **_window(layer),
            groups=int(getattr(layer, "groups", 1)),
            use_bias=bool(layer.use_bias),
        )
        if op.endswith("Transpose"):
            pads = getattr(layer, "output_padding", None)
            a["output_padding"] = None if pads is None else tuple(pads)
    elif op.startswith("DepthwiseConv"):
        a.update(**_window(layer), depth_multiplier=int(layer.depth_multiplier), use_bias=bool(layer.use_bias))
    elif "Pooling" in op and not op.startswith("Global"):
        a.update(pool_size=tuple(layer.pool_size), strides=tuple(layer.strides), padding=str(layer.padding))
    elif op.startswith("Global"):
        a["keepdims"] = bool(layer.keepdims)
    elif op.startswith("UpSampling"):
        size = layer.size
        a["size"] = (int(size),) if isinstance(size, int) else tuple(size)
        a["interpolation"] = getattr(layer, "interpolation", "nearest")
    elif op.startswith("ZeroPadding"):
        a["padding"] = _pairs(layer.padding, int(op[-2]))
    elif op.startswith("Cropping"):
        a["cropping"] = _pairs(layer.cropping, int(op[-2]))
    elif op == "Concatenate":
        a["axis"] = int(layer.axis)
    elif op == "Reshape":
        a["target_shape"] = tuple(int(d) for d in layer.target_shape)
    elif op == "Dense":
        a.update(units=int(layer.units), input_dim=int(layer.kernel.shape[0]))
    elif op == "Resizing":
        a.update(
            height=int(layer.height),
            width=int(layer.width),
            interpolation=str(layer.interpolation),
            crop_to_aspect_ratio=bool(layer.crop_to_aspect_ratio),
            pad_to_aspect_ratio=bool(layer.pad_to_aspect_ratio),
        )
    return a


def default_spec(declared: tuple[Any, ...]) -> str:
    """The model's declared input shape as a spec: batch 1, unknown spatial dims named, the rest as declared."""
    spatial = len(declared) - 2
    names = _NAMES.get(spatial, tuple(f"d{i}" for i in range(spatial)))
    dims = []
    for i, d in enumerate(declared):
        if d is not None:
            dims.append(str(d))
        elif i == 0:
            dims.append("1")
        elif 1 <= i <= spatial:
            dims.append(names[i - 1])
        else:
            dims.append(f"d{i}")
    return ",".join(dims)


def from_keras(model: Any, input_spec: str | None = None, runtime: str | None = None, name: str | None = None) -> Graph:
    """The graph of a Keras 3 model (or a ``.keras`` file's path) on one input of shape ``input_spec``
    (channels-last, e.g. "1,H,W,3"; None: the declared shape), under ``runtime``'s rules
    ("keras-tensorflow", "keras-tensorflow-onednn" or "keras-jax"; None: the backend Keras runs on, on
    TensorFlow with the kernels this machine picks)."""
    if runtime is not None:
        runtime_for(runtime, None)  # a bad runtime costs no framework import
    keras = _import_keras()
    if isinstance(model, (str, Path)):
        model = load_file(str(model))
    if not isinstance(model, keras.Model):
        raise ParameterError("model", "must be a keras.Model or a .keras file", type(model).__name__)
    table = runtime_for(runtime, keras)
    f = _functional(keras, model)
    if len(f.inputs) != 1:
        raise DeriveError(f"model '{model.name}' has {len(f.inputs)} inputs: derive net reads models with one")
    x = f.inputs[0]
    declared = tuple(None if d is None else int(d) for d in x.shape)
    if input_spec is None:
        input_spec = default_spec(declared)
    elif not isinstance(input_spec, str):
        raise ParameterError("input", "must be a spec such as '1,H,W,3'", input_spec)
    dims = parse_spec(input_spec)
    if len(dims) != len(declared):
        raise ParameterError(
            "--input", f"must give {len(declared)} dims (the model's input is {declared}, channels-last)", input_spec
        )
    nodes: list[Node] = []
    outputs = tuple(_read(keras, model, "input", "", nodes, table))
    return Graph(name or model.name, (("input", dims),), tuple(nodes), outputs, {}, table, describe(table))


def _read(keras: Any, model: Any, source: str, prefix: str, nodes: list[Node], table: str) -> list[str]:
    """Append ``model``'s nodes (its input check, then its layers) reading tensor ``source``; a nested model
    (a Functional or Sequential called as a layer) is read in place, its layers named ``outer/inner``.
    Returns the names of the model's outputs."""
    f = _functional(keras, model)
    if len(f.inputs) != 1:
        raise DeriveError(f"model '{model.name}' has {len(f.inputs)} inputs: derive net reads models with one")
    x = f.inputs[0]
    declared = tuple(None if d is None else int(d) for d in x.shape)
    checked = f"{prefix}{model.name}:input"
    attrs = {"shape": declared, "input": x.name, "model": model.name}
    nodes.append(Node(f"{prefix}{model.name}", "Input", (source,), (checked,), attrs))
    names: dict[int, str] = {id(x): checked}
    for depth in sorted(f._nodes_by_depth, reverse=True):
        for kn in f._nodes_by_depth[depth]:
            if not kn.operation or kn.is_input:
                continue
            layer = kn.operation
            ins = []
            for t in kn.input_tensors:
                if id(t) not in names:
                    raise DeriveError(f"layer '{layer.name}' reads a tensor no earlier layer makes")
                ins.append(names[id(t)])
            if isinstance(layer, keras.Model):
                if len(ins) != 1:
                    raise DeriveError(f"nested model '{layer.name}' takes {len(ins)} inputs: derive net reads one")
                got = _read(
                    keras, layer, ins[0], f"{prefix}{model.name}/" if prefix else f"{model.name}/", nodes, table
                )
                for t, name in zip(kn.outputs, got, strict=True):
                    names[id(t)] = name
                continue
            op = _op(layer)
            outs = []
            for i, t in enumerate(kn.outputs):
                names[id(t)] = f"{prefix}{layer.name}:{i}" if len(kn.outputs) > 1 else f"{prefix}{layer.name}"
                outs.append(names[id(t)])
            try:
                attrs = _attrs(layer, op)
            except AttributeError as e:  # a layer whose attributes are not the Keras class's: never guessed
                raise UnsupportedOpError(layer.name, op, table) from e
            attrs["class"] = type(layer).__name__
            attrs["layer"] = layer.name
            nodes.append(Node(f"{prefix}{layer.name}", op, tuple(ins), tuple(outs), attrs))
    return [names[id(t)] for t in f.outputs]


def load_file(path: str) -> Any:
    """A ``.keras`` file, loaded without compiling (one clear line when it is missing or not a Keras file)."""
    keras = _import_keras()
    if not Path(path).is_file():
        raise ParameterError("MODEL", "must be an existing file", path)
    try:
        with native_stderr_quiet():
            return keras.saving.load_model(path, compile=False)
    except Exception as e:  # zip/JSON/deserialisation errors: not a Keras model file
        raise DeriveError(f"'{path}' is not a Keras model file ({type(e).__name__}: {e})".splitlines()[0]) from None


def load_object(obj: Any, model: str, input_spec: str | None = None, runtime: str | None = None) -> Graph:
    """The graph of the Keras model a Python target names (a model, a Model class or a zero-argument factory)."""
    keras = _import_keras()
    if not isinstance(obj, keras.Model):
        if not callable(obj):
            raise ParameterError("MODEL", "must name a keras.Model, a Model class or a zero-argument factory", model)
        try:
            with native_stderr_quiet():
                obj = obj()
        except Exception as e:  # the class or factory raises: one clear line
            raise DeriveError(f"building '{model}' failed: {type(e).__name__}: {e}".splitlines()[0]) from None
        if not isinstance(obj, keras.Model):
            raise ParameterError("MODEL", "must build a keras.Model", f"{model} returned {type(obj).__name__}")
    return from_keras(obj, input_spec, runtime, model.rpartition(":")[2])


def load(model: str, input_spec: str | None = None, runtime: str | None = None) -> Graph:
    """The graph of the ``.keras`` file ``model`` for ``input_spec`` under ``runtime``'s rules."""
    return from_keras(model, input_spec, runtime, Path(model).stem)
