"""The real-world corpus of tests/corpus: reading its cases and making each case's change.

A case is one YAML file of manifests with a header of comment lines:

    # source: where the body comes from
    # licence: Apache-2.0 | Elastic documentation example | written afresh to the shape of the source
    # change: {"resource": "Kind/name", "path": [...spec path...], "value": <JSON>}
    # real_es: yes | no (why)

``change`` is the edit a user would make next; ``real_es`` says whether Elasticsearch's
integration-test distribution has what the bodies need. A body that names Elasticsearch's built-in
objects (``logs@mappings``, ``logs@default-pipeline``), which the integration-test distribution
and the fake do not install, comes with equivalents of its own under corpus names. The ECS templates of ../shared join
the corpus as one more case (tests/ecs_corpus.py).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eisops.manifest.loader import load_file
from tests.ecs_corpus import corpus_available, ecs_documents

CORPUS = Path(__file__).resolve().parent / "corpus"
HEADER_KEYS = ("source", "licence", "change", "real_es")



@dataclass(frozen=True)
class Change:
    kind: str
    name: str
    path: tuple
    value: Any

    def expected_paths(self) -> list[tuple]:
        """Where the plan may show the change: settings are compared flat, as ``index.*`` keys; a
        dotted field name as written (under ``subobjects: false``) or as the objects Elasticsearch
        makes of it."""
        if "settings" in self.path:
            at = self.path.index("settings")
            rest = ".".join(str(p) for p in self.path[at + 1:])
            if rest:
                return [self.path[:at + 1] + (rest if rest.startswith("index.") else f"index.{rest}",)]
        expanded: list = []
        for i, key in enumerate(self.path):
            if i and self.path[i - 1] == "properties" and isinstance(key, str) and "." in key:
                parts = key.split(".")
                for part in parts[:-1]:
                    expanded += [part, "properties"]
                expanded.append(parts[-1])
            else:
                expanded.append(key)
        return [self.path, tuple(expanded)]


@dataclass(frozen=True)
class CorpusCase:
    name: str
    documents: tuple[dict[str, Any], ...]
    header: dict[str, str]
    change: Change

    @property
    def real_es(self) -> bool:
        return self.header.get("real_es", "").split()[0:1] == ["yes"]

    def write(self, directory: Path, changed: bool = False) -> Path:
        """The case's manifests (with its change made when ``changed``) as files in ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("*.yaml"):
            old.unlink()
        documents = [copy.deepcopy(d) for d in self.documents]
        if changed:
            _make_change(documents, self.change)
        for i, document in enumerate(documents):
            # JSON is YAML: the values reach eisops exactly as loaded, whatever their type.
            (directory / f"{i:03d}-{document.get('kind')}-{document.get('name')}.yaml").write_text(
                json.dumps(document, indent=1, ensure_ascii=False))
        return directory


def _make_change(documents: list[dict[str, Any]], change: Change) -> None:
    for document in documents:
        if document.get("kind") == change.kind and document.get("name") == change.name:
            node = document.setdefault("spec", {})
            for key in change.path[:-1]:
                if isinstance(node, list):
                    node = node[key]
                else:
                    node = node.setdefault(key, {})
            node[change.path[-1]] = change.value
            return
    raise AssertionError(f"the change names {change.kind}/{change.name}, which the case does not declare")


def read_header(text: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, _, value = line[1:].strip().partition(":")
        if key in HEADER_KEYS:
            header[key] = value.strip()
    return header


def parse_change(text: str) -> Change:
    data = json.loads(text)
    kind, _, name = data["resource"].partition("/")
    return Change(kind, name, tuple(data["path"]), data["value"])


def load_case(path: Path) -> CorpusCase:
    text = path.read_text(encoding="utf-8")
    header = read_header(text)
    missing = [k for k in HEADER_KEYS if k not in header]
    assert not missing, f"{path}: the header lacks {missing}"
    documents, problems = load_file(path, str(path))
    assert not problems, [p.render() for p in problems]
    return CorpusCase(str(path.relative_to(CORPUS)), tuple(d.data for d in documents), header,
                      parse_change(header["change"]))


def ecs_case() -> CorpusCase | None:
    """The ECS templates (Apache 2.0) with the field types the distribution lacks substituted, so
    that the one case serves the fake and real Elasticsearch alike."""
    if not corpus_available():
        return None
    documents = tuple(ecs_documents(substitute=True))
    return CorpusCase("ecs (../shared/corpus/ecs)", documents,
                      {"source": "../shared/corpus/ecs", "licence": "Apache-2.0", "real_es": "yes",
                       "change": ""},
                      Change("ComponentTemplate", "ecs_9.5.0-dev_host",
                             ("template", "mappings", "properties", "host", "properties", "hostname",
                              "ignore_above"), 2048))


def all_cases() -> list[CorpusCase]:
    cases = [load_case(p) for p in sorted(CORPUS.rglob("*.yaml"))]
    ecs = ecs_case()
    return cases + ([ecs] if ecs else [])
