"""The ECS templates of ../shared/corpus/ecs as eisops manifests, for round-trip tests and benchmarks.

``substitute=True`` replaces the field types that Elasticsearch's integration-test
distribution does not ship (they live in modules it lacks) with their closest core types,
as the corpus README asks: match_only_text -> text, wildcard -> keyword,
constant_keyword -> keyword, scaled_float -> float (scaling_factor dropped),
flattened -> object, and drops parameters that only those types take.

Both forms raise the composable template's ``index.mapping.total_fields.limit`` from 3000
to 5000: Elasticsearch counts object mappers and multi-fields towards the limit (about
3,400 here), so the corpus as published is refused with "Limit of total fields [3000] has
been exceeded" by real Elasticsearch.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests import yaml_writer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ecs" / "composable"
SUBSTITUTES = {"match_only_text": "text", "wildcard": "keyword", "constant_keyword": "keyword",
               "scaled_float": "float", "flattened": "object", "unsigned_long": "long", "version": "keyword"}
FIELD_LIMIT = 5000
ONLY_FOR_SUBSTITUTED = {"scaling_factor", "value", "null_value", "ignore_above", "norms", "index_options",
                        "depth_limit", "split_queries_on_whitespace", "time_series_dimension"}


def corpus_available() -> bool:
    return CORPUS.is_dir()


def _substitute(mapping: Any) -> Any:
    if isinstance(mapping, dict):
        out = {}
        original = mapping.get("type")
        replaced = SUBSTITUTES.get(original) if isinstance(original, str) else None
        for key, value in mapping.items():
            if replaced and key in ONLY_FOR_SUBSTITUTED and not (replaced == "keyword" and key in ("ignore_above", "null_value")):
                continue
            if key == "synthetic_source_keep" and replaced:
                continue
            out[key] = _substitute(value)
        if replaced:
            out["type"] = replaced
        return out
    if isinstance(mapping, list):
        return [_substitute(v) for v in mapping]
    return mapping


def ecs_documents(substitute: bool = False) -> list[dict[str, Any]]:
    docs = []
    for path in sorted((CORPUS / "component").glob("*.json")):
        body = json.loads(path.read_text())
        if substitute:
            body = _substitute(body)
        docs.append({"kind": "ComponentTemplate", "name": f"ecs_9.5.0-dev_{path.stem}", "spec": body})
    template = json.loads((CORPUS / "template.json").read_text())
    template["template"]["settings"]["index"]["mapping"]["total_fields"]["limit"] = FIELD_LIMIT
    docs.append({"kind": "IndexTemplate", "name": "try-ecs", "spec": copy.deepcopy(template)})
    return docs


def write_ecs_manifests(directory: Path, substitute: bool = False) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for doc in ecs_documents(substitute):
        (directory / f"{doc['name']}.yaml").write_text(yaml_writer.dump(doc))
    return directory
