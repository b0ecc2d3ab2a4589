"""Suite-wide settings: the models' machine-dependent defaults are pinned so every CPU sees the same suite; the whole
proof catalogue is loaded and decided once per session (test_catalogue checks its verdicts, test_document renders
the committed documents from the same report: deciding it takes minutes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# TensorFlow's default CPU kernels depend on the CPU (derive.machine): the unit tests read the Eigen
# defaults; conformance probes set TF_ENABLE_ONEDNN_OPTS themselves and test every family explicitly
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

PROOFS = Path(__file__).parent.parent / "proofs"


@pytest.fixture(scope="session")
def whole_catalogue():
    """Every claim and derivation of proofs/*.py (loaded, not decided)."""
    from derive.catalogue import discover, load_catalogue

    return load_catalogue(discover([PROOFS]))


@pytest.fixture(scope="session")
def whole_report(whole_catalogue):
    """The verdicts of the whole catalogue, decided once per session."""
    from derive.catalogue import run

    return run(whole_catalogue.claims)
