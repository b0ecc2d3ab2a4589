"""The frameworks derive models: one record per framework, read by everything that lists them.

Each framework lives in one folder, ``derive/frameworks/<key>/``:

* ``__init__.py`` the model (``derive.frameworks.<key>``: ``conv_length``, ``conv_transpose_length``, its
  ``Operation`` values);
* ``inverse.py`` the inverse: the parameter space ``solve``/``explain``/``port`` search (a ``Space`` subclass);
* ``claims.py`` the proof claims (``CLAIMS``, ``DERIVATIONS``) that make its chapter of the documents;
* ``tests/`` the model's tests (``test_model.py``), the inverse's tables (``test_inverse.py``), the live probe
  (``probe.py``, run as a subprocess script: the library never imports it), the test comparing the model with it
  (``test_conformance.py``) and, for a framework whose pins clash with the main venv, ``requirements.txt``.

``derive.frameworks`` (the models), ``derive.inverse`` (the inverses), ``derive prove`` (the claims), the
document's chapter order, the parametrised tests (tests/test_inverses.py, tests/test_registry.py) and the
Makefile's side venvs all come from :data:`FRAMEWORKS`; adding a framework adds its folder and one record here.
Nothing is imported: a record names modules and files, so reading it costs ``derive explain`` nothing.
"""

from __future__ import annotations

import os

from ._record import record

#: the folder holding one folder per framework (os.path, not pathlib: pathlib costs explain's start-up)
FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "frameworks")


@record
class Framework:
    """One framework: its key and spellings, and what its folder ``derive/frameworks/<key>/`` holds."""

    # the key users type and every table uses, e.g. "torch" (and the folder's name)
    key: str
    # other spellings users type for it (lower case), e.g. ("pytorch",)
    aliases: tuple[str, ...] = ()
    # the inverse's class name in inverse.py, e.g. "TorchSpace"
    inverse: str = ""
    # tests/probe.py runs the real framework (False: no registry serves the framework, the model is code-read)
    probe: bool = True
    # tests/requirements.txt pins a side venv the Makefile builds (.venv-frameworks/<key>; else the main venv's
    # `conformance` extra in pyproject.toml installs the framework, or nothing does)
    side_venv: bool = False
    # the probe skips, even in CI, when its framework is missing (no package registry serves it)
    optional: bool = False

    @property
    def folder(self) -> str:
        """The framework's folder, e.g. ``.../derive/frameworks/torch``."""
        return os.path.join(FOLDER, self.key)

    @property
    def model(self) -> str:
        """The model's module, e.g. ``derive.frameworks.torch``."""
        return f"derive.frameworks.{self.key}"

    @property
    def inverse_module(self) -> str:
        """The inverse's module, e.g. ``derive.frameworks.torch.inverse``."""
        return f"{self.model}.inverse"

    @property
    def claims(self) -> str:
        """The proof claims' script, e.g. ``.../derive/frameworks/torch/claims.py``."""
        return os.path.join(self.folder, "claims.py")

    @property
    def probe_script(self) -> str | None:
        """The live probe's script (run in a subprocess), or None."""
        return os.path.join(self.folder, "tests", "probe.py") if self.probe else None

    @property
    def requirements(self) -> str | None:
        """The side venv's requirements file, or None."""
        return os.path.join(self.folder, "tests", "requirements.txt") if self.side_venv else None


#: every framework, in the order chapters, tables and listings show them
FRAMEWORKS: tuple[Framework, ...] = (
    Framework("torch", ("pytorch",), inverse="TorchSpace"),
    Framework("tensorflow", ("tf",), inverse="TensorflowSpace"),
    Framework("keras", ("keras3",), inverse="KerasSpace"),
    Framework("keras2", ("tf.keras", "tf_keras"), inverse="Keras2Space"),
    Framework("jax", inverse="JaxSpace"),
    Framework("flax", inverse="FlaxSpace"),
    Framework("onnx", inverse="OnnxSpace"),
    Framework("caffe", inverse="CaffeSpace", probe=False),
    Framework("mxnet", inverse="MxnetSpace", side_venv=True),
    Framework("paddle", inverse="PaddleSpace", side_venv=True),
    Framework("chainer", inverse="ChainerSpace", side_venv=True),
    Framework("lasagne", inverse="LasagneSpace", optional=True),
    Framework("tinygrad", inverse="TinygradSpace", side_venv=True),
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


def listing() -> str:
    """Every key with the other spellings it takes, for help texts: ``torch (pytorch), ..., keras (keras3), ...``."""
    return ", ".join(f"{f.key} ({', '.join(f.aliases)})" if f.aliases else f.key for f in FRAMEWORKS)
