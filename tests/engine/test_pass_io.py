"""JSONPath input/output processing, through Pass and Task states.

Sources: developer guide concepts-input-output-filtering.md, input-output-inputpath-params.md,
input-output-resultpath.md; CHECKLIST section 3 (InputPath -> Parameters -> result ->
ResultSelector -> ResultPath merged into the RAW input -> OutputPath; null paths).
"""
import aslsim


def run_pass(state, data):
    machine = aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True, **state}}})
    execution = machine.run(data)
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    return execution.output


def run_task(state, data, result):
    machine = aslsim.load({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "End": True, **state}}})
    execution = machine.run(data, mocks={"T": {"return": result}})
    assert execution.status == "SUCCEEDED", (execution.error, execution.cause)
    return execution


# --- Pass: the result ---------------------------------------------------------------------------

def test_pass_without_fields_passes_its_input_through():
    assert run_pass({}, {"a": 1}) == {"a": 1}


def test_pass_result_replaces_the_input():
    assert run_pass({"Result": {"x": 1}}, {"a": 1}) == {"x": 1}


def test_pass_result_may_be_any_json_value():
    assert run_pass({"Result": [1, "two", None]}, {"a": 1}) == [1, "two", None]


def test_pass_result_is_literal_even_with_dollar_keys():
    assert run_pass({"Result": {"k.$": "$.a"}}, {"a": 1}) == {"k.$": "$.a"}


def test_pass_parameters_build_the_result_from_the_input():
    assert run_pass({"Parameters": {"copy.$": "$.a", "fixed": "v"}}, {"a": 1}) == {"copy": 1, "fixed": "v"}


def test_pass_result_path_adds_the_result_to_the_input():
    assert run_pass({"Result": "r", "ResultPath": "$.out"}, {"a": 1}) == {"a": 1, "out": "r"}


def test_pass_result_path_creates_missing_intermediate_objects():
    assert run_pass({"Result": 7, "ResultPath": "$.x.y.z"}, {"a": 1}) == {"a": 1, "x": {"y": {"z": 7}}}


def test_pass_result_path_overwrites_an_existing_field():
    assert run_pass({"Result": 2, "ResultPath": "$.a"}, {"a": 1, "b": 0}) == {"a": 2, "b": 0}


# --- null paths -------------------------------------------------------------------------------

def test_result_path_null_discards_the_result_and_keeps_the_input():
    assert run_pass({"Result": {"x": 1}, "ResultPath": None}, {"a": 1}) == {"a": 1}


def test_input_path_null_makes_the_effective_input_an_empty_object():
    assert run_pass({"InputPath": None}, {"a": 1}) == {}


def test_input_path_null_gives_parameters_an_empty_object():
    state = {"InputPath": None, "Parameters": {"present.$": "States.JsonToString($)"}}
    assert run_pass(state, {"a": 1}) == {"present": "{}"}


def test_output_path_null_makes_the_output_an_empty_object():
    assert run_pass({"Result": {"x": 1}, "OutputPath": None}, {"a": 1}) == {}


def test_output_path_selects_part_of_the_output():
    assert run_pass({"Result": {"x": {"y": 1}}, "OutputPath": "$.x"}, {}) == {"y": 1}


def test_input_path_selects_part_of_the_input():
    assert run_pass({"InputPath": "$.a"}, {"a": {"b": 1}, "c": 2}) == {"b": 1}


# --- ResultPath merges into the RAW input -----------------------------------------------------

def test_result_path_merges_into_the_raw_input_not_the_input_path_selection():
    state = {"InputPath": "$.inner", "ResultPath": "$.copied"}
    data = {"inner": {"v": 1}, "other": 2}
    assert run_pass(state, data) == {"inner": {"v": 1}, "other": 2, "copied": {"v": 1}}


def test_parameters_read_the_input_path_selection_and_result_path_writes_into_the_raw_input():
    state = {"InputPath": "$.order", "Parameters": {"id.$": "$.id"}, "ResultPath": "$.summary"}
    data = {"order": {"id": "o-1", "lines": 3}, "customer": "c-9"}
    assert run_pass(state, data) == {"order": {"id": "o-1", "lines": 3}, "customer": "c-9",
                                     "summary": {"id": "o-1"}}


def test_output_path_applies_after_result_path():
    state = {"InputPath": "$.a", "Result": "r", "ResultPath": "$.res", "OutputPath": "$.res"}
    assert run_pass(state, {"a": {}, "b": 1}) == "r"


def test_task_result_path_merges_the_result_into_the_raw_input():
    execution = run_task({"InputPath": "$.payload", "ResultPath": "$.taskResult"},
                         {"payload": {"n": 1}, "keep": True}, {"ok": 1})
    assert execution.output == {"payload": {"n": 1}, "keep": True, "taskResult": {"ok": 1}}


def test_task_receives_the_input_path_selection_as_its_parameters():
    execution = run_task({"InputPath": "$.payload"}, {"payload": {"n": 1}, "keep": True}, "r")
    assert execution.calls[0]["parameters"] == {"n": 1}


def test_task_result_selector_applies_to_the_raw_result_before_result_path():
    execution = run_task({"ResultSelector": {"body.$": "$.Payload.body"}, "ResultPath": "$.r"},
                         {"in": 1}, {"Payload": {"body": "B", "noise": 0}, "StatusCode": 200})
    assert execution.output == {"in": 1, "r": {"body": "B"}}


def test_task_result_path_null_keeps_the_input():
    execution = run_task({"ResultPath": None}, {"in": 1}, {"ignored": True})
    assert execution.output == {"in": 1}


def test_reading_a_path_from_a_null_state_input_is_a_runtime_error_as_on_aws():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": None, "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"x.$": "$"}, "End": True}}})
    run = machine.run({})
    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    assert run.cause == ("An error occurred while executing the state 'B' (entered at the event id #4). "
                         "Unable to apply Path transformation to null or empty input.")


def test_context_and_variable_paths_still_work_on_a_null_input():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": None, "Assign": {"v": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"name.$": "$$.State.Name", "v.$": "$v"}, "End": True}}})
    assert machine.run({}).output == {"name": "B", "v": 1}
