"""Tests of derive/frameworks/tinygrad/ (what each file holds: derive/registry.py)."""
