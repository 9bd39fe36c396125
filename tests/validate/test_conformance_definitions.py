"""The validator against what AWS decided: no error on any definition AWS's CreateStateMachine
accepted (recorded in ../shared/conformance/cases.jsonl), and an error on every one it refused."""
import json
import re
from pathlib import Path

import pytest

from aslsim.validate import validate_definition

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases.jsonl"

# Values the recording tests computed at run time; AWS saw an ARN of this kind in their place.
_UNRESOLVED = {"create_activity": "arn:aws:states:us-east-1:111111111111:activity:unresolved",
               "create_lambda_function": "arn:aws:lambda:us-east-1:111111111111:function:unresolved",
               "arns.lambda_function_arn": "arn:aws:lambda:us-east-1:111111111111:function:unresolved"}
_PLACEHOLDER = re.compile(r"<<UNRESOLVED:([a-z_.]+)\(\)[^>]*>>")


def _resolved(definition):
    text = _PLACEHOLDER.sub(lambda m: _UNRESOLVED.get(m.group(1), m.group(0)), json.dumps(definition))
    return json.loads(text)


def _cases():
    if not CASES.exists():
        pytest.skip(f"{CASES} is not available")
    with CASES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _errors(case):
    return [d for d in validate_definition(_resolved(case["definition"]))
            if d.severity == "error"]


def test_no_error_on_any_definition_aws_accepted():
    accepted = [c for c in _cases() if c["expected"]["status"] != "CREATE_FAILED"]
    false_errors = {c["id"]: [(d.code, d.pointer, d.message) for d in _errors(c)] for c in accepted}
    false_errors = {k: v for k, v in false_errors.items() if v}
    print(f"\n{len(accepted)} accepted definitions, {len(false_errors)} with a false error")
    assert len(accepted) > 800
    assert false_errors == {}


def test_every_definition_aws_refused_has_an_error():
    refused = [c for c in _cases() if c["expected"]["status"] == "CREATE_FAILED"]
    flagged = [c["id"] for c in refused if _errors(c)]
    print(f"\n{len(flagged)} of {len(refused)} refused definitions flagged")
    assert refused and len(flagged) == len(refused)


def test_refused_definitions_get_aws_wording_at_the_field():
    refused = {c["id"].rsplit("::", 1)[-1]: c for c in _cases()
               if c["expected"]["status"] == "CREATE_FAILED"}
    label = _errors(refused["test_map_state_label_too_long_fail"])
    assert [(d.code, d.pointer, d.message) for d in label] == [
        ("ASL103", "/States/MapState/Label", "Label cannot exceed 40 characters")]
    wait = _errors(refused["test_wait_timestamp_invalid[NO_Z]"])
    assert [(d.code, d.pointer, d.message) for d in wait] == [
        ("ASL103", "/States/WaitUntil/Timestamp", "String does not match RFC3339 timestamp")]
