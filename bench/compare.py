"""The benchmark at another revision and at the working tree, side by side: python bench/compare.py REV

    python bench/compare.py main                      # every case, 9 rounds
    python bench/compare.py e06c9ae --rounds 15 --only peer_workflow retry_map
    python bench/compare.py 6f8e313 --history         # also time run + .history

REV is checked out with ``git worktree add --detach`` into a temporary folder (removed at the
end). Two worker processes run the working tree's ``bench/workflows.py`` cases, one importing
aslsim from REV's ``src`` and one from the working tree's. In each round every case is timed
in both, in alternating order (REV first on even rounds, the working tree first on odd ones),
as the median of a batch of runs; the round's ratio is REV's time over the working tree's
(above 1: the working tree is faster). Times are the worker's CPU time (``process_time``), so a
shared machine's other work moves them less; still, absolute times move by 30% from one
minute to the next, and a ratio of two batches timed back to back far less. Per case the
median of the round ratios is printed, then the geometric mean over the cases both revisions
run. A case REV cannot run (it fails, or gives another output) is shown as n/a.

Also printed for the working tree: the JSONata chain's cost per transition against the JSONPath
chain's. What ``.history`` costs against the run is measured, paired, by ``history_cost.py``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_BATCH_S = 0.15      # each timed batch lasts about this long (at least 3 runs)


# -- the worker: one revision's aslsim, timing cases on request --------------------------------

def worker(src: str) -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, src)
    import workflows
    try:
        import aslsim
    except Exception as err:  # a revision whose package does not import runs no case
        print(json.dumps({"ready": [], "broken": {"*": f"import aslsim: {type(err).__name__}: {err}"}}),
              flush=True)
        return 0
    if not Path(aslsim.__file__).resolve().is_relative_to(Path(src).resolve()):
        print(json.dumps({"fatal": f"aslsim imported from {aslsim.__file__}, not {src}"}), flush=True)
        return 1
    cases, machines, broken = {}, {}, {}
    for case in workflows.all_cases():
        cases[case.key] = case
        try:
            machine = aslsim.load(case.definition)
            ex = _run(machine, case)
            if ex.status != "SUCCEEDED" or ex.output != case.expected:
                raise AssertionError(f"{ex.status} {ex.error} {str(ex.cause)[:200]}")
            if case.check is not None:
                case.check(ex)
            ex.history
            machines[case.key] = machine
        except Exception as err:  # a revision that cannot run a case is reported, not fatal
            broken[case.key] = f"{type(err).__name__}: {err}"[:300]
    print(json.dumps({"ready": sorted(machines), "broken": broken}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        case, machine = cases[request["case"]], machines[request["case"]]
        times = []
        for _ in range(request["n"]):
            start = time.process_time()
            ex = _run(machine, case)
            if request["history"]:
                ex.history
            times.append(time.process_time() - start)
            if ex.status != "SUCCEEDED":
                print(json.dumps({"fatal": f"{case.key}: {ex.status} {ex.error}"}), flush=True)
                return 1
        print(json.dumps({"times": times}), flush=True)
    return 0


def _run(machine, case):
    return machine.run(case.input, mocks=case.mocks, execution_type=case.execution_type, **case.extra)


class Worker:
    def __init__(self, label: str, src: Path):
        self.label = label
        env = dict(os.environ, PYTHONHASHSEED="0")
        self.proc = subprocess.Popen([sys.executable, __file__, "--worker", str(src)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env, cwd=str(REPO))
        hello = self._read()
        self.ready = set(hello["ready"])
        self.broken = hello["broken"]

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"the {self.label} worker ended unexpectedly")
        reply = json.loads(line)
        if "fatal" in reply:
            raise SystemExit(f"{self.label}: {reply['fatal']}")
        return reply

    def time(self, case: str, n: int, history: bool) -> float:
        """Median seconds per run over a batch of ``n`` runs."""
        self.proc.stdin.write(json.dumps({"case": case, "n": n, "history": history}) + "\n")
        self.proc.stdin.flush()
        return statistics.median(self._read()["times"])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# -- the comparison ------------------------------------------------------------------------------

def checkout(rev: str, folder: Path) -> str:
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "worktree", "add", "--detach", str(folder), sha], cwd=REPO, check=True,
                   capture_output=True, text=True)
    return sha


def remove_checkout(folder: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=REPO,
                   capture_output=True, text=True)
    shutil.rmtree(folder, ignore_errors=True)


def compare(base: Worker, head: Worker, keys: list[str], rounds: int, history: bool) -> dict:
    results = {}
    for key in keys:
        if key not in base.ready or key not in head.ready:
            results[key] = None
            continue
        # size the batch on the slower of the two, so both batches last about as long
        probe = max(base.time(key, 1, history), head.time(key, 1, history))
        n = max(3, min(200, int(TARGET_BATCH_S / max(probe, 1e-6))))
        ratios, base_ms, head_ms = [], [], []
        for i in range(rounds):
            order = (base, head) if i % 2 == 0 else (head, base)
            timed = {w.label: w.time(key, n, history) for w in order}
            ratios.append(timed["base"] / timed["head"])
            base_ms.append(timed["base"] * 1000)
            head_ms.append(timed["head"] * 1000)
        results[key] = {"ratio": statistics.median(ratios), "ratios": ratios, "n": n,
                        "base_ms": statistics.median(base_ms), "head_ms": statistics.median(head_ms)}
        print(f"  {key:16} {results[key]['ratio']:6.2f}x  ({results[key]['base_ms']:9.3f} ms -> "
              f"{results[key]['head_ms']:9.3f} ms, {rounds} rounds of {n}, ratios "
              f"{min(ratios):.2f}..{max(ratios):.2f})", flush=True)
    return results


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", help="the revision to compare the working tree with")
    parser.add_argument("--rounds", type=int, default=9, help="paired rounds per case (default 9)")
    parser.add_argument("--only", nargs="+", metavar="KEY", help="only these cases")
    parser.add_argument("--history", action="store_true", help="also time run + .history")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--worker", metavar="SRC", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker)
    if not args.rev:
        parser.error("give the revision to compare with (a commit, a branch, a tag)")

    sys.path.insert(0, str(HERE))
    import workflows
    keys = [c.key for c in workflows.all_cases()]
    if args.only:
        unknown = set(args.only) - set(keys)
        if unknown:
            parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
        keys = [k for k in keys if k in args.only]

    folder = Path(tempfile.mkdtemp(prefix="aslsim-compare-")) / "rev"
    try:
        sha = checkout(args.rev, folder)
        base, head = Worker("base", folder / "src"), Worker("head", REPO / "src")
        print(f"compare: {args.rev} ({sha}) -> the working tree; ratio = {sha}'s time / the "
              "working tree's (above 1: faster now)")
        for label, worker_ in (("base", base), ("head", head)):
            for key, why in worker_.broken.items():
                print(f"  n/a {key} at {label}: {why}")
        series = {"run": compare(base, head, keys, args.rounds, history=False)}
        if args.history:
            print("with .history:")
            series["run_history"] = compare(base, head, keys, args.rounds, history=True)
        base.close()
        head.close()
    finally:
        remove_checkout(folder)

    print()
    for name, results in series.items():
        ratios = [r["ratio"] for r in results.values() if r is not None]
        slower = [k for k, r in results.items() if r is not None and r["ratio"] < 1]
        print(f"{name}: geometric mean {geometric_mean(ratios):.2f}x over {len(ratios)} cases; "
              f"slower: {', '.join(slower) if slower else 'none'}")
    run = series["run"]
    if "run_history" in series:
        # the two series were timed minutes apart: their difference moves as much as the cost
        print("(.history against the run itself, paired in one process: bench/history_cost.py)")
    if run.get("jsonata_chain") and run.get("pass_chain"):
        print(f"JSONata chain / JSONPath chain per transition: "
              f"{run['jsonata_chain']['head_ms'] / run['pass_chain']['head_ms']:.2f}x (was "
              f"{run['jsonata_chain']['base_ms'] / run['pass_chain']['base_ms']:.2f}x)")
    if args.json:
        Path(args.json).write_text(json.dumps({"rev": args.rev, "sha": sha, **series}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
