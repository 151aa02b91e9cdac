"""pytest plugin: real Elasticsearch nodes as fixtures.

Loaded by the root ``conftest.py`` (``pytest_plugins = [..., "tests.real_es.fixtures"]``)
or ad hoc with ``-p tests.real_es.fixtures``.

Fixtures:

``real_es`` (session, parametrized over the server lines)
    One node per line in ``EISOPS_REAL_ES_VERSIONS`` (comma list of ``8.19``,
    ``9``, ``9.4``, ``9.5.2`` ...; default ``8.19,9``), started lazily the
    first time a test asks for it. pytest groups the tests by parameter, so
    the 8.19 node runs its tests and is stopped before the 9.x node starts.
    Yields :class:`RealEs`: ``.url``, ``.version``, ``.client()``,
    ``.request()``, ``.node`` (the :class:`~tests.real_es.node.EsNode`).
    With ``EISOPS_REAL_ES_URL`` set, a single already-running cluster is used
    instead (``EISOPS_REAL_ES_USERNAME``/``EISOPS_REAL_ES_PASSWORD`` optional)
    and nothing is started.
``real_es_clean`` (function)
    The same object, with everything tests created deleted before and after
    the test (see :mod:`tests.real_es.cleanup` for exactly what is kept).
``real_es_secure`` (session, parametrized over ``EISOPS_REAL_ES_SECURE_VERSIONS``,
    default: the last entry of ``EISOPS_REAL_ES_VERSIONS``, i.e. ``9``)
    A node with security on and plain HTTP. Yields :class:`RealEsSecure`:
    ``.url``, ``.version``, ``.username`` (``elastic``), ``.password``,
    ``.api_key`` (encoded, made with ``POST /_security/api_key``),
    ``.client(auth="basic"|"api_key"|None)``, ``.create_api_key()``.
    ``EISOPS_REAL_ES_SECURE_URL`` + ``EISOPS_REAL_ES_SECURE_PASSWORD``
    (+ ``EISOPS_REAL_ES_SECURE_USERNAME``) use a running cluster instead.

Availability: when a node cannot be had because a prerequisite is missing
(no Java, no Maven, the artifact cannot be fetched ...), the test is skipped
with the reason, unless ``EISOPS_REQUIRE_REAL_ES=1``, which turns that into a
failure. A node that was launched but did not come up is always an error
(with its log tail). Tests using these fixtures get the ``real_es`` marker
automatically, so ``-m "not real_es"`` deselects them without starting nodes.

What it must not do: start a node at import or collection time, run more
than one ``real_es`` node at once (plus at most one ``real_es_secure``), or
leave nodes running after the session (each is stopped in its finalizer;
a killed pytest takes them down through the parent-death signal).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pytest

from . import cleanup
from .errors import RealEsUnavailable
from .node import EsNode, HttpResponse, external_node, start_node
from .versions import DEFAULT_LINES, resolve_version

MARKER_HELP = ("real_es: runs against a real Elasticsearch node (integration-test distribution); "
               "skipped when none can be had unless EISOPS_REQUIRE_REAL_ES=1")
FIXTURE_NAMES = frozenset({"real_es", "real_es_clean", "real_es_secure"})


def _required() -> bool:
    return os.environ.get("EISOPS_REQUIRE_REAL_ES", "").strip() in ("1", "true", "yes")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _lines() -> list[str]:
    if os.environ.get("EISOPS_REAL_ES_URL"):
        return ["url"]
    return _split(os.environ.get("EISOPS_REAL_ES_VERSIONS")) or list(DEFAULT_LINES)


def _secure_lines() -> list[str]:
    if os.environ.get("EISOPS_REAL_ES_SECURE_URL"):
        return ["url"]
    explicit = _split(os.environ.get("EISOPS_REAL_ES_SECURE_VERSIONS"))
    if explicit:
        return explicit
    if os.environ.get("EISOPS_REAL_ES_URL"):
        return list(DEFAULT_LINES[-1:])
    return _lines()[-1:]


def _id(spec: str) -> str:
    if spec == "url":
        return "es-url"
    try:
        return f"es{resolve_version(spec)}"
    except RealEsUnavailable:
        return f"es{spec}"


def _unavailable(reason: str) -> None:
    if _required():
        pytest.fail(f"real Elasticsearch required (EISOPS_REQUIRE_REAL_ES=1) but not available: {reason}",
                    pytrace=False)
    pytest.skip(f"real Elasticsearch not available: {reason}")


# ---------------------------------------------------------------------------- objects

class _NodeHandle:
    """What both fixture objects say of their node."""

    node: EsNode

    @property
    def url(self) -> str:
        return self.node.url

    @property
    def version(self) -> str:
        return self.node.version


@dataclass
class RealEs(_NodeHandle):
    """What ``real_es`` / ``real_es_clean`` yield."""

    node: EsNode
    baseline: cleanup.Baseline = field(repr=False)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def client(self, **kwargs: Any):
        """``elasticsearch.Elasticsearch`` (8.x client) for this node."""
        return self.node.client(**kwargs)

    def request(self, method: str, path: str, body: Any = None, **kw: Any) -> HttpResponse:
        """Raw HTTP (no client): returns status, parsed JSON body, text."""
        return self.node.request(method, path, body, **kw)

    def clean(self) -> list[str]:
        return cleanup.clean(self.node, self.baseline)


@dataclass
class RealEsSecure(_NodeHandle):
    """What ``real_es_secure`` yields."""

    node: EsNode
    api_key: str

    @property
    def username(self) -> str:
        return self.node.username or ""

    @property
    def password(self) -> str:
        return self.node.password or ""

    def client(self, auth: str | None = "basic", **kwargs: Any):
        """Client authenticated as the superuser (``auth="basic"``), with the
        API key (``"api_key"``) or not at all (``None``)."""
        if auth == "basic":
            kwargs.setdefault("basic_auth", (self.username, self.password))
        elif auth == "api_key":
            kwargs.setdefault("api_key", self.api_key)
        elif auth is None:
            from elasticsearch import Elasticsearch

            kwargs.setdefault("request_timeout", 30)
            return Elasticsearch(self.url, **kwargs)
        else:
            raise ValueError(f"auth must be 'basic', 'api_key' or None, not {auth!r}")
        return self.node.client(**kwargs)

    def request(self, method: str, path: str, body: Any = None, **kw: Any) -> HttpResponse:
        """Raw HTTP; superuser basic auth unless ``auth=``/``api_key=`` given
        (``auth=None`` sends no credentials)."""
        return self.node.request(method, path, body, **kw)

    def create_api_key(self, name: str = "eisops-tests", **kw: Any) -> str:
        return self.node.create_api_key(name, **kw)


# ---------------------------------------------------------------------------- hooks

def pytest_configure(config: pytest.Config) -> None:
    # pyproject.toml declares it too; declaring it here keeps `-p tests.real_es.fixtures`
    # working with --strict-markers from any rootdir.
    config.addinivalue_line("markers", MARKER_HELP)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselection looks at the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if FIXTURE_NAMES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_es)


# ---------------------------------------------------------------------------- fixtures

def _start(spec: str, security: bool) -> EsNode:
    try:
        return start_node(spec, security=security)
    except RealEsUnavailable as e:
        reason = str(e)
    # Outside the except block: the skip/fail reason is shown without a chained traceback.
    _unavailable(reason)
    raise AssertionError("unreachable")  # pytest.skip/fail raise


def _external(url: str, username: str | None, password: str | None) -> EsNode:
    try:
        return external_node(url, username, password)
    except RealEsUnavailable as e:
        reason = str(e)
    _unavailable(reason)
    raise AssertionError("unreachable")


@pytest.fixture(scope="session", params=_lines(), ids=_id)
def real_es(request: pytest.FixtureRequest):
    spec = request.param
    if spec == "url":
        node = _external(os.environ["EISOPS_REAL_ES_URL"], os.environ.get("EISOPS_REAL_ES_USERNAME"),
                         os.environ.get("EISOPS_REAL_ES_PASSWORD"))
        yield RealEs(node, cleanup.settled_snapshot(node))
        return
    node = _start(spec, security=False)
    try:
        yield RealEs(node, cleanup.settled_snapshot(node))
    finally:
        node.stop()


@pytest.fixture
def real_es_clean(real_es: RealEs):
    real_es.clean()
    yield real_es
    real_es.clean()


@pytest.fixture(scope="session", params=_secure_lines(), ids=_id)
def real_es_secure(request: pytest.FixtureRequest):
    spec = request.param
    if spec == "url":
        node = _external(os.environ["EISOPS_REAL_ES_SECURE_URL"], os.environ.get("EISOPS_REAL_ES_SECURE_USERNAME"),
                         os.environ.get("EISOPS_REAL_ES_SECURE_PASSWORD"))
        if not node.security:
            _unavailable("EISOPS_REAL_ES_SECURE_URL is set but EISOPS_REAL_ES_SECURE_PASSWORD is not")
        yield RealEsSecure(node, node.create_api_key("eisops-tests"))
        return
    node = _start(spec, security=True)
    try:
        yield RealEsSecure(node, node.create_api_key("eisops-tests"))
    finally:
        node.stop()
