"""Index migrations through the CLI: a change Elasticsearch cannot make in place copies the
documents into a new index and moves the name clients use to it — on the fake (with _reindex and
the tasks API) and on real Elasticsearch (whose integration-test distribution has no _reindex:
eisops copies by scroll and bulk). Searches through the name never fail, acknowledged writes are
never lost, and a migration stopped at any step is resumed by the next apply."""

from __future__ import annotations

import json
import threading
import time

import pytest
from elasticsearch import ApiError, Elasticsearch

from eisops.apply import migration
from tests.helpers import write_manifests

INDEX = """
kind: Index
name: books
spec:
  aliases: {library: {}}
  mappings: {properties: {year: {type: YEAR}, title: {type: text}}}
"""
DOCUMENTS = 10_000


def _manifests(tmp_path, year_type="long"):
    return write_manifests(tmp_path / "m", {"eisops.yaml": "project: library\n",
                                            "books.yaml": INDEX.replace("YEAR", year_type)})


def _load(url: str, count: int = DOCUMENTS) -> None:
    es = Elasticsearch(url)
    lines = []
    for i in range(count):
        lines += [json.dumps({"index": {"_index": "books", "_id": str(i)}}), json.dumps({"year": 1900 + i % 120,
                                                                                        "title": f"book {i}"})]
    for start in range(0, len(lines), 4000):
        answer = es.bulk(operations="\n".join(lines[start:start + 4000]) + "\n", refresh=False)
        assert not answer["errors"]
    es.indices.refresh(index="books")


def _state(url: str) -> dict:
    es = Elasticsearch(url)
    aliases = es.indices.get_alias(index="books")
    (concrete,) = [name for name, body in aliases.body.items() if "books" in (body.get("aliases") or {})]
    mapping = es.indices.get_mapping(index="books")[concrete]["mappings"]
    return {"concrete": concrete, "aliases": sorted(aliases[concrete]["aliases"]),
            "year": mapping["properties"]["year"]["type"], "count": es.count(index="books")["count"]}


def field_type_migration(eisops, tmp_path, url):
    manifests = _manifests(tmp_path)
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    _load(url)
    _manifests(tmp_path, "keyword")
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 2, out + err
    assert 'Index "books" will be migrated to a new index' in out and f"its {DOCUMENTS} documents" in out, out
    assert "needs a new index: mapper [year] cannot be changed from type [long] to [keyword]" in out
    assert "delete" not in out.split("Plan:")[-1].replace("0 to delete", "")
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0 and "Index/books: migrated" in out, out + err
    assert _state(url) == {"concrete": "books-v2", "aliases": ["books", "library"], "year": "keyword",
                           "count": DOCUMENTS}
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[:2] == (
        0, "No changes. The cluster matches the manifests (1 objects checked).\n")
    # A second migration: the name is an alias now; the old index is kept, its writes blocked.
    _manifests(tmp_path, "long")
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0, out + err
    assert "[books-v2] is kept, its writes blocked" in out
    assert _state(url)["concrete"] == "books-v3" and _state(url)["count"] == DOCUMENTS
    assert Elasticsearch(url).count(index="books-v2")["count"] == DOCUMENTS
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0


def test_a_field_type_change_migrates_on_the_fake(fake_es, eisops, tmp_path):
    field_type_migration(eisops, tmp_path, fake_es.url)


def test_a_field_type_change_migrates_on_real_elasticsearch(real_es_clean, eisops, tmp_path):
    field_type_migration(eisops, tmp_path, real_es_clean.url)


class ReaderWriter:
    """Searches and writes through the name while a migration runs: counts failed searches, and
    keeps the ids of the writes Elasticsearch acknowledged (a refused write is retried)."""

    def __init__(self, url: str):
        self.es = Elasticsearch(url, request_timeout=30)
        self.stop = threading.Event()
        self.failed_searches: list[str] = []
        self.searches = 0
        self.acknowledged: list[str] = []
        self.refused = 0
        self.threads = [threading.Thread(target=self._read), threading.Thread(target=self._write)]

    def _read(self) -> None:
        while not self.stop.is_set():
            try:
                self.es.search(index="books", size=1, query={"match_all": {}})
                self.searches += 1
            except ApiError as exc:
                self.failed_searches.append(str(exc))

    def _write(self) -> None:
        n = 0
        while not self.stop.is_set():
            doc_id = f"live-{n}"
            try:
                self.es.index(index="books", id=doc_id, document={"year": 2000, "title": doc_id})
                self.acknowledged.append(doc_id)
                n += 1
            except ApiError:
                self.refused += 1  # not acknowledged: written again
                time.sleep(0.01)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        time.sleep(0.2)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def zero_downtime(eisops, tmp_path, url, documents=2000):
    manifests = _manifests(tmp_path)
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    _load(url, documents)
    _manifests(tmp_path, "keyword")
    with ReaderWriter(url) as traffic:
        code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
        time.sleep(0.2)
    assert code == 0, out + err
    assert traffic.failed_searches == [] and traffic.searches > 0
    es = Elasticsearch(url)
    es.indices.refresh(index="books")
    assert traffic.acknowledged, "the writer never got a write through"
    found = es.mget(index="books", ids=traffic.acknowledged)["docs"]
    lost = [doc["_id"] for doc in found if not doc.get("found")]
    assert lost == [], f"{len(lost)} acknowledged writes lost"
    assert es.count(index="books")["count"] == documents + len(traffic.acknowledged)


