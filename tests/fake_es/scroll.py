"""Scroll: ``_search?scroll=``, ``_search/scroll`` and clearing scroll contexts.

What it is for: a search with ``scroll`` answers its first page with a ``_scroll_id`` and keeps
a snapshot of every hit (taken then: later writes do not show, as with ES's point-in-time
reader); ``GET|POST /_search/scroll`` (``scroll_id`` and ``scroll`` in the body, the query or
the path) answers the next page, an empty ``hits.hits`` once done; ``DELETE /_search/scroll``
frees contexts (``{"succeeded": true, "num_freed": N}``, 404 when none was freed; ``_all``
frees every one and, as ES counts nodes there, answers ``num_freed: 1``). As in ES: one
context per searched index (shard), ``from`` and ``size: 0`` refused in a scroll context, a
keep-alive renewed by each request and contexts expiring after it, a scroll id that does not
decode answering 400 "Cannot parse scroll id" (caused by "Illegal base64 character 20" and
the like), and one that decodes but whose context is gone answering 404
``search_phase_execution_exception`` "all shards failed" caused by
``search_context_missing_exception`` "No search context found for id [N]" (9.3+: "[[session][N]
searcherId [null]]"; TransportSearchHelper, SearchContextMissingException, ClearScrollResponse;
checked against 8.19.21, 9.2.8, 9.3.8, 9.4.3, 9.5.2).

What it must not do: match or render documents (documents.py does), or reflect writes made
after the first page.
"""

from __future__ import annotations

import base64
import binascii
import re
import time

from .documents import SearchPage, search_response
from .errors import EsError, illegal_argument, token_name, validation_failed
from .routing import Request, Router
from .settings import time_value_error
from .state import new_uuid

