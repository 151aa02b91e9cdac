"""The report of a run: the targets met or not, and the tables, in Markdown."""

from __future__ import annotations

import datetime as _dt
import statistics
from dataclasses import dataclass

from benchmarks.corpus import MODEL
from benchmarks.processes import Run, Timing
from benchmarks.run import DEFAULT_PARALLELISM, PLAN_REPEATS, Results, git_revision, machine

#: The targets, as the numbers they are checked against.
NETWORK_ROUND_TRIPS = 2
PLAN_SIZE, PLAN_LATENCY_MS, PLAN_SECONDS, PLAN_SHARE = 1000, 10.0, 2.0, 0.2
APPLY_SPEED_UP = 4.0
HELP_SECONDS = 0.3
VALIDATE_SIZE, VALIDATE_SECONDS = 5000, 2.0


@dataclass
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run


def _median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _seconds(runs: list[Run]) -> str:
    if not runs:
        return "–"
    if len(runs) == 1:
        return f"{runs[0].seconds:.2f}"
    return f"{_median(runs):.2f} ({min(r.seconds for r in runs):.2f}–{max(r.seconds for r in runs):.2f})"


def _requests(counts: list[int]) -> str:
    if not counts:
        return "–"
    low, high = min(counts), max(counts)
    return f"{low}" if low == high else f"{low}–{high}"


def _cpu(runs: list[Run]) -> str:
    return f"{statistics.median(r.cpu_seconds for r in runs):.2f}" if runs else "–"


def _peak(runs: list[Run]) -> str:
    return f"{max(r.max_rss_mib for r in runs):.0f}" if runs else "–"


def round_trips(results: Results, label: str, waiting: bool = True) -> float | None:
    """The network time of a no-change plan, in round trips: the median over the pairs of runs
    (made one after the other) of (plan at the highest latency - plan at 0 ms) / that latency.
    ``waiting``: of the time the process did not spend on its CPU (wall - user - system): its
    own work is the same at every latency, and taking it out leaves the waiting, without the
    noise of the machine's speed."""
    latencies = sorted({c.latency_ms for c in results.cells if c.label == label})
    if len(latencies) < 2 or latencies[0] != 0:
        return None
    low, high = results.cell(label, 0), results.cell(label, latencies[-1])

    def time(run: Run) -> float:
        return run.seconds - run.cpu_seconds if waiting else run.seconds

    pairs = [(time(h) - time(z)) / (latencies[-1] / 1000) for h, z in zip(high.plan, low.plan)]
    return statistics.median(pairs)


