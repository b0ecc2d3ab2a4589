"""The frameworks derive models: one record per framework, read by everything that lists them.

``derive.frameworks`` (the models), ``derive.spaces`` (their inverses), the document's chapter order,
the parametrised tests (tests/test_spaces.py, tests/test_registry.py) and the Makefile's side venvs
(one requirements file each) all come from :data:`FRAMEWORKS`; adding a framework adds one record here.
Nothing is imported: a record names modules and files, so reading it costs ``derive explain`` nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    """Where one framework lives: its model, its inverse, its proofs, its live probe and its install."""

    # the key users type and every table uses, e.g. "torch"
    key: str
    # other spellings users type for it (lower case), e.g. ("pytorch",)
    aliases: tuple[str, ...] = ()
    # the model module under derive/frameworks/ (conv_length, conv_transpose_length, its Operations)
    model: str = ""
    # the inverse ("module:Class" under derive/spaces/): the parameter space solve/explain/port search
    inverse: str = ""
    # the proof script under proofs/ (its CLAIMS and DERIVATIONS make the framework's chapter)
    proofs: str = ""
    # the live probe under tests/conformance/ (None: no registry serves the framework, the model is code-read)
    probe: str | None = None
    # a side venv's requirements file under tests/conformance/requirements/ (None: the main venv's
    # `conformance` extra in pyproject.toml installs it, or nothing does)
    requirements: str | None = None
    # the probe skips, even in CI, when its framework is missing (no package registry serves it)
    optional: bool = False

    def __post_init__(self) -> None:
        # the defaults follow the key: torch -> frameworks/torch.py, proofs/torch.py, probe_torch.py
        for name, value in (("model", self.key), ("proofs", f"{self.key}.py")):
            if not getattr(self, name):
                object.__setattr__(self, name, value)

    @property
    def inverse_module(self) -> str:
        """The module under derive/spaces/ holding the inverse, e.g. ``keras`` for keras2."""
        return self.inverse.partition(":")[0]

    @property
    def inverse_class(self) -> str:
        """The inverse's class name, e.g. ``Keras2Space``."""
        return self.inverse.partition(":")[2]


#: every framework, in the order chapters, tables and listings show them
FRAMEWORKS: tuple[Framework, ...] = (
    Framework("torch", ("pytorch",), inverse="torch:TorchSpace", probe="probe_torch.py"),
    Framework("tensorflow", ("tf",), inverse="tensorflow:TensorflowSpace", probe="probe_tensorflow.py"),
    Framework("keras", ("keras3",), inverse="keras:KerasSpace", probe="probe_keras.py"),
    Framework("keras2", ("tf.keras", "tf_keras"), inverse="keras:Keras2Space", probe="probe_keras2.py"),
    Framework("jax", inverse="jax:JaxSpace", probe="probe_jax.py"),
    Framework("flax", inverse="flax:FlaxSpace", probe="probe_flax.py"),
    Framework("onnx", inverse="onnx:OnnxSpace", probe="probe_onnx.py"),
    Framework("caffe", inverse="caffe:CaffeSpace"),
    Framework("mxnet", inverse="mxnet:MxnetSpace", probe="probe_mxnet.py", requirements="mxnet.txt"),
    Framework("paddle", inverse="paddle:PaddleSpace", probe="probe_paddle.py", requirements="paddle.txt"),
    Framework("chainer", inverse="chainer:ChainerSpace", probe="probe_chainer.py", requirements="chainer.txt"),
    Framework("lasagne", inverse="lasagne:LasagneSpace", probe="probe_lasagne.py", optional=True),
    Framework("tinygrad", inverse="tinygrad:TinygradSpace", probe="probe_tinygrad.py", requirements="tinygrad.txt"),
)

#: framework key -> record
BY_KEY: dict[str, Framework] = {f.key: f for f in FRAMEWORKS}

#: registered framework keys, in order
NAMES: tuple[str, ...] = tuple(BY_KEY)

#: alias -> framework key
ALIASES: dict[str, str] = {alias: f.key for f in FRAMEWORKS for alias in f.aliases}


def key(name: str) -> str | None:
    """The framework key ``name`` (a key or an alias, any case) spells, or None."""
    if not isinstance(name, str):
        return None
    lowered = name.lower()
    found = ALIASES.get(lowered, lowered)
    return found if found in BY_KEY else None
