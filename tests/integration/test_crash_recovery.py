"""An apply killed with SIGKILL at any point, then run again, ends exactly as an apply that was
never interrupted, and the lock it leaves is recovered as documented (its lease expires and the
next apply with --lock-timeout takes it over, or ``eisops force-unlock`` breaks it).

Each seed picks, with ``random.Random(seed)``, where to kill: the k-th write request the fake
Elasticsearch receives (k from 1 to the number of writes of an uninterrupted apply with the same
--parallelism, counted in a clean run first; an apply that sends fewer is killed at its last, the
release of its lease), and whether the fake carries that request out (its answer lost with the
process) or never does. The kill is sent from the fake's request hook itself, so the point is exact and
every write of the apply can be reached: the endpoints, eisops' records of them in
``.eisops-state``, the lease, pipelines, templates, indices and every step of a migration.

Scenarios, alternating by seed: ``examples`` (the repository's manifests on an empty cluster) and
``migration`` (the examples created in the same apply that migrates an index holding documents,
as in test_migrations.py). Recovery alternates too: ``expiry`` (a 2-second lease, the next apply
waits with --lock-timeout) and ``force-unlock`` (a long lease: the next apply fails naming the
lock, which is broken with the id it printed).

A few seeds by default (and those in KEPT); ``EISOPS_CRASH_RUNS=50`` for the long run (see README,
Tests)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
from elasticsearch import Elasticsearch

from tests.fake_es import FakeElasticsearch
from tests.integration.test_flows_fake import EXAMPLES
from tests.integration.test_migrations import INDEX, _load

RUNS = int(os.environ.get("EISOPS_CRASH_RUNS", "4"))
#: Seeds kept in every run for what they once found. 47: a create in flight beside the write killed
#: at reached the fake with its body cut off by the kill (see _fake).
KEPT = {47}
SEEDS = sorted(set(range(1, RUNS + 1)) | KEPT)
PROJECT = "eis-jina-examples"
LOCK = f"lock-{PROJECT}"
DOCUMENTS = 300
SCENARIOS = ("examples", "migration")
WAYS = ("expiry", "force-unlock")
#: The lease of the killed apply: short when the test waits for it to expire, long when it must
#: still be held when the next apply comes (and is broken with force-unlock).
TTL = {"expiry": "2", "force-unlock": "600"}

#: POSTs that only read, and the clear-scroll DELETE: not kill points of their own (a kill there is
#: the same as a kill after the write before them).
_READS = re.compile(r"/(_simulate|_search|_search/scroll|_mget|_count|_validate/query|_field_caps)$")


def _is_write(method: str, path: str, query: dict) -> bool:
    if method in ("GET", "HEAD") or (method == "POST" and _READS.search(path)):
        return False
    if method == "DELETE" and path == "/_search/scroll":
        return False
    # The lease's renewals come by the clock, not by the plan: they are not counted.
    return not (method == "PUT" and path.endswith(f"/_doc/{LOCK}") and "if_seq_no" in query)


class _NeverCarriedOut(Exception):
    """Raised in the fake's request hook: the request the apply sent is never carried out."""


@dataclass
class Watch:
    """Counts the writes the fake receives from one apply; at write ``kill_at`` SIGKILLs the apply
    (and waits until it is dead), then lets the fake carry the request out or drops it. An apply
    that sends fewer writes (concurrent record writes may be merged) is killed at its last one,
    the release of its lease."""

    fake: FakeElasticsearch
    kill_at: int | None = None
    carried_out: bool = True
    writes: list = field(default_factory=list)
    killed_at: tuple | None = None
    killed_at_write: int | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._started = threading.Event()
        self._original = self.fake._record
        self.proc: subprocess.Popen | None = None
        self._killer: threading.Thread | None = None

    def _record(self, method: str, path: str, query: dict) -> None:
        self._original(method, path, query)
        if not _is_write(method, path, query):
            return
        release = method == "DELETE" and path.endswith(f"/_doc/{LOCK}")
        with self._lock:
            self.writes.append((method, path, query))
            n = len(self.writes)
            hit = self.kill_at is not None and self.killed_at_write is None and (
                n == self.kill_at or (release and n < self.kill_at))
            if hit:
                self.killed_at_write = n
        if hit:
            self._started.wait(30)
            self._killer = threading.current_thread()
            self.killed_at = (method, path, query)
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
            if not self.carried_out:
                raise _NeverCarriedOut(f"{method} {path}")

    def run(self, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
        self.fake._record = self._record
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "eisops", *args], stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, text=True, env=env)
            self._started.set()
            out, err = self.proc.communicate(timeout=300)
            if self._killer is not None:
                # The request killed at is carried out (or dropped) on the fake's thread that killed:
                # it has ended once the connection of the dead process is closed.
                self._killer.join(30)
        finally:
            self.fake._record = self._original
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)


