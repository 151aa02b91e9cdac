"""Benchmark: how a no-change plan scales with the number of resources.

Run from the repository root: ``python -m tests.bench.plan_benchmark [--sizes 10,100,500]``.
It starts the fake Elasticsearch in-process, applies N resources of every kind (and the ECS
corpus of ../shared, when present), then plans again and prints, per size: the requests
the plan sent, its wall time and the peak Python memory it allocated. The figures are for
comparison between versions of eisops on one machine; no test asserts a time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

from eisops.cluster.connection import ConnectionSettings, connect
from eisops.planning.validate import load_manifests
from eisops.apply.applier import apply_plan
from eisops.planning.planner import build_plan, verify_changes
from tests.ecs_corpus import corpus_available, write_ecs_manifests
from tests.fake_es import FakeElasticsearch
from tests.helpers import write_manifests


def documents(size: int) -> str:
    docs = []
    for i in range(size):
        name = f"bench-{i:05d}"
        docs += [
            f"kind: InferenceEndpoint\nname: {name}\ntask_type: text_embedding\n"
            "spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}\n",
            f"kind: IngestPipeline\nname: {name}\nspec: {{processors: [{{set: {{field: n, value: {i}}}}}]}}\n",
            f"kind: ComponentTemplate\nname: {name}\nspec: {{template: {{mappings: {{properties: "
            f"{{f{i}: {{type: keyword}}}}}}}}}}\n",
            f"kind: IndexTemplate\nname: {name}\nspec: {{index_patterns: [{name}-*], priority: {i}, "
            f"composed_of: [{name}]}}\n",
            f"kind: Index\nname: {name}\nspec: {{settings: {{number_of_replicas: 0}}, mappings: "
            f"{{properties: {{content: {{type: semantic_text, inference_id: {name}}}}}}}}}\n",
        ]
    return "---\n".join(docs)


def measure(directory: Path, label: str) -> None:
    with FakeElasticsearch() as fake:
        manifest = load_manifests([str(directory)])
        cluster = connect(ConnectionSettings(url=fake.url))
        plan, ctx = build_plan(manifest, cluster)
        apply_plan(plan, cluster, lambda c, changes: verify_changes(ctx, c, changes),
                   allowed={"--allow-replace", "--allow-data-loss"})
        fake.reset_requests()
        tracemalloc.start()
        started = time.perf_counter()
        cluster = connect(ConnectionSettings(url=fake.url))
        plan, _ = build_plan(manifest, cluster)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert not plan.has_changes, [c.address for c in plan.changes][:5]
        print(f"{label:<28} {len(manifest.resources):>9} {len(fake.requests):>9} {seconds:>10.3f} {peak / 2**20:>12.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500", help="resources of each kind, comma separated")
    args = parser.parse_args()
    print(f"{'no-change plan':<28} {'resources':>9} {'requests':>9} {'seconds':>10} {'peak MiB':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            directory = write_manifests(Path(tmp) / f"n{size}", {"m.yaml": documents(size)})
            measure(directory, f"{size} of each kind")
        if corpus_available():
            measure(write_ecs_manifests(Path(tmp) / "ecs"), "ECS corpus (43 templates)")


if __name__ == "__main__":
    main()
