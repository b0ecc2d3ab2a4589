"""derive net on Keras 3 models equals the real backend at every swept size (tests/keras_zoo.py, run in a subprocess).

Each run is a process of its own: tensorflow with TF_ENABLE_ONEDNN_OPTS=0 (the Eigen kernels the
keras-tensorflow table models), tensorflow with TF_ENABLE_ONEDNN_OPTS=1 (oneDNN, keras-tensorflow-onednn) and
jax. The models are saved as .keras files and derive reads the files. A size that aborts the process (oneDNN)
is a ``crash`` row (the harness restarts the probe after it) and agrees only where derive says the process
aborts; a size where derive's oneDNN table says it does not model what oneDNN does is left out, and counted.
"""

from __future__ import annotations

import functools

import pytest
import sympy as sp

from ._harness import answer_disagreements, prediction_disagreements, probe

ABORTS = "aborts the process"
NOT_MODELLED = "derive does not model"

pytestmark = pytest.mark.conformance

# the zoo's names, without importing keras here (tests/keras_zoo.py imports it)
MODELS = [
    "conv_chain",
    "unet2",
    "audio1d",
    "pooling",
    "transposed",
    "merges",
    "flatten_dense",
    "sequential",
    "resize",
    "conv3d_chain",
    "depthwise",
    "nested",
]
#: keras.applications models (random weights), swept on tensorflow only: JAX compiles each of their ~170 ops per size
LIBRARY = ["resnet50", "mobilenet_v2"]
#: each run: the process's environment (the Keras backend, TensorFlow's kernels, derive's table)
ENV = {
    "tensorflow": {
        "KERAS_BACKEND": "tensorflow",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "DERIVE_NET_RUNTIME": "keras-tensorflow",
    },
    "onednn": {
        "KERAS_BACKEND": "tensorflow",
        "TF_ENABLE_ONEDNN_OPTS": "1",
        "DERIVE_NET_RUNTIME": "keras-tensorflow-onednn",
    },
    "jax": {"KERAS_BACKEND": "jax"},
}
BACKENDS = list(ENV)
#: the library models sweep on each TensorFlow run (oneDNN too: they hold its depthwise and strided convolutions)
LIBRARY_RUNS = ["tensorflow", "onednn"]


@functools.cache
def _records(backend: str) -> dict[str, list[dict]]:
    names = ",".join(MODELS + (LIBRARY if backend in LIBRARY_RUNS else []))
    rows = probe("probe_net_keras.py", DERIVE_NET_MODELS=names, **ENV[backend])
    by: dict[str, list[dict]] = {}
    predicted: dict[tuple[str, str], dict] = {}
    for r in rows:
        if "crash" in r:  # the harness's row for a size that killed the probe: its prediction came before
            r = {"model": r["op"], "values": r["args"], "crash": r["crash"]}
            r["predicted"] = predicted.get((r["model"], repr(r["values"])), {})
        elif "values" in r and not ("shape" in r or "error" in r):
            predicted[(r["model"], repr(r["values"]))] = r["predicted"]
            continue
        if "model" in r:
            by.setdefault(r["model"], []).append(r)
    return by


def _model(backend: str, name: str) -> tuple[dict, list[dict]]:
    """derive's answer and every swept size, less those derive's table says it does not model."""
    rows = _records(backend).get(name, [])
    (answer,) = [r["derive"] for r in rows if "derive" in r]
    assert "error" not in answer, answer["error"]
    return answer, [r for r in rows if "values" in r and not _refused(r)]


def _refused(row: dict) -> bool:
    return row.get("predicted", {}).get("error", "").startswith(NOT_MODELLED)


def _crash_disagreements(sizes: list[dict]) -> list[str]:
    """A size that aborted the process agrees only with derive's "aborts the process"; derive's abort only with one."""
    bad = []
    for r in sizes:
        said = r["predicted"].get("error", "")
        if ("crash" in r) != (ABORTS in said):
            bad.append(f"{r['values']}: keras {r.get('crash') or r.get('error') or r.get('shape')}, derive {said!r}")
    return bad


CASES = [(b, m) for b in BACKENDS for m in MODELS] + [(b, m) for b in LIBRARY_RUNS for m in LIBRARY]


@pytest.mark.parametrize(("backend", "name"), CASES)
def test_each_size_runs_exactly_where_derive_says(backend, name):
    """At every swept size the backend runs iff derive's first-failure check passes, with the same shape or message."""
    _, sizes = _model(backend, name)
    assert sizes
    bad = prediction_disagreements(sizes, "keras") + _crash_disagreements(sizes)
    assert bad == [], "\n".join(bad[:15])


