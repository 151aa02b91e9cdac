"""Fixtures of the differential suite.

``servers`` pairs the cleaned real node (``real_es_clean``; the test gets the
``real_es`` marker from it) with a fresh fake started with the *same* version
string, so version-dependent behaviour is compared like for like. It yields
``(real_url, fake_url)``.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.fake_es import FakeElasticsearch


@pytest.fixture
def servers(real_es_clean) -> Iterator[tuple[str, str]]:
    fake = FakeElasticsearch(version=real_es_clean.version).start()
    try:
        yield real_es_clean.url, fake.url
    finally:
        fake.stop()
