"""Fixtures for the fake Elasticsearch's own tests.

The fake's pytest plugin (tests.fake_es.fixtures) is imported here so this
suite also runs when the root conftest does not load it.
"""

from __future__ import annotations

from typing import Callable, Iterator

import pytest
from elasticsearch import ApiError, Elasticsearch

from tests.fake_es import FakeElasticsearch
from tests.fake_es.fixtures import fake_es, fake_es_url, fake_es_version  # noqa: F401 - fixtures


@pytest.fixture
def es(fake_es: FakeElasticsearch) -> Iterator[Elasticsearch]:
    client = Elasticsearch(fake_es.url, request_timeout=10)
    yield client
    client.close()


@pytest.fixture
def make_es() -> Iterator[Callable[..., tuple[FakeElasticsearch, Elasticsearch]]]:
    """Start a fake with given options (e.g. version="8.19.8", eis=False)."""
    started: list[tuple[FakeElasticsearch, Elasticsearch]] = []

    def factory(**kwargs) -> tuple[FakeElasticsearch, Elasticsearch]:
        fake = FakeElasticsearch(**kwargs).start()
        client = Elasticsearch(fake.url, request_timeout=10)
        started.append((fake, client))
        return fake, client

    yield factory
    for fake, client in started:
        client.close()
        fake.stop()


def error_of(excinfo: pytest.ExceptionInfo) -> tuple[int, str, str]:
    """(status, error type, reason) of a client ApiError."""
    err = excinfo.value
    assert isinstance(err, ApiError)
    body = err.body
    return err.meta.status, body["error"]["type"], body["error"]["reason"]
