"""Helpers shared by several test modules, defined once (a test module imports no other)."""
