"""A mock keyed by a name that matches no Task state, no Resource and no Lambda function name of
the machines a run may execute is refused before the run, with "did you mean"; when a state name
and a function name both match, the state name wins (the documented order)."""
import json
from pathlib import Path

import pytest

import aslsim
from helpers_hardening import assert_clear_refusal, cli

ROOT_MACHINE = str(Path(__file__).resolve().parents[2] / "statemachines" / "file_size_check.asl.json")
LAMBDA = "arn:aws:states:::lambda:invoke"


def invoke(function, **fields):
    return {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": function}, **fields}


def test_a_misspelt_state_name_is_refused_with_did_you_mean():
    machine = aslsim.load(ROOT_MACHINE)
    with pytest.raises(aslsim.InputError) as caught:
        machine.run({"size": 3145728}, mocks={"CheckFileSise": {"return": 3145728}})
    assert str(caught.value) == ("mock 'CheckFileSise' matches no Task state, resource or Lambda function "
                                 "name of the state machine; did you mean 'CheckFileSize'?")


def test_the_cli_refuses_it_with_exit_2(write):
    mocks = write("mocks.json", json.dumps({"CheckFileSise": {"return": 3145728}}))
    result = cli("run", ROOT_MACHINE, "--input", '{"size": 3145728}', "--mocks", mocks)
    assert_clear_refusal(result, "did you mean 'CheckFileSize'?")


def test_a_name_like_nothing_gets_no_suggestion():
    with pytest.raises(aslsim.InputError, match=r"mock 'zzz' matches no Task state.*machine$"):
        aslsim.load(ROOT_MACHINE).run({}, mocks={"zzz": {"return": 1}})


def test_keys_by_resource_and_by_function_name_are_accepted():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": invoke("arn:aws:lambda:eu-west-1:123456789012:function:checkSize:live", Next="B"),
        "B": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True,
              "Parameters": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:t", "Message": "m"}}}})
    execution = machine.run({}, mocks={"checkSize": {"return": 1}, "arn:aws:states:::sns:publish": {"return": {}}})
    assert execution.status == "SUCCEEDED"


def test_a_computed_function_name_lets_any_key_through():
    machine = aslsim.load({"StartAt": "A", "States": {"A": {
        "Type": "Task", "Resource": LAMBDA, "End": True, "Parameters": {"FunctionName.$": "$.fn"}}}})
    assert machine.run({"fn": "fromInput"}, mocks={"fromInput": {"return": 2}}).status == "SUCCEEDED"


def test_a_child_machines_states_are_known_keys():
    child = aslsim.load({"StartAt": "ChildWork", "States": {"ChildWork": invoke("childFn", End=True)}},
                        name="Child")
    parent = aslsim.load({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": True,
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                       "Input": {}}}}})
    execution = parent.run({}, machines=[child], mocks={"ChildWork": {"return": 1}})
    assert execution.status == "SUCCEEDED", execution.cause


def test_a_state_name_wins_over_a_function_name():
    machine = aslsim.load({"StartAt": "checkSize", "States": {"checkSize": invoke("other", Next="Second"),
                                                               "Second": invoke("checkSize", End=True)}})
    execution = machine.run({}, mocks={"checkSize": {"return": "by state name"},
                                       "other": {"return": "by function name"}})
    # state checkSize (function other): its own name wins; Second (function checkSize) gets it too
    assert [c["result"] for c in execution.calls] == ["by state name", "by state name"]


def test_the_plugin_refuses_it_before_the_run(pytester):
    pytester.makepyfile(test_typo=f"""
        import aslsim, pytest
        def test_typo(aslsim_run, aslsim_mocks):
            aslsim_mocks.returns("CheckFileSise", 1)
            with pytest.raises(aslsim.InputError, match="did you mean 'CheckFileSize'"):
                aslsim_run({{"size": 1}}, machine=aslsim.load({ROOT_MACHINE!r}))
        """)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


pytest_plugins = ["pytester"]
