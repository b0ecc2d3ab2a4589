"""Suite-wide settings for tests/ and each framework's derive/frameworks/<key>/tests: the models' machine-dependent
defaults are pinned so every CPU sees the same suite."""

from __future__ import annotations

import os

# TensorFlow's default CPU kernels depend on the CPU (derive.machine): the unit tests read the Eigen
# defaults; conformance probes set TF_ENABLE_ONEDNN_OPTS themselves and test every family explicitly
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
