"""Tests of derive/frameworks/mxnet/ (what each file holds: derive/registry.py)."""
