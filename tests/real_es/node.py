"""Start, probe and stop one single-node Elasticsearch cluster for tests.

What it is for: :func:`start_node` turns a version spec into a running node
on 127.0.0.1 with a fresh, temporary data directory, waits until it answers,
and returns an :class:`EsNode` that can talk to it (small HTTP helper, an
``elasticsearch.Elasticsearch`` client, API-key creation) and stop it with no
process left behind.

What it must not do:

* run Elasticsearch as root (the server refuses; we switch to the
  ``eisops-es`` system user, see :mod:`.distribution`);
* bind anything but 127.0.0.1, or pick fixed ports (ports are chosen by the
  kernel: ``http.port: 0`` / ``transport.port: 0`` and the node writes what it
  got to ``logs/http.ports`` via ``node.portsfile``, so two runs never race
  for a port);
* set a setting the distribution does not register (the node would refuse
  to start), or enable TLS (tests talk plain HTTP, also in security mode);
* signal anything outside the node's own process group, or leave a process
  or a data directory behind after :meth:`EsNode.stop`;
* wait without a deadline: every wait ends in a one-line error carrying the
  node's log tail.
"""

from __future__ import annotations

import base64
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .distribution import (
    OPTIONAL_SETTINGS,
    Distribution,
    NodeUser,
    _make_dirs,
    cache_root,
    check_traversable,
    chown_tree,
    ensure_distribution,
    node_user,
)
from .errors import RealEsStartError, RealEsStopError, RealEsUnavailable
from .java import Jdk, find_jdk
from .shim import ensure_shim
from .versions import resolve_version

DEFAULT_HEAP = os.environ.get("EISOPS_REAL_ES_HEAP", "512m")
DEFAULT_START_TIMEOUT = float(os.environ.get("EISOPS_REAL_ES_START_TIMEOUT", "120"))
DEFAULT_STOP_TIMEOUT = 30.0
# Appended after the heap flags (ES_JAVA_OPTS comes last, so it wins over the
# -XX:+AlwaysPreTouch that ES 8.x/9.x add themselves). Measured on 8.19.21 and
# 9.5.2 with a 512 MB heap: not pre-touching the heap saves ~180 MiB RSS per
# node, C1-only JIT saves another ~30-50 MiB and 1-2 s of start-up; test
# workloads are too short to miss C2. Set EISOPS_REAL_ES_JAVA_OPTS to replace.
EXTRA_JAVA_OPTS = os.environ.get("EISOPS_REAL_ES_JAVA_OPTS", "-XX:-AlwaysPreTouch -XX:TieredStopAtLevel=1")
SUPERUSER = "elastic"
# Known password for the built-in `elastic` superuser in security mode; tests
# may also pass their own. Only ever used on 127.0.0.1 throwaway nodes.
DEFAULT_PASSWORD = "eisops-test-password"

_PR_SET_PDEATHSIG = 1


def nodes_root() -> Path:
    return cache_root() / "nodes"


# --------------------------------------------------------------------------- processes

def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, pgid) of ``pid`` from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm may contain spaces/parens: split after the last ')'.
    rest = data[data.rfind(")") + 2:].split()
    return rest[0], int(rest[2])


def _mentions(pid: int, needle: bytes) -> bool:
    for part in ("cmdline", "environ"):
        try:
            with open(f"/proc/{pid}/{part}", "rb") as fh:
                if needle in fh.read():
                    return True
        except OSError:
            pass
    return False


def group_members(pgid: int, marker: str | None = None, include_zombies: bool = False) -> list[int]:
    """Live pids whose process group is ``pgid``.

    ``marker`` (the node directory) guards against a recycled pgid when we act
    on a pid read back from a state file: only processes whose command line
    or environment mention it count.
    """
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        st = _proc_stat(pid)
        if st is None or st[1] != pgid:
            continue
        if st[0] == "Z" and not include_zombies:
            continue
        if marker is not None and not _mentions(pid, marker.encode()):
            continue
        out.append(pid)
    return out


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def _set_pdeathsig() -> None:
    # Runs in the child after the uid switch: if the test process dies
    # without running its finalizers (kill -9, crash), the launcher gets
    # SIGTERM and takes the server down with it (the 8.x/9.x server exits
    # when its launcher's stdin pipe closes).
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except OSError:
        pass


# --------------------------------------------------------------------------- HTTP

@dataclass
class HttpResponse:
    status: int
    body: Any
    text: str


