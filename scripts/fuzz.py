"""The daily fuzz run: N mutated definitions (default 1,500) for a day-seed, every crash counted.

    python scripts/fuzz.py                  # today's seed (YYYYMMDD), 1,500 cases
    python scripts/fuzz.py --seed 7 --count 300 --show 3

A crash is anything but the property in tests/hardening/fuzzing.py: a case loads or raises
DefinitionError, runs to a status within bounds, draws, reports and validates without an
internal error. Exit 1 when any case crashed. The same mutations drive the property-based test
(tests/hardening/test_fuzz.py), where hypothesis shrinks a crash to its smallest form.
"""
from __future__ import annotations

import argparse
import collections
import datetime
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hardening"))

import fuzzing  # noqa: E402


def case(seed: int, i: int, definitions: list, inputs: list):
    """The i-th case of a seed: (definition, input, mocks_for)."""
    pick = fuzzing.RandomPick(random.Random(f"{seed}:{i}"))
    definition = fuzzing.mutate(definitions[pick.index(len(definitions))], pick)
    execution_input = fuzzing.pick_input(pick, inputs)
    return definition, execution_input, lambda machine: fuzzing.pick_mocks(pick, machine)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=int(datetime.date.today().strftime("%Y%m%d")))
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--show", type=int, default=1, help="example cases to print per crash kind")
    args = parser.parse_args(argv)
    definitions, inputs = fuzzing.load_corpus()
    crashes: collections.Counter = collections.Counter()
    examples: dict = {}
    outcomes: collections.Counter = collections.Counter()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.count):
            definition, execution_input, mocks_for = case(args.seed, i, definitions, inputs)
            crash = fuzzing.check_case(definition, execution_input, mocks_for, Path(folder))
            if isinstance(crash, str):
                outcomes[crash] += 1
                continue
            crashes[crash.key] += 1
            examples.setdefault(crash.key, []).append(i)
    seconds = time.perf_counter() - started
    total = sum(crashes.values())
    print(f"seed {args.seed}: {total} crashes in {args.count} cases ({seconds:.1f} s; corpus "
          f"{len(definitions)} definitions)")
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in outcomes.most_common()))
    for key, count in crashes.most_common():
        stage, error, where = key
        print(f"  {count:4d}  {stage:8s} {where:24s} {error}")
        for i in examples[key][:args.show]:
            definition, execution_input, _ = case(args.seed, i, definitions, inputs)
            print(f"        case {i}: input {json.dumps(execution_input)[:200]}")
            print(f"        {json.dumps(definition)[:600]}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
