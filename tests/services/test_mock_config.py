"""Step Functions Local's MockConfigFile, run unchanged: test cases, numbered responses, errors.

Source: the developer guide's sfn-local-mock-cfg-file.md, as summarised in shared/spec/MOCKCONFIG.md
section 1 (format, invocation numbering, retries, Map counters, .waitForTaskToken and .sync).
The fixtures are modelled on the guide's LambdaSQSIntegration example.
"""
import json
from pathlib import Path

import pytest

import aslsim
from aslsim.services.calls import MockMissing, TaskCall
from aslsim.services.mock_config import MockConfig
from aslsim.services.resources import describe_resource

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "mock_configs"
CONFIG = FIXTURES / "MockConfigFile.json"
LAMBDA_SQS = aslsim.load(FIXTURES / "LambdaSQSIntegration.asl.json")
QUEUED = {"MD5OfMessageBody": "0f5d8a3c2b7e4e9f8a1c6d2b3e4f5a6b",
          "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}
NOT_READY = {"error": "Lambda.ResourceNotReadyException",
             "cause": "The function is still being created."}


def run_case(machine, test_case, input=None, **options):
    return machine.run(input or {}, mock_config=CONFIG, test_case=test_case, **options)


def events(execution, event_type):
    return [e for e in execution.history if e["type"] == event_type]


def details(event):
    return next(value for key, value in event.items() if key.endswith("EventDetails"))


# -- the documented example --------------------------------------------------------------------

def test_happy_path_runs_both_tasks_on_their_mocked_responses():
    execution = run_case(LAMBDA_SQS, "HappyPath", {"name": "Ada"})
    assert execution.status == "SUCCEEDED"
    assert execution.output == QUEUED
    assert [c["state"] for c in execution.calls] == ["LambdaState", "SQSState"]
    assert execution.calls[0]["parameters"]["Payload"] == {"name": "Ada"}
    # the Lambda mock is a full lambda:invoke response: ResultSelector reads its Payload
    assert execution.calls[1]["parameters"]["MessageBody"] == "Hello from the mocked Lambda"
    assert execution.unused_mocks == []


def test_mocked_task_events_look_like_real_ones():
    execution = run_case(LAMBDA_SQS, "HappyPath")
    sqs_done = events(execution, "TaskSucceeded")[-1]["taskSucceededEventDetails"]
    assert sqs_done["resourceType"] == "sqs"
    assert sqs_done["resource"] == "sendMessage"
    assert json.loads(sqs_done["output"]) == QUEUED


def test_retry_path_throws_three_times_then_returns():
    execution = run_case(LAMBDA_SQS, "RetryPath")
    assert execution.status == "SUCCEEDED"
    assert execution.output == QUEUED
    failed = [details(e) for e in events(execution, "TaskFailed")]
    assert failed == [{"resourceType": "lambda", "resource": "invoke", **NOT_READY}] * 3
    assert [c["state"] for c in execution.calls] == ["LambdaState"] * 4 + ["SQSState"]
    # the Retry's backoff ran on virtual time: 2 + 4 + 8 seconds
    assert execution.stop_date == "2025-01-01T00:00:14.000Z"


def test_each_execution_counts_invocations_from_zero_again():
    first = run_case(LAMBDA_SQS, "RetryPath")
    second = run_case(LAMBDA_SQS, "RetryPath")
    assert first.status == second.status == "SUCCEEDED"
    assert len(events(second, "TaskFailed")) == 3


def test_a_state_left_out_of_the_test_case_goes_to_the_next_answerer():
    sqs = {"MessageId": "from-declared-mocks"}
    execution = run_case(LAMBDA_SQS, "HybridPath", mocks={"SQSState": {"return": sqs}})
    assert execution.status == "SUCCEEDED"
    assert execution.output == sqs


def test_a_state_left_out_with_nothing_else_fails_saying_what_is_registered():
    execution = run_case(LAMBDA_SQS, "HybridPath")
    assert execution.status == "FAILED"
    assert execution.error == "States.Runtime"
    assert "nothing answers the Task state 'SQSState'" in execution.cause
    assert "test case 'HybridPath' mocks 'LambdaState'" in execution.cause


def lambda_call(state):
    return TaskCall(state=state, resource=describe_resource("arn:aws:states:::lambda:invoke"),
                    parameters={}, time_ms=0)


def test_answers_are_marked_as_coming_from_the_mock_config():
    session = MockConfig.load(CONFIG).answerer("LambdaSQSIntegration", "HappyPath").session()
    assert session.answer(lambda_call("LambdaState")).source == "mock-config"
    assert session.answer(lambda_call("NotInTheTestCase")) is None


# -- invocation numbers and ranges -------------------------------------------------------------

def test_a_range_covers_each_invocation_it_spans():
    config = MockConfig({"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}}, "MockedResponses": {"R": {
        "0": {"Return": "zero"}, "1-3": {"Return": "one to three"}, "4": {"Throw": {"Error": "E", "Cause": "C"}}}}})
    session = config.answerer("M", "T").session()
    answers = [session.answer(lambda_call("S")) for _ in range(5)]
    assert [a.result for a in answers[:4]] == ["zero"] + ["one to three"] * 3
    assert (answers[4].failed, answers[4].error, answers[4].cause) == (True, "E", "C")
    with pytest.raises(MockMissing, match="covers invocations 0-4 and this is invocation 5"):
        session.answer(lambda_call("S"))