def test_zero_downtime_on_the_fake(fake_es, eisops, tmp_path):
    zero_downtime(eisops, tmp_path, fake_es.url)


def test_zero_downtime_on_real_elasticsearch(real_es_clean, eisops, tmp_path):
    zero_downtime(eisops, tmp_path, real_es_clean.url)


class Crash(BaseException):
    """The process dying: nothing after it runs, nothing catches it."""


@pytest.mark.parametrize("step", migration.STEPS)
def test_a_migration_stopped_at_any_step_is_resumed_by_the_next_apply(fake_es, eisops, tmp_path, monkeypatch, step):
    url = fake_es.url
    manifests = _manifests(tmp_path)
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    _load(url, 500)
    _manifests(tmp_path, "keyword")
    record = migration._record

    def record_then_die(cluster, spec, at, **extra):
        record(cluster, spec, at, **extra)
        if at == step:
            raise Crash(at)

    monkeypatch.setattr(migration, "_record", record_then_die)
    with pytest.raises(Crash):
        eisops("apply", manifests, "--url", url, "--auto-approve")
    monkeypatch.setattr(migration, "_record", record)
    code, out, err = eisops("plan", manifests, "--url", url)
    assert f"stopped at its '{step}' step" in out and "apply resumes it from there" in out, out
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0, out + err
    assert _state(url) == {"concrete": "books-v2", "aliases": ["books", "library"], "year": "keyword", "count": 500}
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0
    # Nothing left that eisops cannot account for.
    indices = sorted(Elasticsearch(url).indices.get(index="books*").body)
    assert indices == ["books-v2"]


def test_an_index_addressed_by_alias_keeps_the_index_a_migration_leaves(fake_es, eisops, tmp_path):
    url = fake_es.url
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: library\n", "books.yaml": INDEX.replace(
        "YEAR", "long").replace("name: books\n", "name: books\naddressing: alias\n")})
    code, out, err = eisops("plan", manifests, "--url", url)
    assert "it is created as [books-v1], behind the alias [books] clients use" in out, out
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    assert _state(url)["concrete"] == "books-v1" and eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0
    _load(url, 300)
    (manifests / "books.yaml").write_text((manifests / "books.yaml").read_text().replace("type: long", "type: keyword"))
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0 and "[books-v1] is kept, its writes blocked" in out, out + err
    assert _state(url) == {"concrete": "books-v2", "aliases": ["books", "library"], "year": "keyword", "count": 300}
    assert Elasticsearch(url).count(index="books-v1")["count"] == 300
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0


#: Run eisops in a process of its own that SIGKILLs itself when the migration records STEP.
KILLED_AT = """
import os, signal, sys
from eisops.apply import migration
from eisops.cli import main
record, step = migration._record, os.environ["KILL_AT_STEP"]
def record_then_die(cluster, spec, at, **extra):
    record(cluster, spec, at, **extra)
    if at == step:
        os.kill(os.getpid(), signal.SIGKILL)
migration._record = record_then_die
main(sys.argv[1:])
"""


@pytest.mark.parametrize("step", ["copy", "catch_up", "swap"])
def test_a_migration_killed_with_sigkill_is_resumed_after_the_lock_expires(fake_es, eisops, tmp_path, step):
    import os
    import subprocess
    import sys

    url = fake_es.url
    manifests = _manifests(tmp_path)
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    _load(url, 500)
    _manifests(tmp_path, "keyword")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELASTICSEARCH_")}
    env.update(KILL_AT_STEP=step, EISOPS_LOCK_TTL_SECONDS="2")
    killed = subprocess.run([sys.executable, "-c", KILLED_AT, "apply", str(manifests), "--url", url, "--auto-approve"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert killed.returncode == -9, killed.stdout + killed.stderr
    # The dead apply's lease expires; the next apply waits for it, then resumes the migration.
    resumed = subprocess.run([sys.executable, "-m", "eisops", "apply", str(manifests), "--url", url, "--auto-approve",
                              "--lock-timeout", "30s"], capture_output=True, text=True, env=env, timeout=120)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"stopped at its '{step}' step" in resumed.stdout
    assert _state(url) == {"concrete": "books-v2", "aliases": ["books", "library"], "year": "keyword", "count": 500}
    assert sorted(Elasticsearch(url).indices.get(index="books*").body) == ["books-v2"]
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0
