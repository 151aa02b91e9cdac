"""The order in which resources of one kind are written: what is referenced comes first.

Across kinds the order is fixed by ``eisops.resources.KINDS``; within a kind (a pipeline
calling another through the ``pipeline`` processor) it follows the references. No requests here.
"""

from __future__ import annotations

from eisops.errors import ManifestError
from eisops.manifest.model import Resource
from eisops.resources import BY_NAME


def dependency_order(resources: list[Resource]) -> list[Resource]:
    """``resources`` (all of one kind) in manifest order, each referenced resource moved before its referrers."""
    by_name = {r.name: r for r in resources}
    deps = {
        r.name: [ref.name for ref in BY_NAME[r.kind].references(r)
                 if ref.kind == r.kind and ref.name in by_name and ref.name != r.name]
        for r in resources
    }
    order: list[Resource] = []
    state: dict[str, str] = {}  # name -> "visiting" | "done"

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = trail[trail.index(name):] + [name]
            first = by_name[cycle[0]]
            raise ManifestError([first.diagnostic(
                f"these {first.kind} resources reference each other in a cycle: {' -> '.join(cycle)}")])
        state[name] = "visiting"
        for dep in deps[name]:
            visit(dep, trail + [name])
        state[name] = "done"
        order.append(by_name[name])

    for resource in resources:
        visit(resource.name, [])
    return order
