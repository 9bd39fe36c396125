"""256 KiB (262,144 bytes of UTF-8 JSON) for every state's input and output, not only for task
results: a Pass with ResultPath, Parameters, a JSONata Output, a Task's Arguments, Map and
Parallel results; AWS's error, States.DataLimitExceeded, in its words."""
import json

import pytest

import aslsim

LIMIT = 262_144
TASK = "arn:aws:states:::lambda:invoke"


def cause(state):
    return (f"The state/task '{state}' returned a result with a size exceeding the maximum number "
            "of bytes service limit.")


def run(states, data=None, start="S", **options):
    return aslsim.load({"StartAt": start, "States": states}).run({} if data is None else data, **options)


def assert_too_large(ex, state):
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.DataLimitExceeded", cause(state))
    assert ex.history[-1]["type"] == "ExecutionFailed"


def test_a_pass_whose_result_path_makes_the_output_too_large_fails():
    ex = run({"S": {"Type": "Pass", "Result": "x" * 150_000, "ResultPath": "$.more", "End": True}},
             {"big": "y" * 150_000})
    assert_too_large(ex, "S")
    assert [e["type"] for e in ex.history] == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


def test_parameters_that_make_the_output_too_large_fail():
    ex = run({"S": {"Type": "Pass", "Parameters": {"a.$": "$.big", "b.$": "$.big"}, "End": True}},
             {"big": "y" * 140_000})
    assert_too_large(ex, "S")


def test_an_output_of_exactly_the_limit_succeeds_and_one_byte_more_fails():
    def padded(extra):
        # {"p":"…"} is 8 bytes around the string
        return run({"S": {"Type": "Pass", "Result": {"p": "z" * (LIMIT - 8 + extra)}, "End": True}})
    exact = padded(0)
    assert exact.status == "SUCCEEDED"
    assert len(json.dumps(exact.output, separators=(",", ":")).encode()) == LIMIT
    assert_too_large(padded(1), "S")


def test_multibyte_characters_count_as_their_utf8_bytes():
    # 100,000 "é" are 200,000 bytes: twice that does not fit, though it is 200,000 characters
    ex = run({"S": {"Type": "Pass", "Parameters": {"a.$": "$.t", "b.$": "$.t"}, "End": True}},
             {"t": "é" * 100_000})
    assert_too_large(ex, "S")


@pytest.fixture
def jsonata():
    def run_jsonata(states, data=None):
        return aslsim.load({"QueryLanguage": "JSONata", "StartAt": "S", "States": states}).run(
            {} if data is None else data)
    return run_jsonata


def test_a_jsonata_output_expression_too_large_fails(jsonata):
    assert_too_large(jsonata({"S": {"Type": "Pass", "Output": "{% $pad('', 300000, 'x') %}",
                                    "End": True}}), "S")


def test_a_jsonata_output_object_too_large_in_total_fails(jsonata):
    ex = jsonata({"S": {"Type": "Pass", "End": True, "Output": {
        "a": "{% $pad('', 150000, 'x') %}", "b": "{% $pad('', 150000, 'y') %}"}}})
    assert_too_large(ex, "S")


def test_task_arguments_too_large_fail_before_the_task_is_scheduled(jsonata):
    ex = jsonata({"S": {"Type": "Task", "Resource": TASK, "End": True, "Arguments": {
        "FunctionName": "f", "Payload": {"a": "{% $pad('', 150000, 'x') %}",
                                         "b": "{% $pad('', 150000, 'y') %}"}}}})
    assert_too_large(ex, "S")
    assert ex.calls == [] and "TaskScheduled" not in [e["type"] for e in ex.history]


def map_of(items_each: int, **fields):
    return {"S": {"Type": "Map", "End": True, "ItemProcessor": {"StartAt": "Make", "States": {
        "Make": {"Type": "Pass", "Result": "m" * items_each, "End": True}}}, **fields}}


def test_map_results_too_large_fail_the_map():
    assert_too_large(run(map_of(100_000), [1, 2, 3]), "S")


def test_a_map_result_too_large_is_caught_by_its_catch():
    states = map_of(100_000, Catch=[{"ErrorEquals": ["States.DataLimitExceeded"], "Next": "Small"}])
    states["S"].pop("End")
    states["S"]["Next"] = "Small"
    states["Small"] = {"Type": "Succeed"}
    ex = run(states, [1, 2, 3])
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Error": "States.DataLimitExceeded", "Cause": cause("S")}


def test_parallel_results_too_large_fail_the_parallel():
    branch = [{"StartAt": f"B{i}", "States": {f"B{i}": {"Type": "Pass", "Result": "p" * 100_000,
                                                          "End": True}}} for i in range(3)]
    assert_too_large(run({"S": {"Type": "Parallel", "Branches": branch, "End": True}}), "S")


def test_small_payloads_everywhere_succeed():
    ex = run(map_of(10_000), [1, 2, 3])
    assert ex.status == "SUCCEEDED" and len(ex.output) == 3


def selector_map(selector: dict, processor_parameters: dict | None = None):
    make = {"Type": "Pass", "End": True}
    if processor_parameters is not None:
        make["Parameters"] = processor_parameters
    return {"S": {"Type": "Map", "End": True, "ItemsPath": "$.items", "ItemSelector": selector,
                  "ItemProcessor": {"StartAt": "Make", "States": {"Make": make}}}}


def test_an_item_selector_repeating_a_large_item_fails_the_map():
    selector = {"a.$": "$$.Map.Item.Value", "b.$": "$$.Map.Item.Value", "c.$": "$$.Map.Item.Value"}
    assert_too_large(run(selector_map(selector), {"items": ["i" * 100_000]}), "S")


def test_an_item_selector_over_a_large_input_stays_checked_inside_the_iteration():
    # each item's input (the item and a 100 kB field of the Map's input) is within the limit;
    # the iteration's Pass doubles it past the limit
    selector = {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "p.$": "$.pad"}
    data = {"items": [0, 1], "pad": "p" * 100_000}
    ex = run(selector_map(selector), data)
    assert ex.status == "SUCCEEDED" and ex.output[1] == {"i": 1, "v": 1, "p": data["pad"]}
    ex = run(selector_map(selector, {"a.$": "$.p", "b.$": "$.p", "c.$": "$.p"}), data)
    assert_too_large(ex, "Make")