def targets(results: Results) -> list[Target]:
    out = []
    sized = [c for c in results.cells if c.label.isdigit()]
    labels = sorted({c.label for c in sized}, key=int)
    high = max((c.latency_ms for c in sized), default=0)
    # (a)
    counts = {n for c in sized for n in c.plan_requests}
    per_size = {label: sorted({n for c in sized if c.label == label for n in c.plan_requests}) for label in labels}
    trips = {label: round_trips(results, label) for label in labels}
    walls = {label: round_trips(results, label, waiting=False) for label in labels}
    known = [t for t in trips.values() if t is not None]
    measured = ("requests for N resources: " + ", ".join(f"{label}: {'/'.join(map(str, per_size[label]))}"
                                                         for label in labels)
                + (f"; network time at {high:g} ms, in round trips (of the whole wall time in brackets): "
                   + ", ".join(f"{label}: {trips[label]:.1f} ({walls[label]:.1f})"
                               for label in labels if trips[label] is not None)
                   if known else ""))
    out.append(Target("(a) no-change plan: constant requests, concurrent",
                      f"the same number of requests for every N; (plan at {high:g} ms - plan at 0 ms) "
                      f"≤ {NETWORK_ROUND_TRIPS} round trips, of the time the process waits (wall - cpu)",
                      measured, (len(counts) == 1 and bool(known) and max(known) <= NETWORK_ROUND_TRIPS)
                      if len(labels) > 1 and known else None))
    # (b)
    cell = results.cell(str(PLAN_SIZE), PLAN_LATENCY_MS)
    if cell is not None and cell.plan and cell.ref10:
        plan, ratio = _median(cell.plan), cell.ratio_to_ref10()
        floor = results.validate.get(PLAN_SIZE)
        out.append(Target(f"(b) no-change plan of {PLAN_SIZE:,} resources at {PLAN_LATENCY_MS:g} ms",
                          f"≤ {PLAN_SECONDS:g} s whole process and ≤ {PLAN_SHARE:g} × the 10-way per-resource reference",
                          f"{plan:.2f} s; {ratio:.2f} × the reference ({_median(cell.ref10):.2f} s)"
                          + (f"; `eisops validate` of the same resources alone takes {floor.seconds:.2f} s"
                             if floor else ""),
                          plan <= PLAN_SECONDS and ratio <= PLAN_SHARE))
    else:
        out.append(Target(f"(b) no-change plan of {PLAN_SIZE:,} resources at {PLAN_LATENCY_MS:g} ms",
                          f"≤ {PLAN_SECONDS:g} s and ≤ {PLAN_SHARE:g} × the 10-way reference", "not measured", None))
    # (c)
    by = {a.parallelism: a for a in results.applies}
    if 1 in by and DEFAULT_PARALLELISM in by:
        speed = by[1].run.seconds / by[DEFAULT_PARALLELISM].run.seconds
        same = by[1].snapshot == by[DEFAULT_PARALLELISM].snapshot
        out.append(Target(f"(c) apply of {results.apply_objects:,} objects to an empty cluster at "
                          f"{results.apply_latency_ms:g} ms", f"--parallelism {DEFAULT_PARALLELISM} (the default) "
                          f"≥ {APPLY_SPEED_UP:g} × faster than --parallelism 1, same end state",
                          f"{speed:.1f} × ({by[1].run.seconds:.1f} s against {by[DEFAULT_PARALLELISM].run.seconds:.1f} s); "
                          f"end states {'identical' if same else 'DIFFERENT'}", speed >= APPLY_SPEED_UP and same))
    else:
        out.append(Target("(c) apply to an empty cluster", f"≥ {APPLY_SPEED_UP:g} × faster than --parallelism 1",
                          "not measured", None))
    # (d), (e)
    if results.help is not None:
        out.append(Target("(d) `eisops --help`", f"≤ {HELP_SECONDS:g} s", f"{results.help.seconds:.3f} s",
                          results.help.seconds <= HELP_SECONDS))
    timing = results.validate.get(VALIDATE_SIZE)
    out.append(Target(f"(e) `eisops validate` of {VALIDATE_SIZE:,} resources", f"≤ {VALIDATE_SECONDS:g} s",
                      f"{timing.seconds:.2f} s" if timing else "not measured",
                      timing.seconds <= VALIDATE_SECONDS if timing else None))
    return out


def _verdict(met: bool | None) -> str:
    return "not measured" if met is None else "**met**" if met else "**not met**"


