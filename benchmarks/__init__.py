"""eisops' benchmarks: whole-process timings of eisops against the fake Elasticsearch.

Run from the repository root: ``.venv/bin/python -m benchmarks`` (``--help`` for the options,
``--quick`` for a short run, ``--output BENCHMARKS.md`` to write the report). The fake runs in
this process behind a latency proxy on the loopback interface; eisops, and the per-resource
reference reader it is compared with, always run as processes of their own, timed from start
to exit.
"""
