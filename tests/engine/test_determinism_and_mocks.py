"""Runs are reproducible, and mocks fail loudly.

The same definition, input, mocks and seed give the same history byte for byte; the seed is the
only source of randomness (jittered retries, generated names). A Task with no mock, or a mock
list that runs out, fails the execution with a message saying what is missing.
"""
import json

import aslsim

LAMBDA = "arn:aws:states:::lambda:invoke"
# lambda:invoke takes FunctionName and Payload (checked against botocore's model, as on AWS)
LAMBDA_PARAMETERS = {"FunctionName": "work", "Payload.$": "$"}

BUSY = {
    "StartAt": "Fan",
    "States": {
        "Fan": {"Type": "Parallel", "Next": "Each", "Branches": [
            {"StartAt": "Charge", "States": {"Charge": {
                "Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True,
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 5,
                           "JitterStrategy": "FULL"}]}}},
            {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 7, "End": True}}}]},
        "Each": {"Type": "Map", "End": True, "ItemsPath": "$[0].items", "MaxConcurrency": 2,
                 "ItemProcessor": {"StartAt": "Ship", "States": {
                     "Ship": {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True}}}}}}

MOCKS = {
    "Charge": [{"throw": {"Error": "Declined"}}, {"throw": {"Error": "Declined"}},
               {"return": {"items": [1, 2, 3]}, "duration": 2}],
    "Ship": [{"return": "s1", "duration": 3}, {"return": "s2", "duration": 1},
             {"return": "s3", "duration": 2}],
}


def retry_times(execution):
    return [e["timestamp"] for e in execution.history if e["type"] == "TaskScheduled"]


def test_the_same_input_mocks_and_seed_give_a_byte_identical_history():
    machine = aslsim.load(BUSY)
    first = machine.run({"order": 1}, mocks=MOCKS, seed=7)
    second = machine.run({"order": 1}, mocks=MOCKS, seed=7)
    assert first.status == "SUCCEEDED"
    assert json.dumps(first.history) == json.dumps(second.history)


def test_a_machine_loaded_twice_gives_the_same_history():
    first = aslsim.load(BUSY).run({"order": 1}, mocks=MOCKS, seed=7)
    second = aslsim.load(json.loads(json.dumps(BUSY))).run({"order": 1}, mocks=MOCKS, seed=7)
    assert json.dumps(first.history) == json.dumps(second.history)


def test_the_same_seed_gives_the_same_output_path_and_calls():
    machine = aslsim.load(BUSY)
    first = machine.run({"order": 1}, mocks=MOCKS, seed=7)
    second = machine.run({"order": 1}, mocks=MOCKS, seed=7)
    assert (first.output, first.path, first.calls, first.stop_date) == \
           (second.output, second.path, second.calls, second.stop_date)


def test_a_different_seed_changes_the_jittered_retry_times():
    machine = aslsim.load(BUSY)
    first = machine.run({"order": 1}, mocks=MOCKS, seed=1)
    second = machine.run({"order": 1}, mocks=MOCKS, seed=2)
    assert retry_times(first) != retry_times(second)


def test_a_different_seed_keeps_the_outcome_of_a_deterministic_workflow():
    machine = aslsim.load(BUSY)
    first = machine.run({"order": 1}, mocks=MOCKS, seed=1)
    second = machine.run({"order": 1}, mocks=MOCKS, seed=2)
    assert (first.status, first.output) == (second.status, second.output) == ("SUCCEEDED", ["s1", "s2", "s3"])


def test_without_jitter_the_seed_does_not_change_any_timestamp():
    m = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True, "Retry": [{"ErrorEquals": ["States.ALL"]}]}}})
    mocks = {"T": [{"throw": {"Error": "E"}}, {"return": 1}]}
    assert retry_times(m.run({}, mocks=mocks, seed=1)) == retry_times(m.run({}, mocks=mocks, seed=2))


# --- mocks ------------------------------------------------------------------------------------

