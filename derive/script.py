"""A proof script run on its own: ``python <script>.py [derive prove options]`` is ``derive prove`` on that file
(``python derive/frameworks/torch/claims.py``, ``python proofs/generic.py``).

Kept apart from :mod:`derive.catalogue` because it runs the command line: the catalogue is what the command
line (and the document) read, so it never imports :mod:`derive.cli` itself.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .claims import Claim
from .cli import main as cli_main


def main(claims: list[Claim] | None = None, argv: Sequence[str] | None = None) -> int:
    """Entry point of a proof script run on its own: ``python <script>.py [derive prove options]``."""
    if claims is None:
        return cli_main(["prove", *(argv or sys.argv[1:])])
    caller = sys.argv[0]
    return cli_main(["prove", caller, *(argv if argv is not None else sys.argv[1:])])
