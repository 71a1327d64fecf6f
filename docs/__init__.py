"""Documentation sources.

A package only so that pytest tells docs/conftest.py from tests/conftest.py.
"""
