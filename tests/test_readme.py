"""The README's examples run as shown: its Python sessions and its `$ derive ...` transcripts."""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from derive.cli import main

README = Path(__file__).parent.parent / "README.md"


def test_python_examples():
    """Every `>>>` example in the README gives the output printed under it."""
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 5


def transcripts() -> list[tuple[str, str]]:
    """Each `$ derive ...` line of the README with the lines printed under it."""
    cases = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S):
        command, output = None, []
        for line in [*block.splitlines(), "$"]:
            if line.startswith("$"):
                if command:
                    cases.append((command, "\n".join(output)))
                command, output = line[1:].strip() or None, []
            elif command:
                output.append(line)
    return cases


@pytest.mark.parametrize(("command", "expected"), transcripts())
def test_cli_transcripts(command, expected, capsys):
    """The command prints exactly what the README shows (stdout, or the error line on stderr)."""
    argv = shlex.split(command.split("#")[0])
    assert argv[0] == "derive"
    code = main(argv[1:])
    captured = capsys.readouterr()
    shown = captured.out if code != 2 else captured.err
    assert shown.strip() == expected.strip()
