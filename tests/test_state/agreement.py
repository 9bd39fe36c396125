"""TestState against the engine on the conformance definitions: every top-level state an
execution entered once is tested alone with the input, variables and service answer it had in
the execution, and must give the output, next state or error the execution recorded."""
import json
import re
from pathlib import Path

import aslsim

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases.jsonl"
SKIP_REQUIRES = {"s3-objects", "unresolved", "distributed-map"}


def cases():
    for line in CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["expected"]["status"] != "CREATE_FAILED" and not SKIP_REQUIRES & set(case["requires"]):
            yield case


def _expressible(name, body, calls):
    """Why TestState cannot replay this state, or None when it can."""
    text = json.dumps(body)
    if body.get("Type") in ("Parallel", "Map"):
        return "Parallel and Map run their branches in the execution"
    if any(word in text for word in ("$$", "$states.context", "States.UUID", "States.MathRandom", "$uuid",
                                     "$random")):
        return "reads the Context object or random values, which differ outside the execution"
    if body.get("Type") == "Task":
        mine = [c for c in calls if c["state"] == name]
        if len(mine) != 1 or "result" not in mine[0]:
            return "a Task retried or failed: its answers are not one mock"
    return None


def _unplaced(cause):
    """A cause without its event id: a state tested alone is entered at another event than in
    the whole execution."""
    return cause if cause is None else re.sub(r"\(entered at the event id #\d+\)", "(entered at ...)", cause)


def compare(case):
    """(compared, agreed, mismatches) for one case."""
    try:
        machine = aslsim.load(case["definition"])
    except aslsim.DefinitionError:
        return 0, 0, []
    execution = machine.run(case["input"], mocks=case.get("mocks"), execution_type=case["execution_type"])
    top = case["definition"]["States"]
    events = execution.history
    entered = [(i, e) for i, e in enumerate(events)
               if e["type"].endswith("StateEntered") and e["stateEnteredEventDetails"]["name"] in top]
    counts = {}
    for _, e in entered:
        counts[e["stateEnteredEventDetails"]["name"]] = counts.get(e["stateEnteredEventDetails"]["name"], 0) + 1
    variables, compared, agreed, mismatches = {}, 0, 0, []
    for position, (index, event) in enumerate(entered):
        name = event["stateEnteredEventDetails"]["name"]
        body = top[name]
        exit_event = next((x for x in events[index + 1:] if x["type"].endswith("StateExited")
                           and x["stateExitedEventDetails"]["name"] == name), None)
        seen = dict(variables)
        if exit_event is not None:
            assigned = exit_event["stateExitedEventDetails"].get("assignedVariables", {})
            variables.update({k: json.loads(v) for k, v in assigned.items()})
        if counts[name] != 1 or _expressible(name, body, execution.calls):
            continue
        mock = None
        if body.get("Type") == "Task":
            call = next(c for c in execution.calls if c["state"] == name)
            mock = {"result": json.dumps(call["result"]), "fieldValidationMode": "NONE"}
        definition = {k: v for k, v in case["definition"].items()}
        try:
            result = aslsim.test_state(definition, json.loads(event["stateEnteredEventDetails"]["input"]),
                                       state_name=name, variables=seen or None, mock=mock)
        except aslsim.TestStateError as err:
            mismatches.append((case["id"], name, f"refused: {err}"))
            compared += 1
            continue
        compared += 1
        if exit_event is not None:
            following = entered[position + 1][1]["stateEnteredEventDetails"]["name"] if position + 1 < len(entered) else None
            expected = (json.loads(exit_event["stateExitedEventDetails"]["output"]), following)
            got = (result.output if result.has_output else None, result.next_state)
            if result.status in ("SUCCEEDED", "CAUGHT_ERROR") and got == expected:
                agreed += 1
            else:
                mismatches.append((case["id"], name, f"{result.status} {got!r} != {expected!r}"))
        elif execution.status == "FAILED" and position == len(entered) - 1:
            if result.status == "FAILED" and (result.error, _unplaced(result.cause)) == (
                    execution.error, _unplaced(execution.cause)):
                agreed += 1
            else:
                mismatches.append((case["id"], name, f"{result.status} {result.error}: {result.cause} != "
                                   f"{execution.error}: {execution.cause}"))
        else:
            compared -= 1
    return compared, agreed, mismatches


def measure():
    total = {"cases": 0, "compared": 0, "agreed": 0}
    mismatches = []
    for case in cases():
        compared, agreed, wrong = compare(case)
        total["cases"] += 1 if compared else 0
        total["compared"] += compared
        total["agreed"] += agreed
        mismatches += wrong
    return total, mismatches


if __name__ == "__main__":
    counts, wrong = measure()
    print(counts)
    for item in wrong[:40]:
        print(item)
    print(len(wrong), "mismatches")
