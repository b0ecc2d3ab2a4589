"""Tests of derive/frameworks/onnx/ (what each file holds: derive/registry.py)."""
