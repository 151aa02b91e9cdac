"""The per-resource reference: how the established tools read a cluster before a plan.

Terraform's Elasticsearch providers refresh each managed object on its own — one GET per object
(``GET _inference/<task_type>/<id>``, ``GET _ingest/pipeline/<id>``, ``GET _component_template/<id>``,
``GET _index_template/<id>``, ``GET <index>``), ``-parallelism`` of them at a time (10 by
default). This script does that and nothing more: it reads the kinds and names of the same
manifests (with PyYAML's libyaml loader) and GETs each object through the official
``elasticsearch`` client, sequentially (``--parallelism 1``) or N at a time. It compares nothing
and plans nothing, so it is a lower bound on such a tool's refresh. Run it as a process of its
own, as eisops is run: ``python benchmarks/reference.py --url URL [--parallelism 10] PATH...``.
It prints the objects read, and exits 1 when one is missing.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from elasticsearch import Elasticsearch, NotFoundError

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def manifests(paths: list[str]) -> list[dict]:
    files = []
    for p in map(Path, paths):
        files += sorted(f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.name != "eisops.yaml") \
            if p.is_dir() else [p]
    docs = []
    for f in files:
        with f.open(encoding="utf-8") as stream:
            docs += [d for d in yaml.load_all(stream, Loader=Loader) if isinstance(d, dict) and "kind" in d]
    return docs


def read(es: Elasticsearch, doc: dict) -> bool:
    kind, name = doc["kind"], doc["name"]
    try:
        if kind == "InferenceEndpoint":
            es.inference.get(task_type=doc["task_type"], inference_id=name)
        elif kind == "IngestPipeline":
            es.ingest.get_pipeline(id=name)
        elif kind == "ComponentTemplate":
            es.cluster.get_component_template(name=name)
        elif kind == "IndexTemplate":
            es.indices.get_index_template(name=name)
        elif kind == "Index":
            es.indices.get(index=name)
        else:
            raise ValueError(f"unknown kind {kind}")
    except NotFoundError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--url", required=True)
    parser.add_argument("--parallelism", type=int, default=10)
    args = parser.parse_args(argv)
    docs = manifests(args.paths)
    es = Elasticsearch(args.url, connections_per_node=max(10, args.parallelism))
    if args.parallelism == 1:
        found = [read(es, d) for d in docs]
    else:
        with ThreadPoolExecutor(max_workers=args.parallelism) as pool:
            found = list(pool.map(lambda d: read(es, d), docs))
    es.close()
    print(f"{sum(found)} of {len(docs)} objects read")
    return 0 if all(found) else 1


if __name__ == "__main__":
    sys.exit(main())
