"""The lock that lets one apply at a time change a project: a lease document in eisops' index.

``take`` creates ``.eisops-state/_doc/lock-<project>`` only if it does not exist (``op_type=create``),
holding who took it (user, host, process), since when, until when, and a lock id; a second apply
finds it and fails at once naming the holder, or waits up to its timeout. The holder renews the
lease while it works (a thread extends ``expires`` before it runs out) and deletes it at the end;
a lease left by a killed process expires by itself, and ``force-unlock LOCK_ID`` breaks it on
purpose. Every write goes with the document's sequence number, so two processes never both
believe they hold the lock. Applies of different projects take different leases. Nothing here
prints.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from eisops.cluster import records
from eisops.errors import ClusterRequestError, EisopsError

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster

PREFIX = "lock-"
#: How long a lease lasts without renewal, and how often its holder renews it.
TTL_SECONDS = float(os.environ.get("EISOPS_LOCK_TTL_SECONDS", "120"))
RENEW_EVERY = TTL_SECONDS / 4
POLL_SECONDS = 2.0


class LockHeld(EisopsError):
    """Another apply holds the project's lock."""


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _path(project: str) -> str:
    return f"/{records.INDEX}/_doc/{PREFIX}{project}"


def describe(lease: dict[str, Any]) -> str:
    return (f"{lease.get('holder')} (host {lease.get('host')}, process {lease.get('pid')}) since {lease.get('since')}, "
            f"lock id {lease.get('lock_id')}")


@dataclass
class Lease:
    """A lease this process holds; a context manager that renews it and lets it go."""

    cluster: "Cluster"
    project: str
    lock_id: str
    seq: tuple[int, int]
    body: dict[str, Any]

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._renewer = threading.Thread(target=self._renew_until_stopped, name="eisops-lease", daemon=True)
        self.lost: str | None = None

    def __enter__(self) -> "Lease":
        self._renewer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _renew_until_stopped(self) -> None:
        while not self._stop.wait(RENEW_EVERY):
            try:
                self.renew()
            except EisopsError as exc:  # the next write of apply will find out; say why then
                self.lost = str(exc)
                return

    def check(self) -> None:
        """Raises when the lease was lost (broken with force-unlock, or not renewed in time)."""
        if self.lost:
            raise EisopsError(f"the lock of project [{self.project}] was lost ({self.lost}); apply stopped")

    def renew(self) -> None:
        with self._lock:
            body = {**self.body, "expires": (_now() + _dt.timedelta(seconds=TTL_SECONDS)).isoformat()}
            try:
                answer = self.cluster.request("PUT", _path(self.project), body=body, params={
                    "if_seq_no": self.seq[0], "if_primary_term": self.seq[1]})
                self.seq = (answer["_seq_no"], answer["_primary_term"])
            except ClusterRequestError as exc:
                # A renewal whose answer was lost and that was sent again meets its own write
                # (409): the lease is still this apply's when the lock document says so.
                held, seq = read(self.cluster, self.project)
                if exc.status != 409 or held is None or seq is None or held.get("lock_id") != self.lock_id \
                        or held.get("expires") != body["expires"]:
                    raise
                self.seq = seq
            self.body = body

    def release(self) -> None:
        self._stop.set()
        if self._renewer.is_alive():
            self._renewer.join(5)
        with self._lock:
            try:
                self.cluster.request("DELETE", _path(self.project), params={
                    "if_seq_no": self.seq[0], "if_primary_term": self.seq[1]})
            except ClusterRequestError as exc:
                if exc.status not in (404, 409):  # gone, or broken with force-unlock: nothing to let go
                    raise


def read(cluster: "Cluster", project: str) -> tuple[dict[str, Any] | None, tuple[int, int] | None]:
    doc = cluster.request("GET", _path(project), missing_ok=True) or {}
    if not doc.get("found"):
        return None, None
    return doc.get("_source") or {}, (doc["_seq_no"], doc["_primary_term"])


def _expired(lease: dict[str, Any]) -> bool:
    try:
        return _dt.datetime.fromisoformat(str(lease.get("expires"))) <= _now()
    except ValueError:
        return True


def take(cluster: "Cluster", project: str, timeout: float = 0.0) -> Lease:
    """The project's lease, or LockHeld naming its holder when another process keeps it for longer
    than ``timeout`` seconds. A lease that expired (its holder was killed) is taken over."""
    records.ensure_index(cluster)
    deadline = time.monotonic() + timeout
    lock_id = f"{project}:{uuid.uuid4()}"  # the project first, so force-unlock knows which lease it names
    while True:
        since = _now()
        body = {"project": project, "lock_id": lock_id, "holder": f"{_user()}@{socket.gethostname()}",
                "host": socket.gethostname(), "pid": os.getpid(), "since": since.isoformat(),
                "expires": (since + _dt.timedelta(seconds=TTL_SECONDS)).isoformat()}
        try:
            answer = cluster.request("PUT", _path(project), body=body, params={"op_type": "create"})
            return Lease(cluster, project, lock_id, (answer["_seq_no"], answer["_primary_term"]), body)
        except ClusterRequestError as exc:
            if exc.status != 409:
                raise
        held, seq = read(cluster, project)
        if held is not None and seq is not None and held.get("lock_id") == lock_id:
            # This very create went through, its answer lost and the request sent again.
            return Lease(cluster, project, lock_id, seq, body)
        if held is not None and seq is not None and _expired(held):
            try:  # the holder is gone: break its lease, then take it like anyone else
                cluster.request("DELETE", _path(project), params={"if_seq_no": seq[0], "if_primary_term": seq[1]})
            except ClusterRequestError as exc:
                if exc.status not in (404, 409):
                    raise
            continue
        if time.monotonic() >= deadline:
            raise LockHeld(f"project [{project}] is locked by another apply: {describe(held or {})}.",
                           "Wait for it (--lock-timeout 5m waits up to five minutes), or, if that apply is no "
                           "longer running, break the lock with: eisops force-unlock "
                           f"{(held or {}).get('lock_id')}")
        time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))


def force_unlock(cluster: "Cluster", lock_id: str) -> str:
    """Break the lease whose lock id is ``lock_id`` (``<project>:<uuid>``); returns its project."""
    project, _, _ = lock_id.partition(":")
    held, seq = read(cluster, project) if project else (None, None)
    if held is None or held.get("lock_id") != lock_id or seq is None:
        raise EisopsError(f"no lock has the id {lock_id}; it was released or broken already")
    try:
        cluster.request("DELETE", _path(project), params={"if_seq_no": seq[0], "if_primary_term": seq[1]})
    except ClusterRequestError as exc:
        if exc.status == 409:
            raise EisopsError(f"the lock {lock_id} changed while it was being broken; look again") from None
        raise
    return project


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name to be had (a container without one): say so
        return "unknown-user"
