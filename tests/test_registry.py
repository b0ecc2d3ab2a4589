"""The framework registry (derive/registry.py): every record's folder holds its files, and no folder is left out."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from derive import frameworks, inverse, registry
from derive.catalogue import discover, everything
from derive.errors import ParameterError

ROOT = Path(__file__).parent.parent
FOLDER = ROOT / "derive" / "frameworks"
CONFORMANCE = ROOT / "tests" / "conformance"
RECORDS = [pytest.param(f, id=f.key) for f in registry.FRAMEWORKS]
#: what a framework's folder may hold beyond the files its record names (and private helpers, _*.py)
OPTIONAL = {"tests/test_inverse.py", "tests/requirements.pre.txt"}


def private(name: str) -> bool:
    """A private helper module of the folder or its tests (``_layers.py``, ``tests/_grid.py``)."""
    return name.rsplit("/", 1)[-1].startswith("_") and name.endswith(".py") and not name.endswith("__init__.py")


def files(record: registry.Framework) -> set[str]:
    """The files a record says its folder holds."""
    named = {"__init__.py", "inverse.py", "claims.py", "tests/__init__.py", "tests/test_model.py"}
    if record.probe:
        named |= {"tests/probe.py", "tests/test_conformance.py"}
    if record.side_venv:
        named.add("tests/requirements.txt")
    return named


@pytest.mark.parametrize("record", RECORDS)
def test_record_files_exist(record):
    """A record's folder holds its model, inverse, claims, tests, and its probe and requirements when it says so."""
    folder = Path(record.folder)
    assert folder == FOLDER / record.key
    for name in files(record):
        assert (folder / name).is_file(), name
    model = frameworks.get(record.key)
    assert model.__name__ == record.model == f"derive.frameworks.{record.key}"
    assert callable(model.conv_length) and callable(model.conv_transpose_length)
    module = importlib.import_module(record.inverse_module)
    assert issubclass(getattr(module, record.inverse), inverse.Space)
    assert getattr(module, record.inverse).framework == record.key
    assert discover([record.key]) == [Path(record.claims)]
    assert (record.probe_script is not None) == record.probe and (record.requirements is not None) == record.side_venv


@pytest.mark.parametrize("record", RECORDS)
def test_every_spelling_finds_the_record(record):
    """The key and each alias, in any case, name the framework's model, its space and its claims."""
    for name in (record.key, record.key.upper(), *record.aliases):
        assert registry.key(name) == record.key
        assert frameworks.get(name) is frameworks.get(record.key)
        assert type(inverse.space(name)).__name__ == record.inverse
        assert discover([name]) == [Path(record.claims)]


def test_unknown_names_are_refused():
    """A name that is no key or alias gets one error naming the parameter and every key."""
    assert registry.key("theano") is None and registry.key(3) is None  # type: ignore[arg-type]
    for lookup in (frameworks.get, inverse.space):
        with pytest.raises(ParameterError, match="'framework' must be one of torch, tensorflow"):
            lookup("theano")
    with pytest.raises(ParameterError, match="'path' must be a proof script"):
        discover(["theano"])


def test_no_framework_file_is_left_out():
    """Every framework folder belongs to a record and holds only the files it names; nothing of a framework is left
    in the shared trees (derive/inverse, proofs, tests, tests/conformance)."""
    folders = {p.name for p in FOLDER.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders == set(registry.NAMES)
    for record in registry.FRAMEWORKS:
        folder = Path(record.folder)
        held = {
            p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        }
        assert {f for f in held - OPTIONAL if not private(f)} == files(record), record.key
    # beside the folders only the package and its shared private modules (_model.py, _axes.py)
    assert {p.name for p in FOLDER.glob("*.py") if not p.name.startswith("_")} == set()
    assert {p.name for p in (ROOT / "derive" / "inverse").glob("*.py") if not p.name.startswith("_")} == set()
    assert not list((ROOT / "derive" / "spaces").glob("*.py"))  # a checkout may keep its old __pycache__
    # proofs/ holds only what belongs to no one framework; cross-framework probes: port's alignment, derive net
    keys = set(registry.NAMES)
    assert not {p.stem for p in (ROOT / "proofs").glob("*.py")} & keys
    assert not {p.stem.removeprefix("probe_").removeprefix("test_") for p in CONFORMANCE.glob("*.py")} & keys
    assert not list((ROOT / "tests").glob("test_framework_*.py")) + list((ROOT / "tests").glob("test_space_*.py"))


def test_the_catalogue_holds_every_framework():
    """``derive prove`` with no path reads every framework's claims and every script of proofs/, each once."""
    scripts = everything(ROOT / "proofs")
    assert len(scripts) == len(set(scripts))
    assert {Path(f.claims) for f in registry.FRAMEWORKS} <= set(scripts)
    assert {p for p in (ROOT / "proofs").glob("*.py")} <= set(scripts)


def test_keys_and_aliases_are_unique():
    """No alias is also a key, or names two frameworks; every spelling is lower case."""
    aliases = [a for f in registry.FRAMEWORKS for a in f.aliases]
    assert len(set(aliases)) == len(aliases) and not set(aliases) & set(registry.NAMES)
    assert all(name == name.lower() for name in [*aliases, *registry.NAMES])


def test_help_lists_every_spelling(capsys):
    """The commands that take a framework list every key with its aliases in their help (keras (keras3), ...)."""
    from derive.cli import main

    assert "keras (keras3), keras2 (tf.keras, tf_keras)" in registry.listing()
    for command in ("shape", "solve", "explain", "knobs"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert all(spelling in text for f in registry.FRAMEWORKS for spelling in (f.key, *f.aliases)), command
