"""Tests of derive/frameworks/paddle/ (what each file holds: derive/registry.py)."""
