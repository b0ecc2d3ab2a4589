"""derive net's Keras 3 rules on hand-built graphs (no framework), and the Keras front end from the command line.

The rule cases are single layers at one size, with the outcome keras 3.15.1 gave live (TensorFlow 2.21 with
TF_ENABLE_ONEDNN_OPTS=0 and =1, JAX 0.10); tests/conformance/test_net_keras.py sweeps whole models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from derive.net.analysis import analyse, first_failure, output_shapes, propagate
from derive.net.graph import Graph, GraphError, Node, UnsupportedOpError

ROOT = Path(__file__).parent.parent
TF, ONEDNN, JAX = "keras-tensorflow", "keras-tensorflow-onednn", "keras-jax"
NOT_MODELLED = "derive does not model this size: oneDNN returns a tensor of the input's shape"
DESCRIPTOR = "could not create a descriptor for a pooling forward propagation primitive"


def _conv(rank: int, k: int, s: int = 1, padding: str = "valid", d: int = 1, filters: int = 2) -> dict:
    return {
        "filters": filters,
        "kernel_size": (k,) * rank,
        "strides": (s,) * rank,
        "padding": padding,
        "dilation_rate": (d,) * rank,
        "groups": 1,
    }


def _graph(op: str, attrs: dict, spec: tuple, table: str, extra: tuple = ()) -> Graph:
    """Input -> one layer (-> more layers in ``extra``: (op, attrs) pairs), declared shape all None but channels."""
    declared = (None, *(None for _ in spec[1:-1]), spec[-1])
    nodes = [Node("model", "Input", ("x",), ("x.checked",), {"shape": declared, "input": "x", "model": "model"})]
    nodes.append(Node("layer", op, ("x.checked",), ("y0",), attrs))
    for i, (op2, attrs2) in enumerate(extra, start=1):
        nodes.append(Node(f"layer{i}", op2, (f"y{i - 1}",), (f"y{i}",), attrs2))
    return Graph("model", (("x", spec),), tuple(nodes), (nodes[-1].outputs[0],), {}, table)


#: (op, attrs, input spec, table, size of the dim "N", the output's shape, or a text in the refusal)
CASES = [
    (
        "Conv1D",
        _conv(1, 5),
        (1, "N", 1),
        TF,
        1,
        "Computed output size would be negative: -3 [input_size: 1, effective_filter_size: 5, stride: 1]",
    ),
    (
        "Conv1D",
        _conv(1, 5),
        (1, "N", 1),
        TF,
        4,
        "resulted in an empty output. Output shape: (1, 0, 2). This can happen",
    ),
    ("Conv1D", _conv(1, 5), (1, "N", 1), JAX, 4, "resulted in an empty output. This can happen"),
    ("Conv1D", _conv(1, 5), (1, "N", 1), JAX, 5, [1, 1, 2]),
    ("Conv1D", _conv(1, 3, d=2), (1, "N", 1), TF, 3, "cropped_shape[0]=-1 must be non-negative"),
    ("Conv1D", _conv(1, 2, d=2), (1, "N", 1), TF, 1, "cropped_shape[0]=-1 must be non-negative"),
    (
        "Conv1D",
        _conv(1, 3, d=2),
        (1, "N", 1),
        TF,
        2,
        "Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1]",
    ),
    ("Conv1D", _conv(1, 3, d=2, padding="causal"), (1, "N", 1), TF, 1, [1, 1, 2]),
    ("Conv1D", _conv(1, 3, s=2, padding="causal"), (1, "N", 1), JAX, 5, [1, 3, 2]),
    ("Conv2D", _conv(2, 4, s=3, padding="same"), (1, "N", 7, 1), TF, 5, [1, 2, 3, 2]),
    ("Conv2D", _conv(2, 3, s=2), (1, "N", 8, 1), TF, 3, [1, 1, 3, 2]),
    (
        "MaxPooling2D",
        {"pool_size": (3, 3), "strides": (1, 1), "padding": "valid"},
        (1, "N", 8, 1),
        TF,
        1,
        "Computed output size would be negative: -1 [input_size: 1, effective_filter_size: 3, stride: 1]",
    ),
    (
        "MaxPooling2D",
        {"pool_size": (3, 3), "strides": (1, 1), "padding": "valid"},
        (1, "N", 8, 1),
        JAX,
        1,
        [1, 0, 6, 1],
    ),
    ("MaxPooling2D", {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"}, (1, "N", 8, 1), TF, 1, [1, 0, 4, 1]),
    ("MaxPooling2D", {"pool_size": (3, 3), "strides": (2, 2), "padding": "same"}, (1, "N", 8, 1), JAX, 3, [1, 2, 4, 1]),
    (
        "Conv2DTranspose",
        {**_conv(2, 4, s=2, padding="same"), "output_padding": (0, 0)},
        (1, "N", 8, 1),
        TF,
        3,
        "Size of out_backprop doesn't match computed: actual = 3, "
        "computed = 2 spatial_dim: 1 input: 4 filter: 4 output: 3 "
        "stride: 2 dilation: 1",
    ),
    (
        "Conv2DTranspose",
        {**_conv(2, 4, s=2, padding="same"), "output_padding": (0, 0)},
        (1, "N", 8, 1),
        JAX,
        3,
        [1, 4, 14, 2],
    ),
    (
        "Conv2DTranspose",
        {**_conv(2, 4, s=2, padding="same"), "output_padding": (1, 1)},
        (1, "N", 8, 1),
        TF,
        2,
        [1, 3, 15, 2],
    ),
    ("Conv2DTranspose", {**_conv(2, 2, s=2), "output_padding": None}, (1, "N", 8, 1), TF, 3, [1, 6, 16, 2]),
    (
        "Cropping1D",
        {"cropping": [[2, 2]]},
        (1, "N", 1),
        JAX,
        4,
        "`cropping` parameter of `Cropping1D` layer must be smaller "
        "than the input length. Received: inputs.shape=(1, 4, 1), "
        "cropping=(2, 2)",
    ),
    (
        "Cropping2D",
        {"cropping": [[1, 2], [3, 0]]},
        (1, 5, "N", 1),
        TF,
        3,
        "Values in `cropping` argument should be smaller than the "
        "corresponding spatial dimension of the input. Received: "
        "inputs.shape=(1, 5, 3, 1), cropping=((1, 2), (3, 0))",
    ),
    ("ZeroPadding2D", {"padding": [[1, 2], [3, 0]]}, (1, "N", 8, 1), JAX, 5, [1, 8, 11, 1]),
    ("UpSampling2D", {"size": (2, 3), "interpolation": "nearest"}, (1, "N", 8, 1), TF, 5, [1, 10, 24, 1]),
    (
        "Reshape",
        {"target_shape": (-1, 4)},
        (1, "N", 3, 1),
        TF,
        5,
        "the input size cannot by divided by the specified dimensions "
        "in target_shape. Received: input_shape=(5, 3, 1), "
        "target_shape=(-1, 4)",
    ),
    (
        "Reshape",
        {"target_shape": (4, 4)},
        (1, "N", 3, 1),
        JAX,
        5,
        "The total size of the tensor must be unchanged. Received: input_shape=(5, 3, 1), target_shape=(4, 4)",
    ),
    (
        "Resizing",
        {
            "height": 4,
            "width": 4,
            "interpolation": "bilinear",
            "crop_to_aspect_ratio": False,
            "pad_to_aspect_ratio": False,
        },
        (1, "N", 8, 1),
        TF,
        3,
        [1, 4, 4, 1],
    ),
    ("GlobalAveragePooling2D", {"keepdims": False}, (1, "N", 8, 3), JAX, 5, [1, 3]),
    # oneDNN (TF_ENABLE_ONEDNN_OPTS=1): an empty convolution output is input-shaped, then the bias is added
    # (refused where the channels then differ from the layer's), a max pooling of a non-empty input to an empty
    # output is refused by its descriptor or aborts the process
    ("Conv1D", _conv(1, 5), (1, "N", 1), ONEDNN, 4, "here [1,4,1] where the layer's output is [1,0,2]"),
    ("Conv1D", _conv(1, 3, filters=3), (1, "N", 2), ONEDNN, 2, "Incompatible shapes: [1,2,2] vs. [1,1,3]"),
    ("Conv1D", {**_conv(1, 3, filters=3), "use_bias": False}, (1, "N", 2), ONEDNN, 2, NOT_MODELLED),
    ("Conv1D", _conv(1, 5), (1, "N", 1), ONEDNN, 1, "Computed output size would be negative: -3 [input_size: 1"),
    ("Conv1D", _conv(1, 5), (1, "N", 1), ONEDNN, 5, [1, 1, 2]),
    ("Conv1D", _conv(1, 3, d=2), (1, "N", 1), ONEDNN, 3, NOT_MODELLED),
    ("Conv1D", _conv(1, 3, d=2), (1, "N", 1), ONEDNN, 5, [1, 1, 2]),
    ("Conv1D", _conv(1, 3, d=2, padding="causal"), (1, "N", 1), ONEDNN, 1, [1, 1, 2]),
    (
        "DepthwiseConv2D",
        {**_conv(2, 3), "depth_multiplier": 2},
        (1, "N", 8, 2),
        ONEDNN,
        2,
        "Incompatible shapes: [1,2,8,2] vs. [1,1,1,4]",
    ),
    ("DepthwiseConv2D", {**_conv(2, 3), "depth_multiplier": 2}, (1, "N", 8, 2), ONEDNN, 3, [1, 1, 6, 4]),
    (
        "MaxPooling2D",
        {"pool_size": (3, 3), "strides": (2, 2), "padding": "valid"},
        (1, "N", 9, 1),
        ONEDNN,
        1,
        [1, 0, 4, 1],
    ),
    (
        "MaxPooling2D",
        {"pool_size": (3, 3), "strides": (2, 2), "padding": "valid"},
        (1, "N", 9, 1),
        ONEDNN,
        2,
        DESCRIPTOR,
    ),
    (
        "MaxPooling2D",
        {"pool_size": (3, 3), "strides": (2, 2), "padding": "valid"},
        (1, 9, "N", 8),
        ONEDNN,
        1,
        "tensorflow aborts the process (SIGFPE)",
    ),
    ("MaxPooling1D", {"pool_size": (3,), "strides": (2,), "padding": "valid"}, (1, "N", 1), ONEDNN, 1, "(SIGFPE)"),
    ("MaxPooling1D", {"pool_size": (3,), "strides": (2,), "padding": "valid"}, (1, "N", 1), ONEDNN, 2, DESCRIPTOR),
    (
        "MaxPooling2D",
        {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"},
        (1, 9, "N", 1),
        ONEDNN,
        1,
        DESCRIPTOR,
    ),
    (
        "MaxPooling3D",
        {"pool_size": (3, 3, 3), "strides": (2, 2, 2), "padding": "valid"},
        (1, 9, "N", 9, 8),
        ONEDNN,
        1,
        [1, 4, 0, 4, 8],
    ),
    (
        "AveragePooling2D",
        {"pool_size": (3, 3), "strides": (2, 2), "padding": "valid"},
        (1, 9, "N", 1),
        ONEDNN,
        2,
        [1, 4, 0, 1],
    ),
]


@pytest.mark.parametrize(("op", "attrs", "spec", "table", "n", "want"), CASES)
def test_one_layer_at_one_size(op, attrs, spec, table, n, want):
    """Each layer gives the backend's output shape where it runs and the backend's own message where it refuses."""
    p = propagate(_graph(op, attrs, spec, table))
    failure = first_failure(p, {"N": n})
    if isinstance(want, list):
        assert failure is None, failure
        assert list(output_shapes(p, {"N": n}).values()) == [want]
    else:
        assert failure is not None and failure.node == "layer" and want in failure.message


EMPTY_THEN = [
    # (table, the layer after a pooling that empties the H axis, the outcome) - measured live
    (TF, ("Conv2D", _conv(2, 1)), [1, 0, 4, 2]),
    (
        TF,
        ("Conv2D", _conv(2, 3)),
        "Computed output size would be negative: -2 [input_size: 0, effective_filter_size: 3",
    ),
    (JAX, ("Conv2D", _conv(2, 3)), [1, 0, 2, 2]),
    (TF, ("Conv2DTranspose", {**_conv(2, 2, s=2), "output_padding": None}), [1, 0, 8, 2]),
    (JAX, ("Conv2DTranspose", {**_conv(2, 2, s=2), "output_padding": None}), [1, 1, 8, 2]),
    (JAX, ("Conv2DTranspose", {**_conv(2, 3, s=2, padding="same"), "output_padding": None}), [1, 1, 8, 2]),
    (TF, ("GlobalMaxPooling2D", {"keepdims": False}), "Cannot compute the max of an empty tensor."),
    (ONEDNN, ("Conv2D", _conv(2, 1)), [1, 0, 4, 2]),
    (ONEDNN, ("Conv2D", _conv(2, 3, padding="same")), [1, 0, 4, 2]),
    (ONEDNN, ("Conv2DTranspose", {**_conv(2, 2, s=2), "output_padding": None}), [1, 0, 8, 2]),
    (
        ONEDNN,
        ("Conv2DTranspose", {**_conv(2, 4, s=2, padding="same"), "output_padding": (0, 0)}),
        "tensorflow aborts the process (SIGABRT): Check failed:",
    ),
    (ONEDNN, ("GlobalMaxPooling2D", {"keepdims": False}), "Cannot compute the max of an empty tensor."),
    (
        JAX,
        ("GlobalMaxPooling2D", {"keepdims": False}),
        "zero-size array to reduction operation max which has no identity",
    ),
    (
        TF,
        (
            "Resizing",
            {
                "height": 4,
                "width": 4,
                "interpolation": "bilinear",
                "crop_to_aspect_ratio": False,
                "pad_to_aspect_ratio": False,
            },
        ),
        "input image must be of non-zero size",
    ),
]


@pytest.mark.parametrize(("table", "layer", "want"), EMPTY_THEN)
def test_a_layer_after_an_empty_tensor(table, layer, want):
    """An empty H axis (a 2x2 pooling of H = 1: max, or average on oneDNN, whose max pooling refuses it) runs on
    or is refused as the backend does."""
    pool = {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"}
    op = "AveragePooling2D" if table == ONEDNN else "MaxPooling2D"
    p = propagate(_graph(op, pool, (1, "N", 8, 1), table, (layer,)))
    failure = first_failure(p, {"N": 1})
    if isinstance(want, list):
        assert failure is None, failure
        assert list(output_shapes(p, {"N": 1}).values()) == [want]
    else:
        assert failure is not None and failure.node == "layer1" and want in failure.message


def _merge(op: str, table: str, axis: int = -1) -> Graph:
    """x and a 2x2-pooled-then-upsampled x merged: H must be even."""
    declared = (None, None, 8, 1)
    pool = {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"}
    nodes = (
        Node("model", "Input", ("x",), ("x1",), {"shape": declared, "input": "x", "model": "model"}),
        Node("pool", "MaxPooling2D", ("x1",), ("p",), pool),
        Node("up", "UpSampling2D", ("p",), ("u",), {"size": (2, 2), "interpolation": "nearest"}),
        Node("merge", op, ("x1", "u"), ("y",), {"axis": axis}),
    )
    return Graph("m", (("x", (1, "H", 8, 1)),), nodes, ("y",), {}, table)


MERGES = [
    (
        "Concatenate",
        TF,
        "ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [1,5,8,1] vs. shape[1] = [1,4,8,1]",
    ),
    (
        "Concatenate",
        JAX,
        "Cannot concatenate arrays with shapes that differ in "
        "dimensions other than the one being concatenated: "
        "concatenating along dimension 3 for shapes (1, 5, 8, 1), (1, "
        "4, 8, 1).",
    ),
    ("Add", TF, "Incompatible shapes: [1,5,8,1] vs. [1,4,8,1]"),
    ("Add", JAX, "add got incompatible shapes for broadcasting: (1, 5, 8, 1), (1, 4, 8, 1)."),
    ("Multiply", JAX, "mul got incompatible shapes for broadcasting: (1, 5, 8, 1), (1, 4, 8, 1)."),
]


@pytest.mark.parametrize(("op", "table", "message"), MERGES)
def test_merges_refuse_unequal_lengths_with_the_backends_message(op, table, message):
    """H = 5 pools to 2 and upsamples to 4: the merge refuses with the backend's text; the set is the even sizes
    (and H = 1 for the broadcasting merges: its length 1 broadcasts against the empty upsampled tensor)."""
    answer = analyse(_merge(op, table))
    finite = [] if op == "Concatenate" else [1]
    assert answer.dims["H"].runs.to_json() == {"finite": finite, "from": 2, "modulus": 2, "residues": [0]}
    failure = first_failure(answer.propagated, {"H": 5})
    assert failure is not None and failure.node == "merge" and failure.message == message


def test_declared_input_shape_is_checked_with_the_last_axis_squeezed():
    """A model declaring (None, 8, None, 1) refuses H = 9 with Keras' InputSpec message (found shape without the 1)."""
    nodes = (
        Node(
            "functional", "Input", ("x",), ("y",), {"shape": (None, 8, None, 1), "input": "in", "model": "functional"}
        ),
    )
    g = Graph("m", (("x", (1, "H", 8, 1)),), nodes, ("y",), {}, TF)
    answer = analyse(g)
    assert answer.dims["H"].runs.to_json() == {"finite": [8], "from": None, "modulus": 1, "residues": []}
    failure = first_failure(answer.propagated, {"H": 9})
    assert failure.message == (
        "Input 0 with name 'in' of layer 'functional' is incompatible with the layer: "
        "expected shape=(None, 8, None, 1), found shape=(1, 9, 8)"
    )


