"""derive net's Keras model zoo: small hand-written Keras 3 models, their input specs and sweeps.

Each entry is a zero-argument factory returning a Functional or Sequential model (so
``tests/keras_zoo.py:NAME`` works from the command line; keras.applications' ResNet50 too) plus
:data:`ZOO`: name -> (factory, input spec, sweep). A sweep varies one symbolic dim over 1..top at a
time, the others held at ``base``.
keras is imported here, so only framework subprocesses (tests/conformance/probe_net_keras.py) and the
Keras front end's own tests import this module. Channels are few and weights random: sweeps are quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import keras
from keras import layers as L


def conv_chain() -> keras.Model:
    """Valid convolutions: strided, plain, dilated (TensorFlow runs the dilated one through space-to-batch)."""
    x = keras.Input(shape=(None, None, 1))
    y = L.Conv2D(2, 3, strides=2, activation="relu")(x)
    y = L.Conv2D(2, 5)(y)
    y = L.Conv2D(3, 3, dilation_rate=2)(y)
    return keras.Model(x, y, name="conv_chain")


def unet2() -> keras.Model:
    """A 2-level U-Net: max-pool down, Conv2DTranspose up, Concatenate skips."""
    x = keras.Input(shape=(None, None, 1))
    s1 = L.Conv2D(2, 3, padding="same", activation="relu")(x)
    s1 = L.BatchNormalization()(s1)
    s2 = L.Conv2D(4, 3, padding="same", activation="relu")(L.MaxPooling2D(2)(s1))
    b = L.Conv2D(8, 3, padding="same", activation="relu")(L.MaxPooling2D(2)(s2))
    u2 = L.Concatenate()([s2, L.Conv2DTranspose(4, 2, strides=2)(b)])
    u2 = L.Conv2D(4, 3, padding="same", activation="relu")(u2)
    u1 = L.Concatenate()([s1, L.Conv2DTranspose(2, 2, strides=2)(u2)])
    y = L.Conv2D(2, 1)(L.Conv2D(2, 3, padding="same")(u1))
    return keras.Model(x, y, name="unet2")


def audio1d() -> keras.Model:
    """A strided 1-D stack (wav2vec-like head), a causal convolution and a pooling."""
    x = keras.Input(shape=(None, 1))
    y = L.Conv1D(4, 10, strides=5, activation="gelu")(x)
    y = L.Conv1D(4, 3, strides=2)(y)
    y = L.Conv1D(4, 3, padding="causal", dilation_rate=2)(y)
    y = L.MaxPooling1D(2)(y)
    y = L.Conv1D(2, 2, strides=2, padding="same")(y)
    return keras.Model(x, y, name="audio1d")


def pooling() -> keras.Model:
    """Pooling valid and same, max and average, with a convolution between."""
    x = keras.Input(shape=(None, None, 1))
    y = L.MaxPooling2D(3, strides=2)(x)
    y = L.AveragePooling2D(2, padding="same")(y)
    y = L.Conv2D(2, 3, padding="same")(y)
    y = L.AveragePooling2D((2, 3), strides=(1, 2), name="avg_valid")(y)
    y = L.GlobalMaxPooling2D(keepdims=True, name="global_max")(y)
    return keras.Model(x, y, name="pooling")


def transposed() -> keras.Model:
    """Conv2DTranspose with output_padding (same: TensorFlow refuses some lengths Keras computes), padding,
    cropping, nearest upsampling, Add and Multiply skips."""
    x = keras.Input(shape=(None, None, 1))
    d = L.Conv2D(2, 3, strides=2, padding="same")(x)
    u = L.Conv2DTranspose(2, 4, strides=2, padding="same", output_padding=0)(d)
    u = L.ZeroPadding2D(((1, 0), (0, 1)))(u)
    v = L.Cropping2D(((1, 1), (2, 0)))(L.Conv2DTranspose(2, 3, strides=2, output_padding=1)(d))
    w = L.UpSampling2D(2)(L.Conv2D(2, 1, strides=2)(x))
    y = L.Add()([u, v])
    y = L.Multiply()([y, w])
    return keras.Model(x, y, name="transposed")


def merges() -> keras.Model:
    """Average, Subtract, Maximum and Minimum of same-length branches; a skip that must match the input."""
    x = keras.Input(shape=(None, None, 1))
    a = L.Conv2D(2, 3, padding="same")(x)
    b = L.Conv2D(2, 3, strides=3, padding="same")(x)
    b = L.UpSampling2D(3)(b)
    y = L.Average()([a, b])
    y = L.Subtract()([y, L.Conv2D(2, 1)(x)])
    y = L.Maximum()([y, L.Cropping2D(((1, 1), (1, 1)))(L.ZeroPadding2D(1)(y))])
    y = L.Minimum()([y, a])
    return keras.Model(x, y, name="merges")


def flatten_dense() -> keras.Model:
    """Flatten -> Dense needs a fixed size: the declared input shape is checked first."""
    x = keras.Input(shape=(12, 12, 1))
    y = L.Conv2D(2, 3, strides=2)(x)
    y = L.Dense(3)(L.Flatten()(y))
    return keras.Model(x, y, name="flatten_dense")


def sequential() -> keras.Model:
    """A Sequential model: convolutions, pooling, a Reshape of the pooled features, Dense on the channels."""
    return keras.Sequential(
        [
            keras.Input(shape=(None, None, 1)),
            L.Conv2D(4, 5, strides=2),
            L.Dropout(0.1),
            L.MaxPooling2D(2),
            L.Reshape((-1, 2)),
            L.Dense(3),
        ],
        name="sequential_net",
    )


def resize3d() -> keras.Model:
    """Resizing to a fixed size after a valid convolution; a 3-D branch is separate (conv3d_chain)."""
    x = keras.Input(shape=(None, None, 1))
    y = L.Conv2D(2, 4, strides=3)(x)
    y = L.Resizing(8, 8)(y)
    return keras.Model(x, y, name="resize")


def conv3d_chain() -> keras.Model:
    """3-D: Conv3D valid, MaxPooling3D, Conv3DTranspose, ZeroPadding3D."""
    x = keras.Input(shape=(None, 6, 6, 1))
    y = L.Conv3D(2, 3, strides=(2, 1, 1))(x)
    y = L.MaxPooling3D((2, 2, 2))(y)
    y = L.Conv3DTranspose(2, 3, strides=(2, 1, 1))(y)
    y = L.ZeroPadding3D(((1, 0), (0, 0), (0, 0)))(y)
    return keras.Model(x, y, name="conv3d_chain")


def resnet50() -> keras.Model:
    """keras.applications.ResNet50 (random weights, no top, global average pooling): a real library model."""
    return keras.applications.ResNet50(weights=None, include_top=False, input_shape=(None, None, 3), pooling="avg")


def mobilenet_v2() -> keras.Model:
    """keras.applications.MobileNetV2 (alpha 0.35, random weights, no top): depthwise convolutions, ReLU6,
    ZeroPadding2D before each strided block, inverted-residual Add."""
    return keras.applications.MobileNetV2(
        weights=None, include_top=False, alpha=0.35, input_shape=(None, None, 3), pooling="avg"
    )


def depthwise() -> keras.Model:
    """Depthwise convolutions: valid, strided, dilated (TensorFlow: space-to-batch), 1-D after a Reshape."""
    x = keras.Input(shape=(None, 8, 2))
    y = L.DepthwiseConv2D(3, depth_multiplier=2)(x)
    y = L.DepthwiseConv2D(3, strides=2, padding="same")(y)
    y = L.DepthwiseConv2D((3, 1), dilation_rate=(2, 1))(y)
    y = L.Reshape((-1, 4))(y)
    y = L.DepthwiseConv1D(3, dilation_rate=2)(y)
    return keras.Model(x, y, name="depthwise")


def nested() -> keras.Model:
    """A Sequential encoder and a Functional decoder called as layers of an outer model (read in place, each
    nested model's own input check included), with a skip from the outer input."""
    encoder = keras.Sequential(
        [keras.Input(shape=(None, None, 1)), L.Conv2D(4, 3, strides=2, padding="same"), L.MaxPooling2D(2)],
        name="encoder",
    )
    z = keras.Input(shape=(None, None, 4))
    decoder = keras.Model(z, L.Conv2DTranspose(1, 4, strides=4)(z), name="decoder")
    x = keras.Input(shape=(None, None, 1))
    y = L.Concatenate()([x, decoder(encoder(x))])
    return keras.Model(x, L.Conv2D(2, 1)(y), name="nested")


@dataclass(frozen=True)
class Entry:
    factory: Callable[[], keras.Model]
    spec: str
    # each symbolic dim's largest swept size, and the size the other dims are held at
    top: int = 48
    base: dict[str, int] = field(default_factory=dict)
    # the JAX backend compiles every op at every new shape (~0.3 s a size): its sweep stops here, on the first dim
    jax_top: int = 20
    # the backends that sweep it, and whether the probe reads it from a saved .keras file (a 94 MB ResNet: no)
    backends: tuple[str, ...] = ("tensorflow", "jax")
    saved: bool = True


ZOO: dict[str, Entry] = {
    "conv_chain": Entry(conv_chain, "1,H,W,1", 48, {"H": 24, "W": 24}),
    "unet2": Entry(unet2, "1,H,W,1", 48, {"H": 16, "W": 16}),
    "audio1d": Entry(audio1d, "1,T,1", 160, {}, 48),
    "pooling": Entry(pooling, "1,H,W,1", 48, {"H": 24, "W": 24}),
    "transposed": Entry(transposed, "1,H,W,1", 48, {"H": 16, "W": 16}),
    "merges": Entry(merges, "1,H,W,1", 40, {"H": 12, "W": 12}),
    "flatten_dense": Entry(flatten_dense, "1,H,W,1", 24, {"H": 12, "W": 12}),
    "sequential": Entry(sequential, "1,H,W,1", 48, {"H": 24, "W": 24}),
    "resize": Entry(resize3d, "1,H,W,1", 32, {"H": 16, "W": 16}),
    "conv3d_chain": Entry(conv3d_chain, "1,D,6,6,1", 40, {}),
    "depthwise": Entry(depthwise, "1,H,8,2", 48, {}),
    "nested": Entry(nested, "1,H,W,1", 48, {"H": 16, "W": 16}),
    "mobilenet_v2": Entry(mobilenet_v2, "1,H,W,3", 40, {"H": 32, "W": 32}, backends=("tensorflow",)),
    "resnet50": Entry(resnet50, "1,H,W,3", 40, {"H": 32, "W": 32}, backends=("tensorflow",), saved=False),
}


def sizes(name: str, backend: str = "tensorflow") -> list[dict[str, int]]:
    """The sweep on ``backend``: each symbolic dim over 1..top, the others at their base (jax: the first dim
    over 1..jax_top; the zoo's models treat H and W alike, and the tensorflow sweep covers both)."""
    entry = ZOO[name]
    if backend not in entry.backends:
        return []
    top = min(entry.top, entry.jax_top) if backend == "jax" else entry.top
    dims = [d for d in entry.spec.split(",") if d.isidentifier()]
    swept = dims[:1] if backend == "jax" or not entry.saved else dims
    return [{**{o: entry.base[o] for o in dims if o != d}, d: v} for d in swept for v in range(1, top + 1)]


def shape(spec: str, values: dict[str, int]) -> list[int]:
    return [values[d] if d.isidentifier() else int(d) for d in spec.split(",")]
