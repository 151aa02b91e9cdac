"""Command line for the real-Elasticsearch harness: ``python -m tests.real_es``.

What it is for: starting a throwaway node for manual work or for a CI script
and stopping it again::

    python -m tests.real_es up [--version 9|8.19|9.5.2] [--security]   # prints the URL
    python -m tests.real_es status [--json]
    python -m tests.real_es down
    python -m tests.real_es fetch [--version V ...]    # download + unpack only (CI warm-up)
    python -m tests.real_es versions                   # the pinned version table

``up`` returns as soon as the node answers; the node keeps running in the
background (own session, no inherited descriptors, so ``URL=$(... up)`` does
not hang) until ``down``. In security mode the credentials go to stderr
(``elastic`` / the password), the URL alone to stdout.

What it must not do: stop nodes it did not start (only those in the state
file, and only processes carrying their node directory), or print more than
one line on stdout for ``up``. Errors are one ``error: ...`` line on stderr
(a start failure adds the node's log tail below it) and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import state
from .distribution import cache_root, ensure_distribution, node_user
from .errors import RealEsError, RealEsStartError
from .java import find_jdk
from .node import DEFAULT_HEAP, DEFAULT_START_TIMEOUT, EsNode, start_node, sweep_stale_node_dirs
from .shim import ensure_shim
from .versions import DEFAULT_LINES, PINNED, resolve_version


def _err(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)


def cmd_up(args: argparse.Namespace) -> int:
    node = start_node(args.version, security=args.security, password=args.password, heap=args.heap,
                      timeout=args.timeout, detached=True)
    state.add(node)
    print(node.url)
    print(f"Elasticsearch {node.version} up in {node.startup_seconds:.1f} s (pid {node.pgid}, "
          f"Java {node.java_home}, dir {node.node_dir})", file=sys.stderr)
    if node.security:
        print(f"security on: user {node.username} password {node.password}", file=sys.stderr)
    return 0


def _health(node: EsNode) -> str:
    try:
        r = node.request("GET", "/_cluster/health", timeout=5)
    except OSError as e:
        return f"unreachable ({e.__class__.__name__})"
    if r.status == 200 and isinstance(r.body, dict):
        return str(r.body.get("status"))
    return f"HTTP {r.status}"


def cmd_status(args: argparse.Namespace) -> int:
    rows = []
    for n in state.nodes():
        alive = n.alive()
        rows.append({**n.to_json(), "alive": alive, "health": _health(n) if alive else "-",
                     "rss_mib": round(n.rss_bytes() / 2**20) if alive else 0})
    if args.json:
        for r in rows:
            r.pop("password", None) if not r.get("security") else None
        print(json.dumps({"state_file": str(state.state_file()), "nodes": rows}, indent=2))
        return 0
    if not rows:
        print(f"no nodes started by `python -m tests.real_es up` ({state.state_file()})")
        return 0
    for r in rows:
        sec = " security" if r["security"] else ""
        print(f"{r['url']}  es {r['version']}{sec}  pid {r['pid']}  "
              f"{'alive' if r['alive'] else 'DEAD'}  health {r['health']}  rss {r['rss_mib']} MiB  {r['node_dir']}")
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    failures = []
    with state.locked_state() as entries:
        keep = []
        for e in entries:
            node = EsNode.from_json(e)
            try:
                was_alive = node.alive()
                node.stop(timeout=args.timeout)
                print(f"stopped {node.url} (es {node.version}, pid {node.pgid})" if was_alive
                      else f"removed dead entry {node.url} (es {node.version}, pid {node.pgid})")
            except RealEsError as ex:
                failures.append(str(ex))
                keep.append(e)
        entries[:] = keep
    sweep_stale_node_dirs(min_age=0)
    for f in failures:
        _err(f)
    return 1 if failures else 0


def cmd_fetch(args: argparse.Namespace) -> int:
    user = node_user()
    for spec in args.version or list(DEFAULT_LINES):
        version = resolve_version(spec)
        jdk = find_jdk(version)
        dist = ensure_distribution(version, user)
        shim = ensure_shim(dist, jdk, user)
        print(f"{version}: {dist.home} (Java {jdk.feature} at {jdk.home}; analysis shim "
              f"{'installed' if shim else 'NOT built: no javac'})")
    return 0


def cmd_versions(args: argparse.Namespace) -> int:
    for k, v in sorted(PINNED.items(), key=lambda kv: [int(p) for p in kv[0].split(".")]):
        print(f"{k:6} -> {v}")
    print(f"default lines: {', '.join(DEFAULT_LINES)}; cache: {cache_root()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.real_es", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up", help="start a node in the background and print its URL")
    up.add_argument("--version", default="9", help="9, 8.19, 9.4 ... or a full x.y.z (default 9)")
    up.add_argument("--security", action="store_true", help="enable security (user elastic, plain HTTP)")
    up.add_argument("--password", default=None, help="password for elastic in --security mode")
    up.add_argument("--heap", default=DEFAULT_HEAP, help=f"JVM heap (default {DEFAULT_HEAP})")
    up.add_argument("--timeout", type=float, default=DEFAULT_START_TIMEOUT, help="seconds to wait for it")
    st = sub.add_parser("status", help="list the nodes `up` started")
    st.add_argument("--json", action="store_true")
    dn = sub.add_parser("down", help="stop every node `up` started")
    dn.add_argument("--timeout", type=float, default=30.0, help="seconds before SIGKILL")
    fe = sub.add_parser("fetch", help="download and unpack distributions without starting them")
    fe.add_argument("--version", action="append", help="repeatable; default: " + ", ".join(DEFAULT_LINES))
    sub.add_parser("versions", help="show the pinned versions")
    args = p.parse_args(argv)
    handler = {"up": cmd_up, "status": cmd_status, "down": cmd_down, "fetch": cmd_fetch,
               "versions": cmd_versions}[args.cmd]
    try:
        return handler(args)
    except RealEsStartError as e:
        first, _, rest = str(e).partition("\n")
        _err(first)
        if rest:
            print(rest, file=sys.stderr)
        return 1
    except RealEsError as e:
        _err(str(e))
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
