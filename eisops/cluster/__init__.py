"""Talking to Elasticsearch: the connection, authentication, version and error translation.

The only package that imports the ``elasticsearch`` client (in ``connection``, imported only
by what talks to a cluster, so that ``eisops --help`` and ``validate`` start without it). It
never prints.
"""

from __future__ import annotations

from urllib.parse import quote

#: Where eisops looks for Elasticsearch unless told (ELASTICSEARCH_URL, --url).
DEFAULT_URL = "http://localhost:9200"


def path(*segments: str) -> str:
    """Build a URL path from segments, escaping each one (names may hold '@', '*' or ',')."""
    return "/" + "/".join(quote(s, safe="@*,_-.") for s in segments)


def version_tuple(version: str | None) -> tuple[int, ...]:
    """'9.2.0' -> (9, 2, 0); unknown versions compare as the newest."""
    if not version:
        return (99,)
    parts = []
    for piece in version.split("-")[0].split("."):
        try:
            parts.append(int(piece))
        except ValueError:
            break
    return tuple(parts) or (99,)
