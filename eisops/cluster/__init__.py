"""Talking to Elasticsearch: the connection, authentication, version and error translation.

The only package that speaks HTTP (``transport``, over the standard library's http.client) and
Elasticsearch's protocol (``connection``: media types, product check, errors, retries); both are
imported only by what talks to a cluster, so that ``eisops --help`` and ``validate`` start
without them. It never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

#: Where eisops looks for Elasticsearch unless told (ELASTICSEARCH_URL, --url).
DEFAULT_URL = "http://localhost:9200"


@dataclass(frozen=True)
class Read:
    """A GET whose answer depends on nothing the manifests say (a kind's listing, the version):
    a plan may send it ahead, before the manifests are loaded (``Cluster.send_ahead``), and the
    kind that reads it (``Cluster.read``) then takes the answer that came meanwhile."""

    path: str
    params: tuple[tuple[str, Any], ...] = ()
    missing_ok: bool = False


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


def concurrently(*calls: Callable[[], Any]) -> list["Future[Any]"]:
    """Run ``calls`` at once, each in a thread of its own, and return their futures, in order,
    once every call has finished: ``future.result()`` gives each one's answer or raises its
    error, so a caller that takes the results in order raises the same first error whatever
    finished first. For reads that do not depend on each other: what one answers is never
    needed to send another."""
    from concurrent.futures import Future, ThreadPoolExecutor  # not on the way to --help

    if len(calls) <= 1:
        if not calls:
            return []
        future: Future[Any] = Future()
        try:
            future.set_result(calls[0]())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            future.set_exception(exc)
        return [future]
    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="eisops-read") as pool:
        futures = [pool.submit(call) for call in calls]
    return futures