def render(results: Results, command: str) -> str:
    info = machine()
    opts = results.options
    lines = [
        "# eisops benchmarks",
        "",
        f"Produced by `{command}` on {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"eisops at {git_revision()}.",
        "",
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory']} of memory, {info['system']}, "
        f"Python {info['python']}.",
        "",
        f"Every figure is of a whole process, from its start to its exit, its start-up included: eisops, and "
        f"the per-resource reference (`benchmarks/reference.py`), run as processes of their own against the fake "
        f"Elasticsearch {opts.get('es_version', '')}, which runs in the benchmark's process behind a proxy on the "
        f"loopback interface that adds the round trip shown to every request. Times are seconds, the median of "
        f"{opts.get('runs', '?')} rounds of runs with the fastest and slowest in brackets (plans: {PLAN_REPEATS} runs a "
        "round; the one-by-one reference: one run); "
        "cpu is the process's user and system time and peak its largest resident memory (`os.wait4`). Runs of the commands compared were interleaved, and a ratio is the median of "
        "the ratios of pairs of runs. eisops' modules are byte-compiled before the first run, as pip compiles a "
        "package it installs (an editable install under PYTHONDONTWRITEBYTECODE never is, and would compile "
        "them at every start); the installed packages, the reference's client among them, are compiled already.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | |",
        "|---|---|---|---|",
    ]
    for t in targets(results):
        lines.append(f"| {t.name} | {t.goal} | {t.measured} | {_verdict(t.met)} |")
    lines += [
        "",
        "## No-change plan and apply",
        "",
        "N resources spread evenly over the five kinds (inference endpoints of the Elastic service "
        f"`{MODEL}`, ingest pipelines, component templates, "
        "index templates, indices with settings, mappings and a `semantic_text` field), applied once; then "
        "`eisops plan --detailed-exitcode` (exit 0: no change) and `eisops apply --auto-approve` (nothing to do; "
        "it also takes and releases the project's lock). The reference GETs each object on its own, "
        f"{DEFAULT_PARALLELISM} at a time (Terraform's default parallelism) and one after another.",
        "",
        "| resources | round trip | plan: requests | plan: s | plan: cpu s | plan: peak MiB | apply: requests "
        "| apply: s | reference: requests | reference 10-way: s | reference 1-by-1: s | plan ÷ reference 10-way |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in results.cells:
        ratio = c.ratio_to_ref10()
        lines.append(
            f"| {c.label} | {c.latency_ms:g} ms | {_requests(c.plan_requests)} | {_seconds(c.plan)} | {_cpu(c.plan)} "
            f"| {_peak(c.plan)} "
            f"| {_requests(c.apply_requests)} | {_seconds(c.apply)} | {_requests(c.ref10_requests)} "
            f"| {_seconds(c.ref10)} | {_seconds(c.ref1)} | {f'{ratio:.2f}' if ratio is not None else '–'} |")
    labels = list(dict.fromkeys(c.label for c in results.cells))
    trips = [(label, round_trips(results, label), round_trips(results, label, waiting=False)) for label in labels]
    trips = [(label, t, w) for label, t, w in trips if t is not None]
    if trips:
        high = max(c.latency_ms for c in results.cells)
        lines += ["", f"Network time of the no-change plan, (plan at {high:g} ms - plan at 0 ms) / {high:g} ms, "
                      "in round trips, the median of the pairs of runs: of the time the process waited (wall - cpu), "
                      "and in brackets of the whole wall time, which the noise of the process's own work (the same "
                      "at every latency) moves by a round trip or more: "
                  + ", ".join(f"{label + ' resources' if label.isdigit() else label}: {t:.1f} ({w:.1f})"
                              for label, t, w in trips) + "."]
    if results.applies:
        lines += [
            "",
            "## Apply to an empty cluster",
            "",
            f"The same project of {results.apply_objects:,} resources applied to an empty fake at "
            f"{results.apply_latency_ms:g} ms round trip, one change after another and {DEFAULT_PARALLELISM} at a "
            "time within the dependency order; a plan after each shows no change, and the end states (every "
            "object, timestamps and uuids left out) are compared.",
            "",
            "| --parallelism | requests | s | peak MiB | speed-up |",
            "|---:|---:|---:|---:|---:|",
        ]
        base = next((a.run.seconds for a in results.applies if a.parallelism == 1), None)
        for a in results.applies:
            speed = f"{base / a.run.seconds:.1f} ×" if base else "–"
            lines.append(f"| {a.parallelism} | {a.requests} | {a.run.seconds:.2f} | {a.run.max_rss_mib:.0f} | {speed} |")
    lines += ["", "## Start-up", "", "| command | s | peak MiB |", "|---|---:|---:|"]
    if results.help is not None:
        lines.append(f"| `eisops --help` | {_timing(results.help)} | {results.help.max_rss_mib:.0f} |")
    for size, timing in sorted(results.validate.items()):
        lines.append(f"| `eisops validate` of {size:,} resources | {_timing(timing)} | {timing.max_rss_mib:.0f} |")
    return "\n".join(lines) + "\n"


def _timing(t: Timing) -> str:
    return f"{t.seconds:.3f} ({t.low:.3f}–{t.high:.3f})"
