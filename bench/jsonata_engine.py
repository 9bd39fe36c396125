"""Per-call cost of aslsim.query.jsonata: python bench/jsonata_engine.py

Prints microseconds per evaluate (best of 5 runs) for a few expressions, with small variables
and with a 210 kB state input, next to jlens called directly with the same bindings (what the
wrapper adds, or saves by cutting the variables down), and the cost of compiling.
"""
from __future__ import annotations

import json
import random
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import jlens  # noqa: E402

from aslsim.query.jsonata import compile_expression  # noqa: E402

NOW_MS = 1_700_000_000_000

SMALL = {"states": {"input": {"a": {"b": "hi"}, "items": [{"id": i, "price": i * 10}
                                                         for i in range(10)]},
                    "context": {"Execution": {"Id": "arn:aws:states:::execution:m:e"}}},
         "x": 3}
BIG_INPUT = {"a": {"b": "hi"},
             "items": [{"id": i, "name": f"item{i}", "tags": ["x", "y"], "price": i * 1.5}
                       for i in range(3000)]}
BIG = {"states": {"input": BIG_INPUT, "context": SMALL["states"]["context"]}, "x": 3}

EXPRESSIONS = [
    "$states.input.a.b & ' ' & $string($x)",
    "$states.input.items[price > 50].id",
    "$count($states.input.items)",
    "{'id': $states.context.Execution.Id, 'n': $x + 1}",
    "$partition([1, 2, 3, 4, 5], 2)",
    "$uuid()",
    "$states.input.nope",
]


def per_call_us(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def main():
    print(f"jlens {jlens.__version__}, Python {sys.version.split()[0]}; "
          f"big input: {len(json.dumps(BIG_INPUT)) // 1000} kB")
    rng = random.Random(0)
    print(f"{'expression':45} {'variables':>9} {'aslsim':>10} {'jlens':>10}")
    for variables, label, number in ((SMALL, "small", 20000), (BIG, "210 kB", 200)):
        for text in EXPRESSIONS:
            expression = compile_expression(text)
            raw = jlens.Expression(text)
            ours = per_call_us(lambda: expression.evaluate(variables, now_ms=NOW_MS, rng=rng),
                               number)
            try:
                raw.evaluate(None, variables, now=NOW_MS)
                cost = per_call_us(lambda: raw.evaluate(None, variables, now=NOW_MS), number)
                direct = f"{cost:8.1f}us"
            except jlens.JlensError:  # an AWS function jlens alone does not have
                direct = "-"
            print(f"{text:45} {label:>9} {ours:8.1f}us {direct:>10}")
    for text in ["$states.input.a.b & ' ' & $string($x)", "$partition($states.input.items, 2)"]:
        counter = iter(range(10 ** 9))
        # unique texts, so nothing is cached anywhere
        cost = per_call_us(lambda: compile_expression(f"{text} & '{next(counter)}'"), 1000)
        print(f"compile_expression({text!r}): {cost:.1f} us")


if __name__ == "__main__":
    main()
