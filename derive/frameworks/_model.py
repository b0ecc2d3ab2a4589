"""A framework operation as data: its length expression plus its validity predicates.

Each framework module (``derive/frameworks/<name>.py``) declares :class:`Operation` values, one
per operation whose length rule it models, and exposes ``conv_length`` / ``conv_transpose_length``
functions taking the framework's own keyword names and defaults. The same ``Operation`` serves
numeric calls (ints in, int out, or :class:`~derive.errors.FrameworkError` with the framework's own
message where the framework refuses) and symbolic ones (SymPy in, SymPy out; the requirements
come back as SymPy Booleans through :meth:`Operation.conditions`).
"""

from __future__ import annotations

from .. import _arith as A
from .._record import field, record
from ..errors import FrameworkCrashError, FrameworkError, ParameterError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    Args = Mapping[str, Any]


class _Cached:
    """``functools.cached_property`` without importing functools (explain's start-up): the value is computed on
    first read and kept in the instance's ``__dict__``, where it wins over this non-data descriptor."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn, self.name = fn, fn.__name__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


@record
class Requirement:
    """One check the framework makes, with the framework's own message."""

    # a short statement of the rule, e.g. "output_padding < stride or output_padding < dilation"
    rule: str
    # the predicate over the call's arguments (a dict that includes "n"); bool or SymPy Boolean
    holds: Callable[[Args], Any]
    # the framework's message: a str.format template over the arguments, or a function of them
    message: str | Callable[[Args], str]
    # the exception class the framework raises; for a crash, the signal that kills the process
    error: str = "ValueError"
    # True when breaking the rule aborts the process instead of raising (FrameworkCrashError, not a refusal)
    crash: bool = field(default=False, kw_only=True)

    def text(self, args: Args) -> str:
        return self.message(args) if callable(self.message) else self.message.format(**args)

    def failure(self, framework: str, args: Args) -> FrameworkError:
        """The error the framework gives when this requirement is broken (a crash or a refusal)."""
        if self.crash:
            return FrameworkCrashError(framework, self.text(args), self.error, self.rule)
        return FrameworkError(framework, self.text(args), self.error, self.rule)


@record
class Condition:
    """A requirement instantiated at one call: the predicate's value and the message it would print."""

    requirement: Requirement
    predicate: Any  # bool | sympy.Boolean
    # the call's arguments, from which the message is formatted on demand (symbolic formatting is slow)
    args: Args = field(repr=False, compare=False)

    @property
    def message(self) -> str:
        return self.requirement.text(self.args)


#: integer arguments that may also be a padding mode's name
_MODE_ARGS = frozenset({"padding", "pad", "pads", "crop"})


@record
class Operation:
    """One operation's length rule: ``length(args)`` is defined wherever every requirement holds."""

    # framework key, as registered in derive.frameworks (e.g. "torch")
    framework: str
    # the call users write, e.g. "torch.nn.ConvTranspose1d"
    name: str
    # "conv" or "conv_transpose"
    kind: str
    # the framework's keyword names and defaults, in signature order ("n" is implicit)
    defaults: tuple[tuple[str, Any], ...]
    # the output length from the arguments (ints or SymPy)
    length: Callable[[Args], Any]
    # checks in the order the framework makes them (the first failing one is the error raised)
    requires: tuple[Requirement, ...] = ()
    # for a caller-chosen output length (output_size, output_shape, ...): the accepted interval (lo, hi)
    accepted: Callable[[Args], tuple[Any, Any]] | None = None
    # where the rule lives in the framework's source (path::function)
    source: str = ""
    # "live": checked against the installed framework by tests/conformance; "code-read": from source only
    confirmed: str = "live"
    # names of the arguments that are lengths/counts (validated as integers); others pass through
    integer_args: tuple[str, ...] = field(default=())

    @_Cached
    def _names(self) -> dict[str, Any]:
        return dict(self.defaults)

    def bind(self, n: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments with defaults filled in; unknown names and non-integers raise ParameterError."""
        names = self._names
        if not names.keys() >= kwargs.keys():
            unknown = sorted(set(kwargs) - set(names))
            takes = ", ".join(names)
            raise ParameterError(unknown[0], f"is not an argument of {self.name} (takes {takes})", kwargs[unknown[0]])
        args = {**names, **kwargs, "n": n if type(n) is int else A.param("n", n)}
        for key in self.integer_args:
            value = args.get(key)
            # strings too ('²', '3' must not reach the arithmetic), except a padding's mode name
            if type(value) is not int and value is not None and not (isinstance(value, str) and key in _MODE_ARGS):
                args[key] = A.param(key, value)
        return args

    def conditions(self, n: Any, **kwargs: Any) -> list[Condition]:
        """Every requirement at this call, as a bool or SymPy Boolean with its message."""
        args = self.bind(n, kwargs)
        return [Condition(r, r.holds(args), args) for r in self.requires]

    def check(self, args: Args) -> None:
        """Raise the framework's error for the first requirement that is decided false."""
        for r in self.requires:
            if A.is_false(r.holds(args)):
                raise r.failure(self.framework, args)

    def __call__(self, n: Any, **kwargs: Any) -> Any:
        """The output length (numeric calls check every requirement first; symbolic ones do not)."""
        args = self.bind(n, kwargs)
        self.check(args)
        return self.length(args)

    def accepted_lengths(self, n: Any, **kwargs: Any) -> tuple[Any, Any]:
        """The interval of output lengths the caller may choose (only for ops with ``accepted``)."""
        if self.accepted is None:
            raise ParameterError("output size", f"cannot be chosen by the caller in {self.name}", None)
        args = self.bind(n, kwargs)
        self.check(args)
        return self.accepted(args)
