"""Tests of derive/frameworks/jax/ (what each file holds: derive/registry.py)."""
