"""A TCP proxy on the loopback interface that adds latency to every exchange, for benchmarks.

``LatencyProxy(target_port, round_trip=0.010)`` listens on 127.0.0.1 and forwards to the
target on 127.0.0.1 (``tls``: an ``ssl.SSLContext`` to serve https with, in front of a
target that speaks plain http); bytes from the client are held for half the round trip before they are
passed on, and so are the answer's, so a request and its response cost one round trip more,
as they would over a network (whatever their size: bandwidth is not limited). It only ever connects to the loopback address it was given, and
stops with ``close()`` (or as a context manager).
"""

from __future__ import annotations

import asyncio
import threading


class LatencyProxy:
    def __init__(self, target_port: int, round_trip: float = 0.010, target_host: str = "127.0.0.1", tls=None):
        if target_host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the latency proxy forwards to the loopback interface only")
        self.target = (target_host, target_port)
        self.delay = round_trip / 2
        self.tls = tls
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="latency-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> "LatencyProxy":
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            self._thread.join(10)

    async def _shutdown(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop.stop()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer),
                             return_exceptions=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Pass every chunk on half a round trip after it arrived, in order, reading on meanwhile:
        a link with that delay and no limit on bandwidth, so that a large answer costs the round
        trip once, not once per chunk."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def forward() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    return
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()

        forwarder = asyncio.ensure_future(forward())
        try:
            while not forwarder.done():
                data = await reader.read(65536)
                queue.put_nowait((loop.time() + self.delay, data))
                if not data:
                    break
            await forwarder
        finally:
            forwarder.cancel()
            writer.close()
