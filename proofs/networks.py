"""Whole networks (derive.net): the exact input sizes each model runs at, and its output, for all sizes.

Each model is written as a graph of ONNX operators (the vocabulary every exporter emits) and read under
the ONNX specification's rules (derive.net.rules.onnx, built on derive's proved ONNX layer model). For
each input dim whose checks involve no other dim, a theorem states the exact set of sizes at which
every layer's check holds; for each output dim, one states its closed form wherever the model runs.
`derive net MODEL` answers the same questions for a user's own ONNX file or torch module.
"""

from __future__ import annotations

import sympy as sp

from derive.net.claims import network_claims
from derive.net.graph import Graph, Node, Tensor
from derive.script import main


def _weights(out: int, inp: int, *kernel: int) -> Tensor:
    return Tensor(tuple(sp.Integer(d) for d in (out, inp, *kernel)))


class _Builder:
    """Nodes and weight shapes of one ONNX graph, added layer by layer (each layer names its output)."""

    def __init__(self, name: str, dims: tuple[int | str, ...]) -> None:
        self.name, self.dims = name, dims
        self.nodes: list[Node] = []
        self.constants: dict[str, Tensor] = {}
        self.rank = len(dims) - 2

    def conv(self, name: str, x: str, cin: int, cout: int, k: int, s: int = 1, p: int = 0, t: bool = False,
             op: int = 0) -> str:
        w = f"{name}.weight"
        self.constants[w] = _weights(cin, cout, *[k] * self.rank) if t else _weights(cout, cin, *[k] * self.rank)
        attrs: dict[str, object] = {"kernel_shape": [k] * self.rank, "strides": [s] * self.rank,
                                    "pads": [p] * (2 * self.rank)}
        if op:
            attrs["output_padding"] = [op] * self.rank
        self.nodes.append(Node(name, "ConvTranspose" if t else "Conv", (x, w), (name,), attrs))
        return name

    def node(self, name: str, op: str, inputs: tuple[str, ...], **attrs: object) -> str:
        self.nodes.append(Node(name, op, inputs, (name,), attrs))
        return name

    def graph(self, output: str) -> Graph:
        return Graph(self.name, (("x", self.dims),), tuple(self.nodes), (output,), self.constants, "onnx-spec")


def unet2() -> Graph:
    """Two levels: 3×3 'same' convolutions, 2×2 max pooling, 2×2 stride-2 transposed convolutions, concat skips."""
    b = _Builder("unet2", (1, 1, "H", "W"))
    e1 = b.conv("enc1", "x", 1, 8, 3, p=1)
    e2 = b.conv("enc2", b.node("pool1", "MaxPool", (e1,), kernel_shape=[2, 2], strides=[2, 2]), 8, 16, 3, p=1)
    mid = b.conv("mid", b.node("pool2", "MaxPool", (e2,), kernel_shape=[2, 2], strides=[2, 2]), 16, 16, 3, p=1)
    d2 = b.conv("dec2", b.node("cat2", "Concat", (b.conv("up2", mid, 16, 16, 2, s=2, t=True), e2), axis=1), 32, 16, 3,
                p=1)
    d1 = b.conv("dec1", b.node("cat1", "Concat", (b.conv("up1", d2, 16, 8, 2, s=2, t=True), e1), axis=1), 16, 1, 3,
                p=1)
    return b.graph(d1)


def strided_unet() -> Graph:
    """Three levels down by 3×3 stride-2 convolutions (padding 1), up by 3×3 stride-2 transposed ones (padding 1,
    output padding 1), concat skips: MONAI's UNet pattern without its residual units."""
    b = _Builder("strided_unet", (1, 1, "H", "W"))
    skips, x = [], "x"
    for i, (cin, cout) in enumerate([(1, 4), (4, 8), (8, 16)]):
        skips.append(x)
        x = b.conv(f"down{i}", x, cin, cout, 3, s=2, p=1)
    for i, (cin, cout, cskip) in enumerate([(16, 8, 8), (16, 4, 4), (8, 2, 1)]):
        up = b.conv(f"up{i}", x, cin, cout, 3, s=2, p=1, t=True, op=1)
        x = b.node(f"cat{i}", "Concat", (up, skips[-1 - i]), axis=1)
        del cskip
    return b.graph(b.conv("head", x, 3, 1, 1))


def wav2vec2_features() -> Graph:
    """wav2vec 2.0's feature encoder: 1-D convolutions (kernel, stride) = (10, 5), (3, 2) × 4, (2, 2) × 2."""
    b = _Builder("wav2vec2_features", (1, 1, "L"))
    x, c = "x", 1
    for i, (k, s) in enumerate([(10, 5), (3, 2), (3, 2), (3, 2), (3, 2), (2, 2), (2, 2)]):
        x, c = b.conv(f"conv{i}", x, c, 8, k, s=s), 8
    return b.graph(x)


def resnet_stem() -> Graph:
    """ResNet's stem (7×7 stride-2 convolution, padding 3; 3×3 stride-2 max pooling, padding 1) and one basic block
    with its residual Add."""
    b = _Builder("resnet_stem", (1, 3, "H", "W"))
    x = b.conv("conv1", "x", 3, 8, 7, s=2, p=3)
    x = b.node("maxpool", "MaxPool", (x,), kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    y = b.conv("block.conv2", b.conv("block.conv1", x, 8, 8, 3, p=1), 8, 8, 3, p=1)
    return b.graph(b.node("block.add", "Add", (y, x)))


NETWORKS = [unet2(), strided_unet(), wav2vec2_features(), resnet_stem()]

CLAIMS = [c for g in NETWORKS for c in network_claims(g)]

if __name__ == "__main__":
    raise SystemExit(main(CLAIMS))
