"""The public API: aslsim.load(...) -> StateMachine, machine.run(...) -> Execution.

Load from a file, a dict, JSON or YAML text; refuse what AWS's CreateStateMachine refuses with a
DefinitionError naming the state and the field; run a machine many times with independent
results; never touch the caller's objects.
"""
import copy
import json
from pathlib import Path

import pytest

import aslsim



def hello() -> dict:
    """A fresh copy of a one-state definition (a test that mutates it cannot affect another)."""
    return {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"greeting": "hi"}, "End": True}}}


HELLO_YAML = """\
StartAt: Hello
States:
  Hello:
    Type: Pass
    Result:
      greeting: hi
    End: true
"""


# --- loading ----------------------------------------------------------------------------------

def test_load_a_dict():
    assert aslsim.load(hello()).run({}).output == {"greeting": "hi"}


def test_load_json_text():
    assert aslsim.load(json.dumps(hello())).run({}).output == {"greeting": "hi"}


def test_load_yaml_text():
    assert aslsim.load(HELLO_YAML).run({}).output == {"greeting": "hi"}


def test_load_a_json_file_by_path_string(tmp_path):
    path = tmp_path / "hello.asl.json"
    path.write_text(json.dumps(hello()))
    assert aslsim.load(str(path)).run({}).output == {"greeting": "hi"}


def test_load_a_json_file_by_pathlib_path(tmp_path):
    path = tmp_path / "hello.json"
    path.write_text(json.dumps(hello()))
    assert aslsim.load(path).run({}).output == {"greeting": "hi"}


def test_load_a_yaml_file(tmp_path):
    path = tmp_path / "hello.asl.yaml"
    path.write_text(HELLO_YAML)
    assert aslsim.load(path).run({}).output == {"greeting": "hi"}


def test_a_machine_loaded_from_a_file_is_named_after_it(tmp_path):
    path = tmp_path / "order-flow.asl.json"
    path.write_text(json.dumps(hello()))
    assert aslsim.load(path).name == "order-flow"


def test_a_machine_can_be_given_a_name():
    assert aslsim.load(hello(), name="Orders").name == "Orders"


def test_loading_a_missing_file_is_a_definition_error_naming_the_file(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load(missing)
    assert str(missing) in str(caught.value)


def test_loading_malformed_json_text_is_a_definition_error():
    with pytest.raises(aslsim.DefinitionError, match="JSON"):
        aslsim.load('{"StartAt": "A", "States": {')


def test_a_definition_error_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}))
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load(path)
    assert str(path) in str(caught.value)


def test_loading_does_not_modify_the_definition_dict():
    definition = hello()
    aslsim.load(definition).run({})
    assert definition == hello()


# --- definitions AWS refuses ------------------------------------------------------------------

def refused(definition) -> aslsim.DefinitionError:
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load(definition)
    return caught.value


def test_next_to_a_missing_state_is_refused_naming_the_state_and_field():
    err = refused({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}})
    assert (err.state, err.field) == ("A", "Next")
    assert "'A'" in str(err) and "Next" in str(err) and "Nowhere" in str(err)


def test_next_across_a_branch_boundary_is_refused():
    err = refused({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Next": "Outer"}}}]},
        "Outer": {"Type": "Pass", "End": True}}})
    assert (err.state, err.field) == ("Inner", "Next")


def test_a_task_without_resource_is_refused_naming_the_state_and_field():
    err = refused({"StartAt": "T", "States": {"T": {"Type": "Task", "End": True}}})
    assert (err.state, err.field) == ("T", "Resource")
    assert "'T'" in str(err) and "Resource" in str(err)


def test_duplicate_state_names_across_branches_are_refused():
    err = refused({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Same", "States": {"Same": {"Type": "Pass", "End": True}}},
        {"StartAt": "Same", "States": {"Same": {"Type": "Pass", "End": True}}}]}}})
    assert err.state == "Same"
    assert "'Same'" in str(err) and "unique" in str(err)


def test_a_branch_state_named_like_a_top_level_state_is_refused():
    err = refused({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "Done", "Branches": [
            {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}]},
        "Done": {"Type": "Pass", "End": True}}})
    assert err.state == "Done"


def test_wait_with_both_seconds_and_seconds_path_is_refused_naming_the_state_and_field():
    err = refused({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s",
                                                    "End": True}}})
    assert err.state == "W"
    assert err.field in ("Seconds", "SecondsPath")
    assert "'W'" in str(err) and "SecondsPath" in str(err)


def test_wait_without_any_duration_is_refused():
    err = refused({"StartAt": "W", "States": {"W": {"Type": "Wait", "End": True}}})
    assert err.state == "W"


