"""The desired state read from manifests: one Resource per document, checked envelope first.

The envelope (kind, name, task_type, spec) is checked here with pydantic; ``spec`` stays the
plain dict the user wrote, exactly the body Elasticsearch's PUT API takes, so nothing the
user wrote is dropped. Kind-specific checks live in the kind modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from eisops.errors import Diagnostic
from eisops.manifest.loader import Document, Location



class Envelope(BaseModel):
    """What every manifest document has around its ``spec``. Unknown keys here are errors."""

    model_config = ConfigDict(extra="forbid", strict=True)

    kind: str
    name: str
    task_type: str | None = None
    spec: dict[str, Any] = {}
    adopt: bool = False  # take over the existing object of this name when it equals the manifest
    #: An Index whose changes Elasticsearch cannot make in place is migrated to a new index
    #: (false: such changes are blocked instead).
    migrate: bool = True
    #: How clients address an Index: ``name`` (the index is created under its name; a migration
    #: turns the name into an alias) or ``alias`` (created as ``<name>-v1`` behind the alias).
    addressing: str = "name"

    @field_validator("addressing")
    @classmethod
    def _known_addressing(cls, value: str) -> str:
        if value not in ("name", "alias"):
            raise ValueError("must be name or alias")
        return value

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


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


def _describe_pydantic_error(err: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    kind = err.get("type")
    if kind == "missing":
        return f"'{loc}' is required"
    if kind == "extra_forbidden":
        return (
            f"unknown key '{loc}' outside spec (the envelope takes kind, name, task_type, adopt, migrate, addressing and spec; "
            "Elasticsearch's request body goes under spec)"
        )
    if kind in ("string_type", "dict_type"):
        expected = "a string" if kind == "string_type" else "a mapping (the request body)"
        return f"'{loc}' must be {expected}, not {type(err.get('input')).__name__}"
    msg = err.get("msg", "invalid value")
    return f"'{loc}': {msg}" if loc else msg


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
    try:
        env = Envelope.model_validate(data)
    except ValidationError as exc:
        problems = []
        kind = data.get("kind") if isinstance(data.get("kind"), str) else None
        name = data.get("name") if isinstance(data.get("name"), str) else None
        for err in exc.errors():
            path = tuple(p for p in err.get("loc", ()) if isinstance(p, (str, int)))
            # A literal/str error reports the field itself; point at it, else at the document.
            loc = document.location(path[:1])
            problems.append(Diagnostic(loc.file, loc.line, loc.column, _describe_pydantic_error(err), kind, name))
        return None, problems
    if env.kind not in kinds:
        loc = document.location(("kind",))
        name = data.get("name") if isinstance(data.get("name"), str) else None
        return None, [Diagnostic(loc.file, loc.line, loc.column,
                                 f"unknown kind {env.kind!r}; expected one of {', '.join(kinds)}", env.kind, name)]
    resource = Resource(env.kind, env.name, data.get("spec") or {}, document, env.task_type, adopt=env.adopt,
                        migrate=env.migrate, addressing=env.addressing)
    return resource, []
