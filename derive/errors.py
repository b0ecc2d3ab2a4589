"""The library's one error family: every misuse raises a subclass of ``DeriveError`` (a ``ValueError``)."""

from __future__ import annotations


class DeriveError(ValueError):
    """Base of every error derive raises for bad input or an unsupported request."""


class ParameterError(DeriveError):
    """A parameter broke one of derive's own rules.

    The message names the parameter, the rule and the value, e.g.
    ``'stride' must be a positive integer (got 0)``.
    """

    def __init__(self, parameter: str, rule: str, value: object, context: str = "") -> None:
        self.parameter = parameter
        self.rule = rule
        self.value = value
        suffix = f", {context}" if context else ""
        super().__init__(f"'{parameter}' {rule} (got {value!r}{suffix})")


class FrameworkError(DeriveError):
    """The modelled framework would refuse this call; the message is the framework's own text."""

    def __init__(self, framework: str, message: str, error: str = "", requirement: str = "") -> None:
        self.framework = framework
        self.message = message
        # the exception class the framework itself raises (e.g. "RuntimeError")
        self.error = error
        # the short name of the broken requirement (e.g. "output_padding < stride or dilation")
        self.requirement = requirement
        kind = f"{error}: " if error else ""
        super().__init__(f"{framework} refuses: {kind}{message}")


class FrameworkCrashError(FrameworkError):
    """The modelled framework would not refuse this call but abort the whole process (e.g. SIGABRT).

    A subclass of :class:`FrameworkError` (no length comes back either way), told apart because a crash
    takes the caller's process with it: ``message`` is what the framework prints as it dies.
    """

    def __init__(self, framework: str, message: str, signal: str = "SIGABRT", requirement: str = "") -> None:
        super().__init__(framework, message, signal, requirement)
        self.signal = signal
        # DeriveError's text: say it kills the process, not that it refuses
        self.args = (f"{framework} aborts the process ({signal}): {message}",)


class UnsupportedExpressionError(DeriveError):
    """A proposition contains a construct or symbol the prover cannot translate soundly."""
