"""Distributed Map: child workflow executions, map runs, batching and tolerated failures.

Sources: developer guide state-map-distributed.md (each item or batch runs as a child workflow
execution with its own history; Label; MaxConcurrency up to 10,000 children), input-output-
itembatcher.md (child input {"BatchInput", "Items"}), maprun-fail-threshold.md
(States.ExceedToleratedFailureThreshold, "fails when it exceeds either value", percentage of failed
items), input-output-resultwriter.md (a failed child is reported whole); recorded AWS histories in
shared/conformance/histories.jsonl (MapRunStarted / MapRunSucceeded / MapRunFailed and their
previousEventId, no child event in the parent, MapStateStarted length 0 with an ItemReader).
"""
import pytest

import aslsim

LAMBDA = "arn:aws:states:::lambda:invoke"
START = "2025-01-01T00:00:00Z"
ACCOUNT = "123456789012"
EXCEEDED_CAUSE = "The specified tolerated failure threshold was exceeded"


def processor(states, start, execution_type="STANDARD"):
    return {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": start, "States": states}


def pass_processor(**fields):
    return processor({"Item": {"Type": "Pass", "End": True, **fields}}, "Item")


def task_processor():
    return processor({"Work": {"Type": "Task", "Resource": LAMBDA,
                               "Parameters": {"FunctionName": "work", "Payload.$": "$"}, "End": True}},
                     "Work")


def distributed(item_processor, name="Machine", **fields):
    return aslsim.load({"StartAt": "Map", "States": {
        "Map": {"Type": "Map", "ItemProcessor": item_processor, "End": True, **fields}}}, name=name)


def fail_when_odd(call_parameters):
    """A Task answer: odd payloads (or batches holding one) fail as the Lambda would."""
    payload = call_parameters["Payload"]
    values = [i for i in payload["Items"]] if isinstance(payload, dict) and "Items" in payload else [payload]
    if any(v % 2 for v in values):
        raise aslsim.ServiceError("Lambda.Unknown", f"odd: {values}")
    return {"Payload": values}


def types(execution):
    return [e["type"] for e in execution.history]


# --- the parent's history and the map run ----------------------------------------------------------

def test_the_parent_history_holds_the_map_run_events_and_none_of_the_childrens():
    ex = distributed(pass_processor()).run(["a", "b", "c"])
    assert ex.output == ["a", "b", "c"]
    assert types(ex) == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                         "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]
    started, run_started = ex.history[2], ex.history[3]
    assert started["mapStateStartedEventDetails"] == {"length": 3}
    # recorded: MapRunSucceeded follows MapRunStarted; MapStateSucceeded and MapStateExited follow it
    assert [e["previousEventId"] for e in ex.history[3:7]] == [3, 4, 5, 5]
    assert run_started["mapRunStartedEventDetails"]["mapRunArn"] == ex.map_runs[0].arn


def test_the_map_run_arn_names_the_machine_and_the_label():
    ex = distributed(pass_processor(), name="Orders", Label="PerOrder").run([1])
    run = ex.map_runs[0]
    prefix = f"arn:aws:states:us-east-1:{ACCOUNT}:mapRun:Orders/PerOrder:"
    assert run.arn.startswith(prefix) and len(run.arn) == len(prefix) + 36
    assert (run.label, run.status, run.execution_arn) == ("PerOrder", "SUCCEEDED", ex.execution_arn)


def test_without_a_label_the_map_run_is_named_after_the_state():
    ex = distributed(pass_processor(), name="Orders").run([1])
    assert ":mapRun:Orders/Map:" in ex.map_runs[0].arn


def test_each_child_is_an_execution_with_its_own_arn_history_and_context():
    item = pass_processor(Parameters={"id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name",
                                      "machine.$": "$$.StateMachine.Name", "input.$": "$$.Execution.Input"})
    ex = distributed(item, name="Orders", Label="PerOrder").run(["x", "y"])
    first, second = ex.map_runs[0].children
    assert first.execution_arn == f"arn:aws:states:us-east-1:{ACCOUNT}:execution:Orders/PerOrder:{first.name}"
    assert first.execution_arn != second.execution_arn
    assert ex.output == [
        {"id": first.execution_arn, "name": first.name, "machine": "Orders/PerOrder", "input": "x"},
        {"id": second.execution_arn, "name": second.name, "machine": "Orders/PerOrder", "input": "y"}]
    assert [e["type"] for e in first.history] == ["ExecutionStarted", "PassStateEntered",
                                                   "PassStateExited", "ExecutionSucceeded"]
    assert first.history[0]["executionStartedEventDetails"]["input"] == '"x"'
    assert (first.status, first.input, second.output["input"]) == ("SUCCEEDED", "x", "y")


def test_express_children_have_express_execution_arns():
    ex = distributed(processor({"Item": {"Type": "Pass", "End": True}}, "Item", "EXPRESS"),
                     name="Orders").run([1])
    child = ex.map_runs[0].children[0]
    assert child.execution_arn.startswith(f"arn:aws:states:us-east-1:{ACCOUNT}:express:Orders/Map:{child.name}:")
    assert ex.map_runs[0].execution_type == "EXPRESS"


def test_a_task_in_a_child_is_called_with_the_childs_execution_arn():
    arns = []

    def work(parameters, call):
        arns.append(call.execution_arn)
        return {"Payload": parameters["Payload"]}
    ex = distributed(task_processor()).run([1, 2], mocks={"Work": {"call": work}})
    assert arns == [child.execution_arn for child in ex.map_runs[0].children]
    assert ex.output == [{"Payload": 1}, {"Payload": 2}]


def test_children_do_not_see_the_parents_variables():
    machine = aslsim.load({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"x": "parent"}, "Next": "Map"},
        "Map": {"Type": "Map", "End": True, "ItemProcessor": processor({
            "Own": {"Type": "Pass", "Assign": {"x": "child"}, "Next": "Read"},
            "Read": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "End": True}}, "Own")}}})
    ex = machine.run([1, 2])
    assert ex.output == [{"x": "child"}, {"x": "child"}]
    assert ex.variables == {"x": "parent"}


