"""The desired state read from manifests: one Resource per document, checked envelope first.

The envelope (kind, name, task_type, spec, ...) is checked here, strictly typed; ``spec`` stays the
plain dict the user wrote, exactly the body Elasticsearch's PUT API takes, so nothing the
user wrote is dropped. Kind-specific checks live in the kind modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eisops.errors import Diagnostic
from eisops.manifest.loader import Document, Location



#: The keys of the envelope around ``spec``: any other is a problem.
ENVELOPE_KEYS = ("kind", "name", "task_type", "spec", "adopt", "migrate", "addressing")
#: How clients address an Index: ``name`` (the index is created under its name; a migration
#: turns the name into an alias) or ``alias`` (created as ``<name>-v1`` behind the alias).
ADDRESSING = ("name", "alias")


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean", int: "an integer", float: "a number",
            str: "a string", type(None): "nothing"}.get(type(value), type(value).__name__)


def envelope_problems(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(key, message) for each problem of the envelope, in the order of its keys, then unknown keys.

    Checked by hand, not through a model class: it runs for every document of every run, and
    the checks are few; every key keeps its type exactly (no coercion of 1 to true or of 5 to "5")."""
    problems: list[tuple[str | None, str]] = []
    for key in ("kind", "name"):
        value = data.get(key)
        if key not in data:
            problems.append((None, f"'{key}' is required"))
        elif not isinstance(value, str):
            problems.append((key, f"'{key}' must be a string, not {_type_name(value)}"))
        elif not value.strip():
            problems.append((key, f"'{key}' must not be empty"))
    if data.get("task_type") is not None and not isinstance(data["task_type"], str):
        problems.append(("task_type", f"'task_type' must be a string, not {_type_name(data['task_type'])}"))
    if "spec" in data and not isinstance(data["spec"], dict):
        problems.append(("spec", f"'spec' must be a mapping (the request body), not {_type_name(data['spec'])}"))
    for key in ("adopt", "migrate"):
        if key in data and not isinstance(data[key], bool):
            problems.append((key, f"'{key}' must be true or false, not {_type_name(data[key])}"))
    if "addressing" in data and data["addressing"] not in ADDRESSING:
        problems.append(("addressing", "'addressing' must be name or alias"))
    for key in data:
        if key not in ENVELOPE_KEYS:
            problems.append((key, f"unknown key '{key}' outside spec (the envelope takes kind, name, task_type, adopt, "
                                  "migrate, addressing and spec; Elasticsearch's request body goes under spec)"))
    return problems


@dataclass
class Resource:
    """One object the manifests want to exist."""

    kind: str
    name: str
    spec: dict[str, Any]
    document: Document
    task_type: str | None = None
    problems: list[Diagnostic] = field(default_factory=list)
    project: str = "default"  # the project whose manifests declare it (eisops.manifest.project)
    adopt: bool = False  # the envelope's adopt: true (eisops import writes it)
    migrate: bool = True  # the envelope's migrate (Index only)
    addressing: str = "name"  # the envelope's addressing (Index only)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    def location(self, spec_path: tuple = ()) -> Location:
        return self.document.location(("spec",) + tuple(spec_path))

    def diagnostic(self, message: str, spec_path: tuple = (), at_envelope: tuple | None = None) -> Diagnostic:
        loc = self.document.location(at_envelope) if at_envelope is not None else self.location(spec_path)
        return Diagnostic(loc.file, loc.line, loc.column, message, self.kind, self.name)


@dataclass
class Manifest:
    """All resources of a run, in file order."""

    resources: list[Resource]

    def of_kind(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind]

    def get(self, kind: str, name: str) -> Resource | None:
        for r in self.resources:
            if r.kind == kind and r.name == name:
                return r
        return None


def read_envelope(document: Document, kinds: tuple[str, ...]) -> tuple[Resource | None, list[Diagnostic]]:
    """Check one document's envelope; returns the Resource (if usable) and the problems.
    ``kinds`` are the kinds there are (the registry's)."""
    data = document.data
    if not isinstance(data, dict):
        top = document.location(())
        return None, [
            Diagnostic(top.file, top.line, top.column,
                       f"a manifest document must be a mapping with kind, name and spec, not {type(data).__name__}")
        ]
    problems = envelope_problems(data)
    if problems:
        kind = data.get("kind") if isinstance(data.get("kind"), str) else None
        name = data.get("name") if isinstance(data.get("name"), str) else None
        out = []
        for key, message in problems:
            # A wrong value is placed at its key; a missing key at the document.
            loc = document.location((key,) if key is not None else ())
            out.append(Diagnostic(loc.file, loc.line, loc.column, message, kind, name))
        return None, out
    if data["kind"] not in kinds:
        loc = document.location(("kind",))
        return None, [Diagnostic(loc.file, loc.line, loc.column,
                                 f"unknown kind {data['kind']!r}; expected one of {', '.join(kinds)}", data["kind"],
                                 data["name"])]
    resource = Resource(data["kind"], data["name"], data.get("spec") or {}, document, data.get("task_type"),
                        adopt=data.get("adopt", False), migrate=data.get("migrate", True),
                        addressing=data.get("addressing", "name"))
    return resource, []
