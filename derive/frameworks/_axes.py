"""An N-d call, one axis at a time: its arguments split per axis, and its checks made over the axes."""

from __future__ import annotations

from .. import _arith as A
from ..errors import ParameterError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any


def per_axis(rank: int, name: str, value: Any) -> list[Any]:
    """One value per axis: a tuple of the right length, or one value shared by every axis."""
    if isinstance(value, (tuple, list)):
        if len(value) != rank:
            raise ParameterError(name, f"must have one value per spatial axis ({rank})", value)
        return list(value)
    return [value] * rank


def split(kw: Mapping[str, Any], dims: int) -> list[dict[str, Any]]:
    """One argument dict per axis: a scalar serves every axis, a tuple or list gives one entry per axis."""
    for key, value in kw.items():
        if isinstance(value, (tuple, list)) and len(value) != dims:
            raise ParameterError(key, f"must be a scalar or have {dims} entries, one per axis", value)
    return [{key: v[i] if isinstance(v, (tuple, list)) else v for key, v in kw.items()} for i in range(dims)]


def check_each(op: Any, axes: Sequence[Mapping[str, Any]], requires: Sequence[Any] | None = None) -> None:
    """Each requirement of ``op`` (or just ``requires``) over every axis before the next one, the order these
    frameworks check an N-d call in: the first broken one raises the framework's error."""
    for r in op.requires if requires is None else requires:
        for args in axes:
            if A.is_false(r.holds(args)):
                raise r.failure(op.framework, args)