def test_item_selector_sees_the_map_item_and_the_states_input():
    ex = distributed(pass_processor(), ItemsPath="$.items",
                     ItemSelector={"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value",
                                   "tag.$": "$.tag"}).run({"items": ["a", "b"], "tag": "t"})
    assert ex.output == [{"index": 0, "value": "a", "tag": "t"}, {"index": 1, "value": "b", "tag": "t"}]


def test_max_concurrency_limits_the_children_running_at_once_on_virtual_time():
    ex = distributed(task_processor(), MaxConcurrency=2).run(
        [1, 2, 3, 4, 5], mocks={"Work": {"return": {}, "duration": 10}}, start_time=START)
    assert [c["time"] - ex.start_ms for c in ex.calls] == [0, 0, 10_000, 10_000, 20_000]
    assert ex.stop_ms - ex.start_ms == 30_000


def test_the_path_lists_each_childs_states():
    ex = distributed(pass_processor()).run([1, 2])
    assert ex.flat_path() == ["Map", "Item", "Item"]


# --- ItemBatcher ----------------------------------------------------------------------------------

def test_batches_hold_max_items_per_batch_items_and_the_batch_input():
    ex = distributed(pass_processor(), ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"run.$": "$.run"}},
                     ItemsPath="$.items").run({"items": [1, 2, 3, 4, 5], "run": 7})
    assert ex.output == [{"BatchInput": {"run": 7}, "Items": [1, 2]},
                         {"BatchInput": {"run": 7}, "Items": [3, 4]},
                         {"BatchInput": {"run": 7}, "Items": [5]}]
    run = ex.map_runs[0]
    assert (run.item_counts()["succeeded"], run.execution_counts()["succeeded"]) == (5, 3)


def test_a_batch_closes_before_it_passes_max_input_bytes_per_batch():
    # {"Items":["aaaaaaaa","aaaaaaaa"]} is 33 bytes; a third item would make it 44
    items = ["a" * 8] * 5
    ex = distributed(pass_processor(), ItemBatcher={"MaxInputBytesPerBatch": 40}).run(items)
    assert [len(batch["Items"]) for batch in ex.output] == [2, 2, 1]


def test_batch_limits_may_come_from_paths_and_numeric_strings():
    ex = distributed(pass_processor(), ItemsPath="$.items",
                     ItemBatcher={"MaxItemsPerBatchPath": "$.size"}).run({"items": [1, 2, 3], "size": "2"})
    assert ex.output == [{"Items": [1, 2]}, {"Items": [3]}]


