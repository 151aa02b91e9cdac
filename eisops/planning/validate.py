"""Checking manifests as a whole: envelope, names, specs, duplicates, references, overlaps.

Every problem in every file is collected before anything fails, each with file:line:column.
References to Elasticsearch's own objects (inference ids starting with '.', template and
pipeline names with '@' such as ``logs@custom``) cannot be checked without a cluster; they
are handed to the planner, which checks them against the live state. No requests here.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

from eisops import secrets
from eisops.errors import Diagnostic, ManifestError
from eisops.manifest.loader import read_documents
from eisops.manifest.model import Manifest, Resource, read_envelope
from eisops.manifest.project import DEFAULT_PROJECT, Project, read_project
from eisops.resources import BY_NAME, KINDS
from eisops.resources.base import Reference


@dataclass
class ExternalReference:
    """A reference the manifests cannot resolve by themselves; checked by plan against the cluster."""

    source: Resource
    reference: Reference


@dataclass
class LoadedManifest(Manifest):
    external: list[ExternalReference] = field(default_factory=list)
    files: int = 0
    project: Project = field(default_factory=lambda: Project(DEFAULT_PROJECT))
    partial: bool = False  # cut down to --target objects: plan nothing else, prune nothing
    adopt: bool = False  # --adopt: adopt every unmanaged object that equals its manifest
    #: The values the manifests reference (``env:NAME`` and ``file:PATH`` -> value), read once
    #: when they are loaded, so that planning never looks at the environment. Never rendered or saved.
    environment: dict[str, str] = field(default_factory=dict, repr=False)
    warnings: list[Diagnostic] = field(default_factory=list)


def _is_external(ref: Reference) -> bool:
    return BY_NAME[ref.kind].is_builtin_name(ref.name)


def load_manifests(paths: list[str], allow_empty: bool = False, environment: dict[str, str] | None = None,
                   require_environment: bool = True) -> LoadedManifest:
    """Read and check the manifests under ``paths``; raise ManifestError with every problem.

    Values the manifests take from the environment (``environment``, default ``os.environ``)
    or from files are read here, and remembered as secrets to redact from all output; one that
    cannot be read is a problem at its file:line unless ``require_environment`` is false (an
    offline plan needs no secret values).
    """
    environment = dict(os.environ) if environment is None else environment
    documents, problems, files = read_documents(paths)
    project, project_problems = read_project(paths)
    problems.extend(project_problems)
    for kind_name in project.prune:
        if kind_name != "*" and kind_name not in BY_NAME:
            problems.append(Diagnostic(project.file or paths[0], 1, 1, f"prune names unknown kind [{kind_name}]; "
                                       f"expected one of {', '.join(BY_NAME)}"))
    resources: list[Resource] = []
    warnings: list[Diagnostic] = []
    for document in documents:
        resource, errs = read_envelope(document, tuple(BY_NAME))
        problems.extend(errs)
        if resource is not None:
            resource.project = project.name
            resources.append(resource)

    for resource in resources:
        kind = BY_NAME[resource.kind]
        message = kind.check_name(resource.name)
        if message:
            problems.append(resource.diagnostic(message, at_envelope=("name",)))
        for where, message in kind.check_envelope(resource):
            problems.append(resource.diagnostic(message, at_envelope=where))
        for where, message in kind.check_spec(resource):
            problems.append(resource.diagnostic(message, where))
        for where, message in kind.check_warnings(resource):
            warnings.append(resource.diagnostic(message, where))

    seen: dict[tuple[str, str], Resource] = {}
    for resource in resources:
        first = seen.get(resource.key)
        if first is not None:
            loc = first.document.location(("name",))
            problems.append(resource.diagnostic(
                f"duplicate {resource.kind} {resource.name!r}; first declared at {loc.file}:{loc.line}",
                at_envelope=("name",)))
        else:
            seen[resource.key] = resource

    external: list[ExternalReference] = []
    for resource in resources:
        for ref in BY_NAME[resource.kind].references(resource):
            target = seen.get((ref.kind, ref.name))
            if target is None:
                if ref.optional:
                    continue
                if _is_external(ref):
                    external.append(ExternalReference(resource, ref))
                else:
                    problems.append(resource.diagnostic(
                        f"{ref.what} names {ref.kind} {ref.name!r}, which no manifest declares", ref.spec_path))
                continue
            if ref.task_types and target.task_type and target.task_type not in ref.task_types:
                problems.append(resource.diagnostic(
                    f"{ref.what} names inference endpoint {ref.name!r} of task type {target.task_type}; "
                    f"it must be one of {', '.join(ref.task_types)}", ref.spec_path))

    for kind in KINDS:
        problems.extend(kind.check_together([r for r in resources if r.kind == kind.kind]))
    problems.extend(_vector_size_problems(resources, seen))

    values: dict[str, str] = {}
    for resource in resources:
        kind = BY_NAME[resource.kind]
        for literal in kind.secret_literals(resource):
            secrets.remember(literal)  # an error already; never printed either
        for where, source in kind.environment_references(resource):
            if source in values:
                continue
            try:
                values[source] = secrets.read_source(source, environment)
                secrets.remember(values[source])
            except secrets.SecretSourceError as exc:
                if require_environment:
                    problems.append(resource.diagnostic(f"{'.'.join(map(str, where))} comes from "
                                                        f"{secrets.describe(source)}, which {exc}", where))

    if not resources and not problems and not allow_empty:
        where = ", ".join(paths)
        problems.append(Diagnostic(where, 1, 1, "no manifests found (files ending in .yaml or .yml)"))
    if problems:
        raise ManifestError(_unique(problems))
    return LoadedManifest(resources, external=external, files=files, environment=values, project=project,
                          warnings=_unique(warnings))


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    return list(dict.fromkeys(problems))


def select_targets(manifest: LoadedManifest, targets: list[str]) -> LoadedManifest:
    """The manifests cut down to the ``KIND/NAME`` targets and what they reference (a pipeline's
    endpoint, an index template's component templates, an index's pipeline), for a partial plan:
    one that plans nothing else and prunes nothing."""
    if not targets:
        return manifest
    wanted: list[Resource] = []
    problems = []
    for target in targets:
        kind, _, name = target.partition("/")
        resource = manifest.get(kind, name) if kind in BY_NAME else None
        if resource is None:
            problems.append(Diagnostic("--target", 1, 1, f"--target {target}: no manifest declares it (KIND/NAME, "
                                                           f"KIND one of {', '.join(BY_NAME)})"))
        else:
            wanted.append(resource)
    if problems:
        raise ManifestError(problems)
    selected: dict[tuple[str, str], Resource] = {}
    while wanted:
        resource = wanted.pop()
        if resource.key in selected:
            continue
        selected[resource.key] = resource
        for ref in BY_NAME[resource.kind].references(resource):
            target = manifest.get(ref.kind, ref.name)
            if target is not None:
                wanted.append(target)
    resources = [r for r in manifest.resources if r.key in selected]
    external = [e for e in manifest.external if e.source.key in selected]
    return dataclasses.replace(manifest, resources=resources, external=external, partial=True)


def _vector_size_problems(resources: list[Resource], declared: dict[tuple[str, str], Resource]) -> list[Diagnostic]:
    """A ``dense_vector`` field filled by an inference endpoint of another size: Elasticsearch
    refuses every document (the vector's length must equal ``dims``). The endpoint is found
    through the ``inference`` processor of the index's default or final pipeline."""
    from eisops.resources import index_settings, mappings

    problems = []
    endpoints = BY_NAME["InferenceEndpoint"]
    pipelines = BY_NAME["IngestPipeline"]
    for resource in resources:
        if resource.kind == "Index":
            blocks = [((), resource.spec)]
        elif resource.kind in ("IndexTemplate", "ComponentTemplate"):
            blocks = [(("template",), resource.spec.get("template"))]
        else:
            continue
        for base, block in blocks:
            if not isinstance(block, dict):
                continue
            settings = index_settings.normalize(block.get("settings") or {})
            walked = list(mappings.walk_fields(block.get("mappings"), base + ("mappings",)))
            problems += _model_settings_problems(resource, walked, declared)
            fields = {entry.name: entry for entry in walked if entry.definition.get("type") == "dense_vector"}
            for key in ("index.default_pipeline", "index.final_pipeline"):
                pipeline = declared.get(("IngestPipeline", str(settings.get(key))))
                if pipeline is None:
                    continue
                for endpoint_id, output, _ in pipelines.inference_outputs(pipeline):
                    entry, endpoint = fields.get(output), declared.get(("InferenceEndpoint", endpoint_id))
                    dims = entry.definition.get("dims") if entry else None
                    size = endpoints.output_dims(endpoint) if endpoint else None
                    if isinstance(dims, int) and size is not None and dims != size:
                        problems.append(resource.diagnostic(
                            f"dense_vector field [{output}] has dims {dims}, but pipeline [{pipeline.name}] ({key}) "
                            f"fills it from inference endpoint [{endpoint_id}], whose embeddings have {size} "
                            "dimensions: Elasticsearch would refuse every document", entry.path + ("dims",)))
    return problems


def _model_settings_problems(resource: Resource, fields: list, declared: dict[tuple[str, str], Resource]) -> list[Diagnostic]:
    """A ``semantic_text`` field whose ``model_settings`` (written in the manifest, as GET
    _mapping shows them once documents are embedded) cannot match its declared endpoint:
    Elasticsearch refuses the endpoint's embeddings for that field ("Incompatible model
    settings", SemanticTextFieldMapper, 8.15+)."""
    endpoints = BY_NAME["InferenceEndpoint"]
    problems = []
    for entry in fields:
        definition = entry.definition
        settings = definition.get("model_settings")
        if definition.get("type") != "semantic_text" or not isinstance(settings, dict):
            continue
        endpoint_id = definition.get("inference_id")
        endpoint = declared.get(("InferenceEndpoint", str(endpoint_id)))
        if endpoint is None:
            continue
        task, dims = settings.get("task_type"), settings.get("dimensions")
        if isinstance(task, str) and endpoint.task_type and task != endpoint.task_type:
            problems.append(resource.diagnostic(
                f"semantic_text field [{entry.name}] has model_settings for task type {task}, but its inference "
                f"endpoint [{endpoint_id}] is a {endpoint.task_type} endpoint: Elasticsearch would refuse its "
                "embeddings", entry.path + ("model_settings", "task_type")))
            continue
        size = endpoints.output_dims(endpoint)
        if isinstance(dims, int) and size is not None and dims != size:
            problems.append(resource.diagnostic(
                f"semantic_text field [{entry.name}] has model_settings with {dims} dimensions, but its inference "
                f"endpoint [{endpoint_id}] produces {size}: Elasticsearch would refuse its embeddings",
                entry.path + ("model_settings", "dimensions")))
    return problems
