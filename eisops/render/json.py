"""The plan as JSON, for CI tools: the same data the text view and the applier use."""

from __future__ import annotations

import json as _json

from eisops.plan.model import Plan


def render_json(plan: Plan) -> str:
    return _json.dumps(plan.to_dict(), indent=2, sort_keys=False, default=str)
