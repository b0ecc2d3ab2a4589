"""Tests of derive/frameworks/keras2/ (what each file holds: derive/registry.py)."""
