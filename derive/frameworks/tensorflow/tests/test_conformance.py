"""The TensorFlow model agrees with tensorflow-cpu on every probed case (lengths and refusal messages)."""

from __future__ import annotations

import pytest

from derive.frameworks import tensorflow as T
from tests.conformance._harness import disagreements, probe, run_info

pytestmark = pytest.mark.conformance


def _pairs(padding):
    return padding if isinstance(padding, str) else tuple(tuple(p) for p in padding)


def _pad(padding):
    return padding if isinstance(padding, str) else tuple(padding)


def predict(row, kernels="eigen"):
    a, op = row["args"], row["op"]
    if op == "conv1d":
        return T.CONV1D(
            a["n"],
            kernel_size=a["kernel_size"],
            stride=a["stride"],
            padding=_pad(a["padding"]),
            dilations=a["dilations"],
            kernels=kernels,
        )
    if op == "conv2d":
        return T.CONV2D(
            a["n"],
            kernel_size=a["kernel_size"],
            strides=a["strides"],
            padding=_pad(a["padding"]),
            dilations=a["dilations"],
            kernels=kernels,
        )
    if op == "conv2d_nd":
        n = tuple(a["n"])
        return list(
            T.conv_length(
                n, tuple(a["kernel_size"]), tuple(a["strides"]), _pairs(a["padding"]), tuple(a["dilations"]), kernels
            )
        )
    kw = dict(
        kernel_size=a["kernel_size"],
        output_shape=a["output_shape"],
        strides=a["strides"],
        padding=_pad(a["padding"]) if op != "conv_transpose" else _pairs(a["padding"]),
        dilations=a["dilations"],
        kernels=kernels,
    )
    if op == "conv1d_transpose":
        return T.conv1d_transpose_length(a["n"], **kw)
    if op == "conv2d_transpose":
        return T.conv_transpose_length(a["n"], **kw)
    if op == "conv_transpose":
        kw = {
            key: tuple(v) if isinstance(v, list) and key not in ("padding", "kernels") else v for key, v in kw.items()
        }
        return list(T.conv_transpose_length(tuple(a["n"]), **kw))
    raise AssertionError(f"unknown op {op}")


#: each kernel family and the setting that makes TensorFlow run it on any x86-64 CPU; XLA compiles every
#: new shape (~15 ms each), so it runs a deterministic 1/8 of the grid
FAMILIES = {
    "eigen": {"TF_ENABLE_ONEDNN_OPTS": "0"},
    "onednn": {"TF_ENABLE_ONEDNN_OPTS": "1"},
    "xla": {"TF_ENABLE_ONEDNN_OPTS": "0", "DERIVE_TF_FAMILY": "xla", "DERIVE_PROBE_EVERY": "8"},
}

#: the runs: a family, and the same family as a CPU without AVX-512 runs it. oneDNN picks its implementations
#: by the CPU's instruction set; ONEDNN_MAX_CPU_ISA (oneDNN's own setting) caps it at AVX2, as on a CPU
#: without AVX-512 (Haswell to Ice Lake client, Zen 1-3), so both kinds of CPU are checked on whichever this
#: is (a deterministic 1/4 of the grid; on an AVX2 machine the cap changes nothing)
RUNS = {
    **{kernels: (kernels, env) for kernels, env in FAMILIES.items()},
    "onednn-avx2": ("onednn", {**FAMILIES["onednn"], "ONEDNN_MAX_CPU_ISA": "AVX2", "DERIVE_PROBE_EVERY": "4"}),
}


def _family_rows(run: str) -> list[dict]:
    kernels, env = RUNS[run]
    rows = probe("tensorflow", **env)
    info = run_info(rows)
    ran = "xla" if info.get("xla") else "onednn" if info.get("onednn") else "eigen"
    if ran != kernels:  # e.g. a TensorFlow build without oneDNN: say so instead of testing the wrong kernels
        pytest.skip(f"{env} ran {ran} kernels on this machine, not {kernels}")
    return rows


@pytest.mark.parametrize("run", sorted(RUNS))
def test_tensorflow_matches_model(run):
    """Every TensorFlow length, refusal and abort in the probe grid is what the model of these kernels predicts."""
    kernels = RUNS[run][0]
    rows = _family_rows(run)
    assert len(rows) > {"xla": 2500, "onednn-avx2": 5000}.get(run, 20000)
    bad = disagreements(rows, lambda row: predict(row, kernels))
    assert bad == [], "\n".join(bad[:20])


def test_onednn_crashes_are_isolated():
    """Each oneDNN abort is one crash record, and the cases after it still ran in a new process."""
    rows = _family_rows("onednn")
    crashes = [r for r in rows if "crash" in r]
    assert crashes and all("SIGABRT" in r["crash"] and "must be >= 0" in r["crash"] for r in crashes)
    assert all(r["args"]["output_shape"] < 0 if isinstance(r["args"]["output_shape"], int) else True for r in crashes)
    assert rows[-1].get("op") == "conv_transpose"  # the grid ran to its last case


def test_probe_covers_every_refusal_class():
    """The probe met each refusal the model knows (so none of them is modelled from source alone)."""
    rows = _family_rows("eigen")
    errors = " ".join(r["error"] for r in rows if "error" in r)
    for text in (
        "Size of out_backprop doesn't match computed",
        "Computed output size would be negative",
        T.CPU_DILATION,
        T.CPU_DILATION_3D,
        T.NEGATIVE_PADDING,
        T.EXPLICIT_STRING,
        "Dimension -1 must be >= 0",
        "Expected string for argument 'padding'",
        "is not in the list of allowed values",
        "explicit_paddings attribute must contain 8 values",
    ):
        assert text in errors, text
    onednn = " ".join(r["error"] for r in _family_rows("onednn") if "error" in r)
    assert T.ONEDNN_PRIMITIVE in onednn
    xla = " ".join(r["error"] for r in _family_rows("xla") if "error" in r)
    for text in (T.XLA_NEGATIVE, "Negative dimension size caused by subtracting", "Size of out_backprop doesn't match"):
        assert text in xla, text
