"""Differential comparison machinery: one request sequence, two servers, per-step diff.

What it is for: the differential tests (tests/differential/test_*.py) describe
request sequences as data — a list of steps ``(method, path, body)`` with an
optional fourth element, the comparison mode — and :func:`run_steps` sends
each step to a real Elasticsearch node and to a fake started with the same
version string, and reports every step whose answers differ after
normalisation.

Step bodies: a dict/list is sent as JSON; a list under ``_bulk`` (any path
ending in ``/_bulk``) is sent as NDJSON, one line per element; ``None`` sends
no body. Requests go over raw HTTP (``http.client``), so both servers receive
byte-identical requests.

Comparison modes (fourth tuple element; default ``"body"``):

``"body"``    status + the whole normalised body (for errors: the whole error
              envelope, i.e. type, reason, metadata, root_cause, caused_by).
``"warn"``    like ``"body"``, plus the texts of the ``Warning`` headers (the
              deprecation warnings; their ``299 Elasticsearch-<version>-<build>``
              prefix is left out) — for steps whose deprecation warning is
              the behaviour under test. Other modes ignore headers.
``"reason"``  status + ``error.type`` + ``error.reason`` (+ the same for the
              first ``caused_by``) — for errors whose extra metadata or nested
              causes are not reproduced, but whose message is stable.
``"noloc"``   like ``"body"``, but a leading JSON parser position
              (``"[1:23] "``) is cut from every ``reason``: ES reports the
              byte offset of the token where parsing failed, which the fake
              does not track (document parsing, ``x_content_parse``).
``"type"``    status + ``error.type`` only — for errors whose text lists a
              Java set in an order that changes from one JVM start to the
              next (the valid dense_vector element types, the write indices
              of an alias), or exposes Java internals.
``"keys"``    status + the nested key structure (values ignored), e.g.
              ``_cluster/health``.
``"status"``  status only (HEAD requests, and steps that only set things up).

What is normalised away (:func:`normalize`) and why — only values that differ
between two runs of the *same* server, never behaviour:

* ``took`` (timing), ``_seq_no`` / ``_primary_term`` (engine counters that
  depend on how many operations the shard has seen, incl. by cleanup),
  ``_shards`` (shard/replica accounting of a one-node cluster: the
  real node and the fake agree on the idea, not on every counter),
  ``created_date_millis`` / ``modified_date_millis`` and their human
  ``created_date`` / ``modified_date`` (wall clock; 9.2+ templates and
  pipelines), ``ingest_took``.
* Index settings that ES generates per index: ``index.uuid``,
  ``index.creation_date``, ``index.version.created`` (an internal IndexVersion
  id per build), ``index.history.uuid`` — in nested and ``flat_settings``
  form.
* Node ids: the keys of a ``nodes`` map become ``<node>``.
* The names the simulate-template APIs make up per request from a random
  lower-cased UUID (``simulate_template_<uuid>``, ``simulate_index_template_<uuid>``
  for a simulated body, ``simulate_template_index_<uuid>`` for the temporary
  index, e.g. in a ``{index}`` alias): ``<uuid>``, in values and in keys.
* UUIDs inside strings and ``index_uuid`` metadata: any 22-character
  base64url token that follows ``/`` inside ``[...]`` (``[idx/UUID]``) or is
  the whole value of an ``index_uuid`` key becomes ``<uuid>`` (``_na_`` is
  kept: it is not volatile).
* The order of several errors reported by one request — an error with
  ``suppressed`` siblings, the numbered items of a "Validation Failed: 1: ..;
  2: ..;" — is sorted: ES collects them from a set whose iteration order
  changes from one JVM start to the next (two starts of the same 9.5.2 node
  reported ``[index.foo, index.bar]`` and ``[index.bar, index.foo]``).
* The method list of a 405 ("allowed: [GET, PUT]") is sorted: ES prints a
  Java ``HashSet`` of enum constants, whose order follows identity hashes.
* Listings of all objects (``GET _component_template``, ``GET
  _index_template``, ``GET _ingest/pipeline``): entries whose name does not
  start with a test prefix (``dt-``) are dropped, since a real cluster may
  hold built-in objects the fake does not model.

Not compared at all: ``GET /`` — the integration-test distribution answers
405 there (only ``DELETE /`` is routed; the info action lives in a module it
lacks), while a full Elasticsearch answers with the info document, which is
what the fake emulates. Nor anything else the distribution lacks: ingest
processors but ``set_security_user`` (no ingest-common), painless (so no
processor ``if``), the mapper-extras / x-pack field types (see
test_mappings.test_types_missing_from_distribution), data-stream APIs (no
test may index into a data-stream template: the stream could not be
deleted again), inference.

What it must not do: hide a behavioural difference. A normalisation belongs
here only when the value differs between two runs of the same real server.
"""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable
from urllib.parse import urlsplit