def test_unmodelled_settings_are_refused_not_guessed():
    """channels_first, grouped convolutions on TensorFlow and an unknown layer class are clear errors."""
    with pytest.raises(GraphError, match="channels_first"):
        propagate(_graph("Conv2D", {**_conv(2, 3), "data_format": "channels_first"}, (1, "N", 8, 1), TF))
    with pytest.raises(GraphError, match="groups > 1"):
        propagate(_graph("Conv2D", {**_conv(2, 3), "groups": 2}, (1, "N", 8, 2), TF))
    with pytest.raises(
        UnsupportedOpError, match="node 'layer': op 'Lambda' is not supported by derive net's 'keras-jax'"
    ):
        propagate(_graph("Lambda", {}, (1, "N", 8, 1), JAX))


# ---------------------------------------------------------------- the front end, from the command line

MODELS = """
import keras
from keras import layers as L


def unet():
    x = keras.Input(shape=(None, None, 1))
    s1 = L.Conv2D(2, 3, padding="same")(x)
    b = L.Conv2D(4, 3, padding="same")(L.MaxPooling2D(2)(s1))
    u = L.Conv2DTranspose(2, 2, strides=2)(b)
    return keras.Model(x, L.Conv2D(2, 1)(L.Concatenate()([s1, u])), name="unet")


def lambda_model():
    x = keras.Input(shape=(None, 1))
    return keras.Model(x, L.Lambda(lambda t: t * 2, name="double")(x))


class Sub(keras.Model):
    def call(self, x):
        return x


def broken():
    raise RuntimeError("no weights here")
"""


