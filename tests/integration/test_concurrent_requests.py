"""What eisops sends at once: a no-change plan's reads in one round, the same number of them
whatever the number of objects, and the records of endpoints created at once written together."""

from __future__ import annotations

import threading
import time
from collections import Counter

from elasticsearch import Elasticsearch

from eisops.cluster import records
from eisops.cluster.connection import ConnectionSettings, connect
from eisops.plan.model import Operation
from eisops.planning.planner import build_plan
from eisops.planning.validate import load_manifests
from tests.integration.test_projects import endpoint, pipeline, project, template

#: How long every request is held before it is sent: long enough that requests sent one after
#: another never overlap, and requests sent at once always do.
HOLD = 0.3


def _resources(n: int) -> list[str]:
    docs = []
    for i in range(n):
        name = f"r{i:03d}"
        docs += [
            endpoint(name), pipeline(name), template(name),
            f"kind: IndexTemplate\nname: {name}\nspec: {{index_patterns: [{name}-*], priority: {i}, composed_of: [{name}]}}\n",
            f"kind: Index\nname: {name}\nspec: {{settings: {{default_pipeline: {name}}}, mappings: {{properties: "
            f"{{content: {{type: semantic_text, inference_id: {name}}}}}}}}}\n",
        ]
    return docs


class InFlight:
    """Wraps a cluster's ``request``: every request is held for HOLD seconds, and the most
    requests in flight at one moment is kept."""

    def __init__(self, cluster):
        self.now = self.most = self.sent = 0
        self.lock = threading.Lock()
        send = cluster.request

        def request(*args, **kwargs):
            with self.lock:
                self.now += 1
                self.sent += 1
                self.most = max(self.most, self.now)
            try:
                time.sleep(HOLD)
                return send(*args, **kwargs)
            finally:
                with self.lock:
                    self.now -= 1

        cluster.request = request


def _plan_reads(directory, url) -> tuple[int, int]:
    manifest = load_manifests([str(directory)])
    cluster = connect(ConnectionSettings(url=url), detect_version=False)
    watch = InFlight(cluster)
    plan, _ = build_plan(manifest, cluster)
    cluster.close()
    assert not plan.has_changes, [c.address for c in plan.changes]
    assert cluster.version_known and plan.server_version == cluster.version
    return watch.sent, watch.most


def test_a_no_change_plan_sends_its_reads_at_once_and_as_many_whatever_the_number_of_objects(
        fake_es, eisops, tmp_path):
    counts = []
    for n in (2, 12):
        directory = project(tmp_path / str(n), "team-a", _resources(n))
        assert eisops("apply", directory, "--url", fake_es.url, "--auto-approve")[0] == 0
        sent, most = _plan_reads(directory, fake_es.url)
        # one round of reads, the version among them: every read was in flight at one moment
        assert most == sent, f"{sent} reads, at most {most} at once"
        counts.append(sent)
    assert counts[0] == counts[1]


def test_the_version_is_asked_with_the_reads_and_its_error_comes_first(tmp_path):
    directory = project(tmp_path, "team-a", [pipeline("p")])
    manifest = load_manifests([str(directory)])
    cluster = connect(ConnectionSettings(url="http://127.0.0.1:9"), detect_version=False)  # nothing listens
    try:
        build_plan(manifest, cluster)
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        assert "cannot reach Elasticsearch at http://127.0.0.1:9" in str(exc)
    else:
        raise AssertionError("the plan should have failed")
    finally:
        cluster.close()


def test_record_operations_made_at_once_are_written_together(fake_es):
    cluster = connect(ConnectionSettings(url=fake_es.url))
    watch = InFlight(cluster)
    names = [f"e{i:02d}" for i in range(12)]

    def record(name: str) -> None:
        records.apply_operation(cluster, Operation("record", body={
            "endpoint": name, "project": "team-a",
            "record": {"task_type": "text_embedding", "service": "elastic", "applied": {}}}, record=True))

    threads = [threading.Thread(target=record, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(records.read(cluster, "team-a")) == set(names)
    # One after another, 12 records would take 12 reads and 12 writes of the document.
    writes = Counter(m for m, path, _ in fake_es.requests if path == "/.eisops-state/_doc/project-team-a")
    assert writes["PUT"] < len(names) / 2, writes
    # forget goes through the same writer, and a forget of what is not recorded writes nothing
    records.apply_operation(cluster, Operation("forget", body={"endpoint": "e00", "project": "team-a"}, record=True))
    fake_es.reset_requests()
    records.apply_operation(cluster, Operation("forget", body={"endpoint": "e00", "project": "team-a"}, record=True))
    assert not [r for r in fake_es.requests if r[0] == "PUT"]
    assert set(records.read(cluster, "team-a")) == set(names) - {"e00"}
    cluster.close()


def test_apply_makes_independent_changes_at_once_and_ends_as_one_after_another(fake_es, eisops, tmp_path):
    docs = _resources(6)
    one = project(tmp_path / "one", "team-a", docs)
    assert eisops("apply", one, "--url", fake_es.url, "--auto-approve", "--parallelism", "1")[0] == 0
    es = Elasticsearch(fake_es.url)
    sequential = es.get(index=".eisops-state", id="project-team-a")["_source"]["endpoints"]
    fake_es.reset()
    assert eisops("apply", one, "--url", fake_es.url, "--auto-approve")[0] == 0
    assert es.get(index=".eisops-state", id="project-team-a")["_source"]["endpoints"] == sequential
    assert eisops("plan", one, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