TEST_PREFIX = "dt-"
MODES = ("body", "warn", "noloc", "reason", "type", "keys", "status")

DROP_KEYS = frozenset({
    "took", "_seq_no", "_primary_term", "created_date_millis", "modified_date_millis",
    "created_date", "modified_date", "ingest_took",
})
VOLATILE_SETTINGS = frozenset({"index.uuid", "index.creation_date", "index.version.created", "index.history.uuid"})
_UUID_IN_BRACKETS = re.compile(r"(\[[^\[\]/]+/)[A-Za-z0-9_-]{22}(\])")
_UUID = re.compile(r"^[A-Za-z0-9_-]{22}$")
_ALLOWED = re.compile(r"allowed: \[([A-Z, ]+)\]")
_LOCATION = re.compile(r"^\[\d+:\d+\] ")
_WARNING = re.compile(r'^\d{3} Elasticsearch-\S+ "(.*)"(?: "[^"]*")?$')
_SIMULATE_NAME = re.compile(r"(simulate_template_index_|simulate_index_template_|simulate_template_)[a-z0-9_-]{22}")
_VALIDATION = re.compile(r"Validation Failed: ((?:\d+: [^;]*;)+)")
_LISTINGS = {
    "/_component_template": "component_templates",
    "/_index_template": "index_templates",
}

Step = tuple  # (method, path, body) or (method, path, body, mode)


@dataclass
class Response:
    status: int
    body: Any
    text: str
    warnings: tuple = ()


