"""Root pytest configuration: loads the fixtures of the fake and of real Elasticsearch."""

import importlib.util

pytest_plugins = ["tests.fake_es.fixtures"] + (
    ["tests.real_es.fixtures"] if importlib.util.find_spec("tests.real_es.fixtures") else []
)
