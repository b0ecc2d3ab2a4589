"""LaTeX's text mode: plain text, code and docstring prose escaped for the documents, and their tables
(:mod:`derive.latex` is the math mode: SymPy expressions and propositions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_UNICODE = {
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "⌈": r"$\lceil$",
    "⌉": r"$\rceil$",
    "≤": r"$\le$",
    "≥": r"$\ge$",
    "≠": r"$\ne$",
    "≡": r"$\equiv$",
    "∈": r"$\in$",
    "·": r"$\cdot$",
    "×": r"$\times$",
    "−": "-",
    "–": "--",
    "—": "---",
    "→": r"$\to$",
    "↦": r"$\mapsto$",
    "∘": r"$\circ$",
    "⟺": r"$\Leftrightarrow$",
    "⟹": r"$\Rightarrow$",
    "…": r"\dots{}",
    "ℓ": r"$\ell$",
    "’": "'",
    "‘": "`",
    "“": "``",
    "”": "''",
    "é": r"\'e",
    "ö": r"\"o",
    "ü": r"\"u",
}
#: the characters LaTeX treats specially (or sets wrongly in text), as text-mode commands
SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\^{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_SPECIAL = {**SPECIAL, "|": r"\textbar{}"}


def _char(c: str) -> str:
    if c.isspace():
        return " "  # a newline inside a cell or a \texttt would end the paragraph
    if c in _SPECIAL:
        return _SPECIAL[c]
    if c in _UNICODE:
        return _UNICODE[c]
    if ord(c) < 128:
        return c
    return unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode() or "?"


def escape(text: str) -> str:
    """Plain text for LaTeX's text mode (special characters escaped, the notation's Unicode as math)."""
    return "".join(_char(c) for c in text)


def tt(text: str) -> str:
    """Code in a typewriter font; lines may break at its spaces and after ``/ : , ( - . _``."""
    return r"\texttt{" + "".join(_char(c) + (r"\allowbreak{}" if c in "/:,(-._" else "") for c in text) + "}"


def quotes(text: str) -> str:
    """Straight double quotes as LaTeX's opening and closing quotes."""
    return re.sub(r'"([^"]*)"', r"``\1''", text)


def prose(text: str) -> str:
    """A docstring paragraph for LaTeX: ``code`` and :role:`code` in typewriter, the rest escaped."""
    out = []
    for i, part in enumerate(re.split(r"(?::\w+:)?``?([^`]+)``?", text)):
        out.append(tt(part) if i % 2 else quotes(escape(part)).replace(r"\_", r"\_\allowbreak{}"))
    return "".join(out)


def rich(text: str) -> str:
    """Prose with inline ``$math$`` kept as written and ``code`` in typewriter (the questions' answers)."""
    return "".join(part if i % 2 else prose(part) for i, part in enumerate(re.split(r"(\$[^$]*\$)", text)))


def paragraphs(doc: str) -> list[str]:
    """A docstring's paragraphs, each joined into one line."""
    return [
        " ".join(line.strip() for line in block.splitlines())
        for block in re.split(r"\n\s*\n", doc.strip())
        if block.strip()
    ]


def slug(text: str) -> str:
    """The same slug claim ids use (lower case, runs of other characters as one dash)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def column_spec(fraction: float, columns: int) -> str:
    """A ``p`` column taking ``fraction`` of the line once the ``columns - 1`` column gaps are paid for.

    Fractions that sum to 1 fill the line exactly (with ``@{}`` at both ends): no overfull table.
    """
    gaps = 2 * (columns - 1) * fraction
    return rf"p{{\dimexpr {fraction:.3f}\linewidth-{gaps:.3f}\tabcolsep\relax}}"


def table_cell(text: str) -> str:
    """Table-cell text: escaped, and breakable after underscores (``deconv_output_length``, ``cover_all``)."""
    return escape(text).replace(r"\_", r"\_\allowbreak{}")


def longtable(
    spec: str,
    header: str,
    rows: Sequence[str],
    caption: str = "",
    label: str = "",
    sep: str = "",
    size: str = r"\small",
) -> str:
    """A (small, booktabs) longtable whose header repeats on every page; the caption and label appear once."""
    first = rf"\caption{{{caption}}}\label{{{label}}}\\" + "\n" if caption else ""
    head = rf"\toprule {header} \\ \midrule"
    return "\n".join(
        [
            "{" + size + (rf"\setlength{{\tabcolsep}}{{{sep}}}" if sep else ""),
            rf"\begin{{longtable}}{{{spec}}}",
            first + head + r" \endfirsthead",
            head + r" \endhead",
            *rows,
            r"\bottomrule",
            r"\end{longtable}}",
        ]
    )
