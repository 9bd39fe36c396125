"""Time aslsim on the benchmark workflows: python bench/run.py [--quick] [--json FILE] [--only KEY ...]

Each machine is compiled once, run once to check it (status SUCCEEDED, the expected output, the
case's own checks, and the number of state transitions counted from the history), warmed up, then
timed twice: ``machine.run(...)`` alone, and ``machine.run(...)`` followed by reading
``.history`` (built lazily on first read). Mocks are passed as the dict a user writes, so parsing
them is part of each run, as it is in a test.

The figures for (e) are set against PEERS.md (moto 650 ms per execution; the same data work by
hand in Python 0.22 ms) and the target (< 6.5 ms, one hundredth of moto). The hand-written
version is also timed here, on this machine, as the local floor.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))  # the checkout's engine, installed or not

import aslsim  # noqa: E402

import workflows  # noqa: E402

MOTO_MS = 650.0          # PEERS.md: moto 5.2.5, 650-880 ms per execution of workflow (a)
HANDWRITTEN_MS = 0.22    # PEERS.md: the same data work written by hand in plain Python
TARGET_MS = 6.5          # the target: a hundred times faster than moto
PEER_KEY = "peer_workflow"


def run_once(machine, case):
    return machine.run(case.input, mocks=case.mocks, execution_type=case.execution_type,
                       **case.extra)


def verify(ex, case, *, full: bool):
    """Never time a broken run: the status always, the output and the case's checks when ``full``."""
    if ex.status != "SUCCEEDED":
        raise AssertionError(f"{case.key}: the execution {ex.status}: {ex.error}: {ex.cause}")
    if full:
        if ex.output != case.expected:
            raise AssertionError(f"{case.key}: unexpected output {json.dumps(ex.output)[:300]}")
        if case.check is not None:
            case.check(ex)


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(times_ms, transitions):
    ordered = sorted(times_ms)
    median = statistics.median(ordered)
    return {"n": len(ordered), "median_ms": median, "p90_ms": percentile(ordered, 0.9),
            "min_ms": ordered[0], "executions_per_s": 1000.0 / median,
            "transitions_per_s": transitions * 1000.0 / median}


def time_series(machine, case, repeat, *, with_history: bool):
    times = []
    gc.collect()
    for i in range(repeat):
        start = time.perf_counter()
        ex = run_once(machine, case)
        if with_history:
            ex.history
        times.append((time.perf_counter() - start) * 1000.0)
        verify(ex, case, full=(i == repeat - 1))
    return times


def bench_case(case, quick: bool) -> dict:
    start = time.perf_counter()
    machine = aslsim.load(case.definition)
    compile_ms = (time.perf_counter() - start) * 1000.0

    ex = run_once(machine, case)
    verify(ex, case, full=True)
    history = ex.history
    transitions = sum(1 for e in history if e["type"].endswith("StateEntered"))
    events = len(history)

    for _ in range(1 if quick else case.warmup):
        verify(run_once(machine, case), case, full=False)
    repeat = case.quick_repeat if quick else case.repeat
    run_only = summary(time_series(machine, case, repeat, with_history=False), transitions)
    with_history = summary(time_series(machine, case, repeat, with_history=True), transitions)
    return {"key": case.key, "title": case.title, "execution_type": case.execution_type,
            "note": case.note, "compile_ms": compile_ms, "transitions": transitions,
            "events": events, "run": run_only, "run_history": with_history,
            "history_ms": with_history["median_ms"] - run_only["median_ms"]}


def handwritten_ms(quick: bool) -> float:
    """The local floor: (e)'s data work by hand, best of 5, per call."""
    case = workflows.peer_workflow()
    response = case.mocks["FetchOrder"][1]["return"]
    name = case.extra["name"]
    assert workflows.handwritten_peer_workflow(case.input, response, name) == case.expected
    number = 200 if quick else 2000
    best = min(timeit.repeat(lambda: workflows.handwritten_peer_workflow(case.input, response, name),
                             number=number, repeat=5))
    return best / number * 1000.0


