"""A test double of Elasticsearch for eisops' tests.

What it is for: an HTTP server on a real socket, driven through the official
``elasticsearch`` client, that reproduces the Elasticsearch behaviour eisops
depends on (inference endpoints, ingest pipelines, component/index templates,
indices with mappings/settings/aliases, a little document handling), as
described in /work/shared/reference/elasticsearch-behaviour.md, for an
emulated server version (default 9.2.0; e.g. 8.19.8).

Use in-process::

    from tests.fake_es import FakeElasticsearch
    with FakeElasticsearch(version="9.2.0") as fake:
        es = Elasticsearch(fake.url)

or as a process: ``python -m tests.fake_es --port 9299``; or through the
pytest fixtures in ``tests.fake_es.fixtures``.

What it must not do: pretend to run inference, search relevance or cluster
coordination; it holds everything in memory and forgets it on stop.
"""

from .server import FakeElasticsearch

__all__ = ["FakeElasticsearch"]
