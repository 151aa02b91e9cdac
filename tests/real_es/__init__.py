"""Real-Elasticsearch test harness for eisops.

What it is for: running eisops' integration tests against genuine
Elasticsearch servers (8.19.x and 9.x) on this machine, using the
integration-test distribution that Elasticsearch publishes on Maven Central
(``org.elasticsearch.distribution.integ-test-zip:elasticsearch``), fetched with
``mvn``. Parts:

* :mod:`.versions`     pinned versions (``8.19`` -> 8.19.21, ``9`` -> 9.5.2 ...)
* :mod:`.java`         picks a JDK under /usr/lib/jvm (17 for 8.x, 21+ for 9.x)
* :mod:`.distribution` mvn fetch, unpack into the cache, node system user
* :mod:`.shim`         analysis-common stand-in the .security index needs
* :mod:`.node`         start / wait / stop one node; HTTP helper; API keys
* :mod:`.cleanup`      reset a cluster between tests (``real_es_clean``)
* :mod:`.state`, :mod:`.cli`  ``python -m tests.real_es up|down|status|fetch``
* :mod:`.fixtures`     the pytest plugin (``real_es``, ``real_es_clean``, ``real_es_secure``)

What it must not do: import eisops (it tests eisops, it is not part of it),
need anything beyond Java + Maven + the Python standard library to manage
nodes (the ``elasticsearch`` client is imported only by ``EsNode.client()``),
reach any host but 127.0.0.1 and Maven Central (through mvn), or leave a
process behind.
"""

from .errors import RealEsError, RealEsStartError, RealEsStopError, RealEsUnavailable
from .node import EsNode, start_node
from .versions import DEFAULT_LINES, PINNED, resolve_version

__all__ = [
    "DEFAULT_LINES", "PINNED", "EsNode", "RealEsError", "RealEsStartError", "RealEsStopError",
    "RealEsUnavailable", "resolve_version", "start_node",
]