def machine_info() -> dict:
    info = {"python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "cpus": os.cpu_count(), "aslsim": aslsim.__version__}
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                              text=True, timeout=5)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=HERE,
                               capture_output=True, text=True, timeout=5)
        if head.returncode == 0:
            info["commit"] = head.stdout.strip() + ("+dirty src" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def print_table(results):
    head = ("benchmark", "trans.", "events", "median ms", "p90 ms", "exec/s", "trans./s",
            "+history ms", "history ms")
    rows = []
    for r in results:
        run, hist = r["run"], r["run_history"]
        rows.append((r["title"], f"{r['transitions']:,}", f"{r['events']:,}",
                     f"{run['median_ms']:.3f}", f"{run['p90_ms']:.3f}",
                     f"{run['executions_per_s']:,.0f}", f"{run['transitions_per_s']:,.0f}",
                     f"{hist['median_ms']:.3f}", f"{r['history_ms']:.3f}"))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths))) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def peer_report(result, local_floor_ms) -> dict:
    median = result["run"]["median_ms"]
    with_history = result["run_history"]["median_ms"]
    return {"median_ms": median, "p90_ms": result["run"]["p90_ms"],
            "median_with_history_ms": with_history,
            "moto_ms": MOTO_MS, "faster_than_moto": MOTO_MS / median,
            "faster_than_moto_with_history": MOTO_MS / with_history,
            "handwritten_peers_ms": HANDWRITTEN_MS, "vs_handwritten_peers": median / HANDWRITTEN_MS,
            "handwritten_local_ms": local_floor_ms, "vs_handwritten_local": median / local_floor_ms,
            "target_ms": TARGET_MS, "meets_target": median < TARGET_MS,
            "meets_target_with_history": with_history < TARGET_MS}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions (CI smoke test)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--only", nargs="+", metavar="KEY",
                        help="run only these cases: " + ", ".join(c.key for c in workflows.all_cases()))
    args = parser.parse_args(argv)

    cases = workflows.all_cases()
    if args.only:
        unknown = set(args.only) - {c.key for c in cases}
        if unknown:
            parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c.key in args.only]

    info = machine_info()
    print(f"aslsim {info['aslsim']} ({info.get('commit', 'no git')}), {info['implementation']} "
          f"{info['python']}, {info['platform']}, {info['cpus']} CPUs"
          f"{', quick' if args.quick else ''}")
    wall = time.perf_counter()
    results = []
    for case in cases:
        result = bench_case(case, args.quick)
        results.append(result)
        print(f"  {case.key}: compiled in {result['compile_ms']:.1f} ms, "
              f"{result['run']['n']} runs, median {result['run']['median_ms']:.3f} ms"
              + (f"  [{case.note}]" if case.note else ""), flush=True)
    print()
    print_table(results)

    peer = None
    peer_result = next((r for r in results if r["key"] == PEER_KEY), None)
    if peer_result is not None:
        peer = peer_report(peer_result, handwritten_ms(args.quick))
        print()
        print(f"(e) peers' workflow (a): median {peer['median_ms']:.3f} ms "
              f"(p90 {peer['p90_ms']:.3f} ms; {peer['median_with_history_ms']:.3f} ms with .history)")
        print(f"    vs moto {MOTO_MS:.0f} ms:              {peer['faster_than_moto']:,.0f}x faster "
              f"({peer['faster_than_moto_with_history']:,.0f}x with .history)")
        print(f"    vs hand-written {HANDWRITTEN_MS} ms (PEERS): {peer['vs_handwritten_peers']:.1f}x slower")
        print(f"    vs hand-written here {peer['handwritten_local_ms']:.3f} ms: "
              f"{peer['vs_handwritten_local']:.1f}x slower")
        verdict = "MEETS" if peer["meets_target"] else "MISSES"
        print(f"    target < {TARGET_MS} ms: {verdict}"
              f" (with .history: {'meets' if peer['meets_target_with_history'] else 'misses'})")
    print(f"\nwall time {time.perf_counter() - wall:.1f} s")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"machine": info, "quick": args.quick, "results": results, "peer": peer},
                      f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
