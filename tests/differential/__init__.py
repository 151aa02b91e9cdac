"""Differential tests: the same requests to real Elasticsearch and to the fake, compared.

Each test module holds a ``CASES`` table (case name -> list of steps); every
case runs against the ``real_es_clean`` node and a fresh fake started with the
node's exact version (``servers`` fixture in conftest.py). The comparison
rules live in compare.py. Run::

    EISOPS_REQUIRE_REAL_ES=1 python -m pytest tests/differential -q

and, to check the fake's version gates on other lines,
``EISOPS_REAL_ES_VERSIONS=9.2,9.3,9.4`` (all pass on 8.19.21, 9.2.8, 9.3.8,
9.4.3 and 9.5.2). ``EISOPS_REAL_ES_URL`` points the suite at a running node.
"""