@pytest.mark.parametrize(("backend", "name"), CASES)
def test_stated_sets_condition_and_outputs_match_the_sweep(backend, name):
    """The proved per-dim sets, the joint condition and the output formulas agree with every swept size."""
    answer, sizes = _model(backend, name)
    bad = answer_disagreements(answer, sizes, "keras")
    assert bad == [], "\n".join(bad[:15])


def _runs_at(backend: str, name: str, fixed: dict[str, int], dim: str, top: int = 200) -> list[int]:
    answer, _ = _model(backend, name)
    symbols = {d: sp.Symbol(d, integer=True, positive=True) for d in answer["dims"]}
    condition = sp.sympify(answer["condition"], locals=symbols)
    held = {symbols[k]: v for k, v in fixed.items()}
    return [v for v in range(1, top) if bool(condition.subs({**held, symbols[dim]: v}))]


def test_unet_differs_between_backends():
    """The 2-level U-Net (W = 16): TensorFlow runs iff H ≡ 0 mod 4, H ≥ 4; JAX also at H = 2 (its transposed
    convolution of an empty input has length 1, which matches the skip)."""
    assert _runs_at("tensorflow", "unet2", {"W": 16}, "H") == [h for h in range(1, 200) if h % 4 == 0]
    assert _runs_at("jax", "unet2", {"W": 16}, "H") == [2] + [h for h in range(1, 200) if h % 4 == 0]


def test_resnet50_runs_at_every_size():
    """keras.applications.ResNet50 (no top, average pooling) runs at every H >= 1 on TensorFlow, proved, and
    outputs [1, 2048] there."""
    answer, sizes = _model("tensorflow", "resnet50")
    assert answer["dims"]["H"]["runs"] == {"finite": [], "from": 1, "modulus": 1, "residues": [0]}
    assert answer["dims"]["H"]["proof"] == "proved" and all(r["shape"] == [1, 2048] for r in sizes)


def test_mobilenet_v2_refuses_an_empty_residual_with_tensorflows_bias_add():
    """MobileNetV2 on TensorFlow: where a block's map is empty, Keras' add takes tf.nn.bias_add (one dim > 1, the
    channels) and BiasAdd refuses the squeezed [0, C] operand; derive names that node and message."""
    _, sizes = _model("tensorflow", "mobilenet_v2")
    refused = [r for r in sizes if "error" in r]
    assert refused and all("Biases must be 1D: [0," in r["predicted"]["error"] for r in refused[:1])
    assert all(r["predicted"]["error"] in r["error"] for r in refused)


def test_pooling_refuses_at_different_layers_on_each_backend():
    """The pooling model runs for the same sizes on both backends (W = 24: H ≥ 7), but a valid pooling window
    longer than its (empty) input is a negative size on TensorFlow and an empty tensor on JAX, which the
    global max then refuses: at H = 1 they fail at different layers, each with its own message."""
    assert _runs_at("tensorflow", "pooling", {"W": 24}, "H", 60) == list(range(7, 60))
    assert _runs_at("jax", "pooling", {"W": 24}, "H", 60) == list(range(7, 60))
    (tf,) = [r for r in _model("tensorflow", "pooling")[1] if r["values"] == {"H": 1, "W": 24}]
    (jax,) = [r for r in _model("jax", "pooling")[1] if r["values"] == {"H": 1, "W": 24}]
    assert "Computed output size would be negative: -1 [input_size: 0, effective_filter_size: 2" in tf["error"]
    assert "zero-size array to reduction operation max which has no identity" in jax["error"]
    assert tf["predicted"]["node"] == "avg_valid" and jax["predicted"]["node"] == "global_max"


def test_onednn_refuses_only_empty_convolutions_and_models_the_pooling_abort():
    """oneDNN: the pooling model aborts the process at W = 1 (an empty max-pooling width, SIGFPE) and derive says
    so there; derive's oneDNN table leaves out only sizes where a convolution's output is empty, and the sizes
    it does model are most of each sweep."""
    (crash,) = [r for r in _model("onednn", "pooling")[1] if "crash" in r]
    assert crash["values"] == {"H": 24, "W": 1} and "SIGFPE" in crash["crash"]
    said = crash["predicted"]
    assert said["node"].startswith("max_pooling2d") and "aborts the process (SIGFPE)" in said["error"]
    for name in MODELS:
        rows = [r for r in _records("onednn").get(name, []) if "values" in r]
        refused = [r for r in rows if _refused(r)]
        assert all("conv" in r["predicted"]["node"] for r in refused), name
        assert len(refused) <= len(rows) // 2, (name, len(refused), len(rows))
