"""Wrong types anywhere in a definition are a DefinitionError from ``load`` naming the state and
the field, and a clear exit 2 from ``run`` and ``graph`` (``validate`` reports them, exit 1),
never a TypeError or a traceback. The cases are those the fuzzer found (29 crashes in 1,500
mutated definitions before) and their neighbours."""
import copy
import json

import pytest

import aslsim
from helpers_hardening import assert_clear_refusal, cli

BASE = {
    "Comment": "a base for mutations",
    "StartAt": "Start",
    "States": {
        "Start": {"Type": "Pass", "Next": "Work"},
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "f"}, "Retry": [{"ErrorEquals": ["States.ALL"]}],
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}], "Next": "Decide"},
        "Decide": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "Fan"}],
                   "Default": "Done"},
        "Fan": {"Type": "Parallel", "Next": "Done", "Branches": [
            {"StartAt": "Inner", "States": {"Inner": {"Type": "Wait", "Seconds": 1, "End": True}}}]},
        "Done": {"Type": "Succeed"},
    },
}

# (where, value, state, field): set BASE[where...] = value
CASES = [
    (("States", "Start", "Type"), {}, "Start", "Type"),
    (("States", "Start", "Type"), ["Pass"], "Start", "Type"),
    (("States", "Start", "Comment"), {"a": 1}, "Start", "Comment"),
    (("Comment",), ["x"], None, "Comment"),
    (("States", "Start", "Next"), ["Work"], "Start", "Next"),
    (("States", "Work", "Resource"), {"arn": "x"}, "Work", "Resource"),
    (("States", "Work", "Retry"), {"ErrorEquals": ["States.ALL"]}, "Work", "Retry"),
    (("States", "Work", "Retry", 0, "ErrorEquals"), "States.ALL", "Work", "Retry[0].ErrorEquals"),
    (("States", "Work", "Retry", 0, "Comment"), 7, "Work", "Comment"),
    (("States", "Work", "Catch", 0, "Next"), {"x": 1}, "Work", "Catch[0].Next"),
    (("States", "Work", "Catch", 0, "Comment"), [], "Work", "Comment"),
    (("States", "Decide", "Choices", 0, "Comment"), {}, "Decide", "Choices[0].Comment"),
    (("States", "Decide", "Choices", 0, "Variable"), ["$.n"], "Decide", "Choices[0].Variable"),
    (("States", "Decide", "Default"), ["Done"], "Decide", "Default"),
    (("States", "Fan", "Branches"), {"StartAt": "Inner"}, "Fan", "Branches"),
    (("States", "Fan", "Branches", 0, "Comment"), 1.5, "Fan", "Comment"),
    (("States", "Fan", "Branches", 0, "States", "Inner", "Seconds"), "1", "Inner", "Seconds"),
    (("States", "Fan", "Branches", 0, "States", "Inner", "Type"), {"Wait": 1}, "Inner", "Type"),
    (("StartAt",), ["Start"], None, "StartAt"),
    (("States",), [], None, "States"),
]


def mutated(where, value):
    definition = copy.deepcopy(BASE)
    node = definition
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    return definition


def test_the_base_definition_loads():
    aslsim.load(BASE)


@pytest.mark.parametrize("where, value, state, field", CASES, ids=["/".join(map(str, c[0])) for c in CASES])
def test_load_names_the_state_and_field_of_a_wrong_type(where, value, state, field):
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load(mutated(where, value))
    assert (caught.value.state, caught.value.field) == (state, field), str(caught.value)


@pytest.mark.parametrize("where, value, state, field", CASES[:6], ids=[c[0][-1] for c in CASES[:6]])
def test_run_graph_and_validate_report_a_wrong_type_clearly(tmp_path, where, value, state, field):
    path = tmp_path / "m.asl.json"
    path.write_text(json.dumps(mutated(where, value)))
    assert_clear_refusal(cli("run", path), "m.asl.json", f"field '{field}'")
    assert_clear_refusal(cli("graph", path), "m.asl.json", f"field '{field}'")
    result = cli("validate", path)
    assert result.exit_code == 1 and "error ASL" in result.stdout and "internal error" not in result.stdout


def test_a_case_file_with_a_wrong_type_fails_its_test_without_a_traceback(tmp_path):
    (tmp_path / "m.asl.json").write_text(json.dumps(mutated(("States", "Start", "Type"), {})))
    (tmp_path / "m.aslsim.yaml").write_text("machine: m.asl.json\ncases:\n  - name: one\n    input: {}\n")
    result = cli("test", str(tmp_path), "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
    assert result.exit_code == 1
    assert "unknown state Type {}" in result.output
    assert "Traceback" not in result.output
