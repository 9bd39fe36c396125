"""AWS's recorded event histories, compared with aslsim's: the same event types, in order.

Parallel branches and Map iterations interleave on AWS by timing, so where the recording and
aslsim differ only in order the multiset of event types must match. Cases listed in
history_baseline.txt matched once and must keep matching.
"""
import collections
import json
from pathlib import Path

import pytest

import aslsim

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared" / "conformance"
BASELINE = HERE / "history_baseline.txt"


def _cases():
    if not SHARED.exists():
        return {}
    with open(SHARED / "cases.jsonl") as f:
        cases = {c["id"]: c for c in map(json.loads, f)}
    with open(SHARED / "histories.jsonl") as f:
        return {h["id"]: (cases[h["id"]], h["events"]) for h in map(json.loads, f) if h["id"] in cases}


def history_matches(case, recorded) -> bool:
    machine = aslsim.load(case["definition"])
    execution = machine.run(case["input"], mocks=case.get("mocks") or {}, seed=0,
                            execution_type=case.get("execution_type", "STANDARD"))
    got = [e["type"] for e in execution.history]
    want = [e["type"] for e in recorded]
    return got == want or collections.Counter(got) == collections.Counter(want)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/conformance is not beside this checkout")
def test_recorded_histories_keep_matching():
    cases = _cases()
    expected = [line.strip() for line in BASELINE.read_text().splitlines() if line.strip()]
    lost = [case_id for case_id in expected if not history_matches(*cases[case_id])]
    assert not lost, f"{len(lost)} histories no longer match AWS's recording:\n" + "\n".join(lost[:30])
