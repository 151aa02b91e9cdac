"""Manifests for objects that exist in the cluster, so that a project can adopt them.

``import_manifests`` reads the objects of one kind (by name, or all that no one manages and
that are not Elasticsearch's own) and returns a manifest for each: the kind's minimal spec of
it (what Elasticsearch adds or defaults left out, secrets as ``${env:NAME}`` references) with
``adopt: true``, so that the next plan adopts it — apply writes only eisops' marker or record,
the object stays as it is — and the plan after that is empty. It writes no file and prints
nothing; the CLI does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eisops.errors import EisopsError
from eisops.planning.planner import DeclaredNames
from eisops.resources import BY_NAME
from eisops.resources.base import PlanContext

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster


def import_manifests(cluster: "Cluster", kind_name: str, names: list[str], everything: bool) -> list[dict[str, Any]]:
    if kind_name not in BY_NAME:
        raise EisopsError(f"unknown kind {kind_name!r}; expected one of {', '.join(BY_NAME)}")
    if bool(names) == everything:
        raise EisopsError("name the objects to import, or pass --all (not both)")
    kind = BY_NAME[kind_name]
    ctx = PlanContext(DeclaredNames({kind_name: tuple(names)}), cluster.version)
    if everything and kind_name == "Index":
        found = cluster.request("GET", "/*,-.*", params={"expand_wildcards": "open", "filter_path": "*.settings.index.uuid"}) or {}
        ctx = PlanContext(DeclaredNames({kind_name: tuple(sorted(found))}), cluster.version)
    live = kind.read_live(cluster, ctx)
    if everything:
        chosen = [obj for name, obj in sorted(live.items()) if kind.importable(obj)]
    else:
        missing = [n for n in names if n not in live]
        if missing:
            raise EisopsError(f"no {kind.noun} named {', '.join(missing)} in the cluster")
        taken = [n for n in names if live[n].managed]
        if taken:
            raise EisopsError(f"eisops manages {', '.join(taken)} already (project "
                              f"{', '.join(sorted({str(live[n].project) for n in taken}))}); nothing to import")
        chosen = [live[n] for n in names]
    documents = []
    for obj in chosen:
        spec, task_type = kind.minimal_spec(obj, ctx)
        document: dict[str, Any] = {"kind": kind_name, "name": obj.name}
        if task_type:
            document["task_type"] = task_type
        document["adopt"] = True
        document["spec"] = spec
        documents.append(document)
    return documents
