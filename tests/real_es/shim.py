"""Build and install the analysis shim plugin into an unpacked distribution.

What it is for: the integ-test-zip lacks the analysis-common module, yet the
``.security-7`` index (where API keys, native users and roles live) needs its
``uax_url_email`` tokenizer and ``pattern_capture``/``lowercase``/``unique``
filters, so in security mode ``POST /_security/api_key`` fails with
"Unknown filter type [pattern_capture]" on both 8.19 and 9.x. We compile
``shim/EisopsAnalysisShim.java`` with the node's own JDK against the
distribution's ``lib/*.jar`` and drop it into ``<home>/plugins/`` (once per
version, cached with the distribution).

What it must not do: download anything, touch a distribution that already
has ``modules/analysis-common`` (the names would clash), or be required for
nodes without security (it is installed when ``javac`` exists, and only a
security-mode start fails when it cannot be built).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .distribution import Distribution, NodeUser, _locked, cache_root, chown_tree
from .errors import RealEsUnavailable
from .java import Jdk
from .versions import min_java

PLUGIN_NAME = "eisops-analysis-shim"
SOURCE = Path(__file__).with_name("shim") / "EisopsAnalysisShim.java"
CLASSNAME = "org.eisops.testshim.EisopsAnalysisShim"


def needed(dist: Distribution) -> bool:
    return not (dist.home / "modules" / "analysis-common").exists()


def installed(dist: Distribution) -> bool:
    return (dist.home / "plugins" / PLUGIN_NAME / "plugin-descriptor.properties").is_file()


def ensure_shim(dist: Distribution, jdk: Jdk, user: NodeUser) -> bool:
    """Install the shim if needed and possible; return whether it is in place.

    Raises RealEsUnavailable only when compiling was attempted and failed in
    a way that is not "no javac" (that one just returns False).
    """
    if not needed(dist) or installed(dist):
        return True
    javac = jdk.home / "bin" / "javac"
    if not javac.is_file():
        return False
    with _locked(cache_root() / "dist" / f".{dist.version}.shim.lock"):
        if installed(dist):
            return True
        _build(dist, javac, user)
    return True


def _build(dist: Distribution, javac: Path, user: NodeUser) -> None:
    with tempfile.TemporaryDirectory(prefix=".shim-", dir=cache_root()) as tmp:
        tmp = Path(tmp)
        classes = tmp / "classes"
        classes.mkdir()
        cp = os.pathsep.join([str(dist.home / "lib" / "*")])
        proc = subprocess.run(
            [str(javac), "--release", str(min_java(dist.version)), "-nowarn", "-proc:none",
             "-cp", cp, "-d", str(classes), str(SOURCE)],
            capture_output=True, text=True, timeout=300,
        )
        if proc.returncode != 0:
            first = next((ln for ln in proc.stderr.splitlines() if "error" in ln), proc.stderr.strip()[:300])
            raise RealEsUnavailable(
                f"cannot compile the analysis shim for Elasticsearch {dist.version}: {first}"
            )
        staging = tmp / PLUGIN_NAME
        staging.mkdir()
        with zipfile.ZipFile(staging / f"{PLUGIN_NAME}.jar", "w", zipfile.ZIP_DEFLATED) as jar:
            jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
            for f in sorted(classes.rglob("*.class")):
                jar.write(f, f.relative_to(classes).as_posix())
        (staging / "plugin-descriptor.properties").write_text(
            "description=eisops test harness: analysis-common stand-in for the .security index\n"
            f"version={dist.version}\n"
            f"name={PLUGIN_NAME}\n"
            f"classname={CLASSNAME}\n"
            f"java.version={min_java(dist.version)}\n"
            f"elasticsearch.version={dist.version}\n"
        )
        os.chmod(staging, 0o755)
        chown_tree(staging, user)
        plugins = dist.home / "plugins"
        plugins.mkdir(exist_ok=True)
        target = plugins / PLUGIN_NAME
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