def _keras(tmp_path: Path) -> Path:
    if not os.environ.get("DERIVE_REQUIRE_FRAMEWORKS"):
        pytest.importorskip("keras", reason="keras is not installed")
    (tmp_path / "models.py").write_text(MODELS)
    return tmp_path / "models.py"


def derive(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    # JAX imports in ~2 s where TensorFlow takes ~8 s; the rules are data, so --runtime picks either
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    return subprocess.run(
        [sys.executable, "-m", "derive", "net", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def _saved(tmp_path: Path) -> Path:
    """The U-Net of MODELS saved as a .keras file (in a subprocess: keras stays out of the test process)."""
    models = _keras(tmp_path)
    save = str(tmp_path / "unet.keras")
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import models; models.unet().save({save!r})"
    env = {**os.environ, "KERAS_BACKEND": "jax", "JAX_PLATFORMS": "cpu"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=300, capture_output=True)
    del models
    return tmp_path / "unet.keras"


def test_a_keras_file_on_each_backends_rules(tmp_path):
    """derive net model.keras prints whose rules count; at H = W = 1 TensorFlow refuses the skip (its transposed
    convolution of the empty pooled map is empty) where JAX runs (there it has length 1)."""
    path = _saved(tmp_path)
    text = derive(str(path), "--runtime", "keras-tensorflow")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[0].startswith(
        "rules: keras-tensorflow (Keras 3.15 on TensorFlow 2.21, Eigen CPU kernels (TF_ENABLE_ONEDNN_OPTS=0)"
    )
    assert "conv2d_2: [1, H, W, 2]" in text.stdout
    tf = json.loads(derive(str(path), "--runtime", "keras-tensorflow", "--json", "--try", "1", "4").stdout)
    assert tf["rules"] == "keras-tensorflow" and tf["outputs"] == {"conv2d_2": ["1", "H", "W", "2"]}
    refused, runs = tf["tries"]
    assert refused["failure"]["node"] == "concatenate" and refused["failure"]["message"] == (
        "ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [1,1,1,2] vs. shape[1] = [1,0,0,2]"
    )
    assert runs["runs"] is True
    jax = derive(str(path), "--json", "--try", "1")  # the backend Keras runs on: jax here
    assert jax.returncode == 0, jax.stderr
    doc = json.loads(jax.stdout)
    assert doc["rules"] == "keras-jax" and doc["runtime"].startswith("Keras 3.15 on JAX")
    assert doc["tries"][0]["runs"] is True and doc["tries"][0]["outputs"] == {"conv2d_2": [1, 1, 1, 2]}


def test_a_python_target_is_read_as_keras(tmp_path):
    """path/file.py:NAME naming a Keras factory goes to the Keras front end, with the declared input by default."""
    r = derive(f"{_keras(tmp_path)}:unet", "--runtime", "keras-jax")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("rules: keras-jax")
    assert "preserves H, W" in r.stdout


BAD = [
    (
        "unsupported layer",
        lambda p: [f"{p}:lambda_model"],
        "node 'double': op 'Lambda' is not supported by derive net's 'keras-jax' rules",
    ),
    (
        "subclassed model",
        lambda p: [f"{p}:Sub"],
        "is a subclassed keras.Model: derive net reads Functional and Sequential models",
    ),
    ("factory raises", lambda p: [f"{p}:broken"], "failed: RuntimeError: no weights here"),
    (
        "bad runtime",
        lambda p: [f"{p}:unet", "--runtime", "torch-eager"],
        "'--runtime' must be one of keras-tensorflow, keras-tensorflow-onednn, keras-jax for a Keras model",
    ),
    ("wrong rank", lambda p: [f"{p}:unet", "--input", "1,H,W"], "'--input' must give 4 dims"),
    ("not a keras file", lambda p: [_junk(p)], "is not a Keras model file"),
    ("missing file", lambda p: [str(p.parent / "nope.keras")], "'MODEL' must be an existing file"),
]


def _junk(models: Path) -> str:
    (models.parent / "junk.keras").write_text("not a zip\n")
    return str(models.parent / "junk.keras")


@pytest.mark.parametrize(("case", "argv", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_keras_models_exit_2_with_one_line(case, argv, message, tmp_path):
    """Each bad Keras model or input prints one error line naming the problem, nothing on stdout, no traceback."""
    r = derive(*argv(_keras(tmp_path)))
    assert r.returncode == 2 and r.stdout == "", r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, r.stderr
    assert message in r.stderr


@pytest.mark.parametrize(
    ("table", "n", "want"), [(TF, 1, "Biases must be 1D: [0,4]"), (TF, 2, [1, 1, 1, 4]), (JAX, 1, [1, 0, 1, 4])]
)
def test_tensorflow_add_takes_bias_add_for_a_one_dim_operand(table, n, want):
    """Keras' TensorFlow add calls tf.nn.bias_add when one dim of the second operand is > 1: an empty pooled map
    (1, 0, 1, 4) squeezes to [0, 4], which BiasAdd refuses (as MobileNetV2 does live); JAX adds it."""
    declared = (None, None, 2, 4)
    pool = {"pool_size": (2, 2), "strides": (2, 2), "padding": "valid"}
    nodes = (
        Node("model", "Input", ("x",), ("x1",), {"shape": declared, "input": "x", "model": "model"}),
        Node("pool", "MaxPooling2D", ("x1",), ("p",), pool),
        Node("add", "Add", ("p", "p"), ("y",), {}),
    )
    p = propagate(Graph("m", (("x", (1, "H", 2, 4)),), nodes, ("y",), {}, table))
    failure = first_failure(p, {"H": n})
    if isinstance(want, list):
        assert failure is None and list(output_shapes(p, {"H": n}).values()) == [want]
    else:
        assert failure is not None and failure.node == "add" and failure.message == want


@pytest.mark.parametrize(
    ("declared", "spec"),
    [
        ((None, None, None, 3), "1,H,W,3"),
        ((None, None, 1), "1,T,1"),
        ((None, None, 6, 6, 1), "1,D,6,6,1"),
        ((None, 12, 12, 1), "1,12,12,1"),
        ((4, None, None), "4,T,d2"),
    ],
)
def test_default_input_spec_from_the_declared_shape(declared, spec):
    """Without --input the declared shape is used: batch 1, unknown spatial dims named, fixed dims kept."""
    from derive.net.frontends.keras import default_spec

    assert default_spec(declared) == spec


def test_python_objects_are_told_apart_by_class_hierarchy():
    """A class or instance whose hierarchy has a keras module is Keras; others are not (nothing is imported)."""
    from derive.net.frontends.keras import is_keras

    fake = type("Model", (), {"__module__": "keras.src.models.model"})
    sub = type("Mine", (fake,), {"__module__": "user_code"})
    assert is_keras(fake) and is_keras(sub) and is_keras(sub())
    assert not is_keras(type("Module", (), {"__module__": "torch.nn.modules.module"})) and not is_keras(len)


def test_tensorflows_default_table_follows_the_kernels_it_picks():
    """On the tensorflow backend the default table is the Eigen one or the oneDNN one, as derive.machine says
    TensorFlow picks here, and the answer's note says which kernels it is for; --runtime keeps either."""
    from types import SimpleNamespace

    from derive.machine import pinned
    from derive.net.frontends.keras import describe, runtime_for

    keras = SimpleNamespace(backend=SimpleNamespace(backend=lambda: "tensorflow"))
    for kernels, table in (("eigen", TF), ("onednn", ONEDNN)):
        with pinned(kernels):
            assert runtime_for(None, keras) == table
            assert runtime_for(TF, keras) == TF and runtime_for(ONEDNN, keras) == ONEDNN
            assert describe(table).endswith(
                f"this machine's TensorFlow picks {kernels} (pinned by derive.machine.pinned)"
            )
            other = describe(ONEDNN if table == TF else TF)
            assert f"picks {kernels} (pinned by derive.machine.pinned) and behaves otherwise" in other
            assert other.endswith(f"(its rules: --runtime {table})")
    assert "oneDNN CPU kernels (TF_ENABLE_ONEDNN_OPTS=1)" in describe(ONEDNN)


def _pool(k: int, s: int) -> dict:
    return {"pool_size": (k,), "strides": (s,), "padding": "valid"}


def test_sizes_derive_does_not_model_are_reported_as_such_not_as_failures():
    """On oneDNN a convolution's empty output is not modelled (N = 2 here; N = 1 is TensorFlow's negative-size
    refusal): the answer names those sizes (proved) apart from the set, and neither the smallest failure nor
    --try calls them failures."""
    g = _graph("Conv1D", {**_conv(1, 3, filters=3), "use_bias": False}, (1, "N", 2), ONEDNN)
    answer = analyse(g)
    n = answer.dims["N"]
    assert (n.runs.start, n.runs.finite) == (3, ())  # every check holds exactly from N = 3
    assert n.unmodelled is not None and (n.unmodelled.finite, n.unmodelled.start) == ((2,), None)
    assert n.first_failure is not None and n.first_failure.values["N"] == 1
    assert "at the sizes derive models; not modelled: N ∈ {2}" in answer.text()
    assert answer.to_json()["dims"]["N"]["not_modelled"]["finite"] == [2]
    assert answer.attempt({"N": 1}).to_json()["runs"] is False
    attempt = answer.attempt({"N": 2})
    assert attempt.text().startswith("2: not modelled at layer") and attempt.to_json()["runs"] is None


def test_a_failure_before_a_size_not_modelled_is_a_failure():
    """A check that fails earlier in execution order decides: where the pooling before the convolution already
    fails, the size is a failure, not 'not modelled' (only sizes that reach the convolution's check are)."""
    g = _graph("MaxPooling1D", _pool(2, 2), (1, "N", 1), ONEDNN, (("Conv1D", _conv(1, 3, filters=1)),))
    answer = analyse(g)
    for size in range(1, 40):
        f = first_failure(answer.propagated, {"N": size})
        unknown = answer.dims["N"].unmodelled
        assert (f is not None and f.error == "NotModelled") == (unknown is not None and size in unknown), size
