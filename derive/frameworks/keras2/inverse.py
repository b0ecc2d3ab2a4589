"""Keras 2 (``tf.keras.layers.Conv1DTranspose``) as a parameter space: Keras 3's (keras/inverse.py) with tf_keras's
checks and texts."""

from __future__ import annotations

from .. import keras2
from ..keras.inverse import KerasSpace

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (explain's start-up, bench/startup.py)
if TYPE_CHECKING:
    from typing import Any


class Keras2Space(KerasSpace):
    """``tf.keras.layers.Conv1DTranspose`` (Keras 2): Keras 3's lengths, tf_keras's checks and texts."""

    framework = "keras2"
    operation = "tf.keras.layers.Conv1DTranspose"
    forward_operation = "tf.keras.layers.Conv1D"
    backends = (None, "tensorflow")

    def module(self) -> Any:
        return keras2