# --- tolerated failures ---------------------------------------------------------------------------

def test_one_failing_child_fails_the_map_run_when_nothing_is_tolerated():
    ex = distributed(task_processor(), MaxConcurrency=1).run([2, 3, 4], mocks={"Work": {"call": fail_when_odd}})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "States.ExceedToleratedFailureThreshold", EXCEEDED_CAUSE)
    assert types(ex)[3:] == ["MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    assert ex.history[4]["mapRunFailedEventDetails"] == {
        "error": "States.ExceedToleratedFailureThreshold", "cause": EXCEEDED_CAUSE}
    run = ex.map_runs[0]
    # the run stopped at the failure: the third item never started
    assert [c and c.status for c in run.children] == ["SUCCEEDED", "FAILED", None]
    assert run.children[1].error == "Lambda.Unknown"
    assert run.item_counts() == {"pending": 1, "running": 0, "succeeded": 1, "failed": 1, "timedOut": 0,
                                 "aborted": 0, "total": 3}
    assert (run.status, run.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")


def test_a_tolerated_failure_appears_in_the_output_as_the_childs_execution_record():
    ex = distributed(task_processor(), ToleratedFailureCount=1).run([2, 3], mocks={"Work": {"call": fail_when_odd}})
    assert ex.status == "SUCCEEDED"
    child = ex.map_runs[0].children[1]
    assert ex.output[0] == {"Payload": [2]}
    assert ex.output[1]["Status"] == "FAILED"
    assert (ex.output[1]["Error"], ex.output[1]["Cause"]) == ("Lambda.Unknown", "odd: [3]")
    assert (ex.output[1]["ExecutionArn"], ex.output[1]["Input"]) == (child.execution_arn, "3")


def test_failures_count_items_so_a_failing_batch_counts_all_its_items():
    fields = {"ItemBatcher": {"MaxItemsPerBatch": 2}, "MaxConcurrency": 1}
    mocks = {"Work": {"call": fail_when_odd}}
    # [2, 4] succeeds, [5, 6] fails: two failed items
    assert distributed(task_processor(), ToleratedFailureCount=1, **fields).run([2, 4, 5, 6], mocks=mocks).error \
        == "States.ExceedToleratedFailureThreshold"
    assert distributed(task_processor(), ToleratedFailureCount=2, **fields).run([2, 4, 5, 6], mocks=mocks).status \
        == "SUCCEEDED"


def test_the_tolerated_percentage_is_of_all_items():
    mocks = {"Work": {"call": fail_when_odd}}
    items = [2, 4, 6, 8, 1]          # one of five items fails: 20%
    assert distributed(task_processor(), ToleratedFailurePercentage=20).run(items, mocks=mocks).status == "SUCCEEDED"
    assert distributed(task_processor(), ToleratedFailurePercentage=19.9).run(items, mocks=mocks).error \
        == "States.ExceedToleratedFailureThreshold"


def test_with_both_thresholds_the_run_fails_when_either_is_exceeded():
    mocks = {"Work": {"call": fail_when_odd}}
    items = [1, 3, 2, 4]             # two of four fail: count 2, 50%
    both = distributed(task_processor(), ToleratedFailureCount=5, ToleratedFailurePercentage=40)
    assert both.run(items, mocks=mocks).error == "States.ExceedToleratedFailureThreshold"
    both = distributed(task_processor(), ToleratedFailureCount=1, ToleratedFailurePercentage=60)
    assert both.run(items, mocks=mocks).error == "States.ExceedToleratedFailureThreshold"


def test_a_catch_handles_the_exceeded_threshold():
    machine = aslsim.load({"StartAt": "Map", "States": {
        "Map": {"Type": "Map", "ItemProcessor": task_processor(), "Next": "Done",
                "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "Caught"}]},
        "Done": {"Type": "Succeed"}, "Caught": {"Type": "Pass", "End": True}}})
    ex = machine.run([1], mocks={"Work": {"call": fail_when_odd}})
    assert ex.output == {"Error": "States.ExceedToleratedFailureThreshold", "Cause": EXCEEDED_CAUSE}
    assert ex.flat_path()[-1] == "Caught"


def test_a_negative_tolerated_count_from_a_path_fails_before_the_map_run_starts():
    ex = distributed(pass_processor(), ItemsPath="$.items",
                     ToleratedFailureCountPath="$.tolerate").run({"items": [1], "tolerate": -1})
    assert (ex.error, ex.cause) == ("States.Runtime", "An error occurred while executing the state 'Map' "
                                    "(entered at the event id #2). ToleratedFailureCount cannot be negative.")
    # recorded: no MapRun event and no MapStateFailed
    assert types(ex) == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "ExecutionFailed"]


def test_a_tolerated_percentage_path_reads_numeric_strings():
    ex = distributed(task_processor(), ItemsPath="$.items", ToleratedFailurePercentagePath="$.tolerate").run(
        {"items": [1, 2], "tolerate": "50"}, mocks={"Work": {"call": fail_when_odd}})
    assert ex.status == "SUCCEEDED"


def test_jsonata_tolerated_failure_count_is_an_expression():
    machine = aslsim.load({"QueryLanguage": "JSONata", "StartAt": "Map", "States": {"Map": {
        "Type": "Map", "Items": "{% $states.input.items %}", "End": True,
        "ToleratedFailureCount": "{% $states.input.tolerate %}",
        "ItemProcessor": processor({"Work": {"Type": "Task", "Resource": LAMBDA, "End": True,
                                             "Arguments": {"FunctionName": "work",
                                                           "Payload": "{% $states.input %}"}}}, "Work")}}})
    mocks = {"Work": {"call": fail_when_odd}}
    assert machine.run({"items": [1, 2], "tolerate": 1}, mocks=mocks).status == "SUCCEEDED"
    assert machine.run({"items": [1, 3], "tolerate": 1}, mocks=mocks).error == "States.ExceedToleratedFailureThreshold"


def test_a_task_nothing_answers_in_a_child_is_reported_as_such_not_as_a_threshold():
    ex = distributed(task_processor()).run([1])
    assert ex.error == "States.Runtime"
    assert "nothing answers the Task state 'Work'" in ex.cause


# --- S3 without a store -----------------------------------------------------------------------------

def test_an_item_reader_without_s3_fails_with_a_message_saying_what_to_pass():
    ex = distributed(pass_processor(), ItemReader={
        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": "b", "Key": "k.json"}}).run({})
    assert ex.error == "States.Runtime"
    assert "reads its items from S3 (ItemReader), and this run has no S3: pass s3='folder'" in ex.cause
    assert "aws='moto'" in ex.cause


@pytest.mark.parametrize("fields, field", [
    ({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject"}}, "ItemReader"),
    ({"ItemBatcher": {"MaxItemsPerBatch": 2}}, "ItemBatcher"),
    ({"ResultWriter": {"WriterConfig": {"OutputType": "JSON"}}}, "ResultWriter"),
])
def test_reader_batcher_and_writer_are_refused_on_an_inline_map(fields, field):
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"StartAt": "Map", "States": {"Map": {
            "Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
            "End": True, **fields}}})
    assert (caught.value.state, caught.value.field) == ("Map", field)
    assert "only allowed on a Distributed Map" in str(caught.value)


@pytest.mark.parametrize("fields, field", [
    ({"ItemBatcher": {"BatchInput": {}}}, "ItemBatcher"),
    ({"ItemBatcher": {"MaxInputBytesPerBatch": 262_145}}, "ItemBatcher.MaxInputBytesPerBatch"),
    ({"ItemBatcher": {"MaxItemsPerBatch": 0}}, "ItemBatcher.MaxItemsPerBatch"),
    ({"ToleratedFailurePercentage": 101}, "ToleratedFailurePercentage"),
    ({"ToleratedFailureCount": -1}, "ToleratedFailureCount"),
    ({"ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.n"}, "ToleratedFailureCount"),
    ({"Label": "x" * 41}, "Label"),
    ({"ItemReader": {"Resource": "arn:aws:states:::s3:putObject"}}, "ItemReader.Resource"),
    ({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                     "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}}},
     "ItemReader.ReaderConfig.CSVHeaders"),
    ({"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"}}, "ResultWriter.Resource"),
    ({"ResultWriter": {"WriterConfig": {"Transformation": "SQUASH"}}},
     "ResultWriter.WriterConfig.Transformation"),
])
def test_distributed_map_fields_are_checked_at_load(fields, field):
    with pytest.raises(aslsim.DefinitionError) as caught:
        distributed(pass_processor(), **fields)
    assert (caught.value.state, caught.value.field) == ("Map", field)
