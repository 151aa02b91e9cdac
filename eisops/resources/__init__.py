"""The resource kinds, one module each, listed here in dependency order.

Creates and updates run in this order (an index template needs its component templates,
an index its pipelines and endpoints); deletions run in the reverse order.
"""

from eisops.resources.base import ResourceKind
from eisops.resources.component_template import ComponentTemplateKind
from eisops.resources.index import IndexKind
from eisops.resources.index_template import IndexTemplateKind
from eisops.resources.inference_endpoint import InferenceEndpointKind
from eisops.resources.ingest_pipeline import IngestPipelineKind

KINDS: tuple[ResourceKind, ...] = (
    InferenceEndpointKind(),
    IngestPipelineKind(),
    ComponentTemplateKind(),
    IndexTemplateKind(),
    IndexKind(),
)
BY_NAME: dict[str, ResourceKind] = {k.kind: k for k in KINDS}


def kind_of(name: str) -> ResourceKind:
    return BY_NAME[name]


__all__ = ["KINDS", "BY_NAME", "kind_of", "ResourceKind"]
