"""Tests of derive/frameworks/chainer/ (what each file holds: derive/registry.py)."""
