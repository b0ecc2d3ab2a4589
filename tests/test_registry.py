"""The framework registry (derive/registry.py): every record's files exist, and no framework file is left out of it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from derive import frameworks, registry, spaces
from derive.errors import ParameterError

ROOT = Path(__file__).parent.parent
CONFORMANCE = ROOT / "tests" / "conformance"
RECORDS = [pytest.param(f, id=f.key) for f in registry.FRAMEWORKS]
# proof scripts that belong to no one framework
SHARED_PROOFS = {"generic.py", "dumoulin_visin.py", "networks.py"}


@pytest.mark.parametrize("record", RECORDS)
def test_record_files_exist(record):
    """A record's model, inverse, proof script, probe and requirements are all in the tree."""
    model = frameworks.get(record.key)
    assert model.__name__ == f"derive.frameworks.{record.model}"
    assert callable(model.conv_length) and callable(model.conv_transpose_length)
    inverse = importlib.import_module(f"derive.spaces.{record.inverse_module}")
    assert issubclass(getattr(inverse, record.inverse_class), spaces.Space)
    assert (ROOT / "proofs" / record.proofs).is_file()
    if record.probe is not None:
        assert (CONFORMANCE / record.probe).is_file()
    if record.requirements is not None:
        assert (CONFORMANCE / "requirements" / record.requirements).is_file()
        assert record.probe is not None


@pytest.mark.parametrize("record", RECORDS)
def test_every_spelling_finds_the_record(record):
    """The key and each alias, in any case, name the framework's model and its space."""
    for name in (record.key, record.key.upper(), *record.aliases):
        assert registry.key(name) == record.key
        assert frameworks.get(name) is frameworks.get(record.key)
        assert type(spaces.space(name)).__name__ == record.inverse_class


def test_unknown_names_are_refused():
    """A name that is no key or alias gets one error naming the parameter and every key."""
    assert registry.key("theano") is None and registry.key(3) is None  # type: ignore[arg-type]
    for lookup in (frameworks.get, spaces.space):
        with pytest.raises(ParameterError, match="'framework' must be one of torch, tensorflow"):
            lookup("theano")


def test_no_framework_file_is_left_out():
    """Every model, inverse, framework proof script, probe and side-venv requirements file belongs to a record."""
    records = registry.FRAMEWORKS
    derive = ROOT / "derive"

    def stems(folder: Path, pattern: str = "*.py") -> set[str]:
        return {p.name for p in folder.glob(pattern) if not p.name.startswith("_")}

    assert stems(derive / "frameworks") == {f"{f.model}.py" for f in records}
    assert stems(derive / "spaces") == {f"{f.inverse_module}.py" for f in records}
    scripts = {p for p in stems(ROOT / "proofs") if not p.startswith("question_")} - SHARED_PROOFS
    assert scripts == {f.proofs for f in records}
    # cross-framework probes: port's sample alignment, and whole networks (derive net)
    probes = {p for p in stems(CONFORMANCE, "probe_*.py") if not p.startswith("probe_alignment") and "_net_" not in p}
    assert probes == {f.probe for f in records if f.probe is not None}
    requirements = {p for p in stems(CONFORMANCE / "requirements", "*.txt") if not p.endswith(".pre.txt")}
    assert requirements == {f.requirements for f in records if f.requirements is not None}


def test_keys_and_aliases_are_unique():
    """No alias is also a key, or names two frameworks; every spelling is lower case."""
    aliases = [a for f in registry.FRAMEWORKS for a in f.aliases]
    assert len(set(aliases)) == len(aliases) and not set(aliases) & set(registry.NAMES)
    assert all(name == name.lower() for name in [*aliases, *registry.NAMES])
