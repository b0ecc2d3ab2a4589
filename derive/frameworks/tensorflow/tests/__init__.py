"""Tests of derive/frameworks/tensorflow/ (what each file holds: derive/registry.py)."""
