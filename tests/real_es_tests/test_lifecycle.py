"""The harness stops what it starts: no process, no data directory left.

These tests start their own node (not the shared fixture) with the first
line of EISOPS_REAL_ES_VERSIONS, once in-process and once through the CLI
(detached ``up`` in one process, ``down`` in another).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.real_es.errors import RealEsStartError, RealEsUnavailable
from tests.real_es.fixtures import _lines, _unavailable
from tests.real_es.node import group_members, http_request, prepare, start_node

pytestmark = pytest.mark.real_es

REPO = Path(__file__).resolve().parents[2]


def _line() -> str:
    line = _lines()[0]
    if line == "url":
        pytest.skip("EISOPS_REAL_ES_URL is set: these tests need nodes of their own")
    return line


def _prepare_or_skip(line: str) -> None:
    try:
        prepare(line)
        return
    except RealEsUnavailable as e:
        reason = str(e)
    _unavailable(reason)


def _running(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie (/proc, no psutil)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def _processes_mentioning(needle: str) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                if needle.encode() in Path(f"/proc/{name}/environ").read_bytes() and _running(int(name)):
                    found.append(int(name))
            except OSError:
                pass
    return found


def test_stop_leaves_no_process_or_directory():
    line = _line()
    _prepare_or_skip(line)
    node = start_node(line)
    try:
        pids = node.pids()
        # bin/elasticsearch execs the launcher JVM, which forks the server JVM.
        assert len(pids) >= 2, pids
        assert all(_running(p) for p in pids)
        node_dir = node.node_dir
        assert node.rss_bytes() > 100 * 2**20
    finally:
        t0 = time.monotonic()
        node.stop()
        stop_seconds = time.monotonic() - t0
    assert not [p for p in pids if _running(p)]
    assert group_members(node.pgid) == []
    assert _processes_mentioning(str(node_dir)) == []
    assert not node_dir.exists()
    assert stop_seconds < 30
    node.stop()  # idempotent


def test_cli_up_status_down(tmp_path):
    line = _line()
    _prepare_or_skip(line)
    env = dict(os.environ, EISOPS_REAL_ES_STATE=str(tmp_path / "running.json"))

    def cli(*args: str, timeout: float = 200) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "tests.real_es", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    up = cli("up", "--version", line)
    try:
        assert up.returncode == 0, up.stderr
        url = up.stdout.strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), up.stdout  # exactly one line: the URL
        (entry,) = json.loads((tmp_path / "running.json").read_text())["nodes"]
        pid, node_dir = entry["pid"], entry["node_dir"]
        # The node outlived the `up` process.
        assert _running(pid)
        assert http_request(url + "/_cluster/health").status == 200

        status = cli("status")
        assert status.returncode == 0 and url in status.stdout and "alive" in status.stdout, status.stdout
    finally:
        down = cli("down")
    assert down.returncode == 0, down.stderr
    assert "stopped" in down.stdout
    assert not _running(pid)
    assert _processes_mentioning(node_dir) == []
    assert not Path(node_dir).exists()
    assert json.loads((tmp_path / "running.json").read_text())["nodes"] == []
    with pytest.raises(OSError):
        http_request(url + "/_cluster/health", timeout=2)


def test_failed_start_is_one_clear_error_and_cleans_up():
    line = _line()
    _prepare_or_skip(line)
    with pytest.raises(RealEsStartError) as exc:
        start_node(line, extra_settings={"eisops.no.such.setting": True})
    first = str(exc.value).splitlines()[0]
    assert "exited with code" in first and "unknown setting [eisops.no.such.setting]" in first, first
    assert exc.value.node_dir and not Path(exc.value.node_dir).exists()
    assert _processes_mentioning(exc.value.node_dir) == []
