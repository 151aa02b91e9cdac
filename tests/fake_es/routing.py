"""REST routing for the fake: route table, path matching, query-parameter checks.

What it is for: map (method, path) to a handler the way ES's RestController
does: literal path segments win over ``{placeholders}``, and, as in ES's
PathTrie, a placeholder never matches a path segment for which a literal
branch matches the whole path (so ``DELETE /_component_template`` is a 405
"allowed: [GET]", not ``DELETE /{index}``; seen on 8.19.21 and 9.5.2); a
path that exists for other methods answers 405 ("Incorrect HTTP method ...",
the allowed methods in ES's enum order); an unknown path answers 400 ("no
handler found for uri ..."); HEAD falls back to the GET handler; query
parameters a route does not declare are refused like ES ("request [...]
contains unrecognized parameter: [...]", several in sorted order, as ES
collects them in a TreeSet); ``body_params`` are declared only for requests
with a body (the simulate-template actions read ``create``/``cause`` only
then).

What it must not do: implement any API behaviour or hold cluster state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

from .errors import RawResponse, illegal_argument, parse_exception, x_content_parse
from .similarity import suggest

# RestRequest.Method declaration order, in which the fake lists allowed methods.
METHOD_ORDER = ("GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE", "CONNECT")
# Parameters every ES REST endpoint accepts.
GLOBAL_PARAMS = frozenset({"filter_path", "pretty", "human", "error_trace", "format", "source", "source_content_type"})


@dataclass
class Request:
    method: str
    raw_path: str  # path without query string, percent-encoded
    uri: str  # path with query string, as received
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    state: Any = None
    path_params: dict[str, str] = field(default_factory=dict)

    # ---- body helpers
    def has_body(self) -> bool:
        return bool(self.body.strip())

    def json(self) -> Any:
        if not self.has_body():
            raise parse_exception("request body is required")
        return self._decode()

    def json_or_none(self) -> Any:
        return self._decode() if self.has_body() else None

    def _decode(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise x_content_parse(f"[1:1] Unexpected token while parsing request body: {exc}") from None

    def ndjson_lines(self) -> list[Any]:
        if not self.has_body():
            raise illegal_argument("request body is required")
        lines = []
        for raw in self.body.decode("utf-8").split("\n"):
            if raw.strip():
                try:
                    lines.append(json.loads(raw))
                except ValueError:
                    raise x_content_parse(f"[1:1] Malformed action/metadata line: {raw[:50]}") from None
        return lines

    # ---- query helpers
    def param(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)

    def param_bool(self, name: str, default: bool = False) -> bool:
        if name not in self.query:
            return default
        value = self.query[name]
        if value in ("", "true"):
            return True
        if value == "false":
            return False
        raise illegal_argument(
            f"Failed to parse value [{value}] as only [true] or [false] are allowed."
        )

    def param_list(self, name: str) -> list[str] | None:
        value = self.query.get(name)
        if value is None:
            return None
        return [v for v in value.split(",") if v]


Handler = Callable[..., Any]


@dataclass
class Route:
    methods: tuple[str, ...]
    pattern: str
    handler: Handler
    params: frozenset[str]
    # Parameters a handler reads only when the request has a body (ES's simulate-template
    # actions read create/cause only then, so without a body they are "unrecognized").
    body_params: frozenset[str] = frozenset()
    segments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.segments = tuple(s for s in self.pattern.split("/") if s)

    def match(self, parts: list[str]) -> tuple[int, dict[str, str]] | None:
        if len(parts) != len(self.segments):
            return None
        score = 0
        captured: dict[str, str] = {}
        for seg, part in zip(self.segments, parts):
            if seg.startswith("{") and seg.endswith("}"):
                captured[seg[1:-1]] = part
            elif seg == part:
                score += 1
            else:
                return None
        return score, captured


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, methods: str | tuple[str, ...], pattern: str, handler: Handler, params: tuple[str, ...] = (),
            body_params: tuple[str, ...] = ()) -> None:
        if isinstance(methods, str):
            methods = (methods,)
        self.routes.append(Route(tuple(methods), pattern, handler, frozenset(params), frozenset(body_params)))

    def _candidates(self, parts: list[str]) -> list[tuple[int, Route, dict[str, str]]]:
        found = []
        for route in self.routes:
            m = route.match(parts)
            if m is not None:
                found.append((m[0], route, m[1]))
        found = [c for c in found if not self._shadowed(c[1], [f[1] for f in found])]
        found.sort(key=lambda t: -t[0])
        return found

    @staticmethod
    def _shadowed(route: Route, matching: list[Route]) -> bool:
        """PathTrie: a placeholder at position i is not tried when a route with the same
        trie prefix has a literal there that leads to a full match."""
        def shape(seg: str) -> str:
            return "{}" if seg.startswith("{") else seg

        for i, seg in enumerate(route.segments):
            if not seg.startswith("{"):
                continue
            prefix = [shape(x) for x in route.segments[:i]]
            for other in matching:
                if other is route or other.segments[i].startswith("{"):
                    continue
                if [shape(x) for x in other.segments[:i]] == prefix:
                    return True
        return False

    def dispatch(self, request: Request) -> Any:
        parts = [unquote(p) for p in request.raw_path.split("/") if p]
        candidates = self._candidates(parts)
        method = request.method
        chosen = None
        for _score, route, captured in candidates:
            if method in route.methods:
                chosen = (route, captured)
                break
        if chosen is None and method == "HEAD":
            for _score, route, captured in candidates:
                if "GET" in route.methods:
                    chosen = (route, captured)
                    break
        if chosen is None:
            if candidates:
                methods = {m for _score, route, _ in candidates for m in route.methods}
                allowed = [m for m in METHOD_ORDER if m in methods]
                raise RawResponse(
                    405,
                    {
                        "error": f"Incorrect HTTP method for uri [{request.uri}] and method [{method}], "
                        f"allowed: [{', '.join(allowed)}]",
                        "status": 405,
                    },
                    {"Allow": ",".join(allowed)},
                )
            raise RawResponse(400, {"error": f"no handler found for uri [{request.uri}] and method [{method}]"})
        route, captured = chosen
        self._check_params(request, route)
        request.path_params = captured
        return route.handler(request, **captured)

    @staticmethod
    def _check_params(request: Request, route: Route) -> None:
        allowed = route.params | GLOBAL_PARAMS
        if request.has_body():
            allowed |= route.body_params
        # BaseRestHandler collects the unconsumed parameters in a TreeSet: sorted (8.19.21, 9.5.2).
        unknown = sorted(k for k in request.query if k not in allowed)
        if not unknown:
            return
        parts = []
        for key in unknown:
            hint = suggest(key, sorted(allowed))
            parts.append(f"[{key}]" + (f" -> did you mean [{hint[0]}]?" if len(hint) == 1 else
                                       f" -> did you mean any of {hint}?".replace("'", "") if hint else ""))
        noun = "parameter" if len(unknown) == 1 else "parameters"
        raise illegal_argument(f"request [{request.raw_path}] contains unrecognized {noun}: {', '.join(parts)}")


def ok(body: Any = None, status: int = 200) -> tuple[int, Any]:
    return status, body


def acknowledged() -> tuple[int, Any]:
    return 200, {"acknowledged": True}


__all__ = ["Request", "Router", "Route", "ok", "acknowledged"]
