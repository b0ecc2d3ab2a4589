"""The proof catalogue: claims, their iffs, the runner, and `derive prove`."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp

from derive import ParameterError
from derive.catalogue import discover, everything, load, run, script_name, select
from derive.claims import Claim, decide
from derive.cli import main
from derive.second_opinion import cvc5_status

ROOT = Path(__file__).parent.parent
PROOFS = ROOT / "proofs"
n, s = sp.symbols("n s", integer=True, positive=True)


def write_script(tmp_path: Path, body: str, name: str = "extra.py") -> Path:
    path = tmp_path / name
    path.write_text("import sympy as sp\nfrom derive.claims import Claim\n" + textwrap.dedent(body))
    return path


@pytest.mark.slow
def test_every_script_runs_on_its_own(whole_catalogue):
    """Each proof script runs with plain python and exits 0 (its first claim, -k: the session decides them all)."""
    first = {}
    for claim in whole_catalogue.claims:
        first.setdefault(claim.script, claim.id)
    for script in everything(PROOFS):
        command = [sys.executable, str(script), "-k", first[script_name(script)]]
        run_ = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        assert run_.returncode == 0, (script, run_.stdout[-2000:], run_.stderr[-2000:])
        assert "0 off expectation" in run_.stdout


@pytest.mark.slow
def test_whole_catalogue_matches_expectations(whole_report):
    """Every claim of every script has its expected verdict, and every refutation its proved iff."""
    report = whole_report
    assert report.ok and len(report.results) > 50
    for r in report.results:
        assert r.verdict.status.value in ("proved", "refuted")
        if r.verdict.refuted:
            assert r.iff_verdict is not None and r.iff_verdict.proved
            assert r.example, r.claim.id


def test_refutation_without_iff_is_refused():
    """A claim expected to be refuted must state the condition under which it holds."""
    with pytest.raises(ParameterError, match="'iff' is required"):
        Claim("c", "generic", "m", "st", sp.Eq(sp.floor(n / s), n), expect="refuted")


def test_wrong_iff_is_not_ok():
    """An iff the prover cannot prove makes the result off expectation, though the verdict itself matches."""
    claim = Claim("c", "generic", "m", "st", sp.Eq(sp.floor(n / s), n), expect="refuted", iff=sp.Eq(n, 1))
    result = decide(claim)
    assert result.verdict.refuted and not result.iff_verdict.proved and not result.ok
    good = decide(Claim("c", "generic", "m", "st", sp.Eq(sp.floor(n / s), n), expect="refuted", iff=sp.Eq(s, 1)))
    assert good.ok


def test_unexpected_verdict_exits_1(tmp_path, capsys):
    """A claim whose verdict differs from its expectation fails the run (exit 1) and is listed."""
    script = write_script(
        tmp_path,
        """
        n = sp.Symbol("n", integer=True, positive=True)
        CLAIMS = [Claim("wrong", "generic", "m", "n >= 2", sp.Ge(n, 2), expect="proved")]
        """,
    )
    assert main(["prove", str(script)]) == 1
    out = capsys.readouterr().out
    assert "OFF: generic/m/wrong: expected proved, got refuted: n=1" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["prove", "nosuch.py"], "'path' must be a proof script"),
        (["prove", str(PROOFS), "-k", "no-claim-has-this"], "'-k' selects no claim"),
    ],
)
def test_bad_input_exits_2(argv, message, capsys):
    """Missing scripts and empty selections are bad input: one line, exit 2."""
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_duplicate_claim_ids_are_refused(tmp_path, capsys):
    """Two claims with one id would make reports ambiguous: refused as bad input."""
    body = """
    n = sp.Symbol("n", integer=True, positive=True)
    CLAIMS = [Claim("c", "generic", "m", "st", sp.Ge(n, 1), expect="proved")] * 2
    """
    assert main(["prove", str(write_script(tmp_path, body))]) == 2
    assert "is declared twice" in capsys.readouterr().err


def test_select_by_substring_and_glob(whole_catalogue):
    """-k matches a substring of id/statement/family, or a glob over ids."""
    claims = whole_catalogue.claims
    assert {c.framework for c in select(claims, "dumoulin")} == {"dumoulin-visin"}
    assert all(c.id.startswith("generic/same/") for c in select(claims, "generic/same/*"))


def test_json_and_smt2(tmp_path, capsys):
    """--json reports every claim; --smt2 writes each decided query, which cvc5 re-decides alike."""
    assert main(["prove", str(PROOFS / "generic.py"), "-k", "generic/same/*", "--json", "--smt2", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["claims"] == 8
    row = next(r for r in report["results"] if r["id"] == "generic/same/inferred-is-minimal-preimage")
    assert row["verdict"] == "refuted" and row["iff"] == "Eq(s, 1)" and row["iff_verdict"] == "proved"
    assert row["counterexample"] == {"d": 1, "k": 1, "n": 1, "s": 2}
    files = sorted(tmp_path.glob("*.smt2"))
    assert len(files) == 8 + 2  # two refuted claims add their iff queries
    for f in files:
        status = cvc5_status(f.read_text())
        assert status in ("proved", "refuted", "unknown") or status.startswith("skipped")


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_report_fits_the_terminal(width):
    """Each report line fits the width (an 80-column terminal keeps each verdict whole); --wide keeps every
    counterexample whole."""
    from derive.catalogue import summary_lines

    claims = select(load(discover(["tensorflow"])), "*xla-returns-output-shape")  # counterexamples
    claims += select(load(discover(["torch"])), "torch/output-padding-before*")  # a 39-character mode
    report = run(claims, jobs=1)
    lines = summary_lines(report, width)
    assert len(lines) == 1 + len(claims) >= 1 + 4
    assert all(len(line) <= width for line in lines)
    if width >= 80:
        iff = ["; iff proved" if r.claim.iff is not None else "" for r in report.results]
        verdicts = [r.verdict.status.value + i for r, i in zip(report.results, iff, strict=True)]
        assert all(v in line for v, line in zip(verdicts, lines[1:], strict=True))
    assert any(line.endswith("…") for line in lines[1:]) or width >= max(len(x) for x in summary_lines(report))
    wide = summary_lines(report)
    assert all(r.example and r.example in "\n".join(wide) for r in report.results)
