"""Probe the installed PyTorch: run the real convolutions on tiny CPU tensors and report lengths or errors.

One JSON line per case (see tests/conformance/_harness.py). Ops, named as the model's call:

* ``conv1d`` / ``conv_transpose1d``: ``torch.nn.functional`` on a (1, 1, n) float32 input;
* ``Conv1d`` / ``ConvTranspose1d``: the modules (constructor + forward, ``output_size`` when given);
* ``conv2d``, ``conv3d``, ``Conv2d``, ``conv_transpose2d``, ``ConvTranspose2d``, ``ConvTranspose3d``,
  ...: seeded random N-d spot checks (list-valued args, list-valued lengths), incl. refusals;
* 1-D/N-d inputs past oneDNN's size threshold (torch switches backend and error texts);
* ``batched:<op>``: batch 2 x 2 channels, which CPU always runs through oneDNN (outside the model:
  the test checks it accepts every length the model gives and refuses only what the model refuses);
* ``meta:<op>``: the same call on ``device="meta"``, torch's shape-only path (not the model's
  reference: it skips most checks; the conformance test only compares its lengths).

The grid is the one in the issue (n <= 8, kernel <= 5, stride <= 4, dilation <= 3, padding <= 3,
output_padding <= 4), every output_size from L0-2 to L0+stride+1, plus a small grid of invalid
values (stride, dilation <= 0, negative paddings, padding strings). Cases the model declares out of
its domain (kernel_size < 1, padding='same' with dilation < 0, dilation 0 on oneDNN transposed
calls) are not probed.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
import time
import warnings

try:
    import torch
    import torch.nn.functional as F
except Exception as e:  # pragma: no cover - depends on the environment
    print(json.dumps({"skip": f"torch not importable: {type(e).__name__}: {e}"}))
    sys.exit(0)

warnings.simplefilter("ignore")  # 'same' with even kernels warns once
torch.set_grad_enabled(False)

N = range(0, 9)
K = range(1, 6)
S = range(1, 5)
D = range(1, 4)
P = range(0, 4)
OP = range(0, 5)
STRINGS = ("valid", "same")

FUNCTIONAL = {1: (F.conv1d, F.conv_transpose1d), 2: (F.conv2d, F.conv_transpose2d), 3: (F.conv3d, F.conv_transpose3d)}
MODULES = {
    1: (torch.nn.Conv1d, torch.nn.ConvTranspose1d),
    2: (torch.nn.Conv2d, torch.nn.ConvTranspose2d),
    3: (torch.nn.Conv3d, torch.nn.ConvTranspose3d),
}


def _dims(args: dict) -> int:
    return len(args["n"]) if isinstance(args["n"], list) else 1


def _shape(v) -> tuple:
    return tuple(v) if isinstance(v, list) else (v,)


def _run(kind: str, api: str, args: dict, batch: int = 1, device: str = "cpu") -> dict:
    """Run one call; the record's "length" (int, or list for N-d) or "error" ("Type: message")."""
    ndim = _dims(args)
    n, k = _shape(args["n"]), _shape(args["kernel_size"])
    k = k * ndim if len(k) == 1 else k
    x = torch.zeros(batch, batch, *n, device=device)
    pad = args.get("padding", 0)
    pad = tuple(pad) if isinstance(pad, list) else pad
    kw = {key: tuple(v) if isinstance(v, list) else v for key, v in args.items() if key in ("stride", "dilation")}
    try:
        if api == "functional":
            conv, conv_t = FUNCTIONAL[ndim]
            if kind == "conv":
                out = conv(x, torch.zeros(batch, batch, *k, device=device), padding=pad, **kw)
            else:
                op = args.get("output_padding", 0)
                op = tuple(op) if isinstance(op, list) else op
                out = conv_t(x, torch.zeros(batch, batch, *k, device=device), padding=pad, output_padding=op, **kw)
        else:
            conv, conv_t = MODULES[ndim]
            if kind == "conv":
                m = conv(batch, batch, k, padding=pad, bias=False, device=device, **kw)
                out = m(x)
            else:
                op = args.get("output_padding", 0)
                op = tuple(op) if isinstance(op, list) else op
                m = conv_t(batch, batch, k, padding=pad, output_padding=op, bias=False, device=device, **kw)
                size = args.get("output_size")
                out = m(x) if size is None else m(x, output_size=list(_shape(size)))
        shape = list(out.shape[2:])
        return {"length": shape if ndim > 1 else shape[0]}
    except Exception as e:
        return {"error": f"{type(e).__name__}: {e}"}


