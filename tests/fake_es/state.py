"""In-memory cluster state of the fake: the single source of truth.

What it is for: hold every stored object (indices with their settings,
mappings, aliases and documents; inference endpoints; ingest pipelines;
component and index templates; stored task results; open scroll contexts),
the emulated version, and cross-API lookups
(alias resolution, semantic_text default inference id, endpoint model
settings) so that every API sees the same consistent state.

What it must not do: validate requests or build HTTP responses.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .inference_services import preconfigured_endpoints
from .mappings import MappingContext
from .versions import EsVersion


def new_uuid() -> str:
    return secrets.token_urlsafe(16)[:22]


@dataclass
class IndexMetadata:
    name: str
    uuid: str
    settings: dict[str, Any]  # flat "index.*" -> string (or list of strings)
    mappings: dict  # canonical GET _mapping form
    aliases: dict[str, dict] = field(default_factory=dict)
    state: str = "open"
    docs: dict[str, dict] = field(default_factory=dict)
    # Versions of deleted documents (ES keeps tombstones): a delete of a missing id and a
    # re-index after a delete continue counting from them.
    tombstones: dict[str, int] = field(default_factory=dict)
    seq_no: int = -1

    @property
    def hidden(self) -> bool:
        return self.settings.get("index.hidden") == "true"


class ClusterState:
    def __init__(self, version: str = "9.2.0", eis: bool = True) -> None:
        self.version = EsVersion(version)
        self.eis = eis
        self.lock = threading.RLock()
        self.cluster_name = "fake-elasticsearch"
        self.cluster_uuid = new_uuid()
        self.node_name = "fake-node-0"
        self.node_id = new_uuid()
        self.indices: dict[str, IndexMetadata] = {}
        self.inference: dict[str, dict] = {}
        self.pipelines: dict[str, dict] = {}  # id -> {"body", "created", "modified"}
        self.component_templates: dict[str, dict] = {}
        self.index_templates: dict[str, dict] = {}
        self.preconfigured_ids: set[str] = set()
        # Tasks: every task-running request takes the next id; the results of the tasks that
        # store them (wait_for_completion=false) are kept as ES keeps them in ``.tasks``.
        self.task_counter = 0
        self.tasks: dict[str, dict] = {}  # "node:id" -> stored TaskResult body
        # Open scroll contexts: scroll id -> snapshot of the hits and the page position.
        self.scroll_counter = 0
        self.scrolls: dict[str, dict] = {}
        # Deprecation warnings of the request being served (sent back as Warning headers);
        # the server empties the list before each request.
        self.warnings: list[str] = []
        for record in preconfigured_endpoints(self.version, eis):
            self.inference[record["inference_id"]] = record
            self.preconfigured_ids.add(record["inference_id"])

    # ---------------------------------------------------------------- time
    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)

    def next_task_id(self) -> int:
        self.task_counter += 1
        return self.task_counter

    # ------------------------------------------------------------- aliases
    def alias_map(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for index in self.indices.values():
            for alias in index.aliases:
                out.setdefault(alias, []).append(index.name)
        return out

    def is_alias(self, name: str) -> bool:
        return any(name in index.aliases for index in self.indices.values())

    # ---------------------------------------------------------- inference
    def default_inference_id(self) -> str:
        """semantic_text inference_id when omitted (reference 2.2)."""
        if self.version.at_least("9.4") and ".jina-embeddings-v5-text-small" in self.inference:
            return ".jina-embeddings-v5-text-small"
        if self.version.at_least("9.2") and ".elser-2-elastic" in self.inference:
            return ".elser-2-elastic"
        return ".elser-2-elasticsearch"

    def mapping_context(self, materialize: bool = True, settings: dict | None = None) -> MappingContext:
        """``settings``: the flat settings of the index the mapping is for, when known."""
        return MappingContext(self.version, self.default_inference_id(), materialize, dict(settings or {}), self.warnings)

    def endpoint_model_settings(self, inference_id: str) -> dict | None:
        """MinimalServiceSettings of an endpoint, as semantic_text stores them."""
        record = self.inference.get(inference_id)
        if record is None:
            return None
        task = record["task_type"]
        out: dict = {}
        if self.version.model_settings_has_service:
            out["service"] = record["service"]
        out["task_type"] = task
        if task == "text_embedding":
            shown, hidden = record["service_settings"], record["hidden_settings"]
            out["dimensions"] = shown.get("dimensions", hidden.get("dimensions"))
            out["similarity"] = shown.get("similarity", hidden.get("similarity", "cosine"))
            element = shown.get("embedding_type", hidden.get("element_type", "float"))
            out["element_type"] = {"binary": "bit", "int8": "byte"}.get(element, element)
        return out
