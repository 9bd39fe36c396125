"""Run one benchmark case in a loop, for a profiler to watch.

    python -m cProfile -s cumtime bench/profile_case.py peer_workflow 300
    python -m cProfile -s tottime bench/profile_case.py map_10k 5 --history

Compiles once, then runs the case N times (reading ``.history`` too with --history), checking
the first run's output. Nothing is printed but the profiler's report.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import aslsim  # noqa: E402

import workflows  # noqa: E402


def main(argv=None):
    cases = {c.key: c for c in workflows.all_cases()}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", choices=sorted(cases))
    parser.add_argument("n", type=int, nargs="?", default=100)
    parser.add_argument("--history", action="store_true", help="also build each run's history")
    args = parser.parse_args(argv)
    case = cases[args.case]
    machine = aslsim.load(case.definition)
    for i in range(args.n):
        ex = machine.run(case.input, mocks=case.mocks, execution_type=case.execution_type, **case.extra)
        if args.history:
            ex.history
        if i == 0:
            assert ex.status == "SUCCEEDED" and ex.output == case.expected, (ex.status, ex.error, ex.cause)


if __name__ == "__main__":
    main()
