"""Which kernels a framework picks on this machine, read without importing the framework.

TensorFlow's Linux x86 wheels carry two CPU implementations of convolution: Eigen's and oneDNN's
(``_MklNative*`` ops), which accept and refuse different calls. ``tensorflow/core/util/port.cc::
IsMklEnabled`` picks oneDNN when ``TF_ENABLE_ONEDNN_OPTS`` says so ('1'/'true', '0'/'false', any case),
else by ``DefaultOneDnnPolicy``: on Linux, a CPU with AVX512_VNNI, AVX512_BF16, AVX_VNNI, AMX_TILE,
AMX_INT8 or AMX_BF16 (and Windows x86: always). XLA (``jit_compile=True``) is the caller's choice in
code, never a machine default.
"""

from __future__ import annotations

import os

from ._record import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from collections.abc import Mapping

#: /proc/cpuinfo flag names of the CPU features DefaultOneDnnPolicy tests
ONEDNN_CPU_FLAGS = ("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16")
ENV = "TF_ENABLE_ONEDNN_OPTS"
#: while set (see :func:`pinned`), the kernels every TensorFlow model call without ``kernels=`` gets
_PINNED: list[str] = []
#: cpu_flags' answers by file (functools.cache would cost explain's start-up its import)
_FLAGS: dict[str, frozenset[str]] = {}
#: this machine's answer by the value of TF_ENABLE_ONEDNN_OPTS (None: unset): a TensorFlow model asks on every call
_HERE: dict[str | None, Choice] = {}


class _Pinned:
    """The context :func:`pinned` returns (a class, not contextlib.contextmanager: explain's start-up)."""

    def __init__(self, tensorflow: str) -> None:
        self.tensorflow = tensorflow

    def __enter__(self) -> None:
        _PINNED.append(self.tensorflow)

    def __exit__(self, *exc: object) -> None:
        _PINNED.pop()


def pinned(tensorflow: str) -> _Pinned:
    """Within: TensorFlow models default to ``tensorflow``'s kernels instead of this machine's.

    The proof catalogue states the Eigen kernels' rules (its oneDNN claims say so themselves), so that
    ``make prove`` writes the same documents on every CPU.
    """
    return _Pinned(tensorflow)


@record
class Choice:
    """The kernels a framework would run here, and why (printed with every answer that depends on it)."""

    kernels: str
    reason: str

    def __str__(self) -> str:
        return f"{self.kernels} ({self.reason})"


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> frozenset[str]:
    """The CPU's feature flags (empty where /proc/cpuinfo is not there to read); read once per file."""
    if cpuinfo not in _FLAGS:
        _FLAGS[cpuinfo] = _read_flags(cpuinfo)
    return _FLAGS[cpuinfo]


def _read_flags(cpuinfo: str) -> frozenset[str]:
    """The first ``flags`` line's words (read up to it: /proc/cpuinfo repeats it for every core)."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def _uname() -> tuple[str, str]:
    """platform.system() and platform.machine(): os.uname()'s on POSIX (importing platform costs explain's
    start-up), platform's elsewhere."""
    if hasattr(os, "uname"):
        u = os.uname()
        return u.sysname, u.machine
    import platform

    return platform.system(), platform.machine()


def _env_bool(value: str) -> bool | None:
    """TF's ReadBoolFromEnvVar: '0'/'false' and '1'/'true' in any case; anything else keeps the default."""
    lowered = value.strip().lower()
    return {"0": False, "false": False, "1": True, "true": True}.get(lowered)


def tensorflow_kernels(
    env: Mapping[str, str] | None = None,
    flags: frozenset[str] | None = None,
    system: str | None = None,
    machine: str | None = None,
) -> Choice:
    """``eigen`` or ``onednn``: what TensorFlow's CPU convolutions run on this machine (or the one described)."""
    if _PINNED and env is None and flags is None:
        return Choice(_PINNED[-1], "pinned by derive.machine.pinned")
    if env is None and flags is None and system is None and machine is None:
        here = os.environ.get(ENV)
        if here not in _HERE:
            _HERE[here] = _choose(os.environ, None, None, None)
        return _HERE[here]
    return _choose(env, flags, system, machine)


def _choose(
    env: Mapping[str, str] | None, flags: frozenset[str] | None, system: str | None, machine: str | None
) -> Choice:
    env = os.environ if env is None else env
    here = _uname() if system is None or machine is None else ("", "")
    system = here[0] if system is None else system
    machine = (here[1] if machine is None else machine).lower()
    x86 = machine in ("x86_64", "amd64", "x86", "i686")
    if not x86:
        return Choice("eigen", f"{machine}: TensorFlow's oneDNN build is x86 only here")
    if system == "Windows":
        default, why = True, "Windows x86: oneDNN on by default"
    elif system == "Linux":
        flags = cpu_flags() if flags is None else flags
        found = [f for f in ONEDNN_CPU_FLAGS if f in flags]
        default = bool(found)
        why = f"CPU has {', '.join(found)}" if found else f"CPU has none of {', '.join(ONEDNN_CPU_FLAGS)}"
    else:
        default, why = False, f"{system}: oneDNN off by default"
    if ENV in env:
        chosen = _env_bool(env[ENV])
        if chosen is not None:
            return Choice("onednn" if chosen else "eigen", f"{ENV}={env[ENV]}")
        why = f"{ENV}={env[ENV]!r} is not 0/1/true/false, so {why}"
    return Choice("onednn" if default else "eigen", why)
