"""Figures generated from the models (derive.figures): tap geometry, crops per framework, SVG/TikZ goldens, the CLI.

Golden files: ``tests/golden/figures/*.svg`` and ``*.tex`` are the figures of ``GOLDEN_CASES``;
after an intended change to the layout or the printers regenerate them with::

    DERIVE_UPDATE_GOLDEN=1 pytest tests/test_figures.py

and review the diff (``rsvg-convert`` shows an SVG). The conformance test runs torch, TensorFlow,
JAX and Keras in a subprocess: a transposed convolution of ones with a kernel of ones gives, at
each output sample, the number of taps the figure puts there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derive import figures
from derive.cli import main
from derive.errors import FrameworkError, ParameterError

GOLDEN = Path(__file__).parent / "golden" / "figures"
UPDATE = os.environ.get("DERIVE_UPDATE_GOLDEN") == "1"
ROOT = Path(__file__).parent.parent


# ---------------------------------------------------------------- geometry


@pytest.mark.parametrize(
    ("framework", "n", "kwargs", "length", "full", "crop", "cropped", "zeros"),
    [
        # torch: padding p crops p before; output_padding keeps one more sample at the end
        ("torch", 3, dict(kernel_size=3, stride=2, padding=1), 5, 7, 1, (1, 1), (0, 0)),
        ("torch", 3, dict(kernel_size=3, stride=2, padding=1, output_padding=1), 6, 7, 1, (1, 0), (0, 0)),
        ("torch", 2, dict(kernel_size=2, stride=3), 5, 5, 0, (0, 0), (0, 0)),
        # tensorflow: output_shape 6 is one more than the full output: a zero no tap reaches
        ("tensorflow", 2, dict(kernel_size=3, strides=2, padding="VALID", output_shape=6), 6, 5, 0, (0, 0), (0, 1)),
        ("tensorflow", 2, dict(kernel_size=3, strides=2, padding="SAME", output_shape=3), 3, 5, 1, (1, 1), (0, 0)),
        ("tensorflow", 2, dict(kernel_size=3, strides=2, padding="SAME", output_shape=4), 4, 5, 0, (0, 1), (0, 0)),
        # keras 'same' crops the odd sample at the end; 'valid' with strides > K pads zeros
        ("keras", 2, dict(kernel_size=3, strides=2, padding="same"), 4, 5, 0, (0, 1), (0, 0)),
        ("keras", 2, dict(kernel_size=2, strides=3, padding="valid"), 6, 5, 0, (0, 0), (0, 1)),
        ("onnx", 3, dict(kernel_shape=3, strides=2, auto_pad="SAME_UPPER"), 6, 7, 0, (0, 1), (0, 0)),
        ("onnx", 3, dict(kernel_shape=3, strides=2, auto_pad="SAME_LOWER"), 6, 7, 1, (1, 0), (0, 0)),
        ("jax", 3, dict(kernel_size=3, strides=2, padding="SAME"), 6, 7, 0, (0, 1), (0, 0)),
        ("jax", 3, dict(kernel_size=3, strides=2, padding=[(1, 1)]), 5, 7, 1, (1, 1), (0, 0)),
        (
            "jax",
            3,
            dict(kernel_size=3, strides=2, padding=[(1, 1)], use_consistent_padding=True),
            5,
            7,
            1,
            (1, 1),
            (0, 0),
        ),
        ("lasagne", 3, dict(filter_size=3, stride=2, crop="full"), 3, 7, 2, (2, 2), (0, 0)),
        ("paddle", 3, dict(kernel_size=3, stride=2, padding="SAME"), 5, 7, 1, (1, 1), (0, 0)),
        ("tinygrad", 3, dict(kernel_size=3, stride=2, padding=(1, 0)), 6, 7, 1, (1, 0), (0, 0)),
        ("mxnet", 3, dict(kernel=3, stride=2, pad=1, adj=1), 6, 7, 1, (1, 0), (0, 0)),
        # MXNet's own kernels with target_shape crop ⌈total/2⌉ before (InferPad; the live window port proves with)
        ("mxnet", 3, dict(kernel=3, stride=2, target_shape=6), 6, 7, 1, (1, 0), (0, 0)),
    ],
)
def test_taps_geometry(framework, n, kwargs, length, full, crop, cropped, zeros):
    """Each framework's call keeps the model's length from its crop: cropped and zero samples counted."""
    t = figures.taps(framework, n, **kwargs)
    assert (t.length, t.full, t.crop, t.cropped, t.zeros) == (length, full, crop, cropped, zeros)
    kept = [p for p in range(*t.span) if t.state(p) in ("kept", "zero")]
    assert len(kept) == t.length
    assert sum(t.hits(p) for p in range(t.full)) == t.n * t.kernel


def test_dilated_taps_skip_samples():
    """With dilation 2 the taps of one input sit two samples apart and the full output is (n-1)s + d(k-1) + 1."""
    t = figures.taps("torch", 2, kernel_size=3, stride=1, dilation=2)
    assert t.full == 6 and [t.position(0, j) for j in range(3)] == [0, 2, 4]
    assert [t.hits(p) for p in range(t.full)] == [1, 1, 1, 1, 1, 1]


@pytest.mark.parametrize(
    ("framework", "n", "kwargs", "error", "match"),
    [
        ("tensorflow", 2, dict(kernel_size=3, strides=2, padding="VALID"), ParameterError, "'output_shape' must be"),
        ("flax", 2, dict(kernel_size=3, strides=2, padding="CIRCULAR"), ParameterError, "CIRCULAR"),
        # MXNet's own kernels with stride and dilation > 1 scatter the taps (apache/mxnet#11203): no window to draw
        ("mxnet", 3, dict(kernel=3, stride=2, dilate=2), ParameterError, "no window of the full output"),
        ("torch", 0, dict(kernel_size=3), ParameterError, "'n' must be a positive integer"),
        ("torch", 2, dict(kernel_size=3, stride=2, output_padding=5), FrameworkError, "torch refuses"),
    ],
)
def test_taps_bad_input(framework, n, kwargs, error, match):
    """A call the picture cannot place, or the framework refuses, raises one clear error."""
    with pytest.raises(error, match=match):
        figures.taps(framework, n, **kwargs)


def test_length_plot_shades_the_preimage():
    """The length plot's shaded range per n is the forward convolution's preimage; TF gives no length of its own."""
    plot = figures.length_plot("tensorflow", 2, kernel_size=3, strides=2, padding="VALID", ns=(1, 2, 3))
    assert plot.accepted == ((3, 4), (5, 6), (7, 8)) and plot.given == (None, None, None)
    torch = figures.length_plot("torch", 2, kernel_size=3, stride=2, ns=(1, 2))
    assert torch.given == (3, 5) and torch.accepted == ((3, 4), (5, 6))


def test_unknown_format_is_refused():
    """draw takes svg or tikz; anything else is bad input naming the parameter."""
    with pytest.raises(ParameterError, match="'format' must be one of svg, tikz"):
        figures.draw(figures.taps("torch", 2, kernel_size=3), "png")


# ---------------------------------------------------------------- golden files

GOLDEN_CASES = {
    "torch-output-padding": ("taps", "torch", 3, dict(kernel_size=3, stride=2, padding=1, output_padding=1)),
    "tensorflow-valid-6": ("taps", "tensorflow", 2, dict(kernel_size=3, strides=2, padding="VALID", output_shape=6)),
    "keras-same": ("taps", "keras", 2, dict(kernel_size=3, strides=2, padding="same")),
    "tensorflow-valid-lengths": ("plot", "tensorflow", 2, dict(kernel_size=3, strides=2, padding="VALID")),
}


def _figure(kind, framework, n, kwargs):
    return figures.taps(framework, n, **kwargs) if kind == "taps" else figures.length_plot(framework, n, **kwargs)


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
@pytest.mark.parametrize("fmt", figures.FORMATS)
def test_golden_figures(name, fmt):
    """The SVG and TikZ of each golden case equal their files (DERIVE_UPDATE_GOLDEN=1 rewrites them)."""
    text = figures.draw(_figure(*GOLDEN_CASES[name]), fmt)
    path = GOLDEN / f"{name}.{'svg' if fmt == 'svg' else 'tex'}"
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), "run DERIVE_UPDATE_GOLDEN=1 pytest tests/test_figures.py"
    assert path.read_text() == text, f"{path.name} differs from its golden file"


def test_svg_is_well_formed_and_reproducible():
    """The SVG parses as XML, names its call in the title, and prints the same twice."""
    fig = figures.explain_figure("tensorflow", [2], [dict(kernel_size=3, strides=2, padding="VALID")])
    svg = figures.draw(fig, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and figures.draw(fig, "svg") == svg
    # both ends of TF's accepted output_shape range are drawn, then the length plot
    assert [type(p).__name__ for p in fig.panels] == ["Taps", "Taps", "LengthPlot"]
    assert [p.length for p in fig.panels[:2]] == [5, 6]


# ---------------------------------------------------------------- the command line


def test_explain_svg_writes_the_figure(tmp_path, capsys):
    """`derive explain ... --svg FILE` prints the explanation and writes the figure of every axis."""
    out = tmp_path / "t.svg"
    code = main(["explain", "torch", "--n", "3,2", "--kernel-size", "3", "--stride", "2", "--svg", str(out)])
    assert code == 0 and "axis 1:" in capsys.readouterr().out
    root = ET.fromstring(out.read_text())
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "title"]
    assert titles[0].endswith("on n=3") and any(t.endswith("on n=2") for t in titles)


def test_explain_svg_to_a_directory_exits_2(tmp_path, capsys):
    """--svg naming a directory is bad input: one line, exit 2."""
    assert main(["explain", "torch", "--n", "3", "--kernel-size", "3", "--svg", str(tmp_path)]) == 2
    assert "'--svg' must be a file" in capsys.readouterr().err


# ---------------------------------------------------------------- against the real frameworks

CONFORMANCE = [
    ("torch", 3, dict(kernel_size=3, stride=2, padding=1, output_padding=1)),
    ("torch", 2, dict(kernel_size=2, stride=3, dilation=1)),
    ("torch", 3, dict(kernel_size=3, stride=1, padding=1, dilation=2)),
    ("tensorflow", 2, dict(kernel_size=3, strides=2, padding="VALID", output_shape=6)),
    ("tensorflow", 3, dict(kernel_size=4, strides=2, padding="SAME", output_shape=5)),
    ("tensorflow", 3, dict(kernel_size=5, strides=2, padding="SAME", output_shape=6)),
    ("jax", 3, dict(kernel_size=3, strides=2, padding="SAME")),
    ("jax", 3, dict(kernel_size=4, strides=2, padding="VALID")),
    ("jax", 3, dict(kernel_size=3, strides=2, padding=[(1, 2)])),
    ("keras", 3, dict(kernel_size=4, strides=2, padding="same")),
    ("keras", 3, dict(kernel_size=5, strides=2, padding="same", output_padding=0)),
    ("keras", 2, dict(kernel_size=2, strides=3, padding="valid")),
]

PROBE = textwrap.dedent(
    """
    import json, sys, os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    framework, n, kw, L = json.loads(sys.argv[1])
    if framework == "torch":
        import torch
        y = torch.nn.functional.conv_transpose1d(torch.ones(1, 1, n), torch.ones(1, 1, kw["kernel_size"]),
            stride=kw["stride"], padding=kw.get("padding", 0), output_padding=kw.get("output_padding", 0),
            dilation=kw.get("dilation", 1))
        out = y[0, 0].tolist()
    elif framework == "tensorflow":
        import tensorflow as tf
        y = tf.nn.conv1d_transpose(tf.ones([1, n, 1]), tf.ones([kw["kernel_size"], 1, 1]), [1, L, 1],
            strides=kw["strides"], padding=kw["padding"])
        out = y.numpy()[0, :, 0].tolist()
    elif framework == "jax":
        import jax, jax.numpy as jnp
        p = kw["padding"] if isinstance(kw["padding"], str) else [tuple(x) for x in kw["padding"]]
        y = jax.lax.conv_transpose(jnp.ones((1, n, 1)), jnp.ones((kw["kernel_size"], 1, 1)), (kw["strides"],), p,
            dimension_numbers=("NWC", "WIO", "NWC"))
        out = y[0, :, 0].tolist()
    else:
        import numpy as np, keras
        layer = keras.layers.Conv1DTranspose(1, kw["kernel_size"], strides=kw["strides"], padding=kw["padding"],
            output_padding=kw.get("output_padding"), use_bias=False, kernel_initializer="ones")
        out = np.asarray(layer(np.ones((1, n, 1), dtype="float32")))[0, :, 0].tolist()
    print(json.dumps([round(v) for v in out]))
    """
)


@pytest.mark.conformance
@pytest.mark.parametrize(("framework", "n", "kwargs"), CONFORMANCE)
def test_taps_match_the_framework(framework, n, kwargs):
    """Ones through the real transposed convolution give, per output sample, the taps the figure puts there."""
    pytest.importorskip(framework)
    t = figures.taps(framework, n, **kwargs)
    arg = json.dumps([framework, n, kwargs, t.length])
    proc = subprocess.run([sys.executable, "-c", PROBE, arg], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == [t.hits(t.crop + x) for x in range(t.length)]
