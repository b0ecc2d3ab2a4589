"""The whole proof catalogue is loaded and decided once per session (test_catalogue checks its verdicts, test_document
renders the committed documents from the same report: deciding it takes minutes). The suite-wide settings are in
the conftest.py at the top, which the frameworks' own tests (derive/frameworks/<key>/tests) read too."""

from __future__ import annotations

from pathlib import Path

import pytest

PROOFS = Path(__file__).parent.parent / "proofs"


@pytest.fixture(scope="session")
def whole_catalogue():
    """Every claim and derivation: each framework's claims.py and proofs/*.py (loaded, not decided)."""
    from derive.catalogue import everything, load_catalogue

    return load_catalogue(everything(PROOFS))


@pytest.fixture(scope="session")
def whole_report(whole_catalogue):
    """The verdicts of the whole catalogue, decided once per session."""
    from derive.catalogue import run

    return run(whole_catalogue.claims)
