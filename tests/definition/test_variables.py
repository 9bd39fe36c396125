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


# -- scope rules checked at load ------------------------------------------------------------------

def test_an_inner_state_may_not_assign_a_name_an_outer_state_assigns():
    branch = {"StartAt": "Inner", "States": {"Inner": pass_state(Assign={"total": 1}, End=True)}}
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"StartAt": "A", "States": {
            "A": pass_state(Assign={"total": 0}, Next="P"),
            "P": {"Type": "Parallel", "Branches": [branch], "End": True}}})
    assert (caught.value.state, caught.value.field) == ("Inner", "Assign")
    assert "'total'" in str(caught.value) and "outer scope" in str(caught.value)


def test_the_rule_covers_map_iterations_catchers_and_choice_rules_and_the_container_itself():
    processor = {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
        {"Variable": "$.x", "IsPresent": True, "Assign": {"seen": True}, "Next": "D"}],
        "Default": "D"}, "D": pass_state(End=True)}}
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"StartAt": "M", "States": {
            "M": {"Type": "Map", "ItemProcessor": processor, "Assign": {"seen": False},
                  "End": True}}})
    assert (caught.value.state, caught.value.field) == ("C", "Choices[0]/Assign")


def test_siblings_and_nested_scopes_may_reuse_names_that_no_enclosing_scope_assigns():
    branch = lambda n: {"StartAt": n, "States": {n: pass_state(Assign={"local": n}, End=True)}}
    machine = aslsim.load({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Branches": [branch("L"), branch("R")], "End": True}}})
    assert machine.run({}).status == "SUCCEEDED"


def test_distributed_map_children_start_a_fresh_scope():
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                 "StartAt": "C", "States": {"C": pass_state(Assign={"x": 2}, End=True)}}
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": pass_state(Assign={"x": 1}, Next="M"),
        "M": {"Type": "Map", "ItemProcessor": processor, "End": True}}})
    assert machine.run([1]).status == "SUCCEEDED"


def test_states_result_outside_output_and_assign_is_refused_at_load():
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"Payload": "{% $states.result %}"}, "End": True}}})
    assert (caught.value.state, caught.value.field) == ("T", "Arguments/Payload")
    assert "$states.result" in str(caught.value)


def test_states_result_in_a_pass_state_is_refused_but_errors_output_in_a_catcher_is_fine():
    with pytest.raises(aslsim.DefinitionError):
        aslsim.load({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
            "P": {"Type": "Pass", "Output": "{% $states.result %}", "End": True}}})
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Output": "{% $states.errorOutput %}", "End": True}}})
    assert caught.value.field == "Output"
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Output": "{% $states.result.Payload %}",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F",
                         "Assign": {"why": "{% $states.errorOutput.Error %}"}}], "End": True},
        "F": {"Type": "Pass", "Output": "{% $why %}", "End": True}}})
    run = machine.run({}, mocks={"T": {"throw": {"Error": "Boom", "Cause": "c"}}})
    assert run.output == "Boom"


def test_a_string_literal_mentioning_states_result_is_not_a_reference():
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": "{% 'see $states.result' %}", "End": True}}})
    assert machine.run({}).output == "see $states.result"


def test_a_jsonata_reference_to_a_never_assigned_variable_fails_at_run_time_as_on_aws():
    # recorded (assign/test_undefined_reference): AWS creates the machine and the expression
    # returns nothing when it runs
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": "{% $doesNotExist %}", "End": True}}})
    assert machine.run({}).error == "States.QueryEvaluationError"


def test_one_state_may_assign_at_most_256_kib():
    machine = aslsim.load({"StartAt": "P", "States": {"P": pass_state(
        Assign={"big.$": "$.text"}, Next="Q"), "Q": pass_state(End=True)}})
    fits = machine.run({"text": "x" * 200_000})
    assert fits.status == "SUCCEEDED"
    over = {"StartAt": "P", "States": {"P": pass_state(
        Assign={"a.$": "$.text", "b.$": "$.text"}, End=True)}}
    run = aslsim.load(over).run({"text": "x" * 140_000})
    assert (run.status, run.error) == ("FAILED", "States.DataLimitExceeded")
    assert "'P'" in run.cause
