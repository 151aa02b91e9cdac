"""The benchmark run: set up, measure, and report in one table.

For each size N it writes a project of N resources (``benchmarks.corpus``), starts the fake
Elasticsearch in this process, applies the project once, and then, through a latency proxy per
round trip asked for (on the loopback interface, the same fake behind each), times as whole
processes: ``eisops plan`` and ``eisops apply`` with nothing to change, and the per-resource
reference reader (``benchmarks/reference.py``) 10 at a time and one after another. Runs of
the commands compared are interleaved (A B A B ...) so that a ratio is taken pair by pair. It
then applies a project to an empty cluster with ``--parallelism 1`` and with the default, and
times ``eisops --help`` and ``eisops validate``. Every eisops run is checked (a no-change plan
must exit 0 with ``--detailed-exitcode``); a failed check stops the run.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from benchmarks import corpus
from benchmarks.processes import Run, Timing, run
from tests.bench.latency_proxy import LatencyProxy
from tests.fake_es import FakeElasticsearch

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = Path(__file__).resolve().parent / "reference.py"
DEFAULT_PARALLELISM = 10  # eisops apply's default and Terraform's
#: Plan runs at each round trip in each round of runs: the network time of a plan is a small
#: difference between two whole-process times, and needs more runs than the rest.
PLAN_REPEATS = 3


class CheckFailed(RuntimeError):
    pass


def eisops_argv() -> list[str]:
    """The eisops command as a user runs it: the console script beside this interpreter."""
    script = Path(sys.executable).parent / "eisops"
    return [str(script)] if script.exists() else [sys.executable, "-m", "eisops"]


def compile_eisops() -> None:
    """Byte-compile eisops' modules (into its __pycache__ folders, which git ignores), as pip does
    when it installs a package: an editable install is never compiled, and under
    PYTHONDONTWRITEBYTECODE every start would compile all of eisops again. ``compileall``
    writes whatever that variable says; a source changed later is compiled afresh (its
    timestamp no longer matches)."""
    import compileall

    log("byte-compiling eisops")
    if not compileall.compile_dir(str(ROOT / "eisops"), quiet=1):
        raise CheckFailed("eisops' modules could not be byte-compiled")


def clean_env() -> dict[str, str]:
    """The environment of every process run: this one's without Elasticsearch settings, so that
    only ``--url`` says where the cluster is."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("ELASTICSEARCH_", "EISOPS_"))}


