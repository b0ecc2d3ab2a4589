"""derive.machine: which TensorFlow kernels a machine picks, read from CPU flags and the environment."""

from __future__ import annotations

import pytest

from derive import machine
from derive.errors import FrameworkError
from derive.frameworks import tensorflow as T

VNNI = frozenset({"sse4_2", "avx2", "avx512f", "avx512_vnni"})
PLAIN = frozenset({"sse4_2", "avx2"})


@pytest.mark.parametrize(
    ("env", "flags", "system", "arch", "kernels"),
    [
        ({}, VNNI, "Linux", "x86_64", "onednn"),
        ({}, PLAIN, "Linux", "x86_64", "eigen"),
        ({}, frozenset({"amx_tile"}), "Linux", "x86_64", "onednn"),
        ({"TF_ENABLE_ONEDNN_OPTS": "0"}, VNNI, "Linux", "x86_64", "eigen"),
        ({"TF_ENABLE_ONEDNN_OPTS": "True"}, PLAIN, "Linux", "x86_64", "onednn"),
        ({"TF_ENABLE_ONEDNN_OPTS": "maybe"}, PLAIN, "Linux", "x86_64", "eigen"),
        ({}, PLAIN, "Windows", "AMD64", "onednn"),
        ({}, VNNI, "Darwin", "x86_64", "eigen"),
        ({"TF_ENABLE_ONEDNN_OPTS": "1"}, VNNI, "Linux", "aarch64", "eigen"),
    ],
)
def test_tensorflow_kernels(env, flags, system, arch, kernels):
    """The family follows TF's IsMklEnabled: the env var first, else the CPU features DefaultOneDnnPolicy tests."""
    choice = machine.tensorflow_kernels(env=env, flags=flags, system=system, machine=arch)
    assert choice.kernels == kernels
    assert choice.reason


def test_pinned_overrides_the_machine():
    """Inside pinned(), models without kernels= use the pinned family (the catalogue's Eigen rules)."""
    with machine.pinned(tensorflow="onednn"):
        assert T.conv1d_transpose_length(1, 3, 2, 2, "VALID") == 2  # oneDNN's truncating check accepts it
    with machine.pinned(tensorflow="eigen"), pytest.raises(FrameworkError, match="doesn't match computed"):
        T.conv1d_transpose_length(1, 3, 2, 2, "VALID")