# ------------------------------------------------------------------ HTTP
def send(url: str, method: str, path: str, body: Any = None, timeout: float = 60.0) -> Response:
    """One raw HTTP request; JSON (or NDJSON for _bulk) body; parsed JSON answer."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        route = path.split("?")[0]
        if route.endswith("/_bulk") and isinstance(body, list):
            data = "".join(json.dumps(line) + "\n" for line in body).encode()
            headers["Content-Type"] = "application/x-ndjson"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read().decode("utf-8", "replace")
        status = resp.status
        warnings = tuple(m.group(1) if (m := _WARNING.match(v)) else v
                         for k, v in resp.getheaders() if k.lower() == "warning")
    finally:
        conn.close()
    parsed: Any = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
    return Response(status, parsed, raw, warnings)


# --------------------------------------------------------- normalisation
def _sorted_validation(m: re.Match) -> str:
    items = sorted(re.findall(r"\d+: ([^;]*);", m.group(1)))
    return "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(items, 1))


def _sorted_suppressed(err: dict) -> dict:
    """An error with suppressed siblings, with the siblings (and itself) in sorted order."""
    errors = [{k: v for k, v in err.items() if k not in ("suppressed", "root_cause", "caused_by")}]
    errors += [e for e in err["suppressed"] if isinstance(e, dict)]
    errors.sort(key=lambda e: json.dumps(e, sort_keys=True))
    out = dict(err)
    for key in list(out):
        if key not in ("suppressed", "root_cause", "caused_by"):
            del out[key]
    out.update(errors[0])
    out["suppressed"] = errors[1:]
    if isinstance(out.get("root_cause"), list) and len(out["root_cause"]) == 1 and "caused_by" not in err:
        out["root_cause"] = [errors[0]]
    return out


def _scrub_string(value: str) -> str:
    value = _SIMULATE_NAME.sub(r"\1<uuid>", value)
    value = _UUID_IN_BRACKETS.sub(r"\1<uuid>\2", value)
    value = _VALIDATION.sub(_sorted_validation, value)
    return _ALLOWED.sub(lambda m: "allowed: [" + ", ".join(sorted(m.group(1).split(", "))) + "]", value)


def _strip_locations(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_LOCATION.sub("", v) if k == "reason" and isinstance(v, str) else _strip_locations(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_locations(v) for v in value]
    return value


def _settings(value: Any, prefix: str) -> Any:
    """Drop volatile settings from a settings block (nested or flat), and the
    parents they leave empty."""
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in value.items():
        full = prefix + key
        if full in VOLATILE_SETTINGS:
            continue
        if isinstance(sub, dict):
            sub = _settings(sub, full + ".")
            if not sub:
                continue
        out[key] = sub
    return out


def _walk(value: Any, parent: str | None = None) -> Any:
    if isinstance(value, dict) and isinstance(value.get("suppressed"), list) and "reason" in value:
        value = _sorted_suppressed(value)
    if isinstance(value, dict):
        out = {}
        for key, sub in value.items():
            if key in DROP_KEYS:
                continue
            if key == "_shards":
                out[key] = "<shards>"
                continue
            if key == "index_uuid" and isinstance(sub, str) and _UUID.match(sub):
                out[key] = "<uuid>"
                continue
            if key in ("settings", "defaults") and isinstance(sub, dict):
                sub = _settings(sub, "")
            if key == "nodes" and isinstance(sub, dict) and parent is None:
                out[key] = {"<node>" if i == 0 else f"<node{i}>": _walk(v, key) for i, v in enumerate(sub.values())}
                continue
            out[_SIMULATE_NAME.sub(r"\1<uuid>", key)] = _walk(sub, key)
        return out
    if isinstance(value, list):
        return [_walk(v, parent) for v in value]
    if isinstance(value, str):
        return _scrub_string(value)
    return value


def _filter_listing(path: str, body: Any) -> Any:
    route = path.split("?")[0].rstrip("/")
    if not isinstance(body, dict):
        return body
    if route in _LISTINGS:
        key = _LISTINGS[route]
        if isinstance(body.get(key), list):
            body = dict(body)
            body[key] = [e for e in body[key] if str(e.get("name", "")).startswith(TEST_PREFIX)]
    elif route == "/_ingest/pipeline":
        body = {k: v for k, v in body.items() if k.startswith(TEST_PREFIX)}
    return body


def normalize(path: str, body: Any) -> Any:
    """The body with volatile values removed (see module docstring)."""
    return _walk(_filter_listing(path, body))


def key_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: key_shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [key_shape(v) for v in value[:1]]
    return type(value).__name__ if not isinstance(value, (int, float)) or isinstance(value, bool) else "number"


def _error_view(body: Any, depth: int) -> Any:
    if not isinstance(body, dict):
        return body
    err = body.get("error")
    if not isinstance(err, dict):
        return {"error": err} if err is not None else None
    view = {"type": err.get("type")}
    if depth >= 2:
        view["reason"] = err.get("reason")
        cause = err.get("caused_by")
        if isinstance(cause, dict):
            view["caused_by"] = {"type": cause.get("type"), "reason": cause.get("reason")}
    return view


def view(mode: str, status: int, path: str, body: Any, warnings: tuple = ()) -> Any:
    """What a comparison mode looks at for one answer."""
    norm = normalize(path, body)
    if mode == "warn":
        return {"status": status, "body": norm, "warnings": sorted(warnings)}
    if mode == "status":
        return {"status": status}
    if mode == "keys":
        return {"status": status, "keys": key_shape(norm)}
    if mode == "noloc":
        return {"status": status, "body": _strip_locations(norm)}
    if status >= 300 and mode in ("reason", "type"):
        return {"status": status, "error": _error_view(norm, 2 if mode == "reason" else 1)}
    return {"status": status, "body": norm}


# ------------------------------------------------------------- running
@dataclass
class Difference:
    index: int
    step: Step
    real: Any
    fake: Any

    def __str__(self) -> str:
        method, path = self.step[0], self.step[1]
        return (f"step {self.index}: {method} {path}\n"
                f"  real: {json.dumps(self.real, sort_keys=True)}\n"
                f"  fake: {json.dumps(self.fake, sort_keys=True)}")


def _unpack(step: Step) -> tuple[str, str, Any, str]:
    if len(step) == 2:
        method, path = step
        body, mode = None, "body"
    elif len(step) == 3:
        method, path, body = step
        mode = "body"
    else:
        method, path, body, mode = step
    if method == "HEAD":
        mode = "status"
    if mode not in MODES:
        raise ValueError(f"unknown comparison mode {mode!r} in step {step!r}")
    return method, path, body, mode


def run_steps(real_url: str, fake_url: str, steps: Iterable[Step]) -> list[Difference]:
    """Send every step to both servers (real first); return the differing steps."""
    diffs = []
    for i, step in enumerate(steps):
        method, path, body, mode = _unpack(step)
        real = send(real_url, method, path, body)
        fake = send(fake_url, method, path, body)
        rv = view(mode, real.status, path, real.body, real.warnings)
        fv = view(mode, fake.status, path, fake.body, fake.warnings)
        if rv != fv:
            diffs.append(Difference(i, step, rv, fv))
    return diffs


def assert_same(real_url: str, fake_url: str, steps: Iterable[Step]) -> None:
    diffs = run_steps(real_url, fake_url, steps)
    if diffs:
        raise AssertionError(f"{len(diffs)} step(s) differ between real Elasticsearch and the fake:\n"
                             + "\n".join(str(d) for d in diffs))