def http_request(url: str, method: str = "GET", body: Any = None, *, auth: tuple[str, str] | None = None,
                 api_key: str | None = None, timeout: float = 30.0,
                 headers: dict[str, str] | None = None) -> HttpResponse:
    """Tiny JSON-over-HTTP helper (no client library needed to manage nodes).

    Raises OSError (URLError) when nothing answers; HTTP errors are returned.
    """
    data = None
    hdrs = {"Accept": "application/json"}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    if auth:
        hdrs["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    if api_key:
        hdrs["Authorization"] = "ApiKey " + api_key
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    text = raw.decode(errors="replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return HttpResponse(status, parsed, text)


# --------------------------------------------------------------------------- the node

@dataclass
class EsNode:
    """A running (or stopped) single-node cluster started by this harness."""

    version: str
    url: str
    pgid: int
    node_dir: Path
    java_home: str
    security: bool = False
    username: str | None = None
    password: str | None = None
    startup_seconds: float = 0.0
    detached: bool = False
    _popen: subprocess.Popen | None = field(default=None, repr=False, compare=False)
    _stopped: bool = field(default=False, repr=False, compare=False)

    # ---- talking to it
    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.username, self.password) if self.security and self.password else None

    def request(self, method: str, path: str, body: Any = None, **kw: Any) -> HttpResponse:
        kw.setdefault("auth", self.auth)
        return http_request(self.url + path, method, body, **kw)

    def client(self, **kwargs: Any):
        """An ``elasticsearch.Elasticsearch`` client for this node.

        Defaults to the superuser in security mode; pass ``api_key=...`` or
        ``basic_auth=...`` to override. The 8.x client is used on purpose: it
        talks to 8.x and (via REST compatibility) 9.x servers.
        """
        from elasticsearch import Elasticsearch

        if self.auth and "api_key" not in kwargs and "basic_auth" not in kwargs:
            kwargs["basic_auth"] = self.auth
        kwargs.setdefault("request_timeout", 30)
        return Elasticsearch(self.url, **kwargs)

    def create_api_key(self, name: str = "eisops-tests", role_descriptors: dict | None = None,
                       expiration: str | None = None) -> str:
        """Create an API key via ``POST /_security/api_key``; return its ``encoded`` form
        (the value for ``Authorization: ApiKey <encoded>``)."""
        if not self.security:
            raise RealEsStartError("API keys need a node started with security=True")
        body: dict[str, Any] = {"name": name}
        if role_descriptors is not None:
            body["role_descriptors"] = role_descriptors
        if expiration:
            body["expiration"] = expiration
        deadline = time.monotonic() + 30
        while True:
            r = self.request("POST", "/_security/api_key", body)
            # 401/503 while the .security index is (re)allocating: retry briefly.
            if r.status in (200, 400, 403) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if r.status != 200 or not isinstance(r.body, dict):
            raise RealEsStartError(f"creating API key failed: HTTP {r.status} {r.text[:3000]}")
        encoded = r.body.get("encoded")
        if not encoded:  # very old servers: build it ourselves
            encoded = base64.b64encode(f"{r.body['id']}:{r.body['api_key']}".encode()).decode()
        return encoded

    # ---- inspecting it
    @property
    def console_log(self) -> Path:
        return self.node_dir / "logs" / "console.log"

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the node's console output, Java stack frames left out."""
        try:
            text = self.console_log.read_text(errors="replace")
        except OSError:
            return "(no console log)"
        kept = [ln for ln in text.splitlines() if not ln.startswith("\tat ") and not ln.startswith("\t... ")]
        return "\n".join(kept[-lines:])

    def failure_cause(self) -> str:
        """One line saying why the node failed, from its console output."""
        try:
            text = self.console_log.read_text(errors="replace")
        except OSError:
            return "no console output"
        for ln in text.splitlines():
            m = re.match(r"\[[^\]]*\]\[(?:ERROR|FATAL)\s*\]\[[^\]]*\] \[[^\]]*\] (.*)", ln)
            if m:
                msg = m.group(1).replace("fatal exception while booting Elasticsearch", "").strip()
                return msg[:300]
        for ln in text.splitlines():
            if ln.startswith(("ERROR:", "error:", "Exception", "could not find java")):
                return ln.strip()[:300]
        rest = [ln for ln in text.splitlines() if ln.strip()]
        return rest[-1][:300] if rest else "no console output"

    def pids(self) -> list[int]:
        # Processes started by a previous command (state file) are matched by
        # node dir too, so a recycled pgid is never signalled.
        return group_members(self.pgid, marker=str(self.node_dir) if self._popen is None else None)

    def alive(self) -> bool:
        if self._popen is not None:
            self._popen.poll()
        return bool(self.pids())

    def rss_bytes(self) -> int:
        return rss_bytes(self.pids())

    # ---- stopping it
    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT, keep_dir: bool = False) -> None:
        """SIGTERM the node's process group, wait, SIGKILL after ``timeout``;
        then delete its data directory. Idempotent."""
        if self._stopped:
            return
        marker = None if self._popen is not None else str(self.node_dir)
        if group_members(self.pgid, marker):
            self._signal_group(signal.SIGTERM)
            if not self._wait_gone(timeout, marker):
                self._signal_group(signal.SIGKILL)
                if not self._wait_gone(10.0, marker):
                    raise RealEsStopError(
                        f"Elasticsearch {self.version} (pgid {self.pgid}) still has processes "
                        f"{group_members(self.pgid, marker)} after SIGKILL"
                    )
        if self._popen is not None:
            try:
                self._popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        else:
            # A node started by an earlier command was re-parented to init when
            # that command exited; give init a moment to reap it so that no
            # <defunct> entry is left either (harmless, but looks like a leak).
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and group_members(self.pgid, None, include_zombies=True):
                time.sleep(0.1)
        self._stopped = True
        if not keep_dir:
            shutil.rmtree(self.node_dir, ignore_errors=True)

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.pgid, sig)
        except ProcessLookupError:
            pass

    def _wait_gone(self, timeout: float, marker: str | None) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._popen is not None:
                self._popen.poll()  # reap the launcher so it does not linger as a zombie
            if not group_members(self.pgid, marker):
                return True
            time.sleep(0.1)
        return False

    # ---- (de)serialising for the CLI's state file
    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "url": self.url, "pid": self.pgid, "node_dir": str(self.node_dir),
            "java_home": self.java_home, "security": self.security, "username": self.username,
            "password": self.password, "startup_seconds": round(self.startup_seconds, 2),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "EsNode":
        return cls(version=d["version"], url=d["url"], pgid=int(d["pid"]), node_dir=Path(d["node_dir"]),
                   java_home=d.get("java_home", ""), security=bool(d.get("security")),
                   username=d.get("username"), password=d.get("password"),
                   startup_seconds=float(d.get("startup_seconds", 0)), detached=True)


