"""Get an Elasticsearch integ-test distribution onto this machine, ready to run.

What it is for:

* fetching ``org.elasticsearch.distribution.integ-test-zip:elasticsearch:<v>:zip``
  with Maven's own client (``mvn dependency:copy``, which goes through the
  ordinary ``~/.m2`` cache and Maven Central);
* unpacking it once per version into the harness cache
  (``<cache>/dist/<version>/elasticsearch-<version>``), reused across runs;
* making the unprivileged system user that runs the nodes (Elasticsearch
  refuses to run as root), and giving it the unpacked tree;
* finding out which optional settings the distribution knows (the
  integ-test-zip has only server, transport-netty4, x-pack-core and
  x-pack-security; setting something it does not register makes the node
  refuse to start).

What it must not do: fetch anything except through ``mvn`` (no direct HTTP to
a repository), write into the project tree, or touch a distribution another
process is unpacking (a file lock serialises that).

Cache location: ``EISOPS_REAL_ES_CACHE`` if set; else, as root,
``/var/cache/eisops/real-es`` (root's ``~`` is mode 700, so the node user could
not reach a tree under ``/root/.cache``); else ``$XDG_CACHE_HOME/eisops/real-es``
(``~/.cache/eisops/real-es``).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import RealEsUnavailable

GROUP_ID = "org.elasticsearch.distribution.integ-test-zip"
ARTIFACT_ID = "elasticsearch"
NODE_USER = os.environ.get("EISOPS_REAL_ES_USER", "eisops-es")

# Settings we would like to set but which only exist when the module that
# registers them is in the distribution. Key -> value we want.
# `xpack.ml.enabled` is registered by x-pack-core's XPackSettings in 8.19 and
# 9.x even though the ML module itself is absent from the integ-test-zip;
# setting it to false there is harmless and keeps a future distribution that
# does carry ML from starting the (memory hungry) native controller.
OPTIONAL_SETTINGS: dict[str, object] = {
    "xpack.ml.enabled": False,
}

_MARKER = ".eisops-ready.json"


def is_root() -> bool:
    return os.geteuid() == 0


def cache_root() -> Path:
    env = os.environ.get("EISOPS_REAL_ES_CACHE")
    if env:
        return Path(env)
    if is_root():
        return Path("/var/cache/eisops/real-es")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "eisops" / "real-es"


@dataclass(frozen=True)
class NodeUser:
    name: str
    uid: int
    gid: int

    @property
    def is_self(self) -> bool:
        return self.uid == os.geteuid()


def node_user() -> NodeUser:
    """The user nodes run as: ``eisops-es`` (created if missing) when we are
    root, else ourselves (Elasticsearch only refuses uid 0)."""
    if not is_root():
        pw = pwd.getpwuid(os.geteuid())
        return NodeUser(pw.pw_name, pw.pw_uid, pw.pw_gid)
    try:
        pw = pwd.getpwnam(NODE_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        if not os.path.exists(useradd):
            raise RealEsUnavailable(
                f"user {NODE_USER!r} is missing and useradd is not available to create it "
                "(Elasticsearch refuses to run as root)"
            ) from None
        proc = subprocess.run(
            [useradd, "--system", "--user-group", "--no-create-home",
             "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", NODE_USER],
            capture_output=True, text=True,
        )
        # Exit 9 = "already exists": another process made it meanwhile.
        if proc.returncode not in (0, 9):
            raise RealEsUnavailable(
                f"could not create system user {NODE_USER!r}: {proc.stderr.strip() or proc.returncode}"
            )
        pw = pwd.getpwnam(NODE_USER)
    if pw.pw_uid == 0:
        raise RealEsUnavailable(f"user {NODE_USER!r} has uid 0; Elasticsearch refuses to run as root")
    return NodeUser(pw.pw_name, pw.pw_uid, pw.pw_gid)


def chown_tree(path: Path, user: NodeUser) -> None:
    if user.is_self:
        return
    os.chown(path, user.uid, user.gid, follow_symlinks=False)
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            os.chown(os.path.join(root, n), user.uid, user.gid, follow_symlinks=False)


@contextlib.contextmanager
def _locked(path: Path):
    _make_dirs(path.parent)
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Distribution:
    version: str
    home: Path                      # .../elasticsearch-<version>
    known_optional: frozenset[str]  # subset of OPTIONAL_SETTINGS the jars register

    @property
    def bin(self) -> Path:
        return self.home / "bin"

    @property
    def modules(self) -> list[str]:
        return sorted(p.name for p in (self.home / "modules").iterdir() if p.is_dir())


def _make_dirs(path: Path) -> None:
    """mkdir -p with mode 755 on what we create (umask may be 077)."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir()
            os.chmod(d, 0o755)


def check_traversable(path: Path, user: NodeUser) -> None:
    """Raise if ``user`` cannot walk down to ``path`` (e.g. it is under /root)."""
    if user.is_self:
        return
    for p in [path, *path.parents]:
        st = p.stat()
        if st.st_uid == user.uid or st.st_mode & 0o001 or (st.st_gid == user.gid and st.st_mode & 0o010):
            continue
        raise RealEsUnavailable(
            f"{p} (mode {stat.S_IMODE(st.st_mode):o}) is not searchable by node user {user.name!r}; "
            "point EISOPS_REAL_ES_CACHE somewhere it can reach"
        )


