"""Data stream lifecycle and data stream options of templates (``template.lifecycle``,
``template.data_stream_options``).

What it is for: parse both sections of a component or index template the way
ES's ObjectParsers do (DataStreamLifecycle.Template, DataStreamOptions.Template
with its failure store), store them in the shape GET returns, compose them
over the templates an index template is made of (for the simulate APIs and
the "only with a data stream" check), with ES's ResettableValue semantics.

Shapes (8.19.21, 9.5.2): a lifecycle always shows ``enabled`` (true unless
sent), first: ``{"data_retention": "7d"}`` reads back as ``{"enabled": true,
"data_retention": "7d"}`` and ``{}`` as ``{"enabled": true}``; the same for a
failure store's lifecycle; an explicit ``null`` (``data_retention: null``,
``failure_store: null``, ``data_stream_options: null``) is kept as ``null``;
``lifecycle: null`` itself is refused.

Composition (MetadataIndexTemplateService.resolveLifecycle /
resolveDataStreamOptions; 8.19.21, 9.5.2): the component templates in order,
then the index template; a field given later replaces the earlier value, a
``null`` removes it, an absent one keeps it; ``enabled`` is always given, so
the last lifecycle's wins; ``data_stream_options: null`` forgets everything
before it.

What it must not do: validate anything else of a template (templates.py).
"""

from __future__ import annotations

from typing import Any

from .errors import EsError, illegal_argument, java_str, token_name, x_content_parse
from .settings import time_value_error
from .similarity import suggest
from .values import clone

LIFECYCLE_FIELDS = ("enabled", "data_retention", "downsampling")
FAILURE_STORE_FIELDS = ("enabled", "lifecycle")
ABSENT = object()


def _unknown(section: str, key: str, candidates: tuple[str, ...]) -> EsError:
    # ObjectParser's SuggestingErrorOnUnknown: Lucene Levenshtein distance > 0.5 (8.19.21).
    hints = suggest(key, list(candidates), threshold=0.5)
    hint = ""
    if len(hints) == 1:
        hint = f" did you mean [{hints[0]}]?"
    elif hints:
        hint = f" did you mean any of [{', '.join(hints)}]?"
    return x_content_parse(f"[1:2] [{section}] unknown field [{key}]{hint}")


def _field_failure(section: str, key: str, cause: EsError | None = None) -> EsError:
    return x_content_parse(f"[1:2] [{section}] failed to parse field [{key}]", caused_by=cause)


