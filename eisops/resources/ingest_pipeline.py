"""Ingest pipelines (``PUT/GET/DELETE _ingest/pipeline``): everything eisops knows about them.

Reference section 5. A pipeline is written whole; processor order is significant and is
compared as a list. Elasticsearch returns the body as stored, plus timestamps from 9.2;
``GET _ingest/pipeline`` answers 404 with ``{}`` when there are none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from eisops.cluster import Read, concurrently, path
from eisops.plan.model import Operation, ResourceChange
from eisops.resources import index_settings, template_block
from eisops.resources.base import (USER_INDICES, TIMESTAMP_KEYS, LiveObject, PlanContext, Reference, WholeBodyKind, marked_object,
                                   timestamp_problems)

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.model import Resource



def iter_processors(processors: Any, path_: tuple) -> Iterator[tuple[tuple, str, dict[str, Any]]]:
    """(spec path, processor type, options) for every processor, nested ones included."""
    if not isinstance(processors, list):
        return
    for i, proc in enumerate(processors):
        if not isinstance(proc, dict) or len(proc) != 1:
            continue
        ptype, options = next(iter(proc.items()))
        here = path_ + (i, ptype)
        if not isinstance(options, dict):
            continue
        yield here, ptype, options
        yield from iter_processors(options.get("on_failure"), here + ("on_failure",))
        inner = options.get("processor")  # foreach
        if isinstance(inner, dict):
            yield from iter_processors([inner], here + ("processor",))


#: Every pipeline, in one request (a 404 with {} when there are none).
ALL_PIPELINES = Read("/_ingest/pipeline", missing_ok=True)
#: The indices that name a pipeline as their default or final one.
PIPELINE_USERS = Read(f"/{USER_INDICES}/_settings/index.default_pipeline,index.final_pipeline",
                      (("expand_wildcards", "open,closed,hidden"), ("flat_settings", True)))


class IngestPipelineKind(WholeBodyKind):
    kind = "IngestPipeline"
    noun = "ingest pipeline"

    def object_path(self, name: str) -> str:
        return path("_ingest", "pipeline", name)

    def check_name(self, name: str) -> str | None:
        base = super().check_name(name)
        if base:
            return base
        if any(c in name for c in " ,*\"/\\") :
            return f"pipeline ids cannot contain spaces, commas, '*', '\"', '/' or '\\': {name!r}"
        return None

    def check_spec(self, resource: "Resource") -> list[tuple[tuple, str]]:
        spec = resource.spec
        problems: list[tuple[tuple, str]] = []
        if "processors" not in spec:
            problems.append(((), "spec.processors is required (a list of processors)"))
        for key in ("processors", "on_failure"):
            if key in spec:
                problems.extend(_check_processor_list(spec[key], (key,)))
        if spec.get("on_failure") == []:
            # Pipeline.create (8.x, 9.x): "pipeline [x] cannot have an empty on_failure option defined"
            problems.append((("on_failure",), f"pipeline [{resource.name}] cannot have an empty on_failure option "
                                              "defined (leave on_failure out)"))
        if "version" in spec and (not isinstance(spec["version"], int) or isinstance(spec["version"], bool)):
            problems.append((("version",), "version must be an integer"))
        if "_meta" in spec and not isinstance(spec["_meta"], dict):
            problems.append((("_meta",), "_meta must be a mapping"))
        problems += timestamp_problems(spec)
        return problems

    def references(self, resource: "Resource") -> list[Reference]:
        refs: list[Reference] = []
        for key in ("processors", "on_failure"):
            for here, ptype, options in iter_processors(resource.spec.get(key), (key,)):
                if ptype == "pipeline":
                    target = options.get("name")
                    if isinstance(target, str) and "{{" not in target:
                        # ignore_missing_pipeline (8.12+): a missing target is skipped at run time, as
                        # Elastic's own logs@default-pipeline does with logs@custom.
                        refs.append(Reference("IngestPipeline", target, here + ("name",),
                                              "pipeline processor name",
                                              optional=options.get("ignore_missing_pipeline") in (True, "true")))
                elif ptype == "inference":
                    target = options.get("model_id")
                    if isinstance(target, str):
                        # model_id names an inference endpoint, or a trained model or its deployment
                        # (".elser_model_2"; inference processor docs), which eisops does not manage.
                        refs.append(Reference("InferenceEndpoint", target, here + ("model_id",),
                                              "inference processor model_id", optional=True))
        return refs

    def inference_outputs(self, resource: "Resource") -> list[tuple[str, str, tuple]]:
        """(endpoint id, output field, spec path) of each inference processor's ``input_output``."""
        out = []
        for key in ("processors", "on_failure"):
            for here, ptype, options in iter_processors(resource.spec.get(key), (key,)):
                if ptype != "inference" or not isinstance(options.get("model_id"), str):
                    continue
                for i, pair in enumerate(options.get("input_output") or []):
                    if isinstance(pair, dict) and isinstance(pair.get("output_field"), str):
                        out.append((options["model_id"], pair["output_field"], here + ("input_output", i)))
        return out

    def checks(self, change: ResourceChange, ctx: PlanContext) -> tuple[Operation, ...]:
        """The simulate API parses the pipeline as PUT would, and writes nothing (reference 5).
        Errors while running the processors over the empty sample document come back per
        document and are not objections: only a pipeline Elasticsearch cannot parse is."""
        body = next((op.body for op in change.operations if op.verb == "put"), None)
        if body is None:
            return ()
        return (Operation("check", "POST", "/_ingest/pipeline/_simulate",
                          {"pipeline": body, "docs": [{"_source": {}}]}),)

    def normalize(self, body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k not in TIMESTAMP_KEYS}

    def still_used_by(self, live: LiveObject, ctx: PlanContext) -> str | None:
        # Elasticsearch (7.16+): "pipeline [x] cannot be deleted because it is the default pipeline
        # for N index(es) including [idx]" (reference 5).
        users = sorted(self._index_users(live.name, ctx))
        return f"it is the default or final pipeline of indices {users}" if users else None

    def _index_users(self, name: str, ctx: PlanContext) -> set[str]:
        """Indices that will still name this pipeline in index.default_pipeline / index.final_pipeline."""
        users = set()
        for index, body in (ctx.state.get(self.kind) or {}).get("index_pipelines", {}).items():
            if ("Index", index) in ctx.deleting:
                continue
            settings = (body or {}).get("settings") or {}
            desired = ctx.manifest.get("Index", index)
            if desired is not None:
                wanted = index_settings.normalize(desired.spec.get("settings") or {})
                settings = {**settings, **{k: v for k, v in wanted.items() if k in template_block.PIPELINE_SETTINGS}}
            if name in (settings.get("index.default_pipeline"), settings.get("index.final_pipeline")):
                users.add(index)
        return users

    def reads_ahead(self) -> tuple[Read, ...]:
        return (ALL_PIPELINES, PIPELINE_USERS)

    def read_live(self, cluster: "Cluster", ctx: PlanContext) -> dict[str, LiveObject]:
        # One request for all pipelines; 404 with {} means there are none (reference 5). And at
        # the same time, which indices name a pipeline as their default or final pipeline:
        # Elasticsearch refuses to delete such a pipeline (7.16+), so the plan must know. One
        # request, whatever the number.
        pipelines, users = concurrently(lambda: cluster.read(ALL_PIPELINES), lambda: cluster.read(PIPELINE_USERS))
        body = pipelines.result() or {}
        ctx.state[self.kind] = {"index_pipelines": users.result() or {}}
        return {
            name: marked_object(name, pipeline, pipeline.get("_meta"))
            for name, pipeline in body.items()
            if isinstance(pipeline, dict)
        }

    def read_back(self, cluster: "Cluster", names: list[str], ctx: PlanContext) -> dict[str, LiveObject]:
        body = cluster.read(ALL_PIPELINES) or {}
        return {name: marked_object(name, body[name], body[name].get("_meta"))
                for name in names if isinstance(body.get(name), dict)}