# --------------------------------------------------------------------------- starting

def _settings(dist: Distribution, node_dir: Path, security: bool, drop: set[str],
              extra: dict[str, Any] | None) -> dict[str, Any]:
    s: dict[str, Any] = {
        "cluster.name": f"eisops-test-{node_dir.name}",
        "node.name": "eisops-node",
        "path.data": str(node_dir / "data"),
        "path.logs": str(node_dir / "logs"),
        "network.host": "127.0.0.1",
        "http.port": 0,
        "transport.port": 0,
        "node.portsfile": True,
        "discovery.type": "single-node",
        # Test machines often have >85 % full disks; the default watermarks
        # would make new indices red/yellow for reasons unrelated to eisops.
        "cluster.routing.allocation.disk.threshold_enabled": False,
        "xpack.security.enabled": security,
    }
    if security:
        # Plain HTTP in security mode (tests check auth, not TLS). Transport
        # TLS is not required for discovery.type=single-node in 8.x and 9.x.
        s["xpack.security.http.ssl.enabled"] = False
        s["xpack.security.transport.ssl.enabled"] = False
    for key, value in OPTIONAL_SETTINGS.items():
        if key in dist.known_optional and key not in drop:
            s[key] = value
    s.update(extra or {})
    return s


def _yaml(settings: dict[str, Any]) -> str:
    lines = ["# written by tests/real_es (eisops test harness); one throwaway node"]
    for k, v in settings.items():
        # JSON scalars are valid YAML: true/false, numbers, quoted strings.
        lines.append(f"{k}: {json.dumps(v)}")
    return "\n".join(lines) + "\n"