def charge_and_unreached(*others):
    """Charge, and Task states only a Choice the input never takes reaches, which mocks may name."""
    task = {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True}
    choices = [{"Variable": "$.never", "IsPresent": True, "Next": o} for o in others]
    return aslsim.load({"StartAt": "Which", "States": {
        "Which": {"Type": "Choice", "Choices": choices, "Default": "Charge"},
        "Charge": task, **{o: task for o in others}}})


def test_a_task_without_a_mock_fails_with_states_runtime():
    m = charge_and_unreached("Other")
    ex = m.run({}, mocks={"Other": {"return": 1}})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")


def test_the_missing_mock_message_names_the_state_and_lists_registered_mocks():
    m = charge_and_unreached("Other", "Another")
    ex = m.run({}, mocks={"Other": {"return": 1}, "Another": {"return": 2}})
    assert "'Charge'" in ex.cause
    assert "'Other'" in ex.cause and "'Another'" in ex.cause


def test_a_missing_mock_is_not_caught_by_states_all():
    m = aslsim.load({"StartAt": "Charge", "States": {
        "Charge": {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True,
                   "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
        "Caught": {"Type": "Pass", "End": True}}})
    ex = m.run({})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert ex.flat_path() == ["Charge"]


def test_a_single_mock_answer_serves_every_call():
    m = aslsim.load({"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "Ship", "States": {"Ship": {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True}}}}}})
    ex = m.run([1, 2, 3], mocks={"Ship": {"return": "ok"}})
    assert ex.output == ["ok", "ok", "ok"]


def test_a_mock_list_answers_successive_calls_in_order():
    m = aslsim.load({"StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "MaxConcurrency": 1,
                                                      "ItemProcessor": {"StartAt": "Ship", "States": {
                                                          "Ship": {"Type": "Task", "Resource": LAMBDA,
                                                                   "End": True}}}}}})
    ex = m.run([1, 2], mocks={"Ship": [{"return": "first"}, {"return": "second"}]})
    assert ex.output == ["first", "second"]


def test_a_used_up_mock_list_fails_the_execution_loudly():
    m = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True, "Retry": [{"ErrorEquals": ["States.ALL"]}]}}})
    ex = m.run({}, mocks={"T": [{"throw": {"Error": "E"}}]})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
    assert "'T'" in ex.cause
    assert "1 answer" in ex.cause


def test_a_used_up_mock_list_is_not_retried_or_caught():
    m = aslsim.load({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True,
              "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
        "Caught": {"Type": "Pass", "End": True}}})
    ex = m.run({}, mocks={"T": [{"throw": {"Error": "E"}}]})
    assert ex.error == "States.Runtime"
    assert len(ex.calls) == 2
    assert "Caught" not in ex.flat_path()


def test_mocks_are_consumed_afresh_by_each_run():
    m = aslsim.load({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True}}})
    mocks = aslsim.Mocks({"T": [{"return": "only once"}]})
    assert m.run({}, mocks=mocks).output == "only once"
    assert m.run({}, mocks=mocks).output == "only once"


def test_the_trace_records_rules_transitions_retries_and_catches_for_coverage():
    machine = aslsim.load({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "T"}],
              "Default": "Done"},
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "Retry": [{"ErrorEquals": ["Nope"]}, {"ErrorEquals": ["Boom"], "IntervalSeconds": 1}],
              "Catch": [{"ErrorEquals": ["Nope"], "Next": "Done"}, {"ErrorEquals": ["States.ALL"], "Next": "Done"}],
              "End": True},
        "Done": {"Type": "Pass", "End": True}}})
    run = machine.run({"x": 1}, mocks={"T": {"throw": {"Error": "Boom"}}})
    assert run.trace == [("rule", "C", 0), ("transition", "C", "T"),
                         ("retry", "T", 1), ("retry", "T", 1), ("retry", "T", 1),
                         ("catch", "T", 1), ("transition", "T", "Done"), ("transition", "Done", None)]
    assert machine.run({"x": 2}).trace[0] == ("rule", "C", "Default")
