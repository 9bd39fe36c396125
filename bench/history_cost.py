"""What reading ``.history`` costs against the run itself, paired: python bench/history_cost.py

    python bench/history_cost.py                     # every case, 11 rounds
    python bench/history_cost.py --rounds 21 --only pass_chain choice_loop

Two series timed one after the other (as ``run.py`` does) move apart by 30% on these machines,
which is as much as the cost being measured. Here each round times a batch of runs and a batch of
runs with ``.history`` read, back to back in alternating order, in one process; the round's figure
is (run with history - run) / run, and the median over the rounds is printed per case.
Times are CPU time (``process_time``).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import workflows  # noqa: E402
import aslsim  # noqa: E402

BATCH_S = 0.15


def cost(case, rounds: int) -> tuple[float, list[float], int]:
    machine = aslsim.load(case.definition)

    def once(read_history: bool) -> float:
        start = time.process_time()
        ex = machine.run(case.input, mocks=case.mocks, execution_type=case.execution_type, **case.extra)
        if read_history:
            ex.history
        took = time.process_time() - start
        if ex.status != "SUCCEEDED":
            raise SystemExit(f"{case.key}: {ex.status} {ex.error} {ex.cause}")
        return took

    n = max(3, int(BATCH_S / max(once(True), 1e-6)))
    figures = []
    for round_ in range(rounds):
        order = (False, True) if round_ % 2 == 0 else (True, False)
        medians = {flag: statistics.median(once(flag) for _ in range(n)) for flag in order}
        figures.append((medians[True] - medians[False]) / medians[False])
    return statistics.median(figures), figures, n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--only", nargs="*", help="case keys")
    args = parser.parse_args()
    for case in workflows.all_cases():
        if args.only and case.key not in args.only:
            continue
        median, figures, n = cost(case, args.rounds)
        print(f"  {case.key:16} .history costs {median:.2f}x the run "
              f"({args.rounds} rounds of {n}, {min(figures):.2f}..{max(figures):.2f})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