def sweep_stale_node_dirs(min_age: float = 120.0) -> list[Path]:
    """Delete node dirs whose node and owner are gone (left by a killed run).

    A dir is stale when no live process carries it in its environment (every
    node process does, see ``_env``), its owner process (``owner.pid``) is
    dead, and it is older than ``min_age`` seconds (a node being set up has
    no process yet).
    """
    root = nodes_root()
    if not root.is_dir():
        return []
    live_markers: set[str] = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/environ", "rb") as fh:
                    for var in fh.read().split(b"\0"):
                        if var.startswith(b"EISOPS_REAL_ES_NODE_DIR="):
                            live_markers.add(var.split(b"=", 1)[1].decode(errors="replace"))
            except OSError:
                pass
    removed = []
    now = time.time()
    for d in root.iterdir():
        if not d.is_dir() or str(d) in live_markers:
            continue
        try:
            age = now - d.stat().st_mtime
        except OSError:
            continue
        try:
            owner: int | None = int((d / "owner.pid").read_text().strip())
        except (OSError, ValueError):
            owner = None  # being created right now, or very old
        if owner is not None and _proc_stat(owner) is not None:
            continue
        if age < (min_age if owner is not None else max(min_age, 120.0)):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


def _prepare_node_dir(dist: Distribution, user: NodeUser) -> Path:
    root = nodes_root()
    _make_dirs(root)
    check_traversable(root, user)
    sweep_stale_node_dirs()
    node_dir = Path(tempfile.mkdtemp(prefix=f"es-{dist.version}-", dir=root))
    (node_dir / "owner.pid").write_text(str(os.getpid()))
    os.chmod(node_dir, 0o755)
    for sub in ("config", "data", "logs", "tmp"):
        (node_dir / sub).mkdir()
    src = dist.home / "config"
    for item in src.iterdir():
        dst = node_dir / "config" / item.name
        if item.is_dir():
            shutil.copytree(item, dst)
        else:
            shutil.copy2(item, dst)
    jvm = node_dir / "config" / "jvm.options"
    text = jvm.read_text()
    # The integ-test-zip's jvm.options logs GC to a relative `gc.log` (32 x 64 MB),
    # which lands in the shared distribution dir: point it at this node's logs.
    text = re.sub(r"(-Xlog:[^\n]*?:file=)([^:\n]+)(:[^\n]*filecount=)\d+(,filesize=)\w+",
                  lambda m: f"{m.group(1)}{node_dir}/logs/gc.log{m.group(3)}2{m.group(4)}16m", text)
    text = re.sub(r"-XX:ErrorFile=[^\n]*", f"-XX:ErrorFile={node_dir}/logs/hs_err_pid%p.log", text)
    jvm.write_text(text)
    (node_dir / "config" / "jvm.options.d").mkdir(exist_ok=True)
    (node_dir / "config" / "jvm.options.d" / "eisops.options").write_text(
        f"# heap dumps of a 512 MB test heap must not fill the shared cache\n"
        f"-XX:HeapDumpPath={node_dir}/logs\n"
    )
    return node_dir


def _env(dist: Distribution, jdk: Jdk, node_dir: Path, heap: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(node_dir),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "ES_JAVA_HOME": str(jdk.home),
        "ES_PATH_CONF": str(node_dir / "config"),
        "ES_TMPDIR": str(node_dir / "tmp"),
        # The launcher JVM (8.19 CliToolLauncher, 9.x ServerLauncher) writes a
        # `final-flags*` temp dir per start and never deletes it; keep it in the
        # node dir rather than litter /tmp. Also applies to elasticsearch-keystore.
        "CLI_JAVA_OPTS": f"-Djava.io.tmpdir={node_dir / 'tmp'}",
        "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap} {EXTRA_JAVA_OPTS}".strip(),
        # Marks every process of this node (environ is inherited by the
        # launcher and the server JVM): how `down` recognises its processes.
        "EISOPS_REAL_ES_NODE_DIR": str(node_dir),
    }
    if os.environ.get("TZ"):
        env["TZ"] = os.environ["TZ"]
    return env


def _run_tool(dist: Distribution, user: NodeUser, env: dict[str, str], args: list[str],
              stdin: str | None = None) -> None:
    kw: dict[str, Any] = {}
    if not user.is_self:
        kw.update(user=user.uid, group=user.gid, extra_groups=[])
    proc = subprocess.run([str(dist.bin / args[0]), *args[1:]], input=stdin, env=env, cwd=env["HOME"],
                          capture_output=True, text=True, timeout=120, **kw)
    if proc.returncode != 0:
        raise RealEsStartError(
            f"{args[0]} {' '.join(args[1:2])} failed (exit {proc.returncode}): "
            f"{(proc.stderr or proc.stdout).strip()[-400:]}"
        )


