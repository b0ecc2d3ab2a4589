"""Keras 3: ``keras.layers.Conv{1,2,3}DTranspose``, ``keras.ops.conv_transpose`` and ``Conv{1,2}D`` lengths.

Keras computes one transposed length and hands it to a backend; whether the backend then agrees is
a separate result, selected by ``backend=``:

* ``None``: Keras' own ``compute_output_shape`` / ``compute_output_spec`` (what a symbolic
  ``keras.Input`` gets);
* ``"jax"``: explicit ``lax.conv_transpose`` pads from Keras' helper, giving the same length;
* ``"torch"``: since v3.15, ``conv_transpose*d`` with no padding, then cropped (or zero-padded) to
  JAX's window, again the same length;
* ``"tensorflow"``: ``tf.nn.conv_transpose(output_shape=<Keras' length>)``, which TF refuses when its
  own accepted set (:func:`derive.frameworks.tensorflow.accepted_lengths`) excludes that length,
  e.g. ``'same'`` with ``output_padding=0`` and an even effective kernel gives ``(n-1)s``; on CPU it
  also refuses ``dilation_rate > 1``.

Checked against keras 3.15.1 on all three backends (``derive/frameworks/keras/tests/probe.py``, one process
per backend; tensorflow-cpu 2.21, jax 0.10, torch 2.13 CPU). Sources read (installed package):

* ``keras/src/backend/common/backend_utils.py::_get_output_shape_given_tf_padding``,
  ``::compute_conv_transpose_output_shape``, ``::_convert_conv_transpose_padding_args_from_keras_to_jax``,
  ``::compute_conv_transpose_output_crops_for_torch``;
* ``keras/src/backend/{tensorflow,jax,torch}/nn.py::conv_transpose``;
* ``keras/src/layers/convolutional/base_conv_transpose.py::BaseConvTranspose.__init__`` (the checks),
  ``base_conv.py::BaseConv.__init__``; ``keras/src/ops/nn.py::conv_transpose`` (no checks of its own);
* ``keras/src/ops/operation_utils.py::compute_conv_output_shape`` (forward);
* ``keras/src/utils/argument_validation.py::standardize_padding``.

Conventions: argument names are Keras' (``kernel_size``, ``strides``, ``padding``,
``output_padding``, ``dilation_rate``); layouts are channels-last; ``n >= 1``. An int ``n`` is
``Conv1DTranspose`` (or ``Conv1D``); a tuple of rank r is the r-D layer, with per-axis arguments
given as ints or tuples. Earlier torch-backend behaviour (v3.0-v3.14: symmetric torch padding, then
a ValueError or a silent clamp of output_padding) is not modelled: only the installed v3.15.1 is.
"""

from __future__ import annotations

from ... import _arith as A
from ... import lengths as L
from ...errors import ParameterError
from .. import tensorflow as T
from .._model import Requirement
from ..tensorflow import resolve_kernels as resolve_tf_kernels

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

FRAMEWORK = "keras"
BACKENDS = (None, "tensorflow", "jax", "torch")
APIS = ("layer", "ops")

LAYER_PADDING = "The `padding` argument must be a list/tuple or one of"  # then a set, printed in hash order
STRIDES_AND_DILATION = "`strides > 1` not supported in conjunction with `dilation_rate > 1`."
ZERO_OR_NEGATIVE = "Computed output size would be zero or negative."