def test_map_iterations_share_the_state_invocation_counter():
    machine = aslsim.load(FIXTURES / "ProcessEachOrder.asl.json")
    execution = run_case(machine, "ThreeOrders", {"orders": [{"id": 1}, {"id": 2}, {"id": 3}, {"id": 4}]})
    assert execution.status == "SUCCEEDED"
    assert execution.output == [{"charged": "first"}, {"charged": "second"},
                                {"charged": "third or fourth"}, {"charged": "third or fourth"}]


def test_running_out_of_responses_fails_the_execution_naming_the_response_and_invocation():
    machine = aslsim.load(FIXTURES / "ProcessEachOrder.asl.json")
    execution = run_case(machine, "TooFewResponses", {"orders": [1, 2]})
    assert execution.status == "FAILED"
    assert execution.error == "States.Runtime"
    assert "MockedResponses.ChargeOnce (Task state 'Charge', test case 'TooFewResponses') ran out" \
        in execution.cause
    assert "this is invocation 1" in execution.cause


# -- callbacks and .sync -----------------------------------------------------------------------

def test_wait_for_task_token_return_is_the_callback_output():
    machine = aslsim.load(FIXTURES / "AwaitApproval.asl.json")
    execution = run_case(machine, "Approved", {"request": "new laptop"})
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"request": "new laptop",
                                "approval": {"approved": True, "by": "approver@example.com"}}
    # a task token was generated and sent, though nobody had to call SendTaskSuccess
    token = execution.calls[0]["task_token"]
    assert execution.calls[0]["parameters"]["MessageBody"] == {"request": "new laptop", "token": token}


def test_wait_for_task_token_throw_is_the_callback_failure():
    machine = aslsim.load(FIXTURES / "AwaitApproval.asl.json")
    execution = run_case(machine, "Rejected", {"request": "yacht"})
    assert (execution.status, execution.error, execution.cause) == \
        ("FAILED", "Approval.Rejected", "The budget is spent.")


def test_sync_return_is_the_final_result():
    machine = aslsim.load({"StartAt": "Child", "States": {"Child": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child"},
        "ResultSelector": {"childOutput.$": "$.Output"}, "End": True}}}, name="Parent")
    finished = {"Status": "SUCCEEDED", "Output": {"done": True}, "ExecutionArn": "arn:child"}
    config = {"StateMachines": {"Parent": {"TestCases": {"Done": {"Child": "ChildFinished"}}}},
              "MockedResponses": {"ChildFinished": {"0": {"Return": finished}}}}
    execution = machine.run({}, mock_config=config, test_case="Done")
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"childOutput": {"done": True}}


# -- choosing the machine and the test case ----------------------------------------------------

SINGLE = {"StateMachines": {"Greeter": {"TestCases": {"Hello": {"LambdaState": "Ok", "SQSState": "Ok"}}}},
          "MockedResponses": {"Ok": {"0": {"Return": {"Payload": {"body": "hi"}}}}}}


def test_a_file_with_one_state_machine_serves_a_machine_of_any_name():
    execution = LAMBDA_SQS.run({}, mock_config=SINGLE, test_case="Hello")
    assert execution.status == "SUCCEEDED"
    assert execution.output == {"Payload": {"body": "hi"}}


def test_the_name_given_to_load_selects_the_state_machine():
    machine = aslsim.load(FIXTURES / "LambdaSQSIntegration.asl.json", name="ProcessEachOrder")
    with pytest.raises(aslsim.InputError, match="no test case named 'HappyPath'; "
                                                "'ProcessEachOrder' has 'ThreeOrders', 'TooFewResponses'"):
        run_case(machine, "HappyPath")


def test_an_unknown_machine_name_lists_the_machines_in_the_file():
    machine = aslsim.load(FIXTURES / "LambdaSQSIntegration.asl.json", name="Elsewhere")
    with pytest.raises(aslsim.InputError) as raised:
        run_case(machine, "HappyPath")
    assert str(raised.value) == (
        f"{CONFIG}: StateMachines: no state machine named 'Elsewhere'; the file has "
        "'LambdaSQSIntegration', 'ProcessEachOrder', 'AwaitApproval' "
        "(name it with aslsim.load(..., name=...) or --state-machine-name)")


def test_an_unknown_test_case_lists_the_test_cases():
    with pytest.raises(aslsim.InputError) as raised:
        run_case(LAMBDA_SQS, "SadPath")
    assert str(raised.value) == (
        f"{CONFIG}: StateMachines.LambdaSQSIntegration.TestCases: no test case named 'SadPath'; "
        "'LambdaSQSIntegration' has 'HappyPath', 'RetryPath', 'HybridPath'")