def test_an_unknown_field_in_a_state_is_refused_naming_it():
    err = refused({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True, "Resulte": 1}}})
    assert (err.state, err.field) == ("A", "Resulte")
    assert "'A'" in str(err) and "Resulte" in str(err)


def test_an_unknown_top_level_field_is_refused_naming_it():
    err = refused({"StartAt": "A", "Sates": {}, "States": {"A": {"Type": "Pass", "End": True}}})
    assert err.field == "Sates"


def test_states_all_not_in_the_last_retrier_is_refused():
    err = refused({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True,
        "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["Specific"]}]}}})
    assert err.state == "T"
    assert err.field.startswith("Retry")
    assert "States.ALL" in str(err) and "'T'" in str(err)


def test_states_all_not_in_the_last_catcher_is_refused():
    err = refused({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True,
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}, {"ErrorEquals": ["X"], "Next": "C"}]},
        "C": {"Type": "Pass", "End": True}}})
    assert err.field.startswith("Catch")


def test_states_all_together_with_other_names_is_refused():
    err = refused({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True,
        "Retry": [{"ErrorEquals": ["States.ALL", "Other"]}]}}})
    assert err.state == "T"


def test_start_at_naming_no_state_is_refused():
    err = refused({"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}})
    assert err.field == "StartAt"
    assert "Missing" in str(err)


def test_a_state_with_both_next_and_end_is_refused():
    err = refused({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A", "End": True}}})
    assert err.state == "A"


def test_a_state_with_neither_next_nor_end_is_refused():
    err = refused({"StartAt": "A", "States": {"A": {"Type": "Pass"}}})
    assert err.state == "A"


# --- running ----------------------------------------------------------------------------------

COUNTER = {"StartAt": "T", "States": {
    "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "Next": "Tag",
          "Assign": {"seen.$": "$"}},
    "Tag": {"Type": "Pass", "Parameters": {"input.$": "$$.Execution.Input", "result.$": "$"}, "End": True}}}


def test_a_machine_runs_many_times_with_independent_results():
    machine = aslsim.load(COUNTER)
    mocks = {"T": [{"return": "only answer"}]}
    first = machine.run({"n": 1}, mocks=mocks)
    second = machine.run({"n": 2}, mocks=mocks)
    assert first.output == {"input": {"n": 1}, "result": "only answer"}
    assert second.output == {"input": {"n": 2}, "result": "only answer"}
    assert first.status == second.status == "SUCCEEDED"


def test_each_run_has_its_own_history_calls_and_variables():
    machine = aslsim.load(COUNTER)
    first = machine.run({"n": 1}, mocks={"T": {"return": "a"}})
    second = machine.run({"n": 2}, mocks={"T": {"return": "b"}})
    assert len(first.calls) == len(second.calls) == 1
    assert (first.variables, second.variables) == ({"seen": "a"}, {"seen": "b"})
    assert len(first.history) == len(second.history)
    assert first.history[0]["executionStartedEventDetails"]["input"] == '{"n":1}'


SOURCES_OF_AN_OUTPUT = {
    "Pass Result": ({"Type": "Pass", "Result": {"list": [1]}, "End": True}, None),
    "Pass Parameters constant": ({"Type": "Pass", "Parameters": {"list": [1]}, "End": True}, None),
    "Task mock return": ({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True},
                         {"S": {"return": {"list": [1]}}}),
}


@pytest.mark.parametrize("source", SOURCES_OF_AN_OUTPUT)
def test_changing_one_executions_output_does_not_affect_the_next_run(source):
    state, mocks = SOURCES_OF_AN_OUTPUT[source]
    machine = aslsim.load({"StartAt": "S", "States": {"S": copy.deepcopy(state)}})
    first = machine.run({}, mocks=copy.deepcopy(mocks))
    first.output["list"].append("changed")
    assert machine.run({}, mocks=copy.deepcopy(mocks)).output == {"list": [1]}


def test_changing_an_executions_output_does_not_change_the_callers_mocks():
    mocks = {"T": {"return": {"list": [1]}}}
    ex = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True}}}).run({}, mocks=mocks)
    ex.output["list"].append("changed")
    assert mocks == {"T": {"return": {"list": [1]}}}


def test_changing_an_executions_output_does_not_change_the_callers_definition():
    definition = hello()
    ex = aslsim.load(definition).run({})
    ex.output["greeting"] = "changed"
    assert definition == hello()