def _axes(a: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return a.get("_axes", [a])


def _tuple(a: Mapping[str, Any], key: str) -> tuple[Any, ...]:
    """A per-axis argument over the whole call, as Keras prints it (``(2,)``, ``(1, 2)``)."""
    return tuple(x[key] for x in _axes(a))


def _mode(a: Mapping[str, Any]) -> str:
    return a["padding"].lower()


def _K(a: Mapping[str, Any]) -> Any:
    return L.effective_kernel(a["kernel_size"], a["dilation_rate"])


def transposed_length(a: Mapping[str, Any]) -> Any:
    """``_get_output_shape_given_tf_padding``: Keras' transposed length for one axis.

    valid: ``(n-1)s + K + op``, op defaulting to ``max(K, s) - K``; same: ``n·s`` without
    output_padding, ``(n-1)s + (K mod 2) + op`` with it.
    """
    n, s, op, K = a["n"], a["strides"], a["output_padding"], _K(a)
    if _mode(a) == "valid":
        return (n - 1) * s + K + (A.maximum(K, s) - K if op is None else op)
    if op is None:
        return n * s
    return (n - 1) * s + A.mod(K, 2) + op


def check_numbers(a: Mapping[str, Any]) -> None:
    """The numeric arguments of a ``Conv*DTranspose`` call (Keras 2's layer takes the same ones): ``n``,
    ``kernel_size`` (required), ``strides`` and ``dilation_rate`` at least 1, ``output_padding`` (when
    given) at least 0."""
    A.param("n", a["n"], 1)
    if a["kernel_size"] is None:
        raise ParameterError("kernel_size", "is required", None)
    A.param("kernel_size", a["kernel_size"], 1)
    A.param("strides", a["strides"], 1)
    A.param("dilation_rate", a["dilation_rate"], 1)
    if a.get("output_padding") is not None:
        A.param("output_padding", a["output_padding"], 0)


def _validate(a: dict[str, Any]) -> None:
    check_numbers(a)
    if not isinstance(a["padding"], str):
        raise ParameterError("padding", "must be a string ('valid' or 'same')", a["padding"])
    if a.get("backend", None) not in BACKENDS:
        raise ParameterError("backend", "must be None, 'tensorflow', 'jax' or 'torch'", a["backend"])
    if "kernels" in a:
        resolve_tf_kernels(a)


# ---------------------------------------------------------------------------------------------
# requirements


def _layer_padding(allowed: tuple[str, ...]) -> Requirement:
    return Requirement(
        f"padding (any case) is one of {', '.join(allowed)}",
        lambda a: _mode(a) in allowed,
        LAYER_PADDING,
    )


OPS_PADDING = Requirement(
    "padding (any case) is 'valid' or 'same'",
    lambda a: _mode(a) in ("valid", "same"),
    lambda a: f"The `padding` argument must be one of 'valid', 'same'. Received: padding={_mode(a)}",
)

OUTPUT_PADDING_BELOW_STRIDES = Requirement(
    "output_padding < strides",
    lambda a: a["output_padding"] is None or a["output_padding"] < a["strides"],
    lambda a: (
        "`output_padding` must be strictly less than `strides` for all dimensions. "
        f"At dimension {a.get('_axis', 0)}, `output_padding` is {a['output_padding']} but `strides` is "
        f"{a['strides']}. Received: output_padding={_tuple(a, 'output_padding')}, strides={_tuple(a, 'strides')}"
    ),
)


def _no_strides_with_dilation(a: Mapping[str, Any]) -> Any:
    """``max(strides) > 1 and max(dilation_rate) > 1`` is refused: over the whole call, not per axis."""
    strided = A.or_(*[x["strides"] > 1 for x in _axes(a)])
    dilated = A.or_(*[x["dilation_rate"] > 1 for x in _axes(a)])
    return A.not_(A.and_(strided, dilated))


STRIDES_WITH_DILATION = Requirement(
    "not (any strides > 1 and any dilation_rate > 1)",
    _no_strides_with_dilation,
    lambda a: (
        f"{STRIDES_AND_DILATION} Received: strides={_tuple(a, 'strides')} and "
        f"dilation_rate={_tuple(a, 'dilation_rate')}"
    ),
)


def tf_view(a: Mapping[str, Any], length: Any) -> dict[str, Any]:
    """The arguments TensorFlow's transposed op sees when a Keras layer asks it for ``length``."""
    view = {
        "n": a["n"],
        "kernel_size": a["kernel_size"],
        "strides": a["strides"],
        "padding": a["padding"].upper(),
        "dilations": a["dilation_rate"],
        "output_shape": length,
        "device": "CPU",
        "kernels": a.get("kernels"),
        "kind": "conv_transpose",
    }
    if "_axis" in a:
        view["_axis"] = a["_axis"]
    return view


def _on_tf_backend(a: Mapping[str, Any]) -> bool:
    return a.get("backend") == "tensorflow"


#: TensorFlow's transposed-op checks per rank, built once: on_tensorflow takes a dozen of them (Keras' and tf.keras'
#: layers), and building the whole tuple for each was a millisecond of explain's start-up
_TF_CHECKS = {rank: T.transpose_requirements(rank) for rank in (1, 2, 3)}


def on_tensorflow(
    index: int,
    length: Callable[[Mapping[str, Any]], Any] = transposed_length,
    when: Callable[[Mapping[str, Any]], bool] = _on_tf_backend,
) -> Requirement:
    """TF's ``index``-th transposed-op check on the length Keras computed, where ``when`` says TF runs it.

    Also used by :mod:`derive.frameworks.keras2`, whose layers call the same TF ops.
    """
    by_rank = {rank: checks[index] for rank, checks in _TF_CHECKS.items()}
    r = by_rank[1]

    def rank(a: Mapping[str, Any]) -> int:
        return len(_axes(a))

    def view(a: Mapping[str, Any]) -> dict[str, Any]:
        v = tf_view(a, length(a))
        if "_axes" in a:  # oneDNN's checks look at every axis (an empty tensor is returned unchecked)
            v["_axes"] = [tf_view(x, length(x)) for x in a["_axes"]]
        return v

    return Requirement(
        f"tensorflow backend: {r.rule} (output_shape = Keras' length)",
        lambda a: not when(a) or by_rank[rank(a)].holds(view(a)),
        lambda a: by_rank[rank(a)].text(view(a)),
        r.error,
        crash=r.crash,
    )


# indices into T.transpose_requirements: the CPU dilation refusal (Eigen), the sign of output_shape (Eigen's
# refusal, oneDNN's abort), oneDNN's forward sizes of every axis; per axis the sign of the forward size,
# the forward size == n check (Eigen) and oneDNN's consistency check (explicit pads never reach TF here)
TF_GLOBAL = (0, 2, 3, 4)
TF_PER_AXIS = (5, 6, 7)


def _transpose(name: str, checks: tuple[Requirement, ...]) -> T._Op:
    tf_global = tuple(on_tensorflow(i) for i in TF_GLOBAL)
    return T._Op(
        framework=FRAMEWORK,
        name=name,
        kind="conv_transpose",
        defaults=(
            ("kernel_size", None),
            ("strides", 1),
            ("padding", "valid"),
            ("output_padding", None),
            ("dilation_rate", 1),
            ("backend", None),
            ("kernels", None),
        ),
        length=transposed_length,
        requires=(*checks, *tf_global, *(on_tensorflow(i) for i in TF_PER_AXIS)),
        source="keras/src/backend/common/backend_utils.py::_get_output_shape_given_tf_padding",
        integer_args=("kernel_size", "strides", "output_padding", "dilation_rate"),
        validate=_validate,
        per_axis_from=len(checks) + len(tf_global),
        rank=1,
    )


#: ``keras.layers.Conv1DTranspose`` (a tuple ``n`` in :func:`conv_transpose_length` is the N-D layer)
CONV_TRANSPOSE = _transpose(
    "keras.layers.Conv1DTranspose",
    (_layer_padding(("valid", "same")), OUTPUT_PADDING_BELOW_STRIDES, STRIDES_WITH_DILATION),
)
#: ``keras.ops.conv_transpose``: no output_padding or dilation checks of its own
OPS_CONV_TRANSPOSE = _transpose("keras.ops.conv_transpose", (OPS_PADDING,))


# ---------------------------------------------------------------------------------------------
# forward (compute_conv_output_shape: Keras' own shape; backend=None only)


def conv_forward_length(a: Mapping[str, Any]) -> Any:
    """valid ``⌊(n-K)/s⌋ + 1``; same/causal ``⌊(n-1)/s⌋ + 1 = ⌈n/s⌉``."""
    if _mode(a) == "valid":
        return A.floordiv(a["n"] - _K(a), a["strides"]) + 1
    return A.floordiv(a["n"] - 1, a["strides"]) + 1


def _conv_validate(a: dict[str, Any]) -> None:
    _validate({**a, "output_padding": None})
    if a["backend"] is not None:
        raise ParameterError("backend", "must be None for the forward convolution (Keras' compute_output_shape)", a)


CONV = T._Op(
    framework=FRAMEWORK,
    name="keras.layers.Conv1D",
    kind="conv",
    defaults=(("kernel_size", None), ("strides", 1), ("padding", "valid"), ("dilation_rate", 1), ("backend", None)),
    length=conv_forward_length,
    requires=(
        Requirement(
            "padding (any case) is valid or same, or causal for Conv1D",
            lambda a: _mode(a) in (("valid", "same", "causal") if len(_axes(a)) == 1 else ("valid", "same")),
            LAYER_PADDING,
        ),
        STRIDES_WITH_DILATION,
        Requirement(
            "valid: output length > 0 (n >= K)",
            lambda a: _mode(a) != "valid" or conv_forward_length(a) >= 1,
            ZERO_OR_NEGATIVE,
        ),
    ),
    source="keras/src/ops/operation_utils.py::compute_conv_output_shape",
    integer_args=("kernel_size", "strides", "dilation_rate"),
    validate=_conv_validate,
    per_axis_from=2,
    rank=1,
)


# ---------------------------------------------------------------------------------------------
# public API


def conv_length(
    n: Any, kernel_size: Any, strides: Any = 1, padding: str = "valid", dilation_rate: Any = 1, backend: None = None
) -> Any:
    """Output length of ``keras.layers.Conv1D`` (tuple ``n``: ``Conv{2,3}D``) by ``compute_output_shape``.

    >>> conv_length(5, 3, 2), conv_length(5, 3, 2, "same"), conv_length(5, 3, 2, "causal")
    (2, 3, 3)
    """
    kwargs = dict(kernel_size=kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate)
    return T.dispatch(CONV, n, {**kwargs, "backend": backend}, ("kernel_size", "strides", "dilation_rate"))


def conv_transpose_length(
    n: Any,
    kernel_size: Any,
    strides: Any = 1,
    padding: str = "valid",
    output_padding: Any = None,
    dilation_rate: Any = 1,
    backend: str | None = None,
    api: str = "layer",
    kernels: str | None = None,
) -> Any:
    """Output length of ``keras.layers.Conv1DTranspose`` (tuple ``n``: the N-D layer) on ``backend``.

    ``api="ops"`` models ``keras.ops.conv_transpose`` instead (no output_padding/dilation checks).
    ``kernels`` picks TensorFlow's CPU kernels on the tensorflow backend ("eigen" or "onednn"; None: this
    machine's, see :mod:`derive.machine`).

    >>> conv_transpose_length(3, 2, 2, "same", output_padding=0)
    4

    On ``backend="tensorflow"`` the same call raises TF's "Size of out_backprop doesn't match
    computed: actual = 3, computed = 2 ..." (4 is not in TF's accepted 5..6).
    """
    if api not in APIS:
        raise ParameterError("api", "must be 'layer' or 'ops'", api)
    op = CONV_TRANSPOSE if api == "layer" else OPS_CONV_TRANSPOSE
    kwargs = dict(
        kernel_size=kernel_size,
        strides=strides,
        padding=padding,
        output_padding=output_padding,
        dilation_rate=dilation_rate,
        backend=backend,
        kernels=kernels,
    )
    return T.dispatch(op, n, kwargs, ("kernel_size", "strides", "output_padding", "dilation_rate"))


OPERATIONS = (CONV_TRANSPOSE, OPS_CONV_TRANSPOSE, CONV)