def _bootstrap_security(dist: Distribution, user: NodeUser, env: dict[str, str], password: str) -> None:
    # `bootstrap.password` in the node's keystore is the password of the
    # built-in `elastic` superuser until someone changes it through the API:
    # the node needs no .security index for it, so it works from the first
    # request. (8.x and 9.x: `add --stdin --force` creates the keystore.)
    _run_tool(dist, user, env, ["elasticsearch-keystore", "add", "--stdin", "--force", "bootstrap.password"],
              stdin=password + "\n")


def prepare(version: str, security: bool = False) -> tuple[Distribution, Jdk, NodeUser]:
    """Everything before launching: resolve the version, pick a JDK, make the
    node user, fetch/unpack the distribution, build the analysis shim.
    Raises :class:`RealEsUnavailable` (only) when a prerequisite is missing."""
    version = resolve_version(version)
    jdk = find_jdk(version)
    user = node_user()
    dist = ensure_distribution(version, user)
    if not ensure_shim(dist, jdk, user) and security:
        raise RealEsUnavailable(
            f"security mode needs javac in {jdk.home} to build the analysis shim the .security index "
            f"requires (the Elasticsearch {version} integ-test-zip has no analysis-common)"
        )
    return dist, jdk, user


def start_node(version: str = "9", *, security: bool = False, password: str | None = None,
               heap: str = DEFAULT_HEAP, timeout: float = DEFAULT_START_TIMEOUT,
               detached: bool = False, extra_settings: dict[str, Any] | None = None) -> EsNode:
    """Start a single-node cluster and wait until it is usable.

    ``version``: ``8.19``, ``9``, ``9.5.2`` ... (see :mod:`.versions`).
    ``security``: enable x-pack security with user ``elastic`` / ``password``.
    ``detached``: the node outlives this process (used by the CLI); otherwise
    it is tied to this process and killed if it dies without cleaning up.

    Raises :class:`RealEsUnavailable` when a prerequisite is missing and
    :class:`RealEsStartError` when the node does not come up in ``timeout`` s.
    """
    dist, jdk, user = prepare(version, security=security)
    version = dist.version
    password = password or (DEFAULT_PASSWORD if security else None)
    dropped: set[str] = set()
    for _attempt in range(1 + len(OPTIONAL_SETTINGS)):
        try:
            return _start_once(dist, jdk, user, security, password, heap, timeout, detached,
                               extra_settings, dropped)
        except _UnknownOptionalSetting as e:
            # A distribution that does not register one of OPTIONAL_SETTINGS
            # despite the jar scan: drop it and try again.
            dropped.add(e.key)
    raise RealEsStartError(f"Elasticsearch {version} rejected optional settings {sorted(dropped)}")