def test_the_callers_input_is_never_mutated():
    machine = aslsim.load({"StartAt": "Add", "States": {
        "Add": {"Type": "Pass", "Result": "x", "ResultPath": "$.nested.added", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "ResultPath": "$.nested.r",
              "End": True}}})
    data = {"nested": {"keep": [1, 2]}, "top": True}
    before = copy.deepcopy(data)
    ex = machine.run(data, mocks={"T": {"return": {"r": 1}}})
    assert ex.output == {"nested": {"keep": [1, 2], "added": "x", "r": {"r": 1}}, "top": True}
    assert data == before


def test_the_output_is_not_the_callers_input_object():
    data = {"a": {"b": 1}}
    ex = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}).run(data)
    ex.output["a"]["b"] = 2
    assert data == {"a": {"b": 1}}


def test_the_callers_mocks_are_never_mutated():
    mocks = {"T": [{"throw": {"Error": "E"}}, {"return": 1}]}
    before = copy.deepcopy(mocks)
    aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True,
        "Retry": [{"ErrorEquals": ["States.ALL"]}]}}}).run({}, mocks=mocks)
    assert mocks == before


def test_input_defaults_to_an_empty_object():
    assert aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}).run().output == {}


def test_none_is_the_json_null_input_not_an_absent_one():
    machine = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    execution = machine.run(None)        # what json.loads("null") gives: AWS runs with null
    assert (execution.input, execution.output) == (None, None)
    assert execution.history[0]["executionStartedEventDetails"]["input"] == "null"
    assert machine.run().output == {}


def test_input_that_is_not_json_is_refused():
    with pytest.raises(aslsim.InputError):
        aslsim.load(hello()).run({"when": object()})


def test_an_unknown_execution_type_is_refused():
    with pytest.raises(aslsim.InputError):
        aslsim.load(hello()).run({}, execution_type="BATCH")


def test_a_malformed_start_time_is_refused():
    with pytest.raises(aslsim.InputError):
        aslsim.load(hello()).run({}, start_time="yesterday")


# --- the Execution ----------------------------------------------------------------------------

def test_an_execution_reports_status_output_and_path():
    ex = aslsim.load(hello()).run({})
    assert (ex.status, ex.output, ex.error, ex.cause, ex.path) == (
        "SUCCEEDED", {"greeting": "hi"}, None, None, ["Hello"])


def test_the_history_is_aws_shaped_with_ids_from_one_and_json_text_payloads():
    ex = aslsim.load(hello()).run({"in": 1})
    assert [e["id"] for e in ex.history] == [1, 2, 3, 4]
    assert [e["type"] for e in ex.history] == ["ExecutionStarted", "PassStateEntered", "PassStateExited",
                                               "ExecutionSucceeded"]
    assert ex.history[1]["stateEnteredEventDetails"] == {
        "name": "Hello", "input": '{"in":1}', "inputDetails": {"truncated": False}}
    assert ex.history[3]["executionSucceededEventDetails"] == {
        "output": '{"greeting":"hi"}', "outputDetails": {"truncated": False}}


def test_the_history_is_the_same_each_time_it_is_read():
    ex = aslsim.load(hello()).run({})
    assert ex.history == ex.history


def test_the_history_cannot_be_replaced():
    ex = aslsim.load(hello()).run({})
    with pytest.raises(AttributeError):
        ex.history = []


def test_an_execution_takes_no_new_attributes():
    ex = aslsim.load(hello()).run({})
    with pytest.raises(AttributeError):
        ex.surprise = 1


def test_the_history_built_later_still_shows_the_output_the_execution_produced():
    ex = aslsim.load(hello()).run({})
    ex.output["greeting"] = "edited by the caller"
    assert ex.history[-1]["executionSucceededEventDetails"]["output"] == '{"greeting":"hi"}'


def test_the_history_built_later_still_shows_the_input_the_execution_received():
    data = {"a": 1}
    ex = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}).run(data)
    ex.output["a"] = 2
    assert ex.history[0]["executionStartedEventDetails"]["input"] == '{"a":1}'


def test_flat_path_lists_states_depth_first_in_branch_order():
    ex = aslsim.load({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "After", "Branches": [
            {"StartAt": "A1", "States": {"A1": {"Type": "Pass", "Next": "A2"}, "A2": {"Type": "Pass", "End": True}}},
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}}]},
        "After": {"Type": "Pass", "End": True}}}).run({})
    assert ex.path == ["P", [["A1", "A2"], ["B1"]], "After"]
    assert ex.flat_path() == ["P", "A1", "A2", "B1", "After"]


def test_start_and_stop_dates_are_iso_timestamps_with_milliseconds():
    ex = aslsim.load(hello()).run({}, start_time="2025-03-04T05:06:07Z")
    assert (ex.start_date, ex.stop_date) == ("2025-03-04T05:06:07.000Z", "2025-03-04T05:06:07.000Z")
