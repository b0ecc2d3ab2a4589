"""Impulse responses of one framework's transposed convolution (DERIVE_ALIGN=framework[:backend]).

Each case runs the real layer once on a batch of ``n`` impulses (row ``b`` is 1 at position ``b``)
with the kernel ``1, 2, ..., k`` (reversed for a framework that applies it reversed) and prints the
outputs: row ``b`` is the layer's response to an impulse at ``b``, which shows exactly which samples
of the full output it keeps. The cases are a
small grid of the space's settings the model accepts (a deterministic sample of at most CAP), plus
every setting :func:`derive.port.port` answers with (the source configurations of PORT_SOURCES,
their ports and their fixes), so the test can compare the two frameworks of each port run for run.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from typing import Any

#: the frameworks (and backends) the main venv runs live, as DERIVE_ALIGN spells them
LIVE = (
    "torch", "tensorflow", "keras:tensorflow", "keras:jax", "keras:torch", "keras2:tensorflow", "jax", "flax",
    "onnx:onnxruntime", "onnx:reference",
)  # fmt: skip
#: input lengths of the grid
NS = (1, 2, 3, 5)
#: the most grid cases one framework runs (a deterministic sample; the port cases come on top)
CAP = 160

#: source layers ported to every other live framework (one per padding style)
PORT_SOURCES: dict[str, list[dict[str, Any]]] = {
    "torch": [
        {"kernel_size": 3, "stride": 2, "padding": 1, "output_padding": 1},
        {"kernel_size": 4, "stride": 2, "padding": 1},
        {"kernel_size": 3, "stride": 2, "padding": 2},
    ],
    "keras": [
        {"kernel_size": 3, "strides": 2, "padding": "same"},
        {"kernel_size": 4, "strides": 2, "padding": "same"},
        {"kernel_size": 3, "strides": 2, "padding": "valid"},
    ],
    "keras2": [{"kernel_size": 5, "strides": 2, "padding": "same"}],
    "jax": [{"kernel_size": 3, "strides": 2, "padding": "SAME"}, {"kernel_size": 4, "strides": 2, "padding": "VALID"}],
    "flax": [{"kernel_size": 3, "strides": 2, "padding": "SAME"}, {"kernel_size": 3, "strides": 2, "padding": 1}],
    "onnx": [
        {"kernel_shape": 3, "strides": 2, "auto_pad": "SAME_UPPER"},
        {"kernel_shape": 3, "strides": 2, "auto_pad": "SAME_LOWER"},
    ],
}
#: input lengths the port cases run on
PORT_NS = (1, 2, 3, 4, 7)


def split(name: str) -> tuple[str, str | None]:
    fw, _, backend = name.partition(":")
    return fw, backend or None


def key(name: str, cfg: dict[str, Any], n: int) -> str:
    """One case's identity (the test looks runs up by it)."""
    return json.dumps([name, _plain(cfg), n], sort_keys=True)


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return v


def ports() -> list[tuple[str, str, dict[str, Any], Any]]:
    """(source, target, source configuration, Port) for every source of PORT_SOURCES and every other live target."""
    from derive.port import port

    out = []
    for src in LIVE:
        fw, backend = split(src)
        for cfg in PORT_SOURCES.get(fw, []):
            for dst in LIVE:
                if dst == src:
                    continue
                tfw, tbackend = split(dst)
                p = port(fw, tfw, source_backend=backend, target_backend=tbackend, **cfg)
                out.append((src, dst, cfg, p))
    return out


def sources(name: str) -> list[dict[str, Any]]:
    """PORT_SOURCES of one framework with every default filled in (as the probe runs them)."""
    from derive.inverse import space

    fw, backend = split(name)
    return [space(fw, backend).bind(cfg) for cfg in PORT_SOURCES.get(fw, [])]


def concrete(cfg: dict[str, Any], n: int, extra: int = 0) -> dict[str, Any]:
    """A port's configuration at one n: a symbolic output_shape (tensorflow) evaluated, plus the crop."""
    import sympy as sp

    out = {}
    for k, v in cfg.items():
        if isinstance(v, sp.Basic):
            v = int(v.subs(sp.Symbol("n", integer=True, positive=True), n)) + extra
        out[k] = v
    return out


