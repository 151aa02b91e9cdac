"""An HTTP proxy on the loopback interface that injects faults between eisops and Elasticsearch.

``FaultProxy(target_port, rate=0.2, seed=1)`` forwards each request to the target and, for a
``rate`` share of them (chosen by a seeded random generator, so a run can be repeated), answers
with one fault instead:

- ``429``           Elasticsearch's "rejected execution" answer, half of them with ``Retry-After``;
- ``503``           an unavailable-shards answer, with or without ``Retry-After``;
- ``reset_before``  the connection closed before the request reaches Elasticsearch;
- ``reset_after``   the request carried out by Elasticsearch, its answer lost (the ambiguous case);
- ``hang``          no answer at all, until the client gives up.

It speaks HTTP/1.1 with Content-Length bodies (what the official client sends and Elasticsearch
answers), one upstream connection per request. ``faults`` counts what it injected.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter

from tests.bench.latency_proxy import LatencyProxy

FAULTS = ("429", "503", "reset_before", "reset_after", "hang")


class FaultProxy(LatencyProxy):
    """LatencyProxy's loopback server and lifecycle, answering request by request."""

    def __init__(self, target_port: int, rate: float = 0.2, seed: int = 1, faults: tuple[str, ...] = FAULTS,
                 hang_seconds: float = 30.0, script: dict[str, list[str | None]] | None = None):
        super().__init__(target_port, round_trip=0.0)
        self.rate = rate
        self.kinds = faults
        self.hang_seconds = hang_seconds
        self.random = random.Random(seed)
        #: Instead of chance: "METHOD /path" -> the faults of its next requests, in order (None: none).
        self.script = {k: list(v) for k, v in script.items()} if script is not None else None
        self.faults: Counter = Counter()
        self.requests = 0

    def _choose(self, request: bytes) -> str | None:
        self.requests += 1
        if self.script is not None and self.script:
            line = request.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            key = f"{line[0]} {line[1].split('?')[0]}"
            planned = self.script.get(key)
            fault = planned.pop(0) if planned else None
            if fault:
                self.faults[fault] += 1
            return fault
        if self.random.random() >= self.rate:
            return None
        fault = self.random.choice(self.kinds)
        self.faults[fault] += 1
        return fault

    async def _read_message(self, reader: asyncio.StreamReader) -> bytes | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        length, chunked = 0, False
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1].strip())
            elif line.lower().startswith(b"transfer-encoding:") and b"chunked" in line.lower():
                chunked = True
        if chunked:  # real Elasticsearch streams large answers (mappings, settings) in chunks
            parts = []
            while True:
                size_line = await reader.readuntil(b"\r\n")
                parts.append(size_line)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                parts.append(await reader.readexactly(size + 2))  # the chunk and its CRLF
                if size == 0:
                    return head + b"".join(parts)
        body = await reader.readexactly(length) if length else b""
        return head + body

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await self._read_message(reader)
                if request is None:
                    return
                fault = self._choose(request)
                if fault in ("429", "503"):
                    writer.write(_error_answer(int(fault), retry_after=self.random.random() < 0.5))
                    await writer.drain()
                    continue
                if fault == "reset_before":
                    return
                if fault == "hang":
                    await asyncio.sleep(self.hang_seconds)
                    return
                answer = await self._forward(request)
                if fault == "reset_after" or answer is None:
                    return
                writer.write(answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def _forward(self, request: bytes) -> bytes | None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        try:
            up_writer.write(request)
            await up_writer.drain()
            return await self._read_message(up_reader)
        finally:
            up_writer.close()


def _error_answer(status: int, retry_after: bool) -> bytes:
    if status == 429:
        error = {"type": "es_rejected_execution_exception", "reason": "rejected execution (injected)"}
        text = "Too Many Requests"
    else:
        error = {"type": "unavailable_shards_exception", "reason": "primary shard is not active (injected)"}
        text = "Service Unavailable"
    body = json.dumps({"error": {**error, "root_cause": [error]}, "status": status}).encode()
    head = [f"HTTP/1.1 {status} {text}", "content-type: application/json", "X-elastic-product: Elasticsearch",
            f"content-length: {len(body)}"]
    if retry_after:
        head.append("Retry-After: 1")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body