def checked(result: Run, expect: int = 0, what: str = "") -> Run:
    if result.returncode != expect:
        raise CheckFailed(f"{what or ' '.join(result.argv)} exited {result.returncode}, not {expect}:\n"
                          f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


@dataclass
class Cell:
    """One workload at one round trip."""

    label: str
    resources: int
    latency_ms: float
    plan: list[Run] = field(default_factory=list)
    plan_round: list[int] = field(default_factory=list)  # the round of runs each plan run belongs to
    plan_requests: list[int] = field(default_factory=list)
    apply: list[Run] = field(default_factory=list)
    apply_requests: list[int] = field(default_factory=list)
    ref10: list[Run] = field(default_factory=list)
    ref10_requests: list[int] = field(default_factory=list)
    ref1: list[Run] = field(default_factory=list)

    def ratio_to_ref10(self) -> float | None:
        """Median of the paired ratios plan / reference 10-way: each round's reference run against
        the median of that round's plan runs (the runs were interleaved)."""
        pairs = [self.plan_of_round(i) / r.seconds for i, r in enumerate(self.ref10)]
        return statistics.median(pairs) if pairs else None

    def plans_of_round(self, i: int) -> list[Run]:
        return [p for p, n in zip(self.plan, self.plan_round) if n == i]

    def plan_of_round(self, i: int) -> float:
        return statistics.median(p.seconds for p in self.plans_of_round(i))


@dataclass
class ApplyCell:
    parallelism: int
    run: Run
    requests: int
    snapshot: dict


@dataclass
class Results:
    options: dict
    cells: list[Cell] = field(default_factory=list)
    applies: list[ApplyCell] = field(default_factory=list)
    apply_objects: int = 0
    apply_latency_ms: float = 0.0
    help: Timing | None = None
    validate: dict[int, Timing] = field(default_factory=dict)

    def cell(self, label: str, latency: float) -> Cell | None:
        return next((c for c in self.cells if c.label == label and c.latency_ms == latency), None)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Benchmark:
    def __init__(self, sizes: list[int], latencies: list[float], runs: int, apply_objects: int,
                 apply_latency: float, validate_sizes: list[int], es_version: str, sequential_reference: bool,
                 workdir: Path, ecs: bool = True):
        self.sizes = sizes
        self.latencies = latencies
        self.runs = runs
        self.apply_objects = apply_objects
        self.apply_latency = apply_latency
        self.validate_sizes = validate_sizes
        self.es_version = es_version
        self.sequential_reference = sequential_reference
        self.workdir = workdir
        self.ecs = ecs
        self.eisops = eisops_argv()
        self.env = clean_env()
        self.results = Results(options={})

    # ---------------------------------------------------------------- helpers
    def _run(self, argv: list[str]) -> Run:
        return run(argv, env=self.env, cwd=str(ROOT))

    def _project(self, size: int) -> Path:
        directory = self.workdir / f"n{size}"
        if not directory.exists():
            corpus.write_project(directory, size)
        return directory

    def _counted(self, fake: FakeElasticsearch, argv: list[str]) -> tuple[Run, int]:
        fake.reset_requests()
        result = self._run(argv)
        return result, len(fake.requests)

    # ---------------------------------------------------------------- no-change plan and apply
    def workload(self, label: str, directory: Path, resources: int) -> None:
        log(f"{label}: applying {resources} resources to a fresh fake")
        with FakeElasticsearch(version=self.es_version) as fake:
            checked(self._run(self.eisops + ["apply", str(directory), "--auto-approve", "--url", fake.url]),
                    what=f"the set-up apply of {label}")
            cells = [Cell(label, resources, latency) for latency in self.latencies]
            proxies = [LatencyProxy(fake.port, latency / 1000) for latency in self.latencies]
            for proxy in proxies:
                proxy.__enter__()
            try:
                for i in range(self.runs):
                    log(f"{label}: run {i + 1} of {self.runs}")
                    # The plans at every round trip one after the other (their differences are the
                    # network's), PLAN_REPEATS times, then the reference and the applies.
                    for _ in range(PLAN_REPEATS):
                        for cell, proxy in zip(cells, proxies):
                            result, requests = self._counted(
                                fake, self.eisops + ["plan", str(directory), "--detailed-exitcode", "--url", proxy.url])
                            cell.plan.append(checked(result, what=f"the no-change plan of {label}"))
                            cell.plan_round.append(i)
                            cell.plan_requests.append(requests)
                    for cell, proxy in zip(cells, proxies):
                        result, requests = self._counted(
                            fake, [sys.executable, str(REFERENCE), str(directory), "--url", proxy.url,
                                   "--parallelism", str(DEFAULT_PARALLELISM)])
                        cell.ref10.append(checked(result, what=f"the 10-way reference of {label}"))
                        cell.ref10_requests.append(requests)
                    for cell, proxy in zip(cells, proxies):
                        result, requests = self._counted(
                            fake, self.eisops + ["apply", str(directory), "--auto-approve", "--url", proxy.url])
                        checked(result, what=f"the no-change apply of {label}")
                        if "Apply complete: nothing to do." not in result.stdout:
                            raise CheckFailed(f"the no-change apply of {label} changed something:\n{result.stdout[-2000:]}")
                        cell.apply.append(result)
                        cell.apply_requests.append(requests)
                if self.sequential_reference:
                    for cell, proxy in zip(cells, proxies):
                        log(f"{label}: the sequential reference at {cell.latency_ms:g} ms")
                        cell.ref1.append(checked(self._run(
                            [sys.executable, str(REFERENCE), str(directory), "--url", proxy.url, "--parallelism", "1"]),
                            what=f"the sequential reference of {label}"))
            finally:
                for proxy in proxies:
                    proxy.close()
        self.results.cells.extend(cells)

    # ---------------------------------------------------------------- apply to an empty cluster
    def apply_empty(self) -> None:
        directory = self._project(self.apply_objects)
        self.results.apply_objects = self.apply_objects
        self.results.apply_latency_ms = self.apply_latency
        for parallelism in (1, DEFAULT_PARALLELISM):
            log(f"apply of {self.apply_objects} objects to an empty cluster at {self.apply_latency:g} ms, "
                f"--parallelism {parallelism}")
            with FakeElasticsearch(version=self.es_version) as fake, \
                    LatencyProxy(fake.port, self.apply_latency / 1000) as proxy:
                result, requests = self._counted(fake, self.eisops + [
                    "apply", str(directory), "--auto-approve", "--url", proxy.url, "--parallelism", str(parallelism)])
                checked(result, what=f"the apply with --parallelism {parallelism}")
                checked(self._run(self.eisops + ["plan", str(directory), "--detailed-exitcode", "--url", fake.url]),
                        what=f"the plan after the apply with --parallelism {parallelism}")
                self.results.applies.append(ApplyCell(parallelism, result, requests, snapshot(fake.url)))

    # ---------------------------------------------------------------- start-up
    def startup(self) -> None:
        log("start-up: eisops --help")
        runs = max(self.runs, 5)
        self.results.help = Timing(tuple(checked(self._run(self.eisops + ["--help"])) for _ in range(runs)))
        for size in self.validate_sizes:
            log(f"start-up: eisops validate of {size} resources")
            directory = self._project(size)
            self.results.validate[size] = Timing(tuple(
                checked(self._run(self.eisops + ["validate", str(directory)])) for _ in range(runs)))

    def all(self) -> Results:
        compile_eisops()
        self.startup()
        for size in self.sizes:
            self.workload(f"{size}", self._project(size), size)
        if self.ecs:
            from tests.ecs_corpus import corpus_available, write_ecs_manifests

            if corpus_available():
                directory = write_ecs_manifests(self.workdir / "ecs")
                (directory / "eisops.yaml").write_text(f"project: {corpus.PROJECT}\n", encoding="utf-8")
                count = len([f for f in directory.glob("*.yaml") if f.name != "eisops.yaml"])
                self.workload(f"ECS corpus ({count})", directory, count)
        if self.apply_objects:
            self.apply_empty()
        return self.results


VOLATILE = ("created_date_millis", "modified_date_millis", "created_date", "modified_date", "version",
            "uuid", "creation_date", "provided_name")


def _without_volatile(value):
    if isinstance(value, dict):
        return {k: _without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_without_volatile(v) for v in value]
    return value


def snapshot(url: str) -> dict:
    """The cluster's objects, with what differs between two identical applies (timestamps, uuids)
    left out, to compare the end states of two applies."""
    from elasticsearch import Elasticsearch

    es = Elasticsearch(url)
    try:
        return _without_volatile({
            "inference": sorted((e["inference_id"], e["task_type"], e["service"], e.get("service_settings"))
                                for e in es.inference.get().body["endpoints"] if not e["inference_id"].startswith(".")),
            "pipelines": es.ingest.get_pipeline().body,
            "component_templates": {t["name"]: t["component_template"]
                                    for t in es.cluster.get_component_template().body["component_templates"]},
            "index_templates": {t["name"]: t["index_template"]
                                for t in es.indices.get_index_template().body["index_templates"]},
            "indices": es.indices.get(index="*,-.*", expand_wildcards="open,closed").body,
        })
    finally:
        es.close()


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    return {"cores": str(os.cpu_count()), "memory": memory, "cpu": cpu,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}


def git_revision() -> str:
    git = shutil.which("git")
    if not git:
        return "unknown"
    import subprocess

    try:
        head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run([git, "status", "--porcelain", "--", "eisops"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes to eisops/" if dirty else "")


def in_temporary_directory(body: Callable[[Path], Results]) -> Results:
    with tempfile.TemporaryDirectory(prefix="eisops-bench-") as tmp:
        return body(Path(tmp))
