"""One apply per project at a time: the lease, its holder message, waiting, expiry and force-unlock."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

from elasticsearch import Elasticsearch

from eisops.cluster import lease
from eisops.cluster.connection import ConnectionSettings, connect
from tests.bench.latency_proxy import LatencyProxy
from tests.integration.test_projects import endpoint, pipeline, project


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ELASTICSEARCH_")}
    env.update(extra)
    return env


def _eisops(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eisops", *map(str, args)], capture_output=True, text=True,
                          env=env or _env(), timeout=timeout)


def test_a_held_lock_stops_a_second_apply_at_once_naming_its_holder(fake_es, eisops, tmp_path):
    a = project(tmp_path, "team-a", [pipeline("p")])
    cluster = connect(ConnectionSettings(url=fake_es.url))
    with lease.take(cluster, "team-a") as held:
        code, out, err = eisops("apply", a, "--url", fake_es.url, "--auto-approve")
        assert code == 1 and "project [team-a] is locked by another apply" in err
        assert f"pid {os.getpid()}" in err or f"process {os.getpid()}" in err
        assert held.lock_id in err and "eisops force-unlock" in err
        assert "p" not in (Elasticsearch(fake_es.url).options(ignore_status=404).ingest.get_pipeline().body or {})
        # another project is not held up
        b = project(tmp_path, "team-b", [pipeline("q")])
        assert eisops("apply", b, "--url", fake_es.url, "--auto-approve")[0] == 0
        code, out, err = eisops("force-unlock", held.lock_id, "--url", fake_es.url)
        assert code == 0 and "Broke the lock" in out
    assert eisops("apply", a, "--url", fake_es.url, "--auto-approve")[0] == 0
    code, out, err = eisops("force-unlock", held.lock_id, "--url", fake_es.url)
    assert code == 1 and "no lock has the id" in err


def test_two_applies_of_one_project_at_once_end_as_one_apply(fake_es, tmp_path):
    a = project(tmp_path, "team-a", [endpoint(f"e{i:02d}") for i in range(20)] + [pipeline("p")])
    with LatencyProxy(fake_es.port, 0.01) as proxy:
        procs = [subprocess.Popen([sys.executable, "-m", "eisops", "apply", str(a), "--url", proxy.url,
                                   "--auto-approve", "--lock-timeout", "2m"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=_env()) for _ in range(2)]
        results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert all(code == 0 for _, _, code in results), results
    outs = sorted(out for out, _, _ in results)
    assert any("Apply complete: 21 created" in o for o in outs) and any("nothing to do" in o for o in outs), outs
    assert _eisops("plan", a, "--url", fake_es.url, "--detailed-exitcode").returncode == 0


def test_a_killed_apply_leaves_a_lease_that_expires_and_that_force_unlock_breaks(fake_es, tmp_path):
    a = project(tmp_path, "team-a", [endpoint(f"e{i:02d}") for i in range(40)])
    es = Elasticsearch(fake_es.url)
    env = _env(EISOPS_LOCK_TTL_SECONDS="3")
    for way in ("force-unlock", "expiry"):
        with LatencyProxy(fake_es.port, 0.05) as proxy:
            proc = subprocess.Popen([sys.executable, "-m", "eisops", "apply", str(a), "--url", proxy.url,
                                     "--auto-approve", "--parallelism", "1"], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=env)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not es.exists(index=".eisops-state", id="lock-team-a"):
                time.sleep(0.05)
            time.sleep(0.5)  # some writes under way
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        assert es.exists(index=".eisops-state", id="lock-team-a"), "the killed apply's lease is left"
        second = _eisops("apply", a, "--url", fake_es.url, "--auto-approve", env=env)
        assert second.returncode == 1 and "is locked by another apply" in second.stderr, second.stderr
        if way == "force-unlock":
            lock_id = re.search(r"eisops force-unlock (\S+)", second.stderr).group(1)
            assert _eisops("force-unlock", lock_id, "--url", fake_es.url, env=env).returncode == 0
        else:
            time.sleep(3.5)  # the lease expires: the next apply takes it over
        third = _eisops("apply", a, "--url", fake_es.url, "--auto-approve", env=env)
        assert third.returncode == 0, third.stdout + third.stderr
        assert _eisops("plan", a, "--url", fake_es.url, "--detailed-exitcode", env=env).returncode == 0
        assert not es.exists(index=".eisops-state", id="lock-team-a")
        # start the next round from nothing
        for name in [f"e{i:02d}" for i in range(40)]:
            es.options(ignore_status=404).inference.delete(inference_id=name)
        es.options(ignore_status=404).indices.delete(index=".eisops-state")