def grid(name: str) -> list[tuple[dict[str, Any], int]]:
    """The grid cases of one framework the model accepts, sampled down to CAP."""
    from derive.errors import DeriveError
    from derive.inverse import Bounds, Range, space

    fw, backend = split(name)
    inverse = space(fw, backend)
    bounds = Bounds(kernel=Range(1, 4), stride=Range(1, 3), dilation=Range(1, 2), padding=Range(0, 2))
    cfgs = list(inverse.grid(bounds, 7))
    if fw in ("jax", "flax"):
        cfgs += [{**c, "transpose_kernel": True} for c in cfgs[::3]]
    cases = []
    for cfg in cfgs:
        for n in NS:
            variants = [cfg]
            if fw == "tensorflow":
                from derive.frameworks import tensorflow

                try:
                    lo, hi = tensorflow.accepted_lengths(n, cfg["kernel_size"], cfg["strides"], cfg["padding"],
                                                         cfg["dilations"])  # fmt: skip
                except DeriveError:
                    continue
                variants = [{**cfg, "output_shape": L} for L in range(max(lo, 1), hi + 1)]
            elif fw == "torch" and cfg["output_padding"] == 0:
                variants = [cfg, {**cfg, "output_size": None}]
            for v in variants:
                try:
                    length = inverse.call(n, {k: x for k, x in v.items() if x is not None or k != "output_size"})
                except DeriveError:
                    continue
                if fw == "torch" and "output_size" in v:
                    v = {**v, "output_size": length + (cfg["stride"] > 1)}
                    v.pop("output_padding")
                    try:
                        inverse.call(n, v)
                    except DeriveError:
                        continue
                if fw == "onnx" and v.get("auto_pad") == "NOTSET" and v["strides"] > 1 and length % 2:
                    v = {**v, "output_shape": length + 1}  # output_shape derives the pads
                    try:
                        inverse.call(n, v)
                    except DeriveError:
                        continue
                cases.append((v, n))
    picked = [c for c in cases if zlib.crc32(json.dumps(_plain(list(c))).encode()) % max(1, len(cases) // CAP) == 0]
    return picked[:CAP]


def port_cases(name: str, found: list[tuple[str, str, dict[str, Any], Any]]) -> list[tuple[dict[str, Any], int]]:
    """The cases the port test needs from this framework: its PORT_SOURCES, its ports and its fixes."""
    cases = [(cfg, n) for cfg in sources(name) for n in PORT_NS]
    for _src, dst, _cfg, p in found:
        if dst != name:
            continue
        for n in PORT_NS:
            if p.configuration is not None:
                cases.append((concrete(p.configuration, n), n))
            if p.fix_configuration is not None:
                cases.append((concrete(p.fix_configuration, n), n))
    return cases


# -- the frameworks ------------------------------------------------------------------------------------


def weights(name: str, cfg: dict[str, Any]) -> list[float]:
    """The kernel 1, 2, ..., k as the framework takes it: reversed where it applies the kernel reversed (the
    weight port :mod:`derive.port` notes), so every framework's full output is the same."""
    from derive import alignment

    fw, backend = split(name)
    k = next(v for key, v in cfg.items() if key in ("kernel_size", "kernel_shape"))
    r = alignment.rule(fw, backend)
    w = [float(t) for t in range(1, k + 1)]
    return w[::-1] if r is not None and r.flipped(cfg) else w


def runner(name: str):
    fw, backend = split(name)
    import numpy as np

    def kernel(cfg: dict[str, Any], shape: tuple[int, ...]) -> Any:
        return np.asarray(weights(name, cfg), dtype="float32").reshape(shape)

    def impulses(n: int, channels_last: bool) -> Any:
        x = np.eye(n, dtype="float32")
        return x[:, :, None] if channels_last else x[:, None, :]

    if fw == "torch":
        import torch

        def run(cfg, n):
            k = cfg["kernel_size"]
            m = torch.nn.ConvTranspose1d(1, 1, k, stride=cfg["stride"], padding=cfg["padding"],
                                         output_padding=cfg.get("output_padding", 0), dilation=cfg["dilation"],
                                         bias=False)  # fmt: skip
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(kernel(cfg, (1, 1, k))))
                x = torch.from_numpy(impulses(n, False))
                size = cfg.get("output_size")
                y = m(x) if size is None else m(x, output_size=[size])
            return y[:, 0, :].numpy()

        return run
    if fw == "tensorflow":
        import tensorflow as tf

        def run(cfg, n):
            k, p = cfg["kernel_size"], cfg["padding"]
            w = kernel(cfg, (1, k, 1, 1))
            x = impulses(n, True)[:, None, :, :]
            pad = p if isinstance(p, str) else [[0, 0], [0, 0], list(p), [0, 0]]
            y = tf.nn.conv2d_transpose(x, w, [n, 1, cfg["output_shape"], 1], [1, cfg["strides"]], pad,
                                       dilations=[1, cfg["dilations"]])  # fmt: skip
            return np.asarray(y)[:, 0, :, 0]

        return run
    if fw in ("keras", "keras2"):
        if fw == "keras":
            import keras
        else:
            import tf_keras as keras

        def run(cfg, n):
            k = cfg["kernel_size"]
            layer = keras.layers.Conv1DTranspose(1, k, strides=cfg["strides"], padding=cfg["padding"],
                                                 output_padding=cfg["output_padding"],
                                                 dilation_rate=cfg["dilation_rate"], use_bias=False)  # fmt: skip
            layer.build((None, n, 1))
            layer.set_weights([kernel(cfg, (k, 1, 1))])
            y = layer(impulses(n, True))
            y = y.detach().cpu() if hasattr(y, "detach") else y  # the torch backend keeps the graph
            return np.asarray(y)[:, :, 0]

        return run
    if fw == "jax":
        import jax

        def run(cfg, n):
            k, p = cfg["kernel_size"], cfg["padding"]
            pad = p if isinstance(p, str) else [tuple(q) for q in p]
            y = jax.lax.conv_transpose(
                impulses(n, False), kernel(cfg, (1, 1, k)), (cfg["strides"],), pad,
                rhs_dilation=(cfg["rhs_dilation"],), dimension_numbers=("NCH", "OIH", "NCH"),
                transpose_kernel=bool(cfg.get("transpose_kernel")),
                use_consistent_padding=bool(cfg.get("use_consistent_padding")),
            )  # fmt: skip
            return np.asarray(y)[:, 0, :]

        return run
    if fw == "flax":
        import flax.linen as nn

        def run(cfg, n):
            k, p = cfg["kernel_size"], cfg["padding"]
            pad = [tuple(q) if isinstance(q, list) else q for q in p] if isinstance(p, list) else p
            layer = nn.ConvTranspose(1, (k,), strides=(cfg["strides"],), padding=pad,
                                     kernel_dilation=(cfg["kernel_dilation"],), use_bias=False,
                                     transpose_kernel=bool(cfg.get("transpose_kernel")))  # fmt: skip
            params = {"params": {"kernel": kernel(cfg, (k, 1, 1))}}
            return np.asarray(layer.apply(params, impulses(n, True)))[:, :, 0]

        return run
    if fw == "onnx":
        from onnx import TensorProto, helper

        def run(cfg, n):
            k = cfg["kernel_shape"]
            attrs: dict[str, Any] = {
                "kernel_shape": [k], "strides": [cfg["strides"]], "dilations": [cfg["dilations"]],
                "output_padding": [cfg["output_padding"]], "auto_pad": cfg["auto_pad"],
            }  # fmt: skip
            if cfg.get("pads") is not None:
                attrs["pads"] = list(cfg["pads"])
            if cfg.get("output_shape") is not None:
                attrs["output_shape"] = [cfg["output_shape"]]
            node = helper.make_node("ConvTranspose", ["X", "W"], ["Y"], **attrs)
            w = helper.make_tensor("W", TensorProto.FLOAT, [1, 1, k], weights(name, cfg))
            graph = helper.make_graph(
                [node], "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [n, 1, n])],
                [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None)], [w],
            )  # fmt: skip
            model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)])
            model.ir_version = 10
            x = impulses(n, False)
            if backend == "reference":
                from onnx.reference import ReferenceEvaluator

                y = ReferenceEvaluator(model).run(None, {"X": x})[0]
            else:
                import onnxruntime

                session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
                y = session.run(None, {"X": x})[0]
            return np.asarray(y)[:, 0, :]

        return run
    raise SystemExit(f"unknown DERIVE_ALIGN {name}")


def main() -> None:
    name = os.environ.get("DERIVE_ALIGN", "")
    fw, backend = split(name)
    if fw == "keras":
        os.environ["KERAS_BACKEND"] = backend or "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        run = runner(name)
    except ImportError as e:
        print(json.dumps({"skip": f"{fw}: {e}"}))
        return
    found = ports()
    cases = [(c, n, "grid") for c, n in grid(name)] + [(c, n, "port") for c, n in port_cases(name, found)]
    seen = set()
    for cfg, n, kind in cases:
        k = key(name, cfg, n)
        if k in seen:
            continue
        seen.add(k)
        row: dict[str, Any] = {"op": kind, "args": _plain(cfg), "n": n, "key": k}
        try:
            row["output"] = [[float(v) for v in r] for r in run(cfg, n)]
        except Exception as e:  # a refusal: reported, the test says whether the model expected it
            row["error"] = f"{type(e).__name__}: {str(e)[:300]}"
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.exit(main())
