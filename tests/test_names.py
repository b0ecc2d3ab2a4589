"""Names that mean one thing: a short capital alias of one of derive's modules names that module in every file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ("derive", "tests", "proofs", "bench")
#: a module alias short enough to need this rule (``A``, ``F``, ``Fx``, ``K2``, ``Las``)
SHORT = re.compile(r"[A-Z][A-Za-z0-9]{0,2}")


def _aliases(path: Path, root: Path) -> list[tuple[str, str, int]]:
    """``(alias, module, line)`` for each short capital alias of a derive module in ``path``."""
    package = list(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            pairs = [(a.asname, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            pairs = [(a.asname, f"{base}.{a.name}") for a in node.names]
        else:
            continue
        found += [(alias, module, node.lineno) for alias, module in pairs
                  if alias and SHORT.fullmatch(alias) and module.startswith("derive")]  # fmt: skip
    return found


def clashes(paths: list[Path], root: Path) -> dict[str, dict[str, str]]:
    """Each alias that names more than one derive module, with the first place of each."""
    meaning: dict[str, dict[str, str]] = {}
    for path in paths:
        for alias, module, line in _aliases(path, root):
            meaning.setdefault(alias, {}).setdefault(module, f"{path.relative_to(root)}:{line}")
    return {alias: where for alias, where in meaning.items() if len(where) > 1}


def test_each_short_alias_names_one_module():
    """``F`` is derive.families wherever derive's own modules are aliased, ``T`` TensorFlow's model, and so on."""
    paths = [p for tree in TREES for p in sorted((ROOT / tree).rglob("*.py"))]
    found = clashes(paths, ROOT)
    assert found == {}, "\n".join(f"{a}: {w}" for a, w in found.items())


def test_a_clash_is_found(tmp_path):
    """Two files aliasing different derive modules as F (one import relative) are reported, with both places."""
    (tmp_path / "derive").mkdir()
    (tmp_path / "derive" / "a.py").write_text("from derive import families as F\n")
    (tmp_path / "derive" / "b.py").write_text("import os\n\nfrom . import figures as F\n")
    paths = sorted((tmp_path / "derive").glob("*.py"))
    assert clashes(paths, tmp_path) == {"F": {"derive.families": "derive/a.py:1", "derive.figures": "derive/b.py:3"}}
