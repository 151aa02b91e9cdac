"""The plan as text for people, in the manner of Terraform's plan output.

``+`` create, ``~`` update in place, ``-/+`` replace, ``-`` delete, ``=`` adopt (an existing object
becomes managed, unchanged), ``!`` blocked or conflict.
Unchanged objects are not listed. Secret values are never shown. Returns strings; printing
is the CLI's job.
"""

from __future__ import annotations

import json
from typing import Any

from eisops.plan.model import Action, FieldChange, Plan, ResourceChange

SIGNS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
    Action.BLOCKED: "!",
    Action.CONFLICT: "!",
    Action.ADOPT: "=",
    Action.MIGRATE: ">>",
}
VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be deleted",
    Action.BLOCKED: "is blocked",
    Action.CONFLICT: "is not managed by eisops",
    Action.ADOPT: "will be adopted",
    Action.MIGRATE: "will be migrated to a new index",
}
SENSITIVE = "(sensitive value)"
INDENT = "    "


def format_path(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(whole object)"


def format_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _body_lines(value: Any, sign: str, depth: int, path: tuple = (), secret: tuple[tuple, ...] = ()) -> list[str]:
    """A whole body, one line per value, keys sorted, each line starting with ``sign``."""
    pad = INDENT * depth
    if not isinstance(value, dict):
        return [f"{pad}{sign} {format_value(value)}"]
    lines: list[str] = []
    width = max((len(str(k)) for k in value), default=0)
    for key in sorted(value, key=str):
        child, here, label = value[key], path + (key,), str(key).ljust(width)
        if here in secret:
            lines.append(f"{pad}{sign} {label} = {SENSITIVE}")
        elif isinstance(child, dict) and child:
            lines.append(f"{pad}{sign} {label} = {{")
            lines += _body_lines(child, sign, depth + 1, here, secret)
            lines.append(f"{pad}  }}")
        elif isinstance(child, list) and any(isinstance(c, (dict, list)) for c in child):
            lines.append(f"{pad}{sign} {label} = [")
            for item in child:
                if isinstance(item, dict) and item:
                    lines.append(f"{pad}{INDENT}{sign} {{")
                    lines += _body_lines(item, sign, depth + 2, here, secret)
                    lines.append(f"{pad}{INDENT}  }},")
                else:
                    lines.append(f"{pad}{INDENT}{sign} {format_value(item)},")
            lines.append(f"{pad}  ]")
        else:
            lines.append(f"{pad}{sign} {label} = {format_value(child)}")
    return lines


def _change_line(change: FieldChange, depth: int, migrating: bool = False) -> list[str]:
    pad = INDENT * depth
    path = format_path(change.path)
    if change.sensitive:
        sign = "+" if change.added else "-" if change.removed else "~"
        line = f"{pad}{sign} {path} = {SENSITIVE}" + ("" if change.added or change.removed else " (changed)")
    elif change.added:
        line = f"{pad}+ {path} = {format_value(change.after)}"
    elif change.removed:
        line = f"{pad}- {path} = {format_value(change.before)}"
    else:
        line = f"{pad}~ {path} = {format_value(change.before)} -> {format_value(change.after)}"
    lines = [line]
    if change.blocked_reason:
        label = "needs a new index" if migrating else "blocked"
        lines.append(f"{pad}    {label}: {change.blocked_reason}")
    return lines


def render_change(change: ResourceChange) -> list[str]:
    sign = SIGNS[change.action]
    title = f'{change.kind} "{change.name}"' + (f" ({change.task_type})" if change.task_type else "")
    lines = [f"  # {title} {VERBS[change.action]}: {change.reason}"]
    if change.requires:
        lines.append(f"  # (needs {change.requires})")
    for note in change.notes:
        lines.append(f"  # note: {note}")
    lines.append(f"  {sign} {title} {{")
    if change.action is Action.CREATE and change.after is not None:
        lines += _body_lines(change.after, "+", 2, secret=change.sensitive_paths)
    elif change.action is Action.DELETE and change.before is not None:
        lines += _body_lines(change.before, "-", 2, secret=change.sensitive_paths)
    else:
        for field_change in change.changes:
            lines += _change_line(field_change, 2, change.action is Action.MIGRATE)
    lines.append("    }")
    return lines


def summary(plan: Plan) -> str:
    text = (f"Plan: {plan.count(Action.CREATE)} to create, {plan.count(Action.UPDATE)} to update, "
            f"{plan.count(Action.REPLACE)} to replace, {plan.count(Action.DELETE)} to delete")
    extra = []
    if plan.count(Action.MIGRATE):
        extra.append(f"{plan.count(Action.MIGRATE)} to migrate")
    if plan.count(Action.ADOPT):
        extra.append(f"{plan.count(Action.ADOPT)} to adopt")
    if plan.count(Action.BLOCKED):
        extra.append(f"{plan.count(Action.BLOCKED)} blocked")
    if plan.count(Action.CONFLICT):
        extra.append(f"{plan.count(Action.CONFLICT)} in conflict")
    return text + (f"; {', '.join(extra)}." if extra else ".")


def render_text(plan: Plan) -> str:
    lines: list[str] = []
    if plan.offline:
        lines.append("Planned offline, against an empty cluster: nothing was read from Elasticsearch.")
        lines.append("")
    if not plan.has_changes:
        lines.extend(f"Note: {note}" for note in plan.notes)
        lines.append(f"No changes. The cluster matches the manifests ({plan.unchanged} objects checked).")
        return "\n".join(lines) + "\n"
    lines.append("eisops will perform the following actions:")
    lines.append("")
    for change in plan.changes:
        lines += render_change(change)
        lines.append("")
    for note in plan.notes:
        lines.append(f"Note: {note}")
    if plan.notes:
        lines.append("")
    lines.append(summary(plan))
    return "\n".join(lines) + "\n"