def _check_processor_list(value: Any, where: tuple) -> list[tuple[tuple, str]]:
    if not isinstance(value, list):
        return [(where, f"{where[-1]} must be a list of processors")]
    problems = []
    for i, proc in enumerate(value):
        here = where + (i,)
        if not isinstance(proc, dict) or len(proc) != 1:
            problems.append((here, "each processor is a mapping with exactly one key, the processor type "
                                   "(for example {set: {field: a, value: b}})"))
            continue
        ptype, options = next(iter(proc.items()))
        if not isinstance(options, dict):
            problems.append((here + (ptype,), f"the options of processor [{ptype}] must be a mapping"))
            continue
        if "on_failure" in options:
            if options["on_failure"] == []:
                # ConfigurationUtils.readProcessorConfigs (8.x, 9.x): "[on_failure] processors list cannot be empty"
                problems.append((here + (ptype, "on_failure"), f"[on_failure] processors list of processor [{ptype}] "
                                                               "cannot be empty (leave on_failure out)"))
            problems.extend(_check_processor_list(options["on_failure"], here + (ptype, "on_failure")))
        if ptype == "pipeline" and "name" not in options:
            problems.append((here + (ptype,), "the pipeline processor needs [name]"))
        if ptype == "inference" and "model_id" not in options:
            problems.append((here + (ptype,), "the inference processor needs [model_id]"))
    return problems
