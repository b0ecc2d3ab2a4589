"""Tests of derive/frameworks/torch/ (what each file holds: derive/registry.py)."""
