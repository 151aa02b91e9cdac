"""Index names: validation rules and index-expression resolution.

What it is for: ES's index/alias name rules (MetadataCreateIndexService
messages) and the IndexNameExpressionResolver behaviour the fake needs:
comma lists, ``_all``/``*``, wildcards over index and alias names,
``-exclusions``, ``expand_wildcards`` (open/closed/hidden/all/none; a
pattern starting with ``.`` also matches hidden dot-indices; an unknown value
is refused; without open or closed a wildcard is looked up as a plain name
and is missing), ``ignore_unavailable`` and ``allow_no_indices``, a missing
name starting with ``_`` reported as an invalid index name, and write-index
resolution of aliases (8.19.21, 9.5.2).

What it must not do: create or modify indices.
"""

from __future__ import annotations

import fnmatch

from .errors import EsError, illegal_argument, index_not_found, invalid_index_name, resource_already_exists

# Strings.INVALID_FILENAME_CHARS as ES prints it (8.19.21, 9.5.2).
INVALID_CHARS = (" ", '"', "*", "\\", "<", "|", ",", ">", "/", "?")
INVALID_CHARS_TEXT = "[' ','\"','*',',','/','<','>','?','\\','|']"
MAX_NAME_BYTES = 255


def name_problem(name: str) -> str | None:
    """validateIndexOrAliasName: the description of the first rule broken, or None."""
    if any(c in name for c in INVALID_CHARS):
        return f"must not contain the following characters {INVALID_CHARS_TEXT}"
    if "#" in name:
        return "must not contain '#'"
    if ":" in name:
        return "must not contain ':'"
    if name[:1] in ("_", "-", "+"):
        return "must not start with '_', '-', or '+'"
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        return f"index name is too long, ({size} > {MAX_NAME_BYTES})"
    if name in (".", ".."):
        return "must not be '.' or '..'"
    return None


def validate_new_index_name(state, name: str) -> None:
    problem = name_problem(name) if name else "must not be empty"
    if problem:
        raise invalid_index_name(name, problem)
    if name.lower() != name:
        raise invalid_index_name(name, "must be lowercase")
    if name in state.indices:
        existing = state.indices[name]
        raise resource_already_exists(
            f"index [{name}/{existing.uuid}] already exists", index_uuid=existing.uuid, index=name
        )
    if state.is_alias(name):
        raise invalid_index_name(name, "already exists as alias")


def validate_alias_name(state, alias: str, index: str | None = None) -> None:
    """AliasValidator: the index-name character rules but not lower case (an upper-case
    alias is accepted), "Invalid alias name [x]: ..." without metadata (8.19.21, 9.5.2)."""
    problem = name_problem(alias) if alias else "must not be empty"
    if problem:
        raise EsError("invalid_alias_name_exception", f"Invalid alias name [{alias}]: {problem}", 400)
    if alias in state.indices:
        # ES|QL views are named from 9.4 (9.4.3), datasets too from 9.5 (9.5.2); not before (9.3.8).
        if state.version.at_least("9.5"):
            what = "an index, data stream, ESQL view, or ESQL dataset"
        elif state.version.at_least("9.4"):
            what = "an index, data stream, or ESQL view"
        else:
            what = "an index or data stream"
        raise EsError(
            "invalid_alias_name_exception",
            f"Invalid alias name [{alias}]: {what} exists with the same name as the alias", 400,
        )


def _expand_states(expand: str | None) -> set[str]:
    values = set((expand or "open").split(","))
    for value in values:
        if value not in ("open", "closed", "hidden", "all", "none"):
            raise illegal_argument(f"No valid expand wildcard value [{value}]")
    if "all" in values:
        return {"open", "closed", "hidden"}
    if "none" in values:
        return set()
    return values


def _wildcard_visible(index, pattern: str, states: set[str]) -> bool:
    if index.state == "open" and "open" not in states:
        return False
    if index.state == "close" and "closed" not in states:
        return False
    if index.hidden and "hidden" not in states and not (pattern.startswith(".") and index.name.startswith(".")):
        return False
    return True


def resolve(
    state,
    expression: str | None,
    *,
    ignore_unavailable: bool = False,
    allow_no_indices: bool = True,
    expand_wildcards: str | None = None,
    allow_aliases: bool = True,
) -> list[str]:
    states = _expand_states(expand_wildcards)
    parts = [p for p in (expression or "_all").split(",") if p]
    aliases = state.alias_map()
    result: list[str] = []
    seen_wildcard = False
    for part in parts:
        if part.startswith("-") and seen_wildcard:
            pattern = part[1:]
            result = [n for n in result if not fnmatch.fnmatchcase(n, pattern)]
            continue
        if (part in ("_all", "*") or "*" in part) and not states & {"open", "closed"}:
            # Without open or closed, wildcards are not expanded: the expression is looked up
            # as a name and is missing (8.19.21, 9.5.2: "no such index [dt-*]").
            if ignore_unavailable:
                continue
            raise index_not_found(part)
        if part in ("_all", "*") or "*" in part:
            seen_wildcard = True
            pattern = "*" if part == "_all" else part
            matched = [
                i.name for i in state.indices.values()
                if fnmatch.fnmatchcase(i.name, pattern) and _wildcard_visible(i, pattern, states)
            ]
            if allow_aliases:
                for alias, names in aliases.items():
                    if fnmatch.fnmatchcase(alias, pattern):
                        matched += [n for n in names if _wildcard_visible(state.indices[n], pattern, states)]
            if not matched and not allow_no_indices:
                raise index_not_found(part)
            result += [m for m in sorted(set(matched)) if m not in result]
            continue
        if part in state.indices:
            names = [part]
        elif allow_aliases and part in aliases:
            names = sorted(aliases[part])
        else:
            if ignore_unavailable:
                continue
            if part.startswith("_"):
                raise invalid_index_name(part, "must not start with '_'.")
            raise index_not_found(part)
        result += [n for n in names if n not in result]
    if not result and not allow_no_indices:
        raise index_not_found(expression or "_all")
    return result


def write_index(state, name: str) -> str | None:
    """Concrete index a write to ``name`` goes to; None when nothing has that name."""
    if name in state.indices:
        return name
    members = state.alias_map().get(name)
    if not members:
        return None
    writers = [m for m in members if state.indices[m].aliases[name].get("is_write_index") is True]
    if writers:
        return writers[0]
    if len(members) == 1 and state.indices[members[0]].aliases[name].get("is_write_index") is not False:
        return members[0]
    raise illegal_argument(
        f"no write index is defined for alias [{name}]. The write index may be explicitly disabled using "
        "is_write_index=false or the alias points to multiple indices without one being designated as a write index"
    )
