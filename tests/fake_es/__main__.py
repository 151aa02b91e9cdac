"""Command line entry point: ``python -m tests.fake_es --port 9299``.

What it is for: run the fake as a standalone process (for manual use or for
tests that drive the eisops CLI as a subprocess). Prints exactly one line when
ready, ``fake Elasticsearch <version> listening on http://<host>:<port>``,
and exits with status 0 on SIGTERM or SIGINT.

What it must not do: print anything else on stdout (callers parse the line).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .server import FakeElasticsearch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_es", description="Run a fake Elasticsearch node.")
    parser.add_argument("--port", type=int, default=9299, help="TCP port (0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--version", default="9.2.0", help="emulated Elasticsearch version, e.g. 9.2.0 or 8.19.8")
    parser.add_argument("--no-eis", action="store_true", help="leave out the EIS (elastic service) endpoints")
    args = parser.parse_args(argv)

    fake = FakeElasticsearch(version=args.version, eis=not args.no_eis, host=args.host, port=args.port)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    fake.start()
    print(f"fake Elasticsearch {args.version} listening on {fake.url}", flush=True)
    while not stop.wait(0.2):
        pass
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