def _mvn_fetch(version: str, dest_dir: Path) -> Path:
    mvn = os.environ.get("EISOPS_REAL_ES_MVN") or shutil.which("mvn")
    if not mvn:
        raise RealEsUnavailable(
            "Maven (mvn) not found on PATH; it is needed to fetch the Elasticsearch "
            f"{version} integ-test-zip from Maven Central"
        )
    coords = f"{GROUP_ID}:{ARTIFACT_ID}:{version}:zip"
    cmd = [
        mvn, "-B", "-q", "-U",  # -U: do not trust a cached "not found" from an earlier, failed try
        "dependency:copy", f"-Dartifact={coords}", f"-DoutputDirectory={dest_dir}",
        "-Dmdep.useBaseVersion=true",
    ]
    try:
        # Run in an empty directory so a pom.xml in the caller's cwd is not picked up.
        proc = subprocess.run(cmd, cwd=dest_dir, capture_output=True, text=True, timeout=900,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RealEsUnavailable(f"mvn took over 900 s fetching {coords}; giving up") from None
    except OSError as e:
        raise RealEsUnavailable(f"cannot run Maven ({mvn}): {e.strerror or e}") from None
    zip_path = dest_dir / f"{ARTIFACT_ID}-{version}.zip"
    if proc.returncode != 0 or not zip_path.is_file():
        out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
        reason = f"mvn exited {proc.returncode}"
        for pat in (r"Could not find artifact \S+", r"\S+ was not found in \S+",
                    r"Could not transfer artifact .*", r"Could not resolve .*", r"\[ERROR\] (.*)"):
            m = re.search(pat, out)
            if m:
                reason = m.group(0).replace("[ERROR] ", "")
                break
        if "not found" in reason.lower() or "could not find" in reason.lower():
            reason += " (Maven Central does not hold every patch of this artifact; see tests/real_es/versions.py)"
        raise RealEsUnavailable(f"cannot fetch {coords} with mvn: {reason[:400]}")
    return zip_path


def _extract(zip_path: Path, dest: Path) -> None:
    """Unzip keeping the executable bits (zipfile.extractall drops them)."""
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            target = dest / info.filename
            mode = (info.external_attr >> 16) & 0o7777
            if not str(target.resolve()).startswith(str(dest.resolve())):
                raise RealEsUnavailable(f"refusing to unpack {info.filename!r} outside {dest}")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if stat.S_ISLNK(info.external_attr >> 16):
                os.symlink(zf.read(info).decode(), target)
                continue
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            if mode:
                os.chmod(target, mode)


def _scan_known_settings(home: Path) -> frozenset[str]:
    """Which OPTIONAL_SETTINGS keys appear as string constants in the jars.

    Setting keys are string literals in the class that registers them
    (e.g. x-pack-core's XPackSettings for ``xpack.ml.enabled``). A hit is a
    strong hint the setting is registered; the node start still falls back
    to dropping an optional setting the server reports as unknown.
    """
    wanted = {k: k.encode() for k in OPTIONAL_SETTINGS}
    hits: set[str] = set()
    jars = list((home / "lib").glob("*.jar")) + list((home / "modules").glob("*/*.jar"))
    for jar in jars:
        if len(hits) == len(wanted):
            break
        try:
            with zipfile.ZipFile(jar) as zf:
                for n in zf.namelist():
                    if not n.endswith(".class"):
                        continue
                    data = zf.read(n)
                    for k, b in wanted.items():
                        if k not in hits and b in data:
                            hits.add(k)
        except zipfile.BadZipFile:
            continue
    return frozenset(hits)


def ensure_distribution(version: str, user: NodeUser | None = None) -> Distribution:
    """Fetch (if needed) and unpack ``version``; return where it is.

    Idempotent and safe to call from several processes at once.
    """
    user = user or node_user()
    root = cache_root()
    vdir = root / "dist" / version
    home = vdir / f"elasticsearch-{version}"
    marker = vdir / _MARKER
    if not marker.is_file():
        with _locked(root / "dist" / f".{version}.lock"):
            if not marker.is_file():
                _install(version, vdir, home, marker, user)
    info = json.loads(marker.read_text())
    if user.uid != info.get("uid"):
        # The node user changed (e.g. the tree was unpacked by a non-root run).
        chown_tree(vdir, user)
        info["uid"] = user.uid
        marker.write_text(json.dumps(info))
    return Distribution(version=version, home=home,
                        known_optional=frozenset(info.get("known_optional", [])))


def _install(version: str, vdir: Path, home: Path, marker: Path, user: NodeUser) -> None:
    root = cache_root()
    _make_dirs(root / "dist")
    check_traversable(root / "dist", user)
    if vdir.exists():
        shutil.rmtree(vdir)  # half-done earlier attempt
    with tempfile.TemporaryDirectory(prefix=f".fetch-{version}-", dir=root) as tmp:
        tmp = Path(tmp)
        zip_path = _mvn_fetch(version, tmp)
        staging = tmp / "unpacked"
        staging.mkdir()
        _extract(zip_path, staging)
        inner = staging / f"elasticsearch-{version}"
        if not (inner / "bin" / "elasticsearch").is_file():
            raise RealEsUnavailable(f"{zip_path.name} has no elasticsearch-{version}/bin/elasticsearch")
        known = sorted(_scan_known_settings(inner))
        os.chmod(staging, 0o755)
        chown_tree(staging, user)
        staging.rename(vdir)
    marker.write_text(json.dumps({"version": version, "uid": user.uid, "known_optional": known}))
    assert home.is_dir()
