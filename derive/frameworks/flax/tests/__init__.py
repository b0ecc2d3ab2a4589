"""Tests of derive/frameworks/flax/ (what each file holds: derive/registry.py)."""
