"""Workflow variables: static reference checks and the runtime rules AWS applies."""
import pytest

import aslsim


def pass_state(**fields):
    return {"Type": "Pass", **fields}


def test_a_jsonpath_reference_to_a_variable_no_state_assigns_is_refused_at_load():
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"StartAt": "A", "States": {
            "A": pass_state(Parameters={"x.$": "$nope"}, End=True)}})
    assert "'$nope'" in str(caught.value)
    assert caught.value.state == "A" and caught.value.field == "Parameters/x.$"


def test_a_variable_assigned_by_any_state_may_be_referenced():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": pass_state(Assign={"greeting": "hi"}, Next="B"),
        "B": pass_state(Parameters={"x.$": "$greeting"}, End=True)}})
    assert machine.run({}).output == {"x": "hi"}


def test_a_quoted_dollar_inside_an_intrinsic_is_not_a_variable_reference():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": pass_state(Parameters={"x.$": "States.Format('costs $five {}', $.n)"}, End=True)}})
    assert machine.run({"n": 5}).output == {"x": "costs $five 5"}


def test_assign_sees_the_variables_from_before_the_state_and_output_path_too():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": pass_state(Assign={"x": 1}, Next="B"),
        "B": pass_state(Assign={"x": 2, "old.$": "$x"}, OutputPath="$x", Next="C"),
        "C": pass_state(Parameters={"x.$": "$x", "old.$": "$old"}, End=True)}})
    run = machine.run({})
    assert run.output == {"x": 2, "old": 1}
    exited = [e for e in run.history if e["type"] == "PassStateExited"]
    assert exited[1]["stateExitedEventDetails"]["output"] == "1"
    assert exited[1]["stateExitedEventDetails"]["assignedVariables"] == {"x": "2", "old": "1"}


def test_branch_assignments_do_not_leak_out_of_a_parallel_and_siblings_do_not_share():
    branch = lambda name, value: {"StartAt": name, "States": {
        name: pass_state(Assign={"inner": value}, Next=name + "Read"),
        name + "Read": pass_state(Parameters={"seen.$": "$inner", "outer.$": "$outer"}, End=True)}}
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": pass_state(Assign={"outer": "o"}, Next="P"),
        "P": {"Type": "Parallel", "Branches": [branch("L", "left"), branch("R", "right")], "End": True}}})
    run = machine.run({})
    assert run.output == [{"seen": "left", "outer": "o"}, {"seen": "right", "outer": "o"}]
    assert run.variables == {"outer": "o"}


def test_a_jsonata_expression_returning_nothing_records_evaluation_failed():
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "State0", "States": {
        "State0": {"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": True}}})
    run = machine.run({})
    assert (run.status, run.error) == ("FAILED", "States.QueryEvaluationError")
    assert run.cause == ("An error occurred while executing the state 'State0' (entered at the event id #2). "
                         "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
                         "returned nothing (undefined).")
    assert [e["type"] for e in run.history] == [
        "ExecutionStarted", "PassStateEntered", "EvaluationFailed", "ExecutionFailed"]
    assert run.history[2]["evaluationFailedEventDetails"] == {
        "error": "States.QueryEvaluationError", "cause": run.cause, "location": "Output/result",
        "state": "State0"}


def test_a_query_evaluation_error_is_catchable():
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Output": "{% $states.result.Payload.missing %}",
              "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "Handled",
                         "Output": "{% $states.errorOutput.Error %}"}], "End": True},
        "Handled": {"Type": "Pass", "End": True}}})
    run = machine.run({}, mocks={"T": {"return": {"Payload": {}}}})
    assert run.status == "SUCCEEDED"
    assert run.output == "States.QueryEvaluationError"
