"""Tests of derive/frameworks/caffe/ (what each file holds: derive/registry.py)."""
