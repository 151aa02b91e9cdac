"""What eisops sends at once: a no-change plan's reads in one round, the same number of them
whatever the number of objects."""

from __future__ import annotations

import threading
import time

from eisops.cluster.connection import ConnectionSettings, connect
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