class _UnknownOptionalSetting(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _start_once(dist: Distribution, jdk: Jdk, user: NodeUser, security: bool, password: str | None,
                heap: str, timeout: float, detached: bool, extra: dict[str, Any] | None,
                dropped: set[str]) -> EsNode:
    t0 = time.monotonic()
    node_dir = _prepare_node_dir(dist, user)
    try:
        (node_dir / "config" / "elasticsearch.yml").write_text(
            _yaml(_settings(dist, node_dir, security, dropped, extra)))
        chown_tree(node_dir, user)
        env = _env(dist, jdk, node_dir, heap)
        if security:
            assert password
            _bootstrap_security(dist, user, env, password)
        console = open(node_dir / "logs" / "console.log", "ab")
        kw: dict[str, Any] = {}
        if not user.is_self:
            kw.update(user=user.uid, group=user.gid, extra_groups=[])
        if not detached:
            kw["preexec_fn"] = _set_pdeathsig
        try:
            popen = subprocess.Popen(
                [str(dist.bin / "elasticsearch")], cwd=node_dir, env=env, stdin=subprocess.DEVNULL,
                stdout=console, stderr=subprocess.STDOUT, start_new_session=True, close_fds=True, **kw,
            )
        finally:
            console.close()
    except BaseException:
        shutil.rmtree(node_dir, ignore_errors=True)
        raise
    node = EsNode(version=dist.version, url="", pgid=popen.pid, node_dir=node_dir, java_home=str(jdk.home),
                  security=security, username=SUPERUSER if security else None, password=password,
                  detached=detached, _popen=popen)
    try:
        _wait_ready(node, popen, t0 + timeout, timeout, dropped)
    except RealEsStartError as e:
        node.stop(timeout=10)
        e.node_dir = str(node_dir)
        raise
    except BaseException:
        node.stop(timeout=10)
        raise
    node.startup_seconds = time.monotonic() - t0
    if detached:
        # Forget the child: the node must outlive this process, and the state
        # file (not a Popen object) is how it will be found again.
        popen.returncode = 0
        node._popen = None
    return node


def _wait_ready(node: EsNode, popen: subprocess.Popen, deadline: float, timeout: float,
                dropped: set[str]) -> None:
    ports_file = node.node_dir / "logs" / "http.ports"
    last = "no answer yet"
    sec_state: dict[str, float] = {}
    while True:
        rc = popen.poll()
        if rc is not None:
            tail = node.log_tail(60)
            for key in OPTIONAL_SETTINGS:
                if f"unknown setting [{key}]" in tail and key not in dropped:
                    raise _UnknownOptionalSetting(key)
            raise RealEsStartError(
                f"Elasticsearch {node.version} exited with code {rc} while starting: {node.failure_cause()} "
                f"(Java {node.java_home}); log tail:\n{tail}"
            )
        if not node.url and ports_file.is_file():
            first = ports_file.read_text().strip().splitlines()[:1]
            if first:
                host_port = first[0].strip()
                if host_port.startswith("[") or host_port.count(":") > 1:
                    raise RealEsStartError(f"node published a non-IPv4 HTTP address {host_port!r}")
                node.url = f"http://{host_port}"
        if node.url:
            try:
                # GET / is not routed in the integ-test-zip (405), so readiness is
                # the cluster health, which also proves the node elected itself.
                r = node.request("GET", "/_cluster/health?wait_for_status=yellow&timeout=1s", timeout=5)
                if r.status == 200 and isinstance(r.body, dict) and r.body.get("status") in ("green", "yellow"):
                    if not node.security or _security_ready(node, sec_state):
                        return
                    last = "security index not ready"
                else:
                    last = f"HTTP {r.status} {r.text[:200]}"
            except OSError as e:
                last = str(e)
        if time.monotonic() > deadline:
            raise RealEsStartError(
                f"Elasticsearch {node.version} did not come up within {timeout:.0f} s "
                f"(last: {last}); log tail:\n{node.log_tail(60)}"
            )
        time.sleep(0.25)


def _security_ready(node: EsNode, state: dict[str, float]) -> bool:
    """Security mode: is the ``.security`` index settled?

    Right after start, 8.19 and 9.x create ``.security-7`` (they sync the
    built-in roles into it). While its primary initialises, the reserved
    realm cannot read the ``elastic`` user and answers 503 even to the right
    password; before it exists, the bootstrap password already works. So:
    ready = we can log in, and ``.security`` is green — or, if no version
    creates it on its own within 15 s of the first successful login, ready
    anyway (it is then created by the first write, e.g. an API key, which
    :meth:`EsNode.create_api_key` retries through).
    """
    r = node.request("GET", "/_security/_authenticate", timeout=5)
    if r.status != 200:
        return False
    first_login = state.setdefault("first_login", time.monotonic())
    r = node.request("GET", "/_cluster/health/.security?wait_for_status=green&timeout=1s", timeout=5)
    if r.status == 200 and isinstance(r.body, dict) and r.body.get("status") == "green" and not r.body.get("timed_out"):
        return True
    return time.monotonic() - first_login > 15


def node_from_env() -> EsNode | None:
    """An EsNode-like handle for ``EISOPS_REAL_ES_URL`` (an already running cluster)."""
    url = os.environ.get("EISOPS_REAL_ES_URL")
    if not url:
        return None
    return external_node(url, os.environ.get("EISOPS_REAL_ES_USERNAME"), os.environ.get("EISOPS_REAL_ES_PASSWORD"))


def external_node(url: str, username: str | None = None, password: str | None = None) -> EsNode:
    url = url.rstrip("/")
    security = bool(password)
    node = EsNode(version="", url=url, pgid=-1, node_dir=Path("/nonexistent"), java_home="",
                  security=security, username=(username or SUPERUSER) if security else None,
                  password=password, _stopped=True)
    try:
        r = node.request("GET", "/_nodes/_local/version", timeout=10)
    except OSError as e:
        raise RealEsUnavailable(f"cannot reach {url}: {e}") from None
    if r.status != 200 or not isinstance(r.body, dict):
        raise RealEsUnavailable(f"{url} answered HTTP {r.status} to GET /_nodes/_local: {r.text[:200]}")
    versions = {n.get("version") for n in r.body.get("nodes", {}).values()}
    node.version = sorted(v for v in versions if v)[0] if versions else "unknown"
    return node
