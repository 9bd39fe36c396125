"""Parallel and inline Map: result order, concurrency on virtual time, failures and their events.

Sources: developer guide amazon-states-language-parallel-state.md ("the output is an array with
one element for each branch", a failing branch fails the state), amazon-states-language-map-state.md
(ItemsPath, MaxConcurrency 0 = no limit, Parameters / legacy Iterator),
input-output-contextobject.md ($$.Map.Item.Index / Value); CHECKLIST sections 2 and 13; recorded
AWS histories in shared/conformance/histories.jsonl (named where used).
"""
import aslsim

LAMBDA = "arn:aws:states:::lambda:invoke"
# lambda:invoke takes FunctionName and Payload (checked against botocore's model, as on AWS)
LAMBDA_PARAMETERS = {"FunctionName": "work", "Payload.$": "$"}
START = "2025-01-01T00:00:00Z"


def task(name, **fields):
    return {"StartAt": name, "States": {name: {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True, **fields}}}


def types(execution):
    return [e["type"] for e in execution.history]


def branch_events(execution, first_state):
    """The events of the branch that starts with ``first_state``, following previousEventId."""
    entered = next(e for e in execution.history if e["type"].endswith("StateEntered")
                   and e["stateEnteredEventDetails"]["name"] == first_state)
    chain, last = [entered], entered["id"]
    for event in execution.history:
        if event["previousEventId"] == last and event["id"] > last:
            chain.append(event)
            last = event["id"]
    return chain


def parallel(*branches, **fields):
    return aslsim.load({"StartAt": "Par", "States": {
        "Par": {"Type": "Parallel", "Branches": list(branches), "End": True, **fields}}})


# --- Parallel ---------------------------------------------------------------------------------

def test_parallel_output_is_the_branch_outputs_in_branch_order():
    m = parallel(task("A"), task("B"), task("C"))
    ex = m.run({}, mocks={"A": {"return": "a", "duration": 3}, "B": {"return": "b", "duration": 1},
                          "C": {"return": "c", "duration": 2}})
    assert ex.output == ["a", "b", "c"]


def test_parallel_branches_all_receive_the_parallel_states_input():
    m = parallel(task("A"), task("B"))
    ex = m.run({"x": 1}, mocks={"A": {"return": 1}, "B": {"return": 2}})
    assert [c["parameters"]["Payload"] for c in ex.calls] == [{"x": 1}, {"x": 1}]


def test_parallel_branches_run_at_the_same_time():
    m = parallel(task("A"), task("B"))
    ex = m.run({}, mocks={"A": {"return": 1, "duration": 30}, "B": {"return": 2, "duration": 20}},
               start_time=START)
    assert [c["time"] for c in ex.calls] == [ex.start_ms, ex.start_ms]
    assert ex.stop_date == "2025-01-01T00:00:30.000Z"


def test_parallel_result_path_merges_the_array_into_the_input():
    m = parallel(task("A"), task("B"), ResultPath="$.results")
    ex = m.run({"id": 7}, mocks={"A": {"return": 1}, "B": {"return": 2}})
    assert ex.output == {"id": 7, "results": [1, 2]}


def test_a_failing_branch_fails_the_parallel_with_the_branchs_error_and_cause():
    m = parallel(task("Fails"), {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 10,
                                                                      "End": True}}})
    ex = m.run({}, mocks={"Fails": {"throw": {"Error": "Boom", "Cause": "branch 0 broke"}, "duration": 1}})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Boom", "branch 0 broke")


def test_a_failing_branch_stops_the_parallel_at_once():
    m = parallel(task("Fails"), {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 10,
                                                                      "End": True}}})
    ex = m.run({}, mocks={"Fails": {"throw": {"Error": "Boom"}, "duration": 1}}, start_time=START)
    assert ex.stop_date == "2025-01-01T00:00:01.000Z"


def test_a_failing_branch_aborts_the_states_still_running_in_its_siblings():
    m = parallel(task("Fails"),
                 {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 10, "End": True}}},
                 task("SlowTask"))
    ex = m.run({}, mocks={"Fails": {"throw": {"Error": "Boom"}, "duration": 1},
                          "SlowTask": {"return": 1, "duration": 20}})
    assert "WaitStateAborted" in types(ex)
    assert any(e["type"] == "TaskStateAborted" for e in branch_events(ex, "SlowTask"))
    assert types(ex)[-2:] == ["ParallelStateFailed", "ExecutionFailed"]


def test_a_sibling_never_runs_a_state_after_the_parallel_failed():
    m = parallel(task("Fails"),
                 {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 10, "Next": "After"},
                                                "After": {"Type": "Pass", "End": True}}})
    ex = m.run({}, mocks={"Fails": {"throw": {"Error": "Boom"}, "duration": 1}})
    assert "After" not in ex.flat_path()


