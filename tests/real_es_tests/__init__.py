"""Smoke tests of the real-Elasticsearch harness (tests/real_es) itself.

Marked ``real_es`` (they start real nodes) except test_units.py, which checks
the harness' pure logic without Java or Maven.
"""
