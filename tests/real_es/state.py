"""The CLI's record of the nodes it started in the background.

What it is for: ``python -m tests.real_es up`` outlives its own process, so
``down``/``status`` need to find the node again: ``<cache>/running.json``
holds, per node, its process-group id, URL, version, node directory and
credentials (throwaway, loopback-only).

What it must not do: be trusted blindly. A pid in the file may have been
recycled; :mod:`.node` only signals processes whose environment carries the
node directory. Writers hold an exclusive lock so concurrent ``up``/``down``
calls do not lose entries.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Iterator

from .distribution import _make_dirs, cache_root
from .node import EsNode


def state_file() -> Path:
    return Path(os.environ.get("EISOPS_REAL_ES_STATE") or cache_root() / "running.json")


@contextlib.contextmanager
def locked_state() -> Iterator[list[dict]]:
    """Yield the list of node records; whatever it holds on exit is saved."""
    path = state_file()
    _make_dirs(path.parent)
    with open(path.with_suffix(".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            try:
                entries = json.loads(path.read_text()).get("nodes", [])
            except (OSError, ValueError):
                entries = []
            yield entries
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"nodes": entries}, indent=2) + "\n")
            os.chmod(tmp, 0o600)  # it holds the throwaway superuser password
            tmp.replace(path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def add(node: EsNode) -> None:
    with locked_state() as entries:
        entries.append(node.to_json())


def nodes() -> list[EsNode]:
    try:
        return [EsNode.from_json(e) for e in json.loads(state_file().read_text()).get("nodes", [])]
    except (OSError, ValueError):
        return []
