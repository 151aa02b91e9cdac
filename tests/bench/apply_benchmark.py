"""Benchmark: apply of many pipelines and templates through added latency, sequential against concurrent.

Run from the repository root: ``python -m tests.bench.apply_benchmark [--count 1000] [--latency-ms 10]``.
It starts the fake Elasticsearch behind a latency proxy (loopback only) and applies COUNT
objects (half ingest pipelines, half component templates) to an empty cluster twice: once with
``--parallelism 1`` and once with the default of 10. It prints both wall times, their ratio,
the requests sent, and whether the two end states are identical. No test asserts a time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from elasticsearch import Elasticsearch

from eisops.apply.applier import DEFAULT_PARALLELISM, apply_plan
from eisops.cluster.connection import ConnectionSettings, connect
from eisops.planning.validate import load_manifests
from eisops.planning.planner import build_plan, verify_changes
from tests.bench.latency_proxy import LatencyProxy
from tests.fake_es import FakeElasticsearch
from tests.helpers import write_manifests

TIMESTAMPS = ("created_date_millis", "modified_date_millis")


def documents(count: int) -> str:
    docs = []
    for i in range(count // 2):
        docs.append(f"kind: IngestPipeline\nname: bench-{i:05d}\nspec: {{processors: [{{set: {{field: n, value: {i}}}}}]}}\n")
        docs.append(f"kind: ComponentTemplate\nname: bench-{i:05d}\nspec: {{template: {{mappings: {{properties: "
                    f"{{f{i}: {{type: keyword}}}}}}}}}}\n")
    return "---\n".join(docs)


def end_state(url: str) -> tuple:
    es = Elasticsearch(url)
    pipelines = es.ingest.get_pipeline().body
    templates = {t["name"]: {k: v for k, v in t["component_template"].items() if k not in TIMESTAMPS}
                 for t in es.cluster.get_component_template().body["component_templates"]}
    pipelines = {k: {f: v for f, v in p.items() if f not in TIMESTAMPS} for k, p in pipelines.items()}
    return pipelines, templates


def run(directory: Path, latency: float, parallelism: int) -> tuple[float, int, tuple]:
    manifest = load_manifests([str(directory)])
    with FakeElasticsearch(version="9.5.2") as fake, LatencyProxy(fake.port, latency) as proxy:
        cluster = connect(ConnectionSettings(url=proxy.url))
        plan, ctx = build_plan(manifest, cluster)
        fake.reset_requests()
        started = time.perf_counter()
        apply_plan(plan, cluster, lambda c, changes: verify_changes(ctx, c, changes), parallelism=parallelism)
        seconds = time.perf_counter() - started
        requests = len(fake.requests)
        cluster.close()
        return seconds, requests, end_state(fake.url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="objects to apply (half pipelines, half templates)")
    parser.add_argument("--latency-ms", type=float, default=10.0, help="round trip added to every request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = write_manifests(Path(tmp) / "m", {"m.yaml": documents(args.count)})
        sequential = run(directory, args.latency_ms / 1000, 1)
        concurrent = run(directory, args.latency_ms / 1000, DEFAULT_PARALLELISM)
    print(f"apply of {args.count} objects at {args.latency_ms:g} ms round trip")
    print(f"{'parallelism':<14} {'seconds':>9} {'requests':>9}")
    print(f"{1:<14} {sequential[0]:>9.2f} {sequential[1]:>9}")
    print(f"{DEFAULT_PARALLELISM:<14} {concurrent[0]:>9.2f} {concurrent[1]:>9}")
    print(f"speed-up (1 / {DEFAULT_PARALLELISM}): {sequential[0] / concurrent[0]:.1f}x")
    print(f"end states identical: {sequential[2] == concurrent[2]}")


if __name__ == "__main__":
    main()
