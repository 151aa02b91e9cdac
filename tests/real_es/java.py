"""Find a JDK suitable for a given Elasticsearch version.

What it is for: the integ-test-zip ships no JDK, so the harness must pick one
and hand it to ``bin/elasticsearch`` as ``ES_JAVA_HOME``. Candidates are, in
order: ``EISOPS_REAL_ES_JAVA_HOME`` (explicit override, used as is), every JDK
under ``/usr/lib/jvm`` (or ``EISOPS_REAL_ES_JVM_DIRS``, colon separated), then
``ES_JAVA_HOME`` / ``JAVA_HOME`` and the ``java`` on PATH.

What it must not do: download or install a JDK (the machine has no internet
besides package registries; installing Java is the machine setup's job), or
run any candidate's ``java`` when its ``release`` file already tells the
version (that costs ~100 ms per JDK).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import RealEsUnavailable
from .versions import major, min_java

DEFAULT_JVM_DIRS = ("/usr/lib/jvm",)

# Highest Java feature release we let each Elasticsearch major run on. ES 8.19
# supports Java 17 through 24 (its bundled JDK is 24); newer JDKs are only
# taken for 8.x when nothing in range exists. 9.x supports 21+.
_PREFERRED_MAX = {8: 24}


@dataclass(frozen=True)
class Jdk:
    home: Path
    feature: int  # 17, 21, 25 ...

    def __str__(self) -> str:
        return f"Java {self.feature} at {self.home}"


def _feature_from_version_string(s: str) -> int | None:
    # "17.0.15", "1.8.0_392", "21", "25.0.1"
    m = re.match(r"^(\d+)(?:\.(\d+))?", s.strip().strip('"'))
    if not m:
        return None
    first = int(m.group(1))
    if first == 1 and m.group(2):
        return int(m.group(2))
    return first


def probe_jdk(home: str | os.PathLike[str]) -> Jdk | None:
    """Return the JDK at ``home`` or None if it is not a usable JDK."""
    home = Path(home)
    java = home / "bin" / "java"
    if not (java.is_file() and os.access(java, os.X_OK)):
        return None
    release = home / "release"
    feature = None
    if release.is_file():
        try:
            for line in release.read_text(errors="replace").splitlines():
                if line.startswith("JAVA_VERSION="):
                    feature = _feature_from_version_string(line.split("=", 1)[1])
                    break
        except OSError:
            feature = None
    if feature is None:
        try:
            out = subprocess.run(
                [str(java), "-XshowSettings:properties", "-version"],
                capture_output=True, text=True, timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        m = re.search(r"java\.specification\.version = (\S+)", out.stderr)
        if m:
            feature = _feature_from_version_string(m.group(1))
    if feature is None:
        return None
    return Jdk(home=home.resolve(), feature=feature)


def discover_jdks() -> list[Jdk]:
    """All distinct JDKs we can see (deduplicated by real path)."""
    homes: list[Path] = []
    dirs = os.environ.get("EISOPS_REAL_ES_JVM_DIRS")
    for d in (dirs.split(":") if dirs else DEFAULT_JVM_DIRS):
        p = Path(d)
        if p.is_dir():
            homes.extend(sorted(c for c in p.iterdir() if c.is_dir()))
    for var in ("ES_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            homes.append(Path(os.environ[var]))
    java_on_path = shutil.which("java")
    if java_on_path:
        # /usr/bin/java -> /etc/alternatives/java -> <home>/bin/java
        homes.append(Path(os.path.realpath(java_on_path)).parent.parent)
    seen: set[Path] = set()
    found: list[Jdk] = []
    for h in homes:
        try:
            real = h.resolve()
        except OSError:
            continue
        if real in seen:
            continue
        seen.add(real)
        jdk = probe_jdk(real)
        if jdk is not None:
            found.append(jdk)
    return found


def find_jdk(es_version: str) -> Jdk:
    """Pick the JDK to run ``es_version`` with, or raise RealEsUnavailable."""
    need = min_java(es_version)
    override = os.environ.get("EISOPS_REAL_ES_JAVA_HOME")
    if override:
        jdk = probe_jdk(override)
        if jdk is None:
            raise RealEsUnavailable(f"EISOPS_REAL_ES_JAVA_HOME={override} is not a JDK (no bin/java)")
        if jdk.feature < need:
            raise RealEsUnavailable(
                f"EISOPS_REAL_ES_JAVA_HOME={override} is Java {jdk.feature}; "
                f"Elasticsearch {es_version} needs Java {need}+"
            )
        return jdk
    jdks = discover_jdks()
    fit = [j for j in jdks if j.feature >= need]
    if not fit:
        where = os.environ.get("EISOPS_REAL_ES_JVM_DIRS") or ":".join(DEFAULT_JVM_DIRS)
        seen = ", ".join(f"Java {j.feature}" for j in jdks) or "no JDK"
        raise RealEsUnavailable(
            f"Java {need}+ required for Elasticsearch {major(es_version)}.x; "
            f"none found under {where} (found: {seen})"
        )
    cap = _PREFERRED_MAX.get(major(es_version))
    in_range = [j for j in fit if cap is None or j.feature <= cap]
    # Lowest suitable feature release: it is the one the version was tested
    # most with (17 for 8.x, 21 for 9.x when present, else the newest there is).
    pool = in_range or fit
    return sorted(pool, key=lambda j: (j.feature, str(j.home)))[0]
