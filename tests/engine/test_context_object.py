"""The Context object ($$) as a JSONPath state sees it.

Sources: developer guide input-output-contextobject.md (Execution.Id/Input/Name/RoleArn/StartTime,
State.EnteredTime/Name/RetryCount, StateMachine.Id/Name, Map.Item.Index/Value); recorded AWS
context snapshot (CHECKLIST section 4).
"""
import re

import aslsim

START = "2025-01-01T00:00:00Z"


def context_after_wait(seconds=5, **run):
    m = aslsim.load({"StartAt": "Hold", "States": {
        "Hold": {"Type": "Wait", "Seconds": seconds, "Next": "Look"},
        "Look": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": True}}}, name="Orders")
    return m.run({"order": 1}, start_time=START, **run).output["ctx"]


def test_context_has_execution_state_and_state_machine_sections():
    ctx = context_after_wait()
    assert set(ctx) == {"Execution", "State", "StateMachine"}


def test_execution_id_is_the_execution_arn_with_machine_and_execution_names():
    ctx = context_after_wait(name="exec-1")
    assert re.fullmatch(r"arn:aws:states:[a-z0-9-]+:\d{12}:execution:Orders:exec-1", ctx["Execution"]["Id"])


def test_execution_id_is_the_executions_arn():
    m = aslsim.load({"StartAt": "Look", "States": {
        "Look": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id"}, "End": True}}})
    ex = m.run({}, name="exec-2")
    assert ex.output == {"id": ex.execution_arn}


def test_execution_name_is_the_name_given_to_the_run():
    assert context_after_wait(name="exec-1")["Execution"]["Name"] == "exec-1"


def test_execution_start_time_is_the_virtual_start_with_milliseconds():
    assert context_after_wait()["Execution"]["StartTime"] == "2025-01-01T00:00:00.000Z"


def test_execution_input_is_the_execution_input_not_the_state_input():
    m = aslsim.load({"StartAt": "Change", "States": {
        "Change": {"Type": "Pass", "Result": {"changed": True}, "Next": "Look"},
        "Look": {"Type": "Pass", "Parameters": {"in.$": "$$.Execution.Input", "now.$": "$"}, "End": True}}})
    assert m.run({"original": 1}).output == {"in": {"original": 1}, "now": {"changed": True}}


def test_execution_role_arn_is_an_iam_role_arn():
    assert re.fullmatch(r"arn:aws:iam::\d{12}:role/.+", context_after_wait()["Execution"]["RoleArn"])


def test_state_name_is_the_current_state():
    assert context_after_wait()["State"]["Name"] == "Look"


def test_state_entered_time_is_when_the_current_state_was_entered():
    assert context_after_wait(seconds=5)["State"]["EnteredTime"] == "2025-01-01T00:00:05.000Z"


def test_state_machine_id_and_name():
    sm = context_after_wait()["StateMachine"]
    assert sm["Name"] == "Orders"
    assert re.fullmatch(r"arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:Orders", sm["Id"])


def test_retry_count_grows_with_each_retry_of_a_task():
    m = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True,
        "Parameters": {"retry.$": "$$.State.RetryCount", "entered.$": "$$.State.EnteredTime"},
        "Retry": [{"ErrorEquals": ["States.ALL"]}]}}})
    ex = m.run({}, mocks={"T": [{"throw": {"Error": "E"}}, {"throw": {"Error": "E"}}, {"return": "ok"}]},
               start_time=START)
    # RetryCount counts attempts; EnteredTime stays the time the state was entered
    assert [c["parameters"] for c in ex.calls] == [
        {"retry": 0, "entered": "2025-01-01T00:00:00.000Z"},
        {"retry": 1, "entered": "2025-01-01T00:00:00.000Z"},
        {"retry": 2, "entered": "2025-01-01T00:00:00.000Z"}]


def test_the_context_is_readable_in_result_selector():
    m = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True,
        "ResultSelector": {"state.$": "$$.State.Name", "value.$": "$.v"}}}})
    assert m.run({}, mocks={"T": {"return": {"v": 1}}}).output == {"state": "T", "value": 1}


def test_map_item_index_and_value_inside_the_item_selector():
    m = aslsim.load({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"},
        "ItemProcessor": {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}}}})
    assert m.run([{"k": "a"}, {"k": "b"}]).output == [{"index": 0, "value": {"k": "a"}},
                                                       {"index": 1, "value": {"k": "b"}}]
