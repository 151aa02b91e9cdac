"""Elasticsearch error envelopes for the fake server.

What it is for: one exception type (``EsError``) that every API module raises,
rendered exactly like Elasticsearch renders an ``ElasticsearchException``:
``{"error": {"root_cause": [...], "type": ..., "reason": ..., <metadata>,
"caused_by": {...}}, "status": N}``, plus ``RawResponse`` for the few answers
whose body is not an error envelope (routing errors with a plain string
``error``, the ``{}`` 404 of GET _ingest/pipeline, ...). Also the Java
``toString`` formatting ES uses inside messages (``[a, b]``, ``{k=v}``).

``root_cause`` follows ES's ``ElasticsearchException.guessRootCauses``: a
plain Java exception at the top (``illegal_argument_exception``,
``illegal_state_exception``, ... — see ``JAVA_EXCEPTIONS``) is its own root
cause whatever it wraps; an ElasticsearchException descends through causes
that are ElasticsearchExceptions too and stops above the first Java one
(seen on 8.19.21 and 9.5.2: ``mapper_parsing_exception`` "Failed to parse
mapping: X" caused by an ``illegal_argument_exception`` X has itself as root
cause; caused by a ``mapper_parsing_exception`` X, the inner one).
``suppressed`` errors (ES lists e.g. the second unknown setting there) are
rendered after the cause.

What it must not do: decide *when* an error happens (that is each API
module's job) or invent error types that ES does not have.
"""

from __future__ import annotations

from typing import Any


def java_str(value: Any) -> str:
    """Format a value the way Java's ``toString`` renders it in ES messages."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={java_str(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "[" + ", ".join(java_str(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


# Exception names ES renders for plain Java (non-Elasticsearch) exceptions.
JAVA_EXCEPTIONS = frozenset({
    "illegal_argument_exception", "illegal_state_exception", "number_format_exception",
    "null_pointer_exception", "unsupported_operation_exception", "array_index_out_of_bounds_exception",
    "class_cast_exception", "arithmetic_exception", "date_time_parse_exception",
})


class EsError(Exception):
    """An ElasticsearchException: type, reason, HTTP status, metadata, cause."""

    def __init__(
        self,
        type_: str,
        reason: str,
        status: int = 400,
        caused_by: "EsError | None" = None,
        **metadata: Any,
    ) -> None:
        super().__init__(f"[{type_}] {reason}")
        self.type = type_
        self.reason = reason
        self.status = status
        self.caused_by = caused_by
        self.metadata = metadata
        self.suppressed: list[EsError] = []

    @property
    def is_java(self) -> bool:
        return self.type in JAVA_EXCEPTIONS

    def _fragment(self, with_cause: bool = True) -> dict:
        out: dict = {"type": self.type, "reason": self.reason}
        out.update(self.metadata)
        if with_cause and self.caused_by is not None:
            out["caused_by"] = self.caused_by._fragment()
        if with_cause and self.suppressed:
            out["suppressed"] = [s._fragment() for s in self.suppressed]
        return out

    def root_cause(self) -> "EsError":
        err = self
        if err.is_java:
            return err
        while err.caused_by is not None and not err.caused_by.is_java:
            err = err.caused_by
        return err

    def to_body(self) -> dict:
        error = {"root_cause": [self.root_cause()._fragment(with_cause=False)]}
        error.update(self._fragment())
        return {"error": error, "status": self.status}


class RawResponse(Exception):
    """A response whose body is returned verbatim (status + JSON body or None)."""

    def __init__(self, status: int, body: Any, headers: dict | None = None) -> None:
        super().__init__(f"raw response {status}")
        self.status = status
        self.body = body
        self.headers = headers or {}


# ---------------------------------------------------------------- factories
def illegal_argument(reason: str, caused_by: EsError | None = None, **meta: Any) -> EsError:
    return EsError("illegal_argument_exception", reason, 400, caused_by, **meta)


def illegal_state(reason: str, caused_by: EsError | None = None) -> EsError:
    # IllegalStateException is not mapped to a status: ES answers 500.
    return EsError("illegal_state_exception", reason, 500, caused_by)


def number_format(text: str) -> EsError:
    """java.lang.NumberFormatException as thrown by Integer/Long.parseX."""
    return EsError("number_format_exception", f'For input string: "{text}"', 400)


def status_exception(reason: str, status: int = 400) -> EsError:
    # ElasticsearchStatusException renders as "status_exception".
    return EsError("status_exception", reason, status)


def resource_not_found(reason: str, **meta: Any) -> EsError:
    return EsError("resource_not_found_exception", reason, 404, **meta)


def resource_already_exists(reason: str, **meta: Any) -> EsError:
    return EsError("resource_already_exists_exception", reason, 400, **meta)


def index_not_found(name: str) -> EsError:
    return EsError(
        "index_not_found_exception",
        f"no such index [{name}]",
        404,
        **{"resource.type": "index_or_alias", "resource.id": name, "index_uuid": "_na_", "index": name},
    )


def index_closed(name: str, uuid: str) -> EsError:
    return EsError("index_closed_exception", "closed", 400, index_uuid=uuid, index=name)


def invalid_index_name(name: str, description: str) -> EsError:
    return EsError(
        "invalid_index_name_exception",
        f"Invalid index name [{name}], {description}",
        400,
        index_uuid="_na_",
        index=name,
    )


def mapper_parsing(reason: str, caused_by: EsError | None = None) -> EsError:
    return EsError("mapper_parsing_exception", reason, 400, caused_by)


def validation_failed(errors: list[str], type_: str = "validation_exception") -> EsError:
    """ValidationException / ActionRequestValidationException message format."""
    text = "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(errors, 1))
    return EsError(type_, text, 400)


def parse_exception(
    reason: str,
    processor_type: str | None = None,
    property_name: str | None = None,
    processor_tag: str | None = None,
) -> EsError:
    """ElasticsearchParseException as thrown by the ingest ConfigurationUtils."""
    meta: dict = {}
    if processor_tag is not None:
        meta["processor_tag"] = processor_tag
    if processor_type is not None:
        meta["processor_type"] = processor_type
    if property_name is not None:
        meta["property_name"] = property_name
    return EsError("parse_exception", reason, 400, **meta)


def x_content_parse(reason: str, caused_by: EsError | None = None) -> EsError:
    return EsError("x_content_parse_exception", reason, 400, caused_by)


def invalid_index_template(name: str, cause: str) -> EsError:
    return EsError(
        "invalid_index_template_exception", f"index_template [{name}] invalid, cause [{cause}]", 400
    )


def token_name(value: object) -> str:
    """The Jackson token ES names in "doesn't support values of type" messages."""
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    if isinstance(value, (int, float)):
        return "VALUE_NUMBER"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, list):
        return "START_ARRAY"
    return "START_OBJECT"