def _bool_field(section: str, key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise _field_failure(section, key, illegal_argument(
        f"Failed to parse value [{java_str(value)}] as only [true] or [false] are allowed."))


def lifecycle_fields(version) -> tuple[str, ...]:
    # downsampling_method: 9.3 (elastic/elasticsearch#137023); 8.19.21 refuses it as unknown.
    return LIFECYCLE_FIELDS + (("downsampling_method",) if version.lifecycle_downsampling_method else ())


def object_value(parent: str, key: str, value: Any) -> None:
    """ObjectParser object fields refuse other values at the parent's level."""
    if not isinstance(value, dict):
        raise x_content_parse(f"[1:2] [{parent}] {key} doesn't support values of type: {token_name(value)}")


def parse_lifecycle(raw: dict, version, failure_store: bool = False) -> dict:
    """A DataStreamLifecycle.Template as GET shows it (``enabled`` first). Errors are the
    ``lifecycle_template`` parser's; callers wrap them in their field's context. A failure
    store's lifecycle may not downsample (8.19.21, 9.5.2)."""
    section = "lifecycle_template"
    allowed = lifecycle_fields(version)
    for key in raw:
        if key not in allowed:
            raise _unknown(section, key, allowed)
    out: dict = {"enabled": _bool_field(section, "enabled", raw["enabled"]) if raw.get("enabled") is not None else True}
    if "data_retention" in raw:
        value = raw["data_retention"]
        if value is not None:
            err = time_value_error("data_retention", java_str(value))
            if err is not None:
                raise _field_failure(section, "data_retention", err)
        out["data_retention"] = value
    if "downsampling" in raw:
        if failure_store and raw["downsampling"] is not None:
            raise x_content_parse(f"Failed to build [{section}] after last required field arrived",
                                  caused_by=illegal_argument("Failure store lifecycle does not support downsampling, "
                                                             "please remove the downsampling configuration."))
        out["downsampling"] = clone(raw["downsampling"])
    if "downsampling_method" in raw:
        if not raw.get("downsampling"):
            raise x_content_parse(f"Failed to build [{section}] after last required field arrived",
                                  caused_by=illegal_argument("Downsampling method can only be set when there is at "
                                                             "least one downsampling round."))
        out["downsampling_method"] = raw["downsampling_method"]
    return out


def parse_data_stream_options(raw: dict, version) -> dict:
    """A DataStreamOptions.Template as GET shows it; errors in the
    ``data_stream_options_template`` parser's context."""
    section = "data_stream_options_template"
    for key in raw:
        if key != "failure_store":
            raise _unknown(section, key, ("failure_store",))
    out: dict = {}
    if "failure_store" in raw:
        store = raw["failure_store"]
        if store is None:
            out["failure_store"] = None
        else:
            object_value(section, "failure_store", store)
            try:
                out["failure_store"] = _parse_failure_store(store, version)
            except EsError as err:
                raise _field_failure(section, "failure_store", err) from None
    return out


def _parse_failure_store(raw: dict, version) -> dict:
    section = "failure_store_template"
    for key in raw:
        if key not in FAILURE_STORE_FIELDS:
            raise _unknown(section, key, FAILURE_STORE_FIELDS)
    out: dict = {}
    if "enabled" in raw:
        out["enabled"] = None if raw["enabled"] is None else _bool_field(section, "enabled", raw["enabled"])
    if "lifecycle" in raw:
        if raw["lifecycle"] is None:
            out["lifecycle"] = None
        else:
            object_value(section, "lifecycle", raw["lifecycle"])
            try:
                out["lifecycle"] = parse_lifecycle(raw["lifecycle"], version, failure_store=True)
            except EsError as err:
                raise _field_failure(section, "lifecycle", err) from None
    if not out:
        raise x_content_parse(f"Failed to build [{section}] after last required field arrived",
                              caused_by=illegal_argument("Failure store configuration should have at least one "
                                                         "non-null configuration value."))
    return out


# ------------------------------------------------------------ rollover
_UNIT_MS = {"nanos": 1e-6, "micros": 1e-3, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_DAY_MS = 86_400_000


def _millis(value: str) -> float:
    for unit in sorted(_UNIT_MS, key=len, reverse=True):
        if value.endswith(unit):
            return float(value[: -len(unit)]) * _UNIT_MS[unit]
    return float(value)  # "-1" / "0"


def default_rollover(retention: Any, version) -> dict:
    """The cluster's default rollover (data_streams.lifecycle.default.rollover) as a lifecycle
    shows it with include_defaults: ``max_age`` "auto" evaluated against the retention
    (RolloverConfiguration.evaluateMaxAgeCondition): none -> 30d, <= 14d -> 1d, <= 90d -> 7d,
    more -> 30d; and, on 9.x, <= 1d -> 1h (issue elastic/elasticsearch#130960: 9.5.2 has it,
    8.19.21 not; the first 9.x release with it is unverified, assumed 9.2)."""
    if retention is None:
        max_age = "30d"
    else:
        ms = _millis(str(retention))
        if ms <= _DAY_MS and version.lifecycle_hourly_rollover:
            max_age = "1h"
        elif ms <= 14 * _DAY_MS:
            max_age = "1d"
        elif ms <= 90 * _DAY_MS:
            max_age = "7d"
        else:
            max_age = "30d"
    return {"min_docs": 1, "max_primary_shard_docs": 200000000, "max_primary_shard_size": "50gb",
            "max_age": f"{max_age} [automatic]"}


# ------------------------------------------------------------ composition
def _merge(base: dict | None, over: dict, nested: tuple[str, ...] = ()) -> dict:
    """ResettableValue merge: later values win, ``None`` resets, absent keys keep; the keys in
    ``nested`` are templates of their own, merged field by field."""
    out = dict(base or {})
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif key in nested and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value, ("lifecycle",) if key == "failure_store" else ())
        else:
            out[key] = clone(value)
    return out


def compose_lifecycle(sections: list[dict]) -> dict | None:
    """The composed lifecycle of the template sections (components first), or None when none
    has one."""
    result = None
    for section in sections:
        if section.get("lifecycle") is not None:
            result = _merge(result, section["lifecycle"])
    return result


def compose_data_stream_options(sections: list[dict]) -> dict | None:
    """The composed data stream options, or None when none remain (none given, or a later
    ``data_stream_options: null`` reset them)."""
    result: Any = ABSENT
    for section in sections:
        if "data_stream_options" not in section:
            continue
        value = section["data_stream_options"]
        if value is None:
            result = ABSENT
        else:
            result = _merge(None if result is ABSENT else result, value, ("failure_store",))
    return None if result is ABSENT else result