def _emit(name: str, kind: str, api: str, args: dict, **how) -> None:
    print(json.dumps({"op": name, "args": args, **_run(kind, api, args, **how)}))


def _fwd_args(n, k, s, p, d) -> dict:
    return {"n": n, "kernel_size": k, "stride": s, "padding": p, "dilation": d}


def _t_args(n, k, s, p, op, d, size=None) -> dict:
    args = {"n": n, "kernel_size": k, "stride": s, "padding": p, "output_padding": op, "dilation": d}
    if size is not None:
        args["output_size"] = size
    return args


def _min_length(n, k, s, p, d) -> int:
    return (n - 1) * s - 2 * p + d * (k - 1) + 1


def _in_domain(args: dict) -> bool:
    """Skip what the model leaves out: padding='same' with a negative dilation."""
    return not (args["padding"] == "same" and args["dilation"] < 0)


def forward() -> None:
    for n, k, s, d, p in itertools.product(N, K, S, D, (*P, *STRINGS)):
        for api, name in (("functional", "conv1d"), ("module", "Conv1d")):
            _emit(name, "conv", api, _fwd_args(n, k, s, p, d))
    # refusals: non-positive stride/dilation, negative padding, strings, and their order
    for n, k, s, d, p in itertools.product(
        range(0, 5), range(1, 4), (-1, 0, 1, 2), (-1, 0, 1, 2), (-1, 0, 2, *STRINGS, "foo")
    ):
        args = _fwd_args(n, k, s, p, d)
        if _in_domain(args):
            for api, name in (("functional", "conv1d"), ("module", "Conv1d")):
                _emit(name, "conv", api, args)


def transposed() -> None:
    for n, k, s, d, p, op in itertools.product(N, K, S, D, P, OP):
        for api, name in (("functional", "conv_transpose1d"), ("module", "ConvTranspose1d")):
            _emit(name, "conv_transpose", api, _t_args(n, k, s, p, op, d))
    # module forward(output_size=X) around the accepted interval (output_padding attribute 0)
    for n, k, s, d, p in itertools.product(N, K, S, D, P):
        low = _min_length(n, k, s, p, d)
        for size in range(low - 2, low + s + 2):
            _emit("ConvTranspose1d", "conv_transpose", "module", _t_args(n, k, s, p, 0, d, size))
    # ... and with an output_padding attribute, which torch then ignores
    for n, k, s, d, p, op in itertools.product(range(1, 5), range(1, 4), range(1, 4), D, range(0, 3), range(1, 5)):
        low = _min_length(n, k, s, p, d)
        for size in range(low - 1, low + s + 1):
            _emit("ConvTranspose1d", "conv_transpose", "module", _t_args(n, k, s, p, op, d, size))
    # refusals and their order
    bad = itertools.product(range(0, 4), range(1, 4), (-1, 0, 1, 2), (-1, 0, 1, 2), (-1, 0, 1), (-1, 0, 1, 2))
    for n, k, s, d, p, op in bad:
        for api, name in (("functional", "conv_transpose1d"), ("module", "ConvTranspose1d")):
            _emit(name, "conv_transpose", api, _t_args(n, k, s, p, op, d))
        low = _min_length(n, k, s, p, d)
        for size in (low - 1, low, low + max(s, 1) - 1):
            _emit("ConvTranspose1d", "conv_transpose", "module", _t_args(n, k, s, p, op, d, size))
    # padding strings: the module accepts them in its constructor and fails in forward
    for n, k, s, p in itertools.product((0, 3), (1, 3), (1, 2), (*STRINGS, "foo")):
        _emit("conv_transpose1d", "conv_transpose", "functional", _t_args(n, k, s, p, 0, 1))
        _emit("ConvTranspose1d", "conv_transpose", "module", _t_args(n, k, s, p, 0, 1))
        _emit("ConvTranspose1d", "conv_transpose", "module", _t_args(n, k, s, p, 0, 1, 3 * s))