@contextlib.contextmanager
def _fake() -> Iterator[FakeElasticsearch]:
    """The fake Elasticsearch, which like Elasticsearch carries out only requests that arrived
    whole (a create whose body the kill cut off makes no index), and does not report answers it
    could not write to a dead process as errors of its own."""
    with FakeElasticsearch(version="9.3.0") as fake:
        server = fake._server
        handle_error = server.handle_error

        def quiet(request, client_address) -> None:
            # The requests a Watch drops, and answers written to a dead process, are no errors of the fake.
            if not isinstance(sys.exc_info()[1], (_NeverCarriedOut, ConnectionError)):
                handle_error(request, client_address)

        server.handle_error = quiet
        yield fake


def _env(ttl: str = "2") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELASTICSEARCH_")}
    env["EISOPS_LOCK_TTL_SECONDS"] = ttl
    return env


def _eisops(*args, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eisops", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300)


def _prepare(scenario: str, directory: Path, url: str) -> Path:
    """The manifests of the apply to kill, and the cluster as it is before it: for ``migration``,
    the index [books] applied with ``year: long`` and loaded; the apply then creates the examples
    and migrates [books] to ``year: keyword``."""
    manifests = directory / "manifests"
    if scenario == "examples":
        shutil.copytree(EXAMPLES, manifests)
        return manifests
    manifests.mkdir(parents=True)
    shutil.copy(EXAMPLES / "eisops.yaml", manifests / "eisops.yaml")
    (manifests / "books.yaml").write_text(INDEX.replace("YEAR", "long"))
    done = _eisops("apply", manifests, "--url", url, "--auto-approve", env=_env())
    assert done.returncode == 0, done.stdout + done.stderr
    _load(url, DOCUMENTS)
    for part in EXAMPLES.iterdir():
        if part.is_dir():
            shutil.copytree(part, manifests / part.name)
    (manifests / "books.yaml").write_text(INDEX.replace("YEAR", "keyword"))
    return manifests


_VOLATILE_SETTINGS = ("index.creation_date", "index.uuid", "index.version.", "index.provided_name",
                      "index.resize.", "index.routing.allocation.initial_recovery")
_TIMESTAMPS = ("created_date_millis", "modified_date_millis", "created_date", "modified_date")


def _timeless(bodies: dict) -> dict:
    return {name: {k: v for k, v in body.items() if k not in _TIMESTAMPS} for name, body in bodies.items()}


def _documents(es: Elasticsearch, index: str) -> dict:
    hits = es.search(index=index, size=10000, sort=["_doc"], query={"match_all": {}})["hits"]["hits"]
    digest = hashlib.sha256(json.dumps(sorted((h["_id"], h["_source"]) for h in hits), sort_keys=True,
                                       default=str).encode()).hexdigest()
    return {"count": es.count(index=index)["count"], "digest": digest}


def _end_state(url: str) -> dict:
    """Everything an apply decides, without what differs between two runs of it (timestamps, uuids,
    the project's random salt)."""
    es = Elasticsearch(url)
    es.indices.refresh(index="*", expand_wildcards="all")
    endpoints = {e["inference_id"]: {k: e.get(k) for k in ("task_type", "service", "service_settings",
                                                           "task_settings", "chunking_settings")}
                 for e in es.inference.get()["endpoints"] if not e["inference_id"].startswith(".")}
    indices = {}
    for name, body in es.indices.get(index="*", expand_wildcards="all", flat_settings=True).body.items():
        if name.startswith("."):
            continue
        settings = {k: v for k, v in body["settings"].items() if not k.startswith(_VOLATILE_SETTINGS)}
        indices[name] = {"mappings": body["mappings"], "aliases": body.get("aliases"), "settings": settings,
                         **_documents(es, name)}
    state = {}
    for hit in es.search(index=".eisops-state", size=10000, query={"match_all": {}})["hits"]["hits"]:
        source = {k: v for k, v in hit["_source"].items() if k not in ("salt", "updated_at", "since", "expires")}
        state[hit["_id"]] = source
    return {
        "endpoints": endpoints,
        "pipelines": _timeless(es.ingest.get_pipeline().body),
        "component_templates": _timeless({t["name"]: t["component_template"]
                                          for t in es.cluster.get_component_template()["component_templates"]}),
        "index_templates": _timeless({t["name"]: t["index_template"]
                                      for t in es.indices.get_index_template()["index_templates"]}),
        "indices": indices,
        "eisops_state": state,
    }


def _differences(have: dict, want: dict) -> list[str]:
    out = []
    for part in sorted(set(have) | set(want)):
        a, b = have.get(part), want.get(part)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    out.append(f"{part}[{key}]: after the crash {json.dumps(a.get(key), sort_keys=True)[:600]}, "
                               f"uninterrupted {json.dumps(b.get(key), sort_keys=True)[:600]}")
        else:
            out.append(f"{part}: after the crash {a!r}, uninterrupted {b!r}")
    return out


@dataclass
class Clean:
    writes: list
    state: dict


_CLEAN: dict[tuple[str, str], Clean] = {}


def _clean(scenario: str, parallelism: str, directory: Path) -> Clean:
    """The uninterrupted apply of ``scenario``: its writes and the state it ends in (made once)."""
    if (scenario, parallelism) not in _CLEAN:
        with _fake() as fake:
            manifests = _prepare(scenario, directory, fake.url)
            watch = Watch(fake)
            done = watch.run(["apply", str(manifests), "--url", fake.url, "--auto-approve", "--parallelism",
                              parallelism], _env())
            assert done.returncode == 0, done.stdout + done.stderr
            state = _end_state(fake.url)
        assert LOCK not in state["eisops_state"], "an uninterrupted apply leaves no lock"
        _CLEAN[scenario, parallelism] = Clean(watch.writes, state)
    return _CLEAN[scenario, parallelism]


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.mark.parametrize("seed", SEEDS)
def test_an_apply_killed_at_a_random_write_ends_as_an_uninterrupted_apply(eisops, tmp_path, seed):
    rng = random.Random(seed)
    scenario, way = SCENARIOS[seed % 2], WAYS[(seed // 2) % 2]
    parallelism = rng.choice(["1", "10"])
    clean = _clean(scenario, parallelism, tmp_path / "clean")
    k = rng.randint(1, len(clean.writes))
    carried_out = rng.random() < 0.5
    with _fake() as fake:
        manifests = _prepare(scenario, tmp_path / "crash", fake.url)
        env = _env(TTL[way])
        watch = Watch(fake, kill_at=k, carried_out=carried_out)
        killed = watch.run(["apply", str(manifests), "--url", fake.url, "--auto-approve", "--parallelism",
                            parallelism], env)
        method, path, query = watch.killed_at or ("?", "?", {})
        where = (f"seed {seed} ({scenario}, --parallelism {parallelism}, recovered by {way}): killed at write "
                 f"{watch.killed_at_write} (drawn: {k}) of {len(clean.writes)}, {method} {path} {query or ''} "
                 f"({'carried out, its answer lost' if carried_out else 'never carried out'})")
        assert killed.returncode == -signal.SIGKILL, f"{where}: the apply was not killed\n{killed.stdout}{killed.stderr}"
        outputs = [f"killed apply:\n{_tail(killed.stdout)}\n{killed.stderr}"]
        es = Elasticsearch(fake.url)
        lock_left = es.exists(index=".eisops-state", id=LOCK).body if es.indices.exists(index=".eisops-state") \
            else False
        if way == "force-unlock" and lock_left:
            refused = _eisops("apply", manifests, "--url", fake.url, "--auto-approve", env=env)
            outputs.append(f"apply while locked:\n{refused.stdout}{refused.stderr}")
            assert refused.returncode == 1 and "is locked by another apply" in refused.stderr, \
                f"{where}\n" + "\n".join(outputs)
            lock_id = re.search(r"eisops force-unlock (\S+)", refused.stderr).group(1)
            broken = _eisops("force-unlock", lock_id, "--url", fake.url, env=env)
            outputs.append(f"force-unlock {lock_id}:\n{broken.stdout}{broken.stderr}")
            assert broken.returncode == 0, f"{where}\n" + "\n".join(outputs)
            again = _eisops("apply", manifests, "--url", fake.url, "--auto-approve", env=env)
        else:
            # The dead apply's lease expires; the next apply waits for it, then takes it over.
            again = _eisops("apply", manifests, "--url", fake.url, "--auto-approve", "--lock-timeout", "30s", env=env)
        outputs.append(f"apply after the crash:\n{again.stdout}{again.stderr}")
        report = f"{where}\n" + "\n".join(outputs)
        assert again.returncode == 0, report
        state = _end_state(fake.url)
        differences = _differences(state, clean.state)
        assert not differences, report + "\ndifferences:\n  " + "\n  ".join(differences)
        assert LOCK not in state["eisops_state"], report
        code, out, err = eisops("plan", manifests, "--url", fake.url, "--detailed-exitcode")
        assert code == 0, f"{report}\nplan after recovery:\n{out}{err}"
