"""Root pytest configuration: loads the fixtures of the fake and of real Elasticsearch."""

pytest_plugins = ["tests.fake_es.fixtures", "tests.real_es.fixtures"]
