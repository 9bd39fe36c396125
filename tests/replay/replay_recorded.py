"""AWS's recorded histories (../shared/conformance) as replay inputs: which are eligible, how
to run one, and the same history rewritten into the AWS CLI's text form."""
from __future__ import annotations

import contextlib
import json
import random
from datetime import datetime, timezone
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "conformance"
CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
# words LocalStack's snapshots put in place of values that change from run to run
SNAPSHOT_MASKS = {"snf_role_arn", "sfn_role_arn", "generated-uuid", "date", "timestamp"}


def eligible() -> list[tuple[dict, dict]]:
    """(case, recorded history) for every recorded history whose case passes conformance."""
    if not SHARED.exists():
        return []
    passing = set((CONFORMANCE / "baseline.txt").read_text().split())
    with open(SHARED / "cases.jsonl") as f:
        cases = {c["id"]: c for c in map(json.loads, f)}
    with open(SHARED / "histories.jsonl") as f:
        histories = [json.loads(line) for line in f if line.strip()]
    return [(cases[h["id"]], h) for h in histories if h["id"] in passing]


def masks(case: dict) -> set:
    """The bare words a case's snapshot uses as placeholders (its `placeholders` list)."""
    out = set(SNAPSHOT_MASKS)
    for placeholder in case.get("placeholders", []):
        if placeholder == "bare:date":
            out |= {"date", "timestamp"}
        elif placeholder.startswith("bare:"):
            out.add(placeholder[len("bare:"):])
    return out


def input_is_masked(case: dict, history: dict) -> bool:
    """The snapshot replaced (part of) the execution input with a placeholder."""
    recorded = history["events"][0]["executionStartedEventDetails"]["input"]
    if isinstance(recorded, str):
        recorded = json.loads(recorded)
    return recorded != case["input"]


@contextlib.contextmanager
def outside_world(case: dict):
    """What the history does not hold: the S3 objects a Distributed Map read (as run.py seeds them)."""
    if not case.get("s3_buckets"):
        yield {}
        return
    import boto3
    from moto import mock_aws
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        for bucket in case.get("s3_buckets", []):
            s3.create_bucket(Bucket=bucket)
        for obj in case.get("s3_objects", []):
            s3.put_object(Bucket=obj["Bucket"], Key=obj["Key"], Body=obj["Body"].encode())
        yield {"aws": "moto"}


def replay_case(case: dict, history: dict, *, text: str | None = None, **options):
    """Replay the case's definition against its recorded history (or the history's CLI ``text``).
    Where the snapshot masked the input, the case's real input is given."""
    import aslsim
    extra = {"express": case.get("execution_type") == "EXPRESS", "placeholders": masks(case)}
    recorded = history["events"] if text is None else text
    if input_is_masked(case, history):
        extra["input"] = case["input"]
    with outside_world(case) as world:
        return aslsim.replay(aslsim.load(case["definition"]), recorded, **extra, **world, **options)


def has_placeholder_ids(history: dict) -> bool:
    return any(not isinstance(e["id"], int) for e in history["events"])


def as_cli_text(history: dict, times_ms: list[int], *, seed: int = 0, pages: int = 3) -> str:
    """The history as `aws stepfunctions get-execution-history` prints it: payloads as JSON text,
    ISO-8601 timestamps (or epoch seconds, as some tools print them), pages concatenated.

    A snapshot has no real times, so ``times_ms`` gives one per event (an AWS-like timeline: the
    caller's), to which AWS's latency is added: a few milliseconds per event, growing.
    """
    rng = random.Random(seed)
    lag, events = 0, []
    for event, ms in zip(history["events"], times_ms):
        lag += rng.randint(1, 40)
        out = {}
        for key, value in event.items():
            if key.endswith("EventDetails") and isinstance(value, dict):
                value = {k: (_text(v) if k in ("input", "output", "parameters") else
                             {n: _text(x) for n, x in v.items()} if k == "assignedVariables" else
                             json.dumps(v) if k in ("error", "cause") and not isinstance(v, str) else v)
                         for k, v in value.items()}
            out[key] = value
        moment = datetime.fromtimestamp((ms + lag) / 1000, tz=timezone.utc)
        out["timestamp"] = moment.timestamp() if rng.random() < 0.3 else moment.isoformat()
        events.append(out)
    size = max(1, -(-len(events) // pages))
    chunks = [events[i:i + size] for i in range(0, len(events), size)]
    return "\n".join(json.dumps({"events": chunk, **({"nextToken": f"t{i}"} if i < len(chunks) - 1 else {})},
                                indent=1) for i, chunk in enumerate(chunks))


def _text(value) -> str:
    if isinstance(value, str):
        try:
            json.loads(value)
            return value        # already JSON text (snapshots keep some payloads so)
        except ValueError:
            pass
    return json.dumps(value)