def test_a_task_failing_inside_a_branch_is_recorded_as_failed_then_aborted():
    # recorded: test_sqs_failure_in_wait_for_task_tok_no_error_field[SQS_PARALLEL_WAIT_FOR_TASK_TOKEN]
    # and PARALLEL_CATCH_ERROR_OUTPUT_WITH_RETRY: TaskFailed, TaskStateAborted, ParallelStateFailed
    m = parallel(task("Fails"))
    ex = m.run({}, mocks={"Fails": {"throw": {"Error": "Boom", "Cause": "x"}}})
    assert types(ex) == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                         "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
                         "TaskStateAborted", "ParallelStateFailed", "ExecutionFailed"]


def test_a_fail_state_in_a_branch_fails_the_parallel_without_aborted_events():
    # recorded: test_parallel_state_fail
    m = parallel({"StartAt": "Branch1", "States": {"Branch1": {"Type": "Fail", "Error": "FailureType"}}})
    ex = m.run({})
    assert types(ex) == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                         "FailStateEntered", "ParallelStateFailed", "ExecutionFailed"]
    assert (ex.error, ex.cause) == ("FailureType", None)


def test_a_parallel_catch_receives_the_branchs_error_output():
    # recorded: test_parallel_state_catch
    m = aslsim.load({"StartAt": "ParallelState", "States": {
        "ParallelState": {"Type": "Parallel", "Next": "Final",
                          "Branches": [{"StartAt": "Branch1", "States": {
                              "Branch1": {"Type": "Fail", "Error": "FailureType", "Cause": "Cause description"}}}],
                          "Catch": [{"ErrorEquals": ["FailureType"], "Next": "FinalCaught"}]},
        "Final": {"Type": "Pass", "End": True},
        "FinalCaught": {"Type": "Pass", "End": True}}})
    ex = m.run({})
    assert ex.status == "SUCCEEDED"
    assert ex.output == {"Cause": "Cause description", "Error": "FailureType"}


def test_a_parallel_retry_runs_every_branch_again():
    # recorded: test_parallel_state_retry (ParallelStateStarted again, no new ParallelStateEntered)
    m = parallel({"StartAt": "Branch1", "States": {"Branch1": {"Type": "Fail", "Error": "FailureType",
                                                               "Cause": "Cause description"}}},
                 Retry=[{"ErrorEquals": ["FailureType"], "MaxAttempts": 2}])
    ex = m.run({})
    assert types(ex) == ["ExecutionStarted", "ParallelStateEntered",
                         "ParallelStateStarted", "FailStateEntered",
                         "ParallelStateStarted", "FailStateEntered",
                         "ParallelStateStarted", "FailStateEntered",
                         "ParallelStateFailed", "ExecutionFailed"]
    assert (ex.error, ex.cause) == ("FailureType", "Cause description")


# --- Map --------------------------------------------------------------------------------------

def map_machine(processor_states, start, **fields):
    return aslsim.load({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": start, "States": processor_states},
        **fields}}})


WORK = {"Work": {"Type": "Task", "Resource": LAMBDA, "Parameters": LAMBDA_PARAMETERS, "End": True}}
THREE_ITEMS_SLOWEST_FIRST = [{"return": "r0", "duration": 3}, {"return": "r1", "duration": 1},
                             {"return": "r2", "duration": 2}]


def test_map_output_is_the_iteration_outputs_in_item_order():
    m = map_machine(WORK, "Work", ItemsPath="$.items")
    ex = m.run({"items": [0, 1, 2]}, mocks={"Work": THREE_ITEMS_SLOWEST_FIRST})
    assert ex.output == ["r0", "r1", "r2"]


def test_map_passes_each_item_to_its_iteration():
    m = map_machine({"Echo": {"Type": "Pass", "End": True}}, "Echo")
    ex = m.run([{"n": 1}, {"n": 2}])
    assert ex.output == [{"n": 1}, {"n": 2}]


def test_map_max_concurrency_zero_runs_every_iteration_at_once():
    m = map_machine(WORK, "Work", ItemsPath="$.items", MaxConcurrency=0)
    ex = m.run({"items": [0, 1, 2]}, mocks={"Work": THREE_ITEMS_SLOWEST_FIRST}, start_time=START)
    assert [c["time"] - ex.start_ms for c in ex.calls] == [0, 0, 0]
    assert ex.stop_date == "2025-01-01T00:00:03.000Z"


