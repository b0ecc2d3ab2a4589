"""Tests of derive/frameworks/keras/ (what each file holds: derive/registry.py)."""
