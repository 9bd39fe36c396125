"""Every file of ../shared/realworld through aslsim as a user would use it: validate, load, run.

    python scripts/realworld.py                     # figures for the deployed samples
    python scripts/realworld.py --group all -v      # every file, each problem listed
    python scripts/realworld.py --write-baseline tests/realworld/baseline.tsv

For each state machine of each file (a template can hold several) it records: the errors
``aslsim validate`` reports, whether ``aslsim.load`` refuses it, any crash (an exception that is
not aslsim's documented error, or ASL900 "internal error" from validate), and whether a run ends.
A run uses input {} and mocks that answer every Task with its own parameters, in the machine's
own execution type, bounded by STOP_AFTER seconds of virtual time (so polling loops end) and by
WALL_SECONDS of real time (a run still going then did not end). Shared by
tests/realworld/test_realworld.py and scripts/compare_validators.py --realworld.
"""
from __future__ import annotations

import argparse
import csv
import signal
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = ROOT.parent / "shared" / "realworld"
STOP_AFTER = 24 * 3600          # virtual seconds
WALL_SECONDS = 20


@dataclass(frozen=True)
class Sample:
    file: str                   # the name in defs/
    group: str                  # deployed-sample, moto-test, user-project, linter-test
    expected: str               # valid, invalid, unknown

    @property
    def path(self) -> Path:
        return REALWORLD / "defs" / self.file


@dataclass
class Outcome:
    """What happened to one machine (``label`` is the file, or file#Machine in a template)."""
    sample: Sample
    label: str
    validate_errors: list = field(default_factory=list)     # "ASL201: message"
    load_error: str | None = None
    crash: str | None = None
    run_status: str | None = None                            # SUCCEEDED, FAILED, ..., or None
    ended: bool = True

    @property
    def problems(self) -> list[str]:
        """The baseline's lines for this machine: what a regression would add."""
        out = []
        valid = self.sample.expected == "valid"
        if valid and self.validate_errors:
            codes = ",".join(sorted({e.split(":", 1)[0] for e in self.validate_errors}))
            out.append(f"validate-error\t{self.label}\t{codes}")
        if valid and self.load_error:
            out.append(f"load-refused\t{self.label}")
        if self.crash:
            out.append(f"crash\t{self.label}")
        if not self.ended:
            out.append(f"no-end\t{self.label}")
        return out


def samples(group: str = "deployed-sample") -> list[Sample]:
    with open(REALWORLD / "SOURCES.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Sample(r["file"], r["group"], r["expected"]) for r in rows
            if group == "all" or r["group"] == group]


class _Overrun(Exception):
    pass


def _alarm(signum, frame):
    raise _Overrun()


def measure(sample: Sample) -> list[Outcome]:
    """The outcomes of every machine of one file."""
    import aslsim
    from aslsim.sources import SourceError, read_file
    from aslsim.validate import validate_paths
    try:
        results = validate_paths([str(sample.path)])
    except Exception as err:          # validate must never raise
        return [Outcome(sample, sample.file, crash=f"validate: {_trace(err)}")]
    errors = {r.file.replace(str(sample.path), sample.file, 1):
              [f"{d.code}: {d.message}" for d in r.errors] for r in results}
    try:
        names = [m.name for m in read_file(sample.path)] if len(results) > 1 or any(
            "#" in r.file for r in results) else [None]
    except SourceError:
        names = [None]
    outcomes = []
    for name in names:
        label = sample.file if name is None else f"{sample.file}#{name}"
        outcome = Outcome(sample, label, validate_errors=errors.get(label, []))
        internal = [e for e in outcome.validate_errors if e.startswith("ASL900") and "internal" in e]
        if internal:
            outcome.crash = f"validate: {internal[0]}"
        outcomes.append(outcome)
        try:
            machine = aslsim.load(sample.path, state_machine=name)
        except aslsim.DefinitionError as err:
            outcome.load_error = str(err)
            continue
        except Exception as err:
            outcome.crash = f"load: {_trace(err)}"
            continue
        _run(machine, outcome)
    return outcomes


def _run(machine, outcome: Outcome) -> None:
    import aslsim
    tasks = [n for n, s in machine.states.items() if type(s).__name__ == "TaskState"]
    echo = {"call": lambda parameters: parameters if parameters is not None else {}}
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(WALL_SECONDS)
    try:
        execution = machine.run({}, mocks={name: echo for name in tasks}, stop_after=STOP_AFTER)
        outcome.run_status = execution.status
    except _Overrun:
        outcome.ended = False
    except aslsim.InputError as err:
        outcome.crash = f"run: InputError {err}"
    except Exception as err:
        outcome.crash = f"run: {_trace(err)}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _trace(err: Exception) -> str:
    last = traceback.extract_tb(err.__traceback__)[-1]
    return f"{type(err).__name__}: {err} (at {Path(last.filename).name}:{last.lineno})"


def measure_all(group: str = "deployed-sample") -> list[Outcome]:
    return [o for s in samples(group) for o in measure(s)]


def figures(outcomes: list[Outcome]) -> dict:
    valid = [o for o in outcomes if o.sample.expected == "valid"]
    return {"files": len({o.sample.file for o in outcomes}), "machines": len(outcomes),
            "validate errors": sum(bool(o.validate_errors) for o in valid),
            "load refusals": sum(bool(o.load_error) for o in valid),
            "crashes": sum(bool(o.crash) for o in outcomes),
            "runs not ending": sum(not o.ended for o in outcomes),
            "runs": dict(Counter(o.run_status for o in outcomes if o.run_status))}


def report(outcomes: list[Outcome], verbose: bool = False) -> str:
    lines = [f"{key}: {value}" for key, value in figures(outcomes).items()]
    if verbose:
        for o in outcomes:
            for problem in o.problems:
                detail = o.crash or o.load_error or (o.validate_errors[:1] or [""])[0]
                lines.append(f"  {problem}\n      {detail[:300]}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", default="deployed-sample",
                        help="deployed-sample (default), moto-test, user-project, linter-test, all")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--write-baseline", metavar="FILE")
    args = parser.parse_args(argv)
    if not REALWORLD.exists():
        print(f"realworld: {REALWORLD} is not beside this checkout", file=sys.stderr)
        return 2
    outcomes = measure_all(args.group)
    print(report(outcomes, args.verbose))
    if args.write_baseline:
        lines = sorted(p for o in outcomes for p in o.problems)
        Path(args.write_baseline).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
