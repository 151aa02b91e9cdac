"""Pytest plugin with fixtures for the fake Elasticsearch.

What it is for: ``fake_es`` — a started ``FakeElasticsearch`` with fresh state
for each test (function scope, emulated version from the
``fake_es_version`` fixture, default 9.3.0, overridable per module or via
indirect parametrisation) — and ``fake_es_url``. Load it with
``pytest_plugins = ["tests.fake_es.fixtures"]``.

What it must not do: share state between tests.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .server import FakeElasticsearch


@pytest.fixture
def fake_es_version() -> str:
    """Emulated server version; override this fixture to test another version."""
    return "9.3.0"


@pytest.fixture
def fake_es(fake_es_version: str) -> Iterator[FakeElasticsearch]:
    fake = FakeElasticsearch(version=fake_es_version)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_es_url(fake_es: FakeElasticsearch) -> str:
    return fake_es.url