def spot_nd(rng: random.Random) -> None:
    """N-d calls with independent per-axis values (some invalid): axes are independent, messages N-d."""

    def pick(values, ndim):
        return [rng.choice(values) for _ in range(ndim)]

    for ndim, count in ((2, 400), (3, 150)):
        for _ in range(count):
            n, k = pick(range(0, 7), ndim), pick(range(1, 5), ndim)
            s, d = pick((0, 1, 1, 2, 3), ndim), pick((0, 1, 1, 2, 3), ndim)
            p, op = pick((-1, 0, 0, 1, 2, 3), ndim), pick((-1, 0, 0, 1, 2, 3), ndim)
            fwd = _fwd_args(n, k, s, rng.choice((p, p, p, "same", "valid")), d)
            if fwd["padding"] != "same" or min(d) >= 0:
                _emit(f"conv{ndim}d", "conv", "functional", fwd)
                _emit(f"Conv{ndim}d", "conv", "module", fwd)
            if 0 in d and min(k[-2:]) > 3:
                continue  # dilation 0 on a oneDNN transposed call: outside the model
            _emit(f"conv_transpose{ndim}d", "conv_transpose", "functional", _t_args(n, k, s, p, op, d))
            _emit(f"ConvTranspose{ndim}d", "conv_transpose", "module", _t_args(n, k, s, p, op, d))
            size = [_min_length(*axis) + rng.choice((-1, 0, 0, 1, 2)) for axis in zip(n, k, s, p, d, strict=True)]
            _emit(f"ConvTranspose{ndim}d", "conv_transpose", "module", _t_args(n, k, s, p, op, d, size))


def large() -> None:
    """Batch-1 calls torch runs through oneDNN: inputs with size(2)·size(3) > 20480, 4x4 kernels."""
    for n in (20480, 20481):
        for k, s, p, op, d in ((3, 1, 0, 0, 0), (3, 1, 0, 1, 1), (3, 2, 1, 1, 1), (3, 2, 0, 2, 1)):
            _emit("conv1d", "conv", "functional", _fwd_args(n, k, s, p, d))
            if d > 0 or n == 20480:  # dilation 0 on oneDNN transposed calls is outside the model
                _emit("conv_transpose1d", "conv_transpose", "functional", _t_args(n, k, s, p, op, d))
        # transposed lengths -2..2 (oneDNN returns a zero length, native kernels refuse it)
        for k, s, d, op in itertools.product((1, 3), (1, 2), (1, 2), (0, 1)):
            for p in range(
                ((n - 1) * s + d * (k - 1) + 1 + op) // 2 - 1, ((n - 1) * s + d * (k - 1) + 1 + op) // 2 + 2
            ):
                _emit("conv_transpose1d", "conv_transpose", "functional", _t_args(n, k, s, p, op, d))
                _emit("ConvTranspose1d", "conv_transpose", "module", _t_args(n, k, s, p, op, d))
    for n in ([144, 142], [145, 145], [145, 145, 2]):
        ndim = len(n)
        _emit(f"conv{ndim}d", "conv", "functional", _fwd_args(n, [3] * ndim, 1, 0, [1] * (ndim - 1) + [0]))
        _emit(f"conv_transpose{ndim}d", "conv_transpose", "functional", _t_args(n, [1] * ndim, 1, 200, 0, 1))
    for n, k, p, op in itertools.product(([1, 1], [2, 1], [1, 1, 1]), (4, 5), (1, 2, 3), (0, 1)):
        ndim = len(n)
        k = [k] * ndim
        _emit(f"conv_transpose{ndim}d", "conv_transpose", "functional", _t_args(n, k, 2, [p] * ndim, [op] * ndim, 1))
        _emit(f"conv{ndim}d", "conv", "functional", _fwd_args(n, k, 1, [p] * ndim, [1, 0, 1][:ndim]))


def batched() -> None:
    """Batch 2 x 2 channels: always oneDNN on CPU."""
    for n, k, s, d, p in itertools.product(range(0, 6), range(1, 5), range(1, 4), range(0, 4), (0, 1, 2, *STRINGS)):
        _emit("batched:conv1d", "conv", "functional", _fwd_args(n, k, s, p, d), batch=2)
    for n, k, s, d, p, op in itertools.product(
        range(0, 6), range(1, 5), range(0, 4), range(0, 4), range(0, 3), range(4)
    ):
        _emit("batched:conv_transpose1d", "conv_transpose", "functional", _t_args(n, k, s, p, op, d), batch=2)


def meta() -> None:
    """torch's shape-only path on the main grid."""
    for n, k, s, d, p in itertools.product(N, K, S, D, (*P, *STRINGS)):
        _emit("meta:conv1d", "conv", "functional", _fwd_args(n, k, s, p, d), device="meta")
    for n, k, s, d, p, op in itertools.product(N, K, S, D, P, OP):
        _emit("meta:conv_transpose1d", "conv_transpose", "functional", _t_args(n, k, s, p, op, d), device="meta")


def main() -> None:
    start = time.perf_counter()
    forward()
    transposed()
    spot_nd(random.Random(0))
    large()
    batched()
    meta()
    print(f"torch {torch.__version__}: probe took {time.perf_counter() - start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