def test_a_mock_config_without_a_test_case_is_refused():
    with pytest.raises(aslsim.InputError, match="name the test case to run .* 'HappyPath'"):
        LAMBDA_SQS.run({}, mock_config=CONFIG)


def test_a_loaded_config_is_reusable_across_machines_and_runs():
    config = MockConfig.load(CONFIG)
    assert config.state_machines == ["LambdaSQSIntegration", "ProcessEachOrder", "AwaitApproval"]
    assert config.test_cases("AwaitApproval") == ["Approved", "Rejected"]
    assert run_case(LAMBDA_SQS, "HappyPath").output == LAMBDA_SQS.run(
        {}, mock_config=config, test_case="HappyPath").output


# -- files aslsim refuses, and where it says the problem is -----------------------------------

def with_responses(entries):
    return {"StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
            "MockedResponses": {"R": entries}}


OK = {"Return": {}}
INVALID = {
    "no Return or Throw": (with_responses({"0": {}}),
                           'MockedResponses.R."0": needs exactly one of \'Return\' or \'Throw\'; got no fields'),
    "both Return and Throw": (with_responses({"0": {"Return": 1, "Throw": {"Error": "E", "Cause": "C"}}}),
                              "MockedResponses.R.\"0\": needs exactly one of 'Return' or 'Throw'; "
                              "got 'Return', 'Throw'"),
    "a misspelt field": (with_responses({"0": {"return": 1}}),
                         "MockedResponses.R.\"0\": needs exactly one of 'Return' or 'Throw'; got 'return'"),
    "Throw without Cause": (with_responses({"0": {"Throw": {"Error": "E"}}}),
                            'MockedResponses.R."0".Throw.Cause: is missing; \'Throw\' needs'),
    "Throw Error not a string": (with_responses({"0": {"Throw": {"Error": 500, "Cause": "C"}}}),
                                 'MockedResponses.R."0".Throw.Error: is a number'),
    "a gap": (with_responses({"0": OK, "2": OK}),
              'MockedResponses.R."2": leaves a gap: no response for invocation 1'),
    "not starting at 0": (with_responses({"1-2": OK}),
                          'MockedResponses.R."1-2": leaves a gap: no response for invocation 0'),
    "an overlap": (with_responses({"0-1": OK, "1": OK}), 'MockedResponses.R."1": overlaps an earlier key'),
    "a negative number": (with_responses({"-1": OK}),
                          'MockedResponses.R."-1": invocation numbers cannot be negative'),
    "a reversed range": (with_responses({"0": OK, "3-1": OK}),
                         'MockedResponses.R."3-1": the range ends before it starts (1 < 3)'),
    "a key that is no number": (with_responses({"first": OK}),
                                'MockedResponses.R.first: a key must be an invocation number'),
    "no invocations": (with_responses({}), "MockedResponses.R: declares no invocations"),
    "an unknown response name": (
        {"StateMachines": {"M": {"TestCases": {"T": {"S": "Nope"}}}}, "MockedResponses": {"R": {"0": OK}}},
        "StateMachines.M.TestCases.T.S: MockedResponses has no entry 'Nope'; it has 'R'"),
    "no TestCases": ({"StateMachines": {"M": {"Cases": {}}}, "MockedResponses": {}},
                     "StateMachines.M: the field 'TestCases' is missing"),
    "the singular MockedResponse": ({"StateMachines": {}, "MockedResponse": {}},
                                    "the field 'MockedResponses' is missing (the field is plural"),
    "not an object": ([], "must be an object, not an array"),
}


@pytest.mark.parametrize("document, message", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_file_is_refused_naming_the_file_and_the_place(tmp_path, document, message):
    path = tmp_path / "MockConfig.json"
    path.write_text(json.dumps(document))
    with pytest.raises(aslsim.InputError) as raised:
        MockConfig.load(path)
    assert str(raised.value).startswith(f"{path}: {message}")


def test_an_invalid_dict_is_refused_naming_the_parameter():
    with pytest.raises(aslsim.InputError, match=r'^mock_config: MockedResponses\.R\."0": needs exactly one'):
        LAMBDA_SQS.run({}, mock_config=with_responses({"0": {}}), test_case="T")


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "MockConfig.json"
    path.write_text('{"StateMachines": {,}')
    with pytest.raises(aslsim.InputError) as raised:
        MockConfig.load(path)
    assert str(raised.value) == (f"{path}: the mock config file is not valid JSON: "
                                 "Expecting property name enclosed in double quotes at line 1 column 20")


def test_a_missing_file_is_refused(tmp_path):
    path = tmp_path / "nowhere.json"
    with pytest.raises(aslsim.InputError) as raised:
        LAMBDA_SQS.run({}, mock_config=str(path), test_case="HappyPath")
    assert str(raised.value) == f"{path}: cannot read the mock config file: No such file or directory"
