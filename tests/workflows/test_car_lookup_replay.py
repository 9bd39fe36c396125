"""Replaying a production history of the car lookup workflow.

fixtures/car_lookup/history_throttled.json is the history of one execution as `aws stepfunctions
get-execution-history` writes it (two pages): the car API Lambda was throttled three times and
answered on the fourth attempt; the car went to DynamoDB and SNS announced it. AWS's own ARNs,
role, latency and retry jitter are in it, so nothing lines up with aslsim by construction.
"""
import copy
import json
from pathlib import Path

from click.testing import CliRunner

import aslsim
from aslsim.cli import main
from aslsim.testing.cases import read_cases

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "car_lookup.asl.json"
HISTORY = ROOT / "fixtures" / "car_lookup" / "history_throttled.json"


def edited(change):
    definition = copy.deepcopy(aslsim.load(DEFINITION).definition)
    change(definition["States"])
    return definition


def test_the_production_history_replays_as_the_same_execution():
    result = aslsim.replay(aslsim.load(DEFINITION), HISTORY)
    result.assert_same()
    assert result.compared == 28 and result.answered == 6
    assert result.execution.flat_path() == ["Lambda Invoke", "Check API Status Code",
                                            "DynamoDB PutItem", "SNS Publish: Success"]
    # the recorded answers drove the run: four Lambda attempts, three of them throttled
    lambda_calls = [c for c in result.execution.calls if c["state"] == "Lambda Invoke"]
    assert [c.get("error") for c in lambda_calls] == ["Lambda.TooManyRequestsException"] * 3 + [None]


def test_fewer_retries_diverge_where_the_fourth_attempt_was_made():
    def two_retries(states):
        states["Lambda Invoke"]["Retry"][0]["MaxAttempts"] = 2
    divergence = aslsim.replay(edited(two_retries), HISTORY).divergence
    assert divergence.recorded.type == "TaskScheduled" and divergence.recorded.id == 12
    assert divergence.local.type == "TaskStateExited" and divergence.local.name == "Lambda Invoke"
    assert divergence.trail == ["Lambda Invoke"]
    assert ("type", "TaskScheduled", "TaskStateExited") in divergence.fields
    assert "'SNS Publish: Fail'" in divergence.note   # the Catch leads to a Task never answered


def test_a_changed_choice_rule_diverges_at_the_state_after_the_choice():
    def stricter(states):
        states["Check API Status Code"]["Choices"][0]["Condition"] = "{% $statusCode = 201 %}"
    divergence = aslsim.replay(edited(stricter), HISTORY).divergence
    assert divergence.recorded.name == "DynamoDB PutItem"
    assert divergence.local.name == "SNS Publish: Fail"
    assert divergence.trail[-2:] == ["Check API Status Code", "SNS Publish: Fail"]


def test_a_task_the_history_never_answered_is_answered_by_the_mocks_given():
    def notify_first(states):
        states["Notify"] = {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                            "Arguments": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:cars",
                                          "Message": "looking up"},
                            "Output": "{% $states.input %}", "Next": "Check API Status Code"}
        states["Lambda Invoke"]["Next"] = "Notify"
    unanswered = aslsim.replay(edited(notify_first), HISTORY)
    assert unanswered.unanswered == ["Notify"] and "'Notify'" in unanswered.divergence.note
    answered = aslsim.replay(edited(notify_first), HISTORY, mocks={"Notify": {"return": {"MessageId": "m"}}})
    assert answered.unanswered == [] and answered.divergence.local.name == "Notify"
    assert answered.execution.status == "SUCCEEDED"


def test_the_command_line_says_same_and_exits_0(tmp_path):
    out = CliRunner().invoke(main, ["replay", str(DEFINITION), str(HISTORY)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("same: 28 of 28 recorded events compared")


def test_the_command_line_shows_the_divergence_side_by_side_and_exits_1(tmp_path):
    def two_retries(states):
        states["Lambda Invoke"]["Retry"][0]["MaxAttempts"] = 2
    definition = tmp_path / "car_lookup.asl.json"
    definition.write_text(json.dumps(edited(two_retries)))
    out = CliRunner().invoke(main, ["replay", str(definition), str(HISTORY)])
    assert out.exit_code == 1, out.output
    assert "diverged in top level, at recorded TaskScheduled #12 / local TaskStateExited #12 'Lambda Invoke'" in out.output
    assert "path: Lambda Invoke" in out.output
    data = json.loads(CliRunner().invoke(main, ["replay", str(definition), str(HISTORY), "--format", "json"]).output)
    assert data["status"] == "diverged" and data["divergence"]["recorded"]["id"] == 12
    assert data["divergence"]["fields"][0] == {"field": "type", "recorded": "TaskScheduled",
                                               "local": "TaskStateExited"}


def test_write_case_saves_a_case_the_plugin_runs_green(tmp_path):
    case_file = tmp_path / "cases" / "throttled.aslsim.yaml"
    out = CliRunner().invoke(main, ["replay", str(DEFINITION), str(HISTORY), "--write-case", str(case_file)])
    assert out.exit_code == 0, out.output
    [case] = read_cases(case_file)
    assert case.expect["status"] == "SUCCEEDED" and case.expect["path"][0] == "Lambda Invoke"
    assert len(case.run_options["mocks"]["Lambda Invoke"]) == 4
    execution = case.run()
    case.check(execution)
    assert execution.output == aslsim.replay(DEFINITION, HISTORY).execution.output
