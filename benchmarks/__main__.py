"""``python -m benchmarks``: run every benchmark and print the report (see ``benchmarks.run``)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from benchmarks import report
from benchmarks.run import Benchmark, CheckFailed, in_temporary_directory, log

FULL = {"sizes": "10,100,1000,5000", "latencies": "0,10,50", "runs": 5, "apply_objects": 1000}
QUICK = {"sizes": "10,1000", "latencies": "0,10,50", "runs": 3, "apply_objects": 300}


def _numbers(text: str, kind=int) -> list:
    return [kind(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time eisops (no-change plan and apply, apply to an empty cluster, start-up) against the fake "
                    "Elasticsearch through added latency, beside the per-resource reference, and print the report "
                    "as Markdown.")
    parser.add_argument("--quick", action="store_true",
                        help=f"a short run: sizes {QUICK['sizes']}, {QUICK['runs']} runs, an apply of "
                             f"{QUICK['apply_objects']} objects (options given still win)")
    parser.add_argument("--sizes", help=f"resources per workload, comma separated (default {FULL['sizes']})")
    parser.add_argument("--latencies", help=f"added round trips in ms, comma separated (default {FULL['latencies']})")
    parser.add_argument("--runs", type=int, help=f"rounds of runs of each measurement, the median shown (default {FULL['runs']})")
    parser.add_argument("--apply-objects", type=int,
                        help=f"resources applied to an empty cluster, both ways (default {FULL['apply_objects']}; "
                             "0 leaves it out)")
    parser.add_argument("--apply-latency", type=float, default=10.0, help="round trip of that apply in ms (default 10)")
    parser.add_argument("--validate-sizes", default="10,1000,5000",
                        help="resources of the timed `eisops validate` runs (default 10,1000,5000)")
    parser.add_argument("--no-sequential-reference", action="store_true",
                        help="leave out the one-by-one reference (N round trips each)")
    parser.add_argument("--no-ecs", action="store_true", help="leave out the ECS corpus (when ../shared has it)")
    parser.add_argument("--es-version", default="9.5.2", help="version the fake emulates (default 9.5.2)")
    parser.add_argument("--output", metavar="FILE", help="also write the report to FILE (e.g. BENCHMARKS.md)")
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else FULL
    sizes = _numbers(args.sizes or preset["sizes"])
    latencies = _numbers(args.latencies or preset["latencies"], float)
    runs = args.runs or preset["runs"]
    apply_objects = preset["apply_objects"] if args.apply_objects is None else args.apply_objects
    command = shlex.join([".venv/bin/python", "-m", "benchmarks", *argv])

    def body(workdir: Path):
        bench = Benchmark(sizes, latencies, runs, apply_objects, args.apply_latency,
                          _numbers(args.validate_sizes), args.es_version, not args.no_sequential_reference,
                          workdir, ecs=not args.no_ecs)
        bench.results.options = {"runs": runs, "es_version": args.es_version}
        return bench.all()

    try:
        results = in_temporary_directory(body)
    except CheckFailed as exc:
        log(f"benchmark stopped: {exc}")
        return 1
    text = report.render(results, command)
    sys.stdout.write(text)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        log(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