_PREFIX = "fake-es-scroll"
_UNITS_MS = (("nanos", 1e-6), ("micros", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
             ("d", 86_400_000))


def keep_alive_ms(value: str) -> float:
    """TimeValue.parseTimeValue(value, "scroll") in milliseconds."""
    err = time_value_error("scroll", value)
    if err is not None:
        raise err
    text = value.lower().strip()
    for suffix, factor in _UNITS_MS:
        if text.endswith(suffix):
            return int(text[: -len(suffix)].strip()) * factor
    return float(text)  # "0" or "-1"


def _encode(state, contexts: list[int]) -> str:
    text = f"{_PREFIX}:{state.node_id}:{','.join(str(c) for c in contexts)}"
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")


def _cannot_parse(cause: EsError | None = None) -> EsError:
    return illegal_argument("Cannot parse scroll id", caused_by=cause)


_BASE64URL = re.compile(r"[A-Za-z0-9_=-]")


def _decode(scroll_id: str) -> list[int]:
    """The context ids of a scroll id; 400 "Cannot parse scroll id" when it is not one (caused,
    as Java's URL-safe Base64 decoder words it, by the first character it cannot take)."""
    for char in scroll_id:
        if not _BASE64URL.fullmatch(char):
            code = ord(char) if ord(char) < 256 else 0x3F  # String.getBytes(ISO_8859_1)
            raise _cannot_parse(illegal_argument(f"Illegal base64 character {code:x}"))
    try:
        text = base64.urlsafe_b64decode(scroll_id + "=" * (-len(scroll_id) % 4)).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _cannot_parse() from None
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != _PREFIX:
        raise _cannot_parse()
    try:
        return [int(c) for c in parts[2].split(",") if c]
    except ValueError:
        raise _cannot_parse() from None


def _missing(state, context_id: int) -> EsError:
    # 9.3+ show ShardSearchContextId.toString, "[session][id] searcherId [null]"; before, the id.
    shown = (f"[{_session(state)}][{context_id}] searcherId [null]" if state.version.scroll_context_id_with_session
             else str(context_id))
    cause = EsError("search_context_missing_exception", f"No search context found for id [{shown}]", 404)
    return EsError("search_phase_execution_exception", "all shards failed", 404, cause, phase="query", grouped=True,
                   failed_shards=[{"shard": -1, "index": None, "reason": cause._fragment()}])


def _session(state) -> str:
    """SearchService's session id: one random id per node."""
    session = getattr(state, "scroll_session", None)
    if session is None:
        session = state.scroll_session = new_uuid()
    return session


def _expire(state) -> None:
    now = time.time() * 1000
    for scroll_id in [k for k, ctx in state.scrolls.items() if ctx["expires"] < now]:
        del state.scrolls[scroll_id]


def open_scroll(req: Request, page: SearchPage, size: int, offset: int, started: float,
                has_from: bool) -> tuple[int, dict]:
    """The first page of a scrolled search (documents.search hands over)."""
    state = req.state
    errors = []
    if has_from and offset > 0:
        errors.append("using [from] is not allowed in a scroll context")
    if size == 0:
        errors.append("[size] cannot be [0] in a scroll context")
    if errors:
        raise validation_failed(errors, type_="action_request_validation_exception")
    alive = keep_alive_ms(req.param("scroll"))
    _expire(state)
    contexts = []
    for _ in range(max(1, len(page.names))):
        state.scroll_counter += 1
        contexts.append(state.scroll_counter)
    scroll_id = _encode(state, contexts)
    state.scrolls[scroll_id] = {"page": page, "position": size, "size": size, "contexts": contexts,
                                "keep_alive": alive, "expires": time.time() * 1000 + alive}
    return 200, search_response(req, page, page.hits[:size], started, size, scroll_id)


def _scroll_args(req: Request, scroll_id: str | None) -> tuple[str | None, str | None]:
    body = req.json_or_none() if req.has_body() else None
    keep = req.param("scroll")
    scroll_id = req.param("scroll_id", scroll_id)
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "scroll_id" and isinstance(value, str):
                scroll_id = value
            elif key == "scroll" and isinstance(value, str):
                keep = value
            else:
                raise illegal_argument(f"Unknown parameter [{key}] in request body or parameter is of the wrong "
                                       f"type[{token_name(value)}] ")
    return scroll_id, keep


def scroll(req: Request, scroll_id: str | None = None) -> tuple[int, dict]:
    started = time.time()
    state = req.state
    scroll_id, keep = _scroll_args(req, scroll_id)
    if not scroll_id:
        raise validation_failed(["scrollId is missing"], type_="action_request_validation_exception")
    alive = keep_alive_ms(keep) if keep is not None else None
    contexts = _decode(scroll_id)
    _expire(state)
    ctx = state.scrolls.get(scroll_id)
    if ctx is None:
        raise _missing(state, contexts[0] if contexts else 0)
    if alive is not None:
        ctx["keep_alive"] = alive
    ctx["expires"] = time.time() * 1000 + ctx["keep_alive"]
    page: SearchPage = ctx["page"]
    start = ctx["position"]
    shown = page.hits[start:start + ctx["size"]]
    ctx["position"] = start + len(shown)
    return 200, search_response(req, page, shown, started, ctx["size"], scroll_id)


def clear_scroll(req: Request, scroll_id: str | None = None) -> tuple[int, dict]:
    state = req.state
    ids: list[str] = []
    if scroll_id is not None:
        ids += [s for s in scroll_id.split(",") if s]
    if req.param("scroll_id") is not None:
        ids += req.param_list("scroll_id") or []
    body = req.json_or_none() if req.has_body() else None
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "scroll_id" and isinstance(value, str):
                ids.append(value)
            elif key == "scroll_id" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                ids += value
            else:
                raise illegal_argument(f"Unknown parameter [{key}] in request body or parameter is of the wrong "
                                       f"type[{token_name(value)}] ")
    if not ids:
        raise validation_failed(["no scroll ids specified"], type_="action_request_validation_exception")
    _expire(state)
    freed = 0
    if "_all" in ids:
        # ClearScrollController.cleanAllScrolls counts nodes that answered, not contexts: 1 here.
        freed = 1
        state.scrolls.clear()
    else:
        for one in ids:
            _decode(one)
        for one in ids:
            ctx = state.scrolls.pop(one, None)
            if ctx is not None:
                freed += len(ctx["contexts"])
    return (200 if freed else 404), {"succeeded": True, "num_freed": freed}


def register(router: Router) -> None:
    params = ("scroll", "scroll_id", "rest_total_hits_as_int")
    router.add(("GET", "POST"), "/_search/scroll", scroll, params)
    router.add(("GET", "POST"), "/_search/scroll/{scroll_id}", scroll, params)
    router.add("DELETE", "/_search/scroll", clear_scroll, ("scroll_id",))
    router.add("DELETE", "/_search/scroll/{scroll_id}", clear_scroll, ())
