"""Tests of derive/frameworks/lasagne/ (what each file holds: derive/registry.py)."""