def test_map_max_concurrency_one_runs_iterations_one_after_another():
    m = map_machine(WORK, "Work", ItemsPath="$.items", MaxConcurrency=1)
    ex = m.run({"items": [0, 1, 2]}, mocks={"Work": THREE_ITEMS_SLOWEST_FIRST}, start_time=START)
    assert [c["time"] - ex.start_ms for c in ex.calls] == [0, 3_000, 4_000]
    assert ex.stop_date == "2025-01-01T00:00:06.000Z"
    assert ex.output == ["r0", "r1", "r2"]


def test_map_max_concurrency_two_keeps_two_iterations_in_flight():
    m = map_machine(WORK, "Work", MaxConcurrency=2)
    ex = m.run([0, 1, 2, 3], mocks={"Work": [{"return": i, "duration": 10} for i in range(4)]},
               start_time=START)
    assert [c["time"] - ex.start_ms for c in ex.calls] == [0, 0, 10_000, 10_000]
    assert ex.stop_date == "2025-01-01T00:00:20.000Z"


def test_map_iteration_events_carry_the_item_index():
    m = map_machine({"Echo": {"Type": "Pass", "End": True}}, "Echo")
    ex = m.run(["a", "b"])
    started = [e["mapIterationStartedEventDetails"] for e in ex.history if e["type"] == "MapIterationStarted"]
    assert started == [{"index": 0, "name": "M"}, {"index": 1, "name": "M"}]
    assert [e["type"] for e in ex.history if e["type"].startswith("MapState")] == [
        "MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited"]


def test_map_state_started_records_the_number_of_items():
    m = map_machine({"Echo": {"Type": "Pass", "End": True}}, "Echo")
    ex = m.run(["a", "b", "c"])
    started = next(e for e in ex.history if e["type"] == "MapStateStarted")
    assert started["mapStateStartedEventDetails"] == {"length": 3}


def test_map_over_an_empty_array_outputs_an_empty_array():
    m = map_machine({"Echo": {"Type": "Pass", "End": True}}, "Echo")
    ex = m.run([])
    assert (ex.status, ex.output) == ("SUCCEEDED", [])


def test_map_item_selector_sees_the_item_index_and_value_in_the_context():
    m = map_machine({"Echo": {"Type": "Pass", "End": True}}, "Echo", ItemsPath="$.items",
                    ItemSelector={"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value",
                                  "tag.$": "$.tag"})
    ex = m.run({"items": ["a", "b"], "tag": "T"})
    assert ex.output == [{"index": 0, "value": "a", "tag": "T"}, {"index": 1, "value": "b", "tag": "T"}]


def test_legacy_iterator_with_parameters_works_like_item_processor_with_item_selector():
    m = aslsim.load({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": True, "ItemsPath": "$.items",
        "Parameters": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
        "Iterator": {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}}}})
    ex = m.run({"items": [10, 20]})
    assert ex.output == [{"i": 0, "v": 10}, {"i": 1, "v": 20}]


def test_a_failing_iteration_fails_the_map_with_its_error():
    m = map_machine(WORK, "Work")
    ex = m.run([0, 1], mocks={"Work": [{"return": 0, "duration": 5},
                                       {"throw": {"Error": "ItemBroke", "Cause": "item 1"}, "duration": 1}]})
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "ItemBroke", "item 1")


def test_a_failing_iteration_aborts_the_iterations_still_running():
    m = map_machine(WORK, "Work")
    ex = m.run([0, 1], mocks={"Work": [{"return": 0, "duration": 5},
                                       {"throw": {"Error": "ItemBroke"}, "duration": 1}]})
    kinds = types(ex)
    assert "MapIterationFailed" in kinds
    assert "MapIterationAborted" in kinds
    assert "MapIterationSucceeded" not in kinds
    assert kinds[-2:] == ["MapStateFailed", "ExecutionFailed"]


def test_a_map_catch_receives_the_iterations_error_output():
    # recorded: test_map_state_catch
    m = aslsim.load({"StartAt": "M", "States": {
        "M": {"Type": "Map", "Next": "Final",
              "ItemProcessor": {"StartAt": "HandleItem", "States": {
                  "HandleItem": {"Type": "Fail", "Error": "HandleItemFailError", "Cause": "HandleItemFailCause"}}},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]},
        "Final": {"Type": "Pass", "End": True}, "Caught": {"Type": "Pass", "End": True}}})
    ex = m.run([1])
    assert ex.output == {"Cause": "HandleItemFailCause", "Error": "HandleItemFailError"}


def test_map_items_path_to_a_non_array_fails_with_states_runtime():
    m = map_machine({"Echo": {"Type": "Pass", "End": True}}, "Echo", ItemsPath="$.items")
    ex = m.run({"items": {"not": "an array"}})
    assert (ex.status, ex.error) == ("FAILED", "States.Runtime")
